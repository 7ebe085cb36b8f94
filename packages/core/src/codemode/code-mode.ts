import { randomUUID } from "node:crypto";
import type { GeneratedApi } from "@codecall/codegen";
import type { ExecutionLimits, ToolHandler } from "@codecall/sandbox";
import type { AgentToolbox, ToolboxEvent, ToolUseResult } from "../agent/toolbox.js";
import { createFileView, type FileSource, type FileView } from "../discovery/file-view.js";
import { fromGeneratedApi, generatedFileSource } from "../discovery/from-generated.js";
import { createDiscoveryHandler } from "../discovery/program-tools.js";
import { buildInitialPrompt, META_TOOL_NAMES } from "../discovery/prompt.js";
import {
  createToolIndex,
  type SearchToolsOptions,
  type ServerSummary,
  type ToolIndex,
  type ToolSearchResult,
} from "../discovery/tool-index.js";
import type { Retriever } from "../discovery/types.js";
import { CodecallError } from "../errors.js";
import type { SandboxChoice } from "../executor/backend.js";
import type { EnvelopeOptions } from "../executor/envelope.js";
import {
  checkExecutorOptions,
  createExecutor,
  type ExecuteOptions,
  type ExecutionResult,
  type Executor,
  type ExecutorOptions,
  type TypeCheckMode,
} from "../executor/executor.js";
import { composeInterceptors, type ExecutionInterceptor } from "../executor/interceptor.js";
import type { ToolLimiter, ToolLimitsConfig } from "../executor/tool-limits.js";
import { startTypeCheckerWarmUp } from "../executor/type-check-service.js";
import {
  type ConnectOptions,
  type McpConnections,
  openServers,
  type ServersOption,
} from "../mcp/connections.js";
import { createResourceHandler } from "../mcp/resource-tools.js";
import { definedOf, type PolicyOptions } from "../policy/gate.js";
import type { PrivacyGuard, PrivacyGuardOptions } from "../privacy/guard.js";
import { skillDiscovery, skillFilesKey } from "../skills/discovery.js";
import type { Workspace, WorkspaceOptions } from "../workspace/workspace.js";

/**
 * Catalogues up to this many tools are prepared in the background once connected (see createCodeMode):
 * generating the API and the index of a few hundred tools costs tens of milliseconds; thousands, seconds of
 * the host's thread, which a session that never runs a program should not pay.
 */
const PREBUILD_UP_TO_TOOLS = 1_000;

/**
 * Options of {@link createCodeMode}. `policy`, `approve` and `approveProgram` (see {@link PolicyOptions})
 * control which tool calls programs may make and who approves them.
 */
export interface CodeModeOptions extends PolicyOptions {
  /**
   * The MCP servers: a path or URL of an `mcpServers` JSON file (the one Claude Desktop, Claude Code or
   * Cursor use), the parsed object, or connections you made with `connectServers` (they stay yours).
   */
  servers: ServersOption;
  /**
   * The backend programs run in: a Sandbox (yours to close) or a factory code mode calls once and closes,
   * e.g. `quickjs()` from `@codecall/sandbox-quickjs`.
   */
  sandbox: SandboxChoice;
  /**
   * Type-check programs before they run. Default `error`: findings go back to the model, nothing runs.
   * TypeScript's compiled code is kept in a V8 code cache in this user's cache folder (`~/.cache/codecall`
   * on Linux), else a folder of theirs in the OS temp dir: `CODECALL_COMPILE_CACHE=0` turns it off,
   * `=<dir>` sets the folder.
   */
  typeCheck?: TypeCheckMode;
  limits?: Partial<ExecutionLimits>;
  /**
   * Tokenize personal data in tool results, and restore it only where `flows` allows. Pass options or a
   * guard to switch it on; default off.
   */
  privacy?: PrivacyGuardOptions | PrivacyGuard | false;
  /**
   * A policy or approval hook on every tool call a program makes (see {@link ExecutionInterceptor}). It sees
   * arguments and results as the program does: with tokens, when privacy is on.
   */
  interceptor?: ExecutionInterceptor;
  /** The ranker behind `search_tools`. Default: codecall's lexical ranker. */
  retriever?: Retriever;
  /** Keep globals between programs of this code mode. Default false. */
  persistState?: boolean;
  /** Extra read-only files the model may browse beside `servers/` (saved skills, say). */
  files?: FileSource[];
  connect?: ConnectOptions;
  envelope?: EnvelopeOptions;
  /** Record every program code mode runs and hand each record here (see `@codecall/core/records`). */
  onRecord?: ExecutorOptions["onRecord"];
  /**
   * Files programs keep between executions and saved skills (see {@link ExecutorOptions.workspace}). Saved
   * skills are listed by `search_tools` and shown under `skills/` in the file view.
   */
  workspace?: Workspace | WorkspaceOptions;
  /** Per-tool concurrency, rate, timeouts and retries by glob over `server.tool` (see {@link ToolLimitsConfig}). */
  tools?: ToolLimitsConfig | ToolLimiter;
}

/** Code mode over a set of MCP servers: the meta-tools a model or an MCP client uses, and the parts behind them. */
export interface CodeMode extends AgentToolbox {
  readonly mode: "code";
  readonly connections: McpConnections;
  readonly executor: Executor;
  /** The same search the `search_tools` meta-tool runs. */
  search(query: string | readonly string[], options?: SearchToolsOptions): Promise<ToolSearchResult[]>;
  /** The same execution `execute_code` runs, with the full result. */
  execute(code: string, options?: ExecuteOptions): Promise<ExecutionResult>;
  /** The generated API, the discovery index and the file view for the current catalogue. */
  current(): Promise<CodeModeState>;
  /** Calls `listener` when the upstream catalogue changes. Returns an unsubscribe function. */
  onToolsChanged(listener: () => void): () => void;
  /** Closes the executor and (if codecall opened them) the MCP connections. */
  close(): Promise<void>;
}

/** What is derived from one version of the catalogue. */
export interface CodeModeState {
  version: number;
  api: GeneratedApi;
  index: ToolIndex;
  view: FileView;
  /** Which skills this state lists: this process's saves so far, and the skills' files then. */
  skills?: { generation: number; files: string };
}

/**
 * Creates code mode over MCP servers: connects them, generates the typed API, builds the discovery index,
 * and serves `search_tools`, `execute_code`, `list_files` and `read_file`. The result is an
 * {@link AgentToolbox}, so it plugs into {@link createAgent} and into `@codecall/mcp-server` alike.
 *
 * ```ts
 * const codeMode = await createCodeMode({ servers: "./mcp.json", sandbox: quickjs() });
 * const agent = createAgent({ toolbox: codeMode });
 * console.log((await agent.run("How many entities are in my memory graph?")).text);
 * await codeMode.close();
 * ```
 */
export async function createCodeMode(options: CodeModeOptions): Promise<CodeMode> {
  // A wrong option fails before any MCP server starts, not after the slowest one has.
  checkExecutorOptions(options);
  const { connections, owned: ownsConnections } = await openServers(options.servers, options.connect);
  // The type-checker's thread loads TypeScript and its library once the servers are up, while the model
  // reads the prompt: started earlier it takes a core from the servers' start (1 s of CPU, measured). The
  // executor starts the engine and the checker's thread then too, for the same reason (see createExecutor).
  if (options.typeCheck !== "off") startTypeCheckerWarmUp();
  const guard = await privacyGuard(options.privacy);
  // The user's hook sees the program's view (tokens); the privacy guard sits next to the tool.
  const interceptor = composeInterceptors(options.interceptor, guard);
  let state: Promise<CodeModeState> | undefined;
  // The discovery tools answer inside programs from the state of the catalogue the program runs against.
  // The meta-tools also look for skills saved elsewhere (another session or process): `checkSkillFiles`.
  let closed = false;
  const current = async (checkSkillFiles = false): Promise<CodeModeState> => {
    // After close, search and the file view would answer from a stale catalogue whose servers are gone.
    if (closed)
      throw new CodecallError("SANDBOX_DISPOSED", "This code mode was closed.", {
        hint: "Create a new one with createCodeMode().",
      });
    const version = connections.version;
    const ready = state ? await state.catch(() => undefined) : undefined;
    const files =
      checkSkillFiles && executor?.workspace ? await skillFilesKey(executor.workspace) : undefined;
    if (
      ready &&
      ready.version === version &&
      ready.skills?.generation === executor?.skills?.generation &&
      (files === undefined || files === ready.skills?.files)
    )
      return ready;
    state = build(version);
    return state;
  };

  let executor: Executor;
  try {
    executor = await createExecutor({
      catalogue: connections,
      sandbox: options.sandbox,
      ...(options.typeCheck ? { typeCheck: options.typeCheck } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.envelope ? { envelope: options.envelope } : {}),
      ...(interceptor ? { interceptor } : {}),
      ...definedOf(options),
      ...(options.persistState ? { persistState: true } : {}),
      ...(options.onRecord ? { onRecord: options.onRecord } : {}),
      ...(options.workspace ? { workspace: options.workspace } : {}),
      ...(options.tools ? { tools: options.tools } : {}),
      // The API and the discovery index are built on first use: start-up does not grow with the catalogue.
      deferApi: true,
      programTools: (next) => {
        // One discovery handler per catalogue state, not one per tool call.
        let built: { state: CodeModeState; handler: ToolHandler } | undefined;
        return async (call, context) => {
          const state = await current();
          if (built?.state !== state) {
            built = {
              state,
              handler: createDiscoveryHandler({
                index: state.index,
                view: state.view,
                next: createResourceHandler({ connections, interceptor, next }),
              }),
            };
          }
          return built.handler(call, context);
        };
      },
    });
  } catch (error) {
    if (ownsConnections) await connections.close();
    throw error;
  }

  async function build(version: number): Promise<CodeModeState> {
    const api = await executor.api();
    const generation = executor.skills?.generation;
    const files = executor.workspace ? await skillFilesKey(executor.workspace) : "";
    const skills =
      executor.skills && executor.workspace
        ? await skillDiscovery(executor.skills, executor.workspace)
        : undefined;
    const index = await createToolIndex(
      [...fromGeneratedApi(api), ...(skills?.documents ?? [])],
      options.retriever ? { retriever: options.retriever } : {},
    );
    const view = createFileView([
      generatedFileSource(api),
      ...(options.files ?? []),
      ...(skills ? [skills.files] : []),
    ]);
    return {
      version,
      api,
      index,
      view,
      ...(generation === undefined ? {} : { skills: { generation, files } }),
    };
  }
  // The initial prompt names servers only, so it comes from the catalogue without generating any code.
  let initial = buildInitialPrompt({ servers: serverSummaries(connections), workspace: !!options.workspace });
  const listeners = new Set<() => void>();
  const unsubscribe = connections.onChange(() => {
    // The server list in the system prompt follows the catalogue; listeners hear of the change once it is ready.
    void current().then(
      () => {
        initial = buildInitialPrompt({
          servers: serverSummaries(connections),
          workspace: !!options.workspace,
        });
        for (const listener of listeners) listener();
      },
      () => undefined,
    );
  });

  // A catalogue of ordinary size gets its API, checker declarations and index built now, in the background,
  // while the model reads the prompt; a very large one keeps them for first use (start-up stays flat). Not
  // for a code mode over connections it does not own (a server's sessions share them: each session would
  // block the server's thread while it builds), nor with an application's retriever (indexing may call a
  // paid embedding API for sessions that never search).
  const prebuild =
    ownsConnections && !options.retriever && connections.tools().length <= PREBUILD_UP_TO_TOOLS
      ? setImmediate(() => void current().catch(() => undefined)).unref()
      : undefined;

  const codeMode: CodeMode = {
    mode: "code",
    connections,
    executor,
    current,
    system: () => initial.system,
    tools: () => initial.tools,
    async search(query, searchOptions) {
      return (await current(true)).index.search(query, searchOptions);
    },
    execute: (code, executeOptions) => executor.execute(code, executeOptions),
    async call(name, input, context) {
      const args = (input && typeof input === "object" ? input : {}) as Record<string, unknown>;
      try {
        switch (name) {
          case META_TOOL_NAMES.searchTools: {
            const query = Array.isArray(args.query) ? (args.query as string[]) : String(args.query ?? "");
            const results = await codeMode.search(query, args as SearchToolsOptions);
            return { content: formatSearch(results, args.detail as string | undefined), isError: false };
          }
          case META_TOOL_NAMES.executeCode:
            // Without this, a misnamed argument (`{ program }`) ran an empty program and answered `{"ok":true}`.
            if (typeof args.code !== "string")
              throw new CodecallError(
                "TOOL_ARGS_INVALID",
                `execute_code needs "code", the program as a string of TypeScript; got ${args.code === undefined ? "no code" : typeof args.code}.`,
                { hint: 'Call execute_code with { "code": "<program>" }.' },
              );
            return await runProgram(args.code, context);
          case META_TOOL_NAMES.listFiles: {
            const entries = (await current(true)).view.list(String(args.path ?? ""));
            return {
              content: entries.map((e) => (e.kind === "directory" ? `${e.path}/` : e.path)).join("\n"),
              isError: false,
            };
          }
          case META_TOOL_NAMES.readFile:
            return { content: (await current(true)).view.read(String(args.path ?? "")), isError: false };
          default:
            throw new CodecallError(
              "TOOL_NOT_FOUND",
              `No meta-tool is named "${name}". Use ${Object.values(META_TOOL_NAMES).join(", ")}.`,
            );
        }
      } catch (error) {
        const e = CodecallError.from(error, "TOOL_FAILED");
        const text = `${e.code}: ${e.message}\n${e.hint}`;
        return { content: guard ? guard.redact(text) : text, isError: true };
      }
    },
    onToolsChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      if (prebuild) clearImmediate(prebuild);
      unsubscribe();
      listeners.clear();
      await executor.close();
      if (ownsConnections) await connections.close();
    },
  };

  async function runProgram(
    code: string,
    context: { signal?: AbortSignal; onEvent?: (event: ToolboxEvent) => void; sessionId?: string },
  ): Promise<ToolUseResult> {
    const runId = randomUUID();
    context.onEvent?.({ type: "program-start", code, runId, at: Date.now() });
    const result = await executor.execute(code, {
      runId,
      ...(context.sessionId ? { sessionId: context.sessionId } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
      ...(context.onEvent ? { onEvent: context.onEvent } : {}),
    });
    return {
      content: result.envelope,
      isError: !result.ok,
      program: { code, ok: result.ok, ...(result.error ? { errorCode: result.error.code } : {}) },
    };
  }

  return codeMode;
}

/** Each server's name, description and tool count, sorted by name, as the initial prompt lists them. */
function serverSummaries(connections: McpConnections): ServerSummary[] {
  return connections
    .servers()
    .map((server) => ({
      name: server.name,
      ...(server.description ? { description: server.description } : {}),
      toolCount: server.tools.length,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The guard for the `privacy` option; its detectors (libphonenumber's metadata) load only when it is on. */
async function privacyGuard(option: CodeModeOptions["privacy"]): Promise<PrivacyGuard | undefined> {
  if (!option) return undefined;
  if (typeof (option as PrivacyGuard).beforeCall === "function") return option as PrivacyGuard;
  const { createPrivacyGuard } = await import("../privacy/guard.js");
  return createPrivacyGuard(option as PrivacyGuardOptions);
}

/** Search results as the model reads them: one tool per block, at the requested detail. */
function formatSearch(results: ToolSearchResult[], detail: string | undefined): string {
  if (results.length === 0) return 'No tools matched. Try other words, or list_files("servers/").';
  return results.map((r) => r.text).join(detail === "name" ? "\n" : "\n\n");
}
