import {
  type AgentToolbox,
  type CodeMode,
  type CodeModeOptions,
  type ConnectOptions,
  createCodeMode,
  openClassicMode,
  type ServersOption,
} from "@codecall/core";
import type { ToolSet } from "ai";
import { type ToolboxToolsOptions, toolboxTools } from "./tools.js";

/** Tools for the AI SDK with the system text that goes with them, and what to close when done. */
export interface CodecallTools<M extends "code" | "classic"> {
  readonly mode: M;
  /** Pass as `tools` to `generateText`, `streamText` or an agent. Rebuilt on read, so it follows the catalogue. */
  readonly tools: ToolSet;
  /** Pass as `system` (or prepend to yours): how to use the tools, and which servers are connected. */
  readonly system: string;
  /** The toolbox the tools call. */
  readonly toolbox: AgentToolbox;
  /** Closes what codecall opened (the sandbox and, unless you passed them, the MCP connections). */
  close(): Promise<void>;
}

/** Code mode's tools: the toolbox is a {@link CodeMode}, for `search` and `execute` outside the model loop. */
export interface CodeModeTools extends CodecallTools<"code"> {
  readonly codeMode: CodeMode;
}

/** Options of {@link createCodeModeTools}: those of `createCodeMode`, plus how tools stream. */
export interface CodeModeToolsOptions extends CodeModeOptions, ToolboxToolsOptions {}

/**
 * Code mode as AI SDK tools: connects the MCP servers, generates their typed API and serves
 * `search_tools`, `execute_code`, `list_files` and `read_file`. Policy (`interceptor`), `privacy`, the
 * sandbox and limits are `createCodeMode`'s own.
 *
 * ```ts
 * const codecall = await createCodeModeTools({ servers: "./.mcp.json" });
 * const { text } = await generateText({ model, system: codecall.system, tools: codecall.tools,
 *   stopWhen: stepCountIs(10), prompt: "How many entities are in my memory graph?" });
 * await codecall.close();
 * ```
 */
export async function createCodeModeTools(options: CodeModeToolsOptions): Promise<CodeModeTools> {
  const { events, ...codeModeOptions } = options;
  const codeMode = await createCodeMode(codeModeOptions);
  return {
    mode: "code",
    codeMode,
    toolbox: codeMode,
    get tools() {
      return toolboxTools(codeMode, events === undefined ? {} : { events });
    },
    get system() {
      return codeMode.system();
    },
    close: () => codeMode.close(),
  };
}

/** Options of {@link createClassicModeTools}. */
export interface ClassicModeToolsOptions extends ToolboxToolsOptions {
  /** An `mcpServers` file path or URL, the parsed object, or connections you made (they stay yours). */
  servers: ServersOption;
  connect?: ConnectOptions;
  /** System text for the model. Default: classic mode's own. */
  system?: string;
}

/**
 * Classic mode as AI SDK tools, for comparisons: every MCP tool is one AI SDK tool (`server__tool`), and
 * every result goes through the model's context.
 */
export async function createClassicModeTools(
  options: ClassicModeToolsOptions,
): Promise<CodecallTools<"classic">> {
  const { toolbox, close } = await openClassicMode(options);
  return {
    mode: "classic",
    toolbox,
    get tools() {
      return toolboxTools(toolbox, options.events === undefined ? {} : { events: options.events });
    },
    get system() {
      return toolbox.system();
    },
    close,
  };
}
