import { createHash, randomUUID } from "node:crypto";
import {
  CodecallError,
  type CodeMode,
  type CodeModeOptions,
  createCodeMode,
  EXPOSED_SURFACES,
  type ExecutionInterceptor,
  type ExposedSurface,
  type ExposeOptions,
  exposeCodeMode,
  McpConnections,
  type PrivacyGuardOptions,
  type Sandbox,
  type Workspace,
  type WorkspaceOptions,
} from "@codecall/core";
import type { ExecutionRecord } from "@codecall/core/records";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { principalOf } from "./auth.js";
import { type CodecallServerOptions, createCodecallServer, type ExecutionSlots } from "./server.js";
import type { SessionInfo } from "./transports.js";

/** Options of {@link codeModePerSession}. */
export interface PerSessionOptions
  extends Omit<
    CodeModeOptions,
    "servers" | "sandbox" | "privacy" | "interceptor" | "workspace" | "onRecord"
  > {
  /**
   * Receives each program's run record with the session that ran it: `session.id` is the tenant's own id,
   * so each session's records can be kept apart (`codecall serve --record <dir>` writes `<dir>/<id>/`).
   */
  onRecord?: (record: ExecutionRecord, session: SessionInfo & { id: string }) => void;
  /**
   * Files and skills programs keep. Options without a `scope` give each authenticated user (the token's
   * client and subject) a scope of their own, kept across their sessions, and each session without auth a
   * scope for itself; options with a `scope` are shared by every session. A function chooses per session.
   */
  workspace?: WorkspaceOptions | ((session: SessionInfo) => Workspace | WorkspaceOptions);
  /** The upstream MCP connections, shared by every session (they hold a catalogue, not a session's data). */
  connections: McpConnections;
  /** The backend, shared: its engine pool is shared, but each session gets its own contexts. Stays yours to close. */
  sandbox: Sandbox;
  /**
   * Privacy options; every session gets its own guard and vault from them. A `PrivacyGuard` instance is
   * refused: it holds one vault, which would let one session's tokens open another's values.
   */
  privacy?: PrivacyGuardOptions | false;
  /**
   * A hook on every tool call. A function is called once per session (for hooks that keep state); an
   * object is shared by every session, so it must keep none (the policy interceptor keeps none).
   */
  interceptor?: ExecutionInterceptor | (() => ExecutionInterceptor);
  /** Options of each session's MCP server. */
  server?: Omit<CodecallServerOptions, "executionSlots">;
  /**
   * Programs running at once across all sessions; more are refused with a "server busy" MCP error. Default
   * 16. Give the shared `sandbox` at least as many (its own `maxConcurrentExecutions`, default 8), or the
   * programs past its bound wait behind other sessions' instead of running.
   */
  maxConcurrentExecutions?: number;
  /**
   * What each session's server offers: code mode (default), the upstream tools as they are, `search_tools`
   * + `call_tool`, or code mode and the upstream tools (see `ExposedSurface` in `@codecall/core`).
   */
  expose?: ExposedSurface;
  /** How upstream tools are named when they are exposed one by one. Default `namespaced`. */
  toolNames?: ExposeOptions["names"];
}

/** One MCP server per session, each over its own code mode; see {@link codeModePerSession}. */
export interface PerSessionServers {
  /** Pass this to `serveHttp`: builds a session's own code mode and MCP server. */
  create(session: SessionInfo): Promise<Server>;
  /** Sessions whose code mode is open. */
  readonly open: number;
  /** Programs running now, across sessions. */
  readonly running: number;
  /** Closes every session's code mode (the shared connections and sandbox stay the caller's). */
  close(): Promise<void>;
}

/**
 * Makes every MCP session its own tenant: each gets a code mode of its own — privacy vault, persisted
 * globals, sandbox context and execution queue, approvals on its own client — over upstream connections
 * and a backend that all sessions share (they carry no session data). A session's code mode is closed
 * when its MCP server closes (the client ended the session, the idle timeout expired, or the server stopped).
 *
 * ```ts
 * const tenants = codeModePerSession({
 *   connections,
 *   sandbox: quickjs({ maxConcurrentExecutions: 16 }),
 *   privacy: {},
 *   persistState: true,
 * });
 * const serving = await serveHttp(tenants.create, { port: 3000 });
 * ```
 */
export function codeModePerSession(options: PerSessionOptions): PerSessionServers {
  const {
    connections,
    sandbox,
    privacy,
    interceptor,
    server: serverOptions,
    maxConcurrentExecutions,
    workspace,
    expose = "code",
    toolNames,
    onRecord,
    ...rest
  } = options;
  if (!(connections instanceof McpConnections))
    throw new CodecallError(
      "CONFIG_INVALID",
      "codeModePerSession needs `connections` from connectServers(), shared by every session.",
    );
  if (privacy && typeof (privacy as { beforeCall?: unknown }).beforeCall === "function")
    throw new CodecallError(
      "CONFIG_INVALID",
      "codeModePerSession takes privacy options, not a PrivacyGuard: a guard holds one vault, and sessions must not share one.",
      { hint: "Pass the options you would give createPrivacyGuard(); each session gets its own guard." },
    );
  if (privacy && (privacy as PrivacyGuardOptions).vault)
    throw new CodecallError(
      "CONFIG_INVALID",
      "codeModePerSession cannot share one privacy vault across sessions; leave `privacy.vault` unset.",
    );
  if (!EXPOSED_SURFACES.includes(expose))
    throw new CodecallError(
      "CONFIG_INVALID",
      `Cannot expose ${JSON.stringify(expose)}: choose one of ${EXPOSED_SURFACES.join(", ")}.`,
    );
  const slots = executionSlots(maxConcurrentExecutions ?? 16);
  const live = new Set<CodeMode>();
  let closed = false;

  return {
    async create(session) {
      if (closed) throw new CodecallError("SANDBOX_DISPOSED", "These sessions were closed.");
      const sessionSpace = sessionWorkspace(workspace, session);
      const tenant = { ...session, id: randomUUID() };
      const codeMode = await createCodeMode({
        ...rest,
        ...(onRecord ? { onRecord: (record: ExecutionRecord) => onRecord(record, tenant) } : {}),
        ...(sessionSpace ? { workspace: sessionSpace } : {}),
        servers: connections,
        sandbox,
        ...(privacy ? { privacy: { ...privacy } } : {}),
        ...(interceptor
          ? { interceptor: typeof interceptor === "function" ? interceptor() : interceptor }
          : {}),
      });
      live.add(codeMode);
      let toolbox: ReturnType<typeof exposeCodeMode>;
      try {
        toolbox = exposeCodeMode(codeMode, expose, toolNames ? { names: toolNames } : {});
      } catch (error) {
        live.delete(codeMode);
        await codeMode.close().catch(() => undefined);
        throw error;
      }
      const server = createCodecallServer(toolbox, {
        prompts: connections,
        ...(toolNames === "bare" ? { promptNames: "bare" as const } : {}),
        ...serverOptions,
        executionSlots: slots,
      });
      const previous = server.onclose;
      server.onclose = () => {
        previous?.();
        if (live.delete(codeMode)) void codeMode.close().catch(() => undefined);
      };
      return server;
    },
    get open() {
      return live.size;
    },
    get running() {
      return slots.running;
    },
    async close() {
      closed = true;
      const all = [...live];
      live.clear();
      await Promise.all(all.map((c) => c.close().catch(() => undefined)));
    },
  };
}

/** The workspace of one session: see {@link PerSessionOptions.workspace}. */
function sessionWorkspace(
  option: PerSessionOptions["workspace"],
  session: SessionInfo | undefined,
): Workspace | WorkspaceOptions | undefined {
  if (!option) return undefined;
  if (typeof option === "function") return option(session ?? {});
  if (option.scope !== undefined) return option;
  const principal = principalOf(session?.auth);
  const scope = principal
    ? `user-${createHash("sha256").update(principal).digest("hex").slice(0, 24)}`
    : `session-${randomUUID()}`;
  return { ...option, scope };
}

/** A counter of programs running at once; `tryAcquire` returns a release function, or undefined when full. */
export function executionSlots(max: number): ExecutionSlots {
  if (!(Number.isInteger(max) && max > 0))
    throw new CodecallError(
      "CONFIG_INVALID",
      `maxConcurrentExecutions must be a positive integer, got ${JSON.stringify(max)}.`,
    );
  let running = 0;
  return {
    max,
    get running() {
      return running;
    },
    tryAcquire() {
      if (running >= max) return undefined;
      running++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        running--;
      };
    },
  };
}
