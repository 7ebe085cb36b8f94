import {
  type AgentToolbox,
  type CodeMode,
  type CodeModeOptions,
  type ConnectOptions,
  createCodeMode,
  openClassicMode,
  type ServersOption,
} from "@codecall/core";
import type { DynamicStructuredTool } from "@langchain/core/tools";
import { type LangChainToolsOptions, toolboxTools } from "./tools.js";

/** LangChain tools with the system text that goes with them, and what to close when done. */
export interface CodecallLangChainTools<M extends "code" | "classic"> {
  readonly mode: M;
  /** Pass to `model.bindTools(...)`, a `ToolNode` or an agent. Rebuilt on read, so it follows the catalogue. */
  readonly tools: DynamicStructuredTool[];
  /** Use as the system message: how to use the tools, and which servers are connected. */
  readonly system: string;
  readonly toolbox: AgentToolbox;
  /** Closes what codecall opened (the sandbox and, unless you passed them, the MCP connections). */
  close(): Promise<void>;
}

export interface CodeModeLangChainTools extends CodecallLangChainTools<"code"> {
  readonly codeMode: CodeMode;
}

/** Options of {@link createCodeModeTools}: those of `createCodeMode`, plus event dispatching. */
export interface CodeModeToolsOptions extends CodeModeOptions, LangChainToolsOptions {}

/**
 * Code mode as LangChain.js tools: `search_tools`, `execute_code`, `list_files` and `read_file` over your
 * MCP servers, with `createCodeMode`'s policy, privacy, sandbox and limits.
 */
export async function createCodeModeTools(options: CodeModeToolsOptions): Promise<CodeModeLangChainTools> {
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

export interface ClassicModeToolsOptions extends LangChainToolsOptions {
  /** An `mcpServers` file path or URL, the parsed object, or connections you made (they stay yours). */
  servers: ServersOption;
  connect?: ConnectOptions;
  system?: string;
}

/** Classic mode as LangChain tools, for comparisons: every MCP tool is one tool (`server__tool`). */
export async function createClassicModeTools(
  options: ClassicModeToolsOptions,
): Promise<CodecallLangChainTools<"classic">> {
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
