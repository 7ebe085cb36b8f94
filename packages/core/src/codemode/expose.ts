import type { GeneratedTool } from "@codecall/codegen";
import type {
  CompleteRequest,
  CompleteResult,
  Resource,
  ResourceTemplate,
} from "@modelcontextprotocol/sdk/types.js";
import { classicToolName } from "../agent/classic.js";
import type { AgentToolbox, AgentToolDefinition, ToolUseResult } from "../agent/toolbox.js";
import { nearestToolNames } from "../discovery/nearest.js";
import { META_TOOL_NAMES } from "../discovery/prompt.js";
import { CodecallError } from "../errors.js";
import { type ProgramResourceContent, RESOURCE_TOOL_IDS } from "../mcp/resource-tools.js";
import type { CatalogueTool } from "../mcp/types.js";
import type { CodeMode } from "./code-mode.js";

/**
 * What a code mode offers an MCP client or model:
 * - `code`: `search_tools`, `execute_code` and the file tools (code mode itself);
 * - `tools`: the upstream tools as they are, one per tool, for clients that cannot run programs;
 * - `search`: `search_tools` and `call_tool`, the catalogue behind two tools for clients that cannot run
 *   programs and should not see hundreds of definitions;
 * - `both`: `code` and `tools` side by side.
 * Every surface calls tools through the same bridge as programs: argument validation, policy, privacy.
 */
export type ExposedSurface = "code" | "tools" | "search" | "both";

export const EXPOSED_SURFACES: readonly ExposedSurface[] = ["code", "tools", "search", "both"];

/** Options of {@link exposeCodeMode}. */
export interface ExposeOptions {
  /**
   * How upstream tools are named on the `tools` surface: `namespaced` (`<server>__<tool>`, default) or
   * `bare` (the upstream name; two servers with a tool of the same name are then a CONFIG_INVALID error).
   */
  names?: "namespaced" | "bare";
}

/** The name of the tool that calls a catalogue tool on the `search` surface. */
export const CALL_TOOL_NAME = "call_tool";

/** A toolbox serving `surface` of a code mode; it follows the catalogue's changes like code mode does. */
export interface ExposedToolbox extends AgentToolbox {
  onToolsChanged(listener: () => void): () => void;
  /**
   * The upstream servers' resources, on every surface but `code` (where programs read them): listed and
   * read through the same bridge as a program's `codecall.readResource` (policy, privacy).
   */
  resources?: ExposedResources;
}

/** Upstream resources as one MCP server offers them: URIs are global, so they are not namespaced. */
export interface ExposedResources {
  list(): Promise<Resource[]>;
  templates(): Promise<ResourceTemplate[]>;
  /** The resource's contents; TOOL_NOT_FOUND when no upstream server lists it or has a template for it. */
  read(uri: string, options?: { signal?: AbortSignal }): Promise<{ contents: ProgramResourceContent[] }>;
  /**
   * Calls `onUpdated` whenever the owning server says the resource changed; resolves with the function
   * that stops. TOOL_NOT_FOUND as for `read`; MCP_PROTOCOL_ERROR when that server has no subscriptions.
   */
  subscribe(uri: string, onUpdated: () => void): Promise<() => Promise<void>>;
  /** Completion of a resource template's argument (`ref/resource`), by the server with that template. */
  complete(params: CompleteRequest["params"]): Promise<CompleteResult>;
}

/**
 * A toolbox offering `surface` of `codeMode` (see {@link ExposedSurface}); `codecall serve --expose` serves
 * it. The code mode stays the caller's to close.
 *
 * ```ts
 * const toolbox = exposeCodeMode(codeMode, "search");
 * toolbox.tools().map((t) => t.name); // ["search_tools", "call_tool"]
 * ```
 */
export function exposeCodeMode(
  codeMode: CodeMode,
  surface: ExposedSurface,
  options: ExposeOptions = {},
): ExposedToolbox {
  if (!EXPOSED_SURFACES.includes(surface))
    throw new CodecallError(
      "CONFIG_INVALID",
      `Cannot expose ${JSON.stringify(surface)}: choose one of ${EXPOSED_SURFACES.join(", ")}.`,
    );
  const names = options.names ?? "namespaced";
  if (names !== "namespaced" && names !== "bare")
    throw new CodecallError(
      "CONFIG_INVALID",
      `names must be "namespaced" or "bare", got ${JSON.stringify(names)}.`,
    );
  const onToolsChanged = (listener: () => void) => codeMode.onToolsChanged(listener);
  if (surface === "code") return { ...codeModeToolbox(codeMode), onToolsChanged };

  const upstream = new UpstreamTools(codeMode, names);
  const resources = upstreamResources(codeMode);
  if (surface === "tools") {
    return {
      resources,
      mode: "classic",
      system: () => upstreamSystem(codeMode),
      tools: () => upstream.definitions(),
      call: (name, input, context) => upstream.callByName(name, input, context.signal),
      onToolsChanged,
    };
  }
  if (surface === "search") {
    const search = codeMode.tools().find((t) => t.name === META_TOOL_NAMES.searchTools);
    if (!search) throw new Error("code mode has no search_tools");
    return {
      resources,
      mode: "classic",
      system: () => searchSystem(codeMode),
      tools: () => [search, CALL_TOOL_DEFINITION],
      call: (name, input, context) => {
        if (name === META_TOOL_NAMES.searchTools) return codeMode.call(name, input, context);
        if (name === CALL_TOOL_NAME) return upstream.callById(input, context.signal);
        return Promise.resolve(unknownTool(name, [search.name, CALL_TOOL_NAME]));
      },
      onToolsChanged,
    };
  }
  // both: code mode's tools first; an upstream tool can never shadow a meta-tool.
  const own = new Set(codeMode.tools().map((t) => t.name));
  return {
    resources,
    mode: "code",
    system: () =>
      `${codeMode.system()}\n\nThe upstream tools are also offered one by one; prefer a program when a task needs more than one call.`,
    tools: () => [...codeMode.tools(), ...upstream.definitions().filter((t) => !own.has(t.name))],
    call: (name, input, context) =>
      own.has(name) ? codeMode.call(name, input, context) : upstream.callByName(name, input, context.signal),
    onToolsChanged,
  };
}

function codeModeToolbox(codeMode: CodeMode): AgentToolbox {
  return {
    mode: "code",
    system: () => codeMode.system(),
    tools: () => codeMode.tools(),
    call: (name, input, context) => codeMode.call(name, input, context),
  };
}

function upstreamResources(codeMode: CodeMode): ExposedResources {
  const { connections, executor } = codeMode;
  const serverNames = () => connections.servers().map((s) => s.name);
  // Which server a URI belongs to: one that lists it, else one with a template matching it.
  const owner = async (uri: string): Promise<string | undefined> => {
    for (const server of serverNames()) {
      const listed = await connections.listResources(server).catch(() => []);
      if (listed.some((r) => r.uri === uri)) return server;
    }
    const { UriTemplate } = await import("@modelcontextprotocol/sdk/shared/uriTemplate.js");
    for (const server of serverNames()) {
      const templates = await connections.listResourceTemplates(server).catch(() => []);
      if (templates.some((t) => new UriTemplate(t.uriTemplate).match(uri) !== null)) return server;
    }
    return undefined;
  };
  const notFound = (uri: string) =>
    new CodecallError("TOOL_NOT_FOUND", `No upstream server offers the resource ${uri}.`, {
      hint: "List the resources (or their templates) for the URIs there are.",
      details: { uri },
    });
  return {
    async list() {
      const lists = await Promise.all(
        serverNames().map(
          (server) =>
            executor.callTool(RESOURCE_TOOL_IDS.listResources, { server }).catch(() => []) as Promise<
              Resource[]
            >,
        ),
      );
      return lists.flat();
    },
    async templates() {
      const lists = await Promise.all(
        serverNames().map((server) => connections.listResourceTemplates(server).catch(() => [])),
      );
      return lists.flat();
    },
    async read(uri, options = {}) {
      const server = await owner(uri);
      if (!server) throw notFound(uri);
      const value = await executor.callTool(RESOURCE_TOOL_IDS.readResource, { server, uri }, options);
      return { contents: (Array.isArray(value) ? value : [value]) as ProgramResourceContent[] };
    },
    async subscribe(uri, onUpdated) {
      const server = await owner(uri);
      if (!server) throw notFound(uri);
      return connections.subscribeResource(server, uri, onUpdated);
    },
    async complete(params) {
      const ref = params.ref;
      if (ref.type !== "ref/resource") return { completion: { values: [] } };
      for (const server of serverNames()) {
        const templates = await connections.listResourceTemplates(server).catch(() => []);
        if (templates.some((t) => t.uriTemplate === ref.uri)) return connections.complete(server, params);
      }
      return { completion: { values: [] } };
    },
  };
}

const CALL_TOOL_DEFINITION: AgentToolDefinition = {
  name: CALL_TOOL_NAME,
  description:
    'Calls one tool found with search_tools, by its id, with its arguments (see its signature with detail "full"). Returns the tool\'s result.',
  input_schema: {
    type: "object",
    properties: {
      tool: { type: "string", description: 'The tool id search_tools returned, such as "memory.readGraph".' },
      arguments: { type: "object", description: "The tool's arguments, as its signature declares them." },
    },
    required: ["tool"],
  },
};

/** The upstream tools under their served names, and calls to them through code mode's bridge. */
class UpstreamTools {
  constructor(
    private readonly codeMode: CodeMode,
    private readonly names: "namespaced" | "bare",
  ) {
    this.served();
  }

  definitions(): AgentToolDefinition[] {
    return [...this.served()].map(([name, tool]) => ({
      name,
      description: tool.description ?? tool.title ?? "",
      input_schema: objectSchema(tool.inputSchema),
    }));
  }

  async callByName(name: string, input: unknown, signal?: AbortSignal): Promise<ToolUseResult> {
    const tool = this.served().get(name);
    if (!tool) return unknownTool(name, [...this.served().keys()]);
    const tools = await this.currentTools();
    if (!Array.isArray(tools)) return tools;
    const generated = tools.find((t) => t.server === tool.server && t.name === tool.name);
    if (!generated) return unknownTool(name, [...this.served().keys()]);
    return this.call(generated, input, signal);
  }

  /** The code mode's tools now, or the error result a tool use gets (a closed code mode: SANDBOX_DISPOSED). */
  private async currentTools(): Promise<GeneratedTool[] | ToolUseResult> {
    try {
      return (await this.codeMode.current()).api.tools;
    } catch (error) {
      return failed(error);
    }
  }

  async callById(input: unknown, signal?: AbortSignal): Promise<ToolUseResult> {
    const { tool: id, arguments: args } = (input ?? {}) as { tool?: unknown; arguments?: unknown };
    if (typeof id !== "string")
      return failed(
        new CodecallError("TOOL_ARGS_INVALID", 'call_tool needs "tool": the id search_tools returned.'),
      );
    const tools = await this.currentTools();
    if (!Array.isArray(tools)) return tools;
    const generated = tools.find((t) => t.id === id);
    if (!generated) {
      const close = nearestToolNames(
        id,
        tools.map((t) => t.id),
      );
      return failed(
        new CodecallError("TOOL_NOT_FOUND", `No tool "${id}".`, {
          hint: close.length ? `Did you mean ${close.join(", ")}?` : "Find its id with search_tools.",
        }),
      );
    }
    return this.call(generated, args ?? {}, signal);
  }

  private async call(tool: GeneratedTool, args: unknown, signal?: AbortSignal): Promise<ToolUseResult> {
    try {
      const value = await this.codeMode.executor.callTool(tool.id, args, signal ? { signal } : {});
      return served(tool, value);
    } catch (error) {
      return failed(error);
    }
  }

  /** Served name to tool, for the current catalogue. */
  private served(): Map<string, CatalogueTool> {
    const byName = new Map<string, CatalogueTool>();
    for (const tool of this.codeMode.connections.tools()) {
      const name = this.names === "bare" ? tool.name : classicToolName(tool.server, tool.name);
      const taken = byName.get(name);
      if (taken)
        throw new CodecallError(
          "CONFIG_INVALID",
          `Two upstream tools would both be served as "${name}" (from the servers "${taken.server}" and "${tool.server}").`,
          { hint: "Serve namespaced names (the default), or rename one of the servers." },
        );
      byName.set(name, tool);
    }
    return byName;
  }
}

/**
 * A tool's value as MCP content: a tool without an output schema gives its content blocks (with privacy on,
 * already tokenized by the bridge); one with an output schema gives its structured content, as JSON text too.
 */
function served(tool: GeneratedTool, value: unknown): ToolUseResult {
  if (tool.returns === "content" && Array.isArray(value)) {
    const text = value
      .filter((b): b is { type: "text"; text: string } => b?.type === "text")
      .map((b) => b.text)
      .join("\n");
    return { content: text, isError: false, mcp: { content: value } };
  }
  const text = JSON.stringify(value ?? null);
  const structured =
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? { structuredContent: value as Record<string, unknown> }
      : {};
  return { content: text, isError: false, mcp: { content: [{ type: "text", text }], ...structured } };
}

function failed(error: unknown): ToolUseResult {
  const e = CodecallError.from(error, "TOOL_FAILED");
  return { content: `${e.code}: ${e.message}${e.hint ? ` ${e.hint}` : ""}`, isError: true };
}

function unknownTool(name: string, known: string[]): ToolUseResult {
  const listed = known.length
    ? ` The tools are: ${known.slice(0, 20).join(", ")}${known.length > 20 ? ", ..." : ""}.`
    : "";
  return { content: `TOOL_NOT_FOUND: No tool named "${name}".${listed}`, isError: true };
}

function objectSchema(schema: unknown): AgentToolDefinition["input_schema"] {
  if (schema && typeof schema === "object" && (schema as { type?: unknown }).type === "object")
    return schema as AgentToolDefinition["input_schema"];
  return { type: "object", properties: {} };
}

function upstreamSystem(codeMode: CodeMode): string {
  const servers = codeMode.connections.servers().map((s) => s.name);
  return `These are the tools of ${servers.length} MCP server${servers.length === 1 ? "" : "s"} (${servers.join(", ")}), served through codecall.`;
}

function searchSystem(codeMode: CodeMode): string {
  const count = codeMode.connections.tools().length;
  return `${count} tools are behind two tools: ${META_TOOL_NAMES.searchTools} finds the ones a task needs (with detail "full" for their exact arguments), and ${CALL_TOOL_NAME} calls one by the id it returned.`;
}
