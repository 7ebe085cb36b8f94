/**
 * One MCP server: its transport, its client, its tools and its health. {@link McpConnections} owns one of
 * these per configured server; nothing here is exported from the package except the status types.
 */

import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { auth as completeAuthorization, UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  type CallToolResult,
  CallToolResultSchema,
  ErrorCode as JsonRpcCode,
  ListToolsResultSchema,
  McpError,
  ResourceUpdatedNotificationSchema,
  type Tool,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type {
  JsonSchemaType,
  JsonSchemaValidator,
  jsonSchemaValidator,
} from "@modelcontextprotocol/sdk/validation/types.js";
import { CodecallError, type ErrorCode } from "../errors.js";
import type { McpServerConfig } from "./config.js";
import { commandLineForHint, urlForHint } from "./hint-text.js";
import { callScope, limitedFetch, resultTooLarge } from "./limits.js";
import { type OAuthTokenStorage, StoredOAuthProvider, type UpstreamOAuthOptions } from "./oauth.js";
import { STDERR_LEAD } from "./result.js";
import { StderrTail } from "./stderr-tail.js";
import { BoundedLineReader } from "./stdio-framing.js";
import { suggestNames } from "./suggest.js";
import type { ToolDefinition } from "./types.js";

/** Where a server is in its life. `crashed` servers are reconnected on next use; so are `failed` ones. */
/** `authorizing`: a remote server waits for the user to authorize codecall (OAuth) before it can connect. */
export type ServerState = "connecting" | "authorizing" | "ready" | "failed" | "crashed" | "closed";

/** One server's health, as {@link McpConnections.status} reports it. */
export interface ServerStatus {
  name: string;
  state: ServerState;
  /** The transport in use (after any fallback from Streamable HTTP to SSE). */
  transport: "stdio" | "http" | "sse";
  /** The child process of a stdio server while it runs. */
  pid?: number;
  toolCount: number;
  /** Why the server is `failed` or `crashed`. */
  error?: CodecallError;
  /** The last lines the server wrote to stderr (stdio servers). */
  stderrTail: string;
}

/** Per-call options. */
export interface CallToolOptions {
  /** Cancels the call; the server is sent `notifications/cancelled` and the call fails with ABORTED. */
  signal?: AbortSignal;
  /** Overrides the connection's default call timeout. */
  timeoutMs?: number;
}

/** Settings every connection shares; {@link McpConnections} fills them from its options. */
export interface ConnectionSettings {
  connectTimeoutMs: number;
  callTimeoutMs: number;
  maxResultBytes: number;
  closeGraceMs: number;
  clientInfo: { name: string; version: string };
  onStderr?: ((server: string, text: string) => void) | undefined;
  /** OAuth for remote servers that ask for it (a 401 with `WWW-Authenticate`); off when undefined. */
  oauth?: (UpstreamOAuthOptions & { storage: OAuthTokenStorage }) | undefined;
}

interface PendingCall {
  /** `server.tool`, for messages. */
  what: string;
  reject(error: CodecallError): void;
}

const TOOLS_PAGE_LIMIT = 100;
/**
 * The error a refused oversized line is answered with, inside this process: a JSON-RPC error code from the
 * implementation range, and a mark no server can know, so only a refusal of ours reads as one.
 */
const REFUSED_LINE_CODE = -32_099;
const REFUSED_LINE_MARK = `codecall refused an oversized line ${randomUUID()}`;

/** Children of every connection in this process, killed if the host exits without closing them. */
const children = new Set<number>();
let exitHookInstalled = false;

function trackChild(pid: number): void {
  children.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous on purpose: "exit" handlers cannot wait. Well-behaved servers also exit on stdin EOF.
  process.once("exit", () => {
    for (const child of children) kill(child, "SIGKILL");
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The calls in flight under each caller's signal, and the one listener that forwards its abort to them.
 * One listener per signal rather than one per call: Node's `addEventListener` and `removeEventListener`
 * walk the signal's listeners, so 200 calls in flight under one run's signal cost quadratic time.
 */
const callsBySignal = new WeakMap<AbortSignal, { calls: Set<AbortController>; forward: () => void }>();

function linkCall(signal: AbortSignal, call: AbortController): void {
  // Aborted while the call waited for its server to (re)connect: a listener added now would never fire.
  if (signal.aborted) {
    call.abort(signal.reason);
    return;
  }
  let linked = callsBySignal.get(signal);
  if (!linked) {
    const calls = new Set<AbortController>();
    const forward = () => {
      callsBySignal.delete(signal);
      for (const c of calls) c.abort(signal.reason);
    };
    linked = { calls, forward };
    callsBySignal.set(signal, linked);
    signal.addEventListener("abort", forward, { once: true });
  }
  linked.calls.add(call);
}

function unlinkCall(signal: AbortSignal, call: AbortController): void {
  const linked = callsBySignal.get(signal);
  if (!linked?.calls.delete(call) || linked.calls.size > 0) return;
  callsBySignal.delete(signal);
  signal.removeEventListener("abort", linked.forward);
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/**
 * The SDK's JSON Schema validators, made at first use: a client otherwise builds its own Ajv (a meta-schema
 * compile per server) and validators for schemas it may never check. One Ajv serves every connection.
 */
let ajv: AjvJsonSchemaValidator | undefined;
const lazyValidators: jsonSchemaValidator = {
  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    let validate: JsonSchemaValidator<T> | undefined;
    return (input) => {
      ajv ??= new AjvJsonSchemaValidator();
      validate ??= ajv.getValidator<T>(schema);
      return validate(input);
    };
  },
};

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function toDefinition(tool: Tool): ToolDefinition {
  const definition: ToolDefinition = {
    name: tool.name,
    inputSchema: tool.inputSchema as ToolDefinition["inputSchema"],
  };
  const title = tool.title ?? tool.annotations?.title;
  if (title !== undefined) definition.title = title;
  if (tool.description !== undefined) definition.description = tool.description;
  if (tool.outputSchema !== undefined)
    definition.outputSchema = tool.outputSchema as ToolDefinition["outputSchema"];
  if (tool.annotations !== undefined) definition.annotations = tool.annotations;
  return definition;
}

function isParseError(error: unknown): boolean {
  return error instanceof SyntaxError || (error instanceof Error && error.name === "ZodError");
}

/** A live link to one configured MCP server. */
export class ServerConnection {
  state: ServerState = "connecting";
  tools: ToolDefinition[] = [];
  description: string | undefined;
  error: CodecallError | undefined;
  transportKind: ServerStatus["transport"];
  readonly stderr = new StderrTail();

  #client: Client | undefined;
  #pid: number | undefined;
  /** How the stdio server's process of this generation ended (`code 3`, `signal SIGKILL`), once it did. */
  #exit: string | undefined;
  /** Bumped whenever the current client is abandoned, so late events from an old one are ignored. */
  #generation = 0;
  #connecting: Promise<void> | undefined;
  #pending = new Set<PendingCall>();
  #refreshing: Promise<void> | undefined;
  #refreshAgain = false;
  /** Old clients still shutting down; close() waits for them so no process outlives it. */
  #exiting = new Set<Promise<void>>();
  /** The OAuth client of a remote server, when OAuth is on: tokens from storage, refreshed by the SDK. */
  #oauth: StoredOAuthProvider | undefined;
  /** Who listens to which subscribed resource; the upstream subscription lives while one listener does. */
  #resourceListeners = new Map<string, Set<() => void>>();
  /** Resolves once a connection attempt starts waiting for a person to authorize it. */
  #authorizing: { promise: Promise<void>; resolve(): void } | undefined;

  constructor(
    readonly name: string,
    readonly config: McpServerConfig,
    private readonly settings: ConnectionSettings,
    /** Called when this server's tool list changed (connect, reconnect, list_changed). */
    private readonly onToolsChanged: () => void,
  ) {
    this.transportKind = config.type === "auto" ? "http" : config.type;
    if (config.type !== "stdio" && settings.oauth)
      this.#oauth = new StoredOAuthProvider(name, config.url, settings.oauth);
  }

  status(): ServerStatus {
    const status: ServerStatus = {
      name: this.name,
      state: this.state,
      transport: this.transportKind,
      toolCount: this.tools.length,
      stderrTail: this.stderr.text(),
    };
    if (this.#pid !== undefined && this.state === "ready") status.pid = this.#pid;
    if (this.error !== undefined) status.error = this.error;
    return status;
  }

  /** A method, not a field read, so TypeScript does not narrow `state` across awaits. */
  #isClosed(): boolean {
    return this.state === "closed";
  }

  /** The pid of the running child process, if any (stdio only). */
  get pid(): number | undefined {
    return this.#pid;
  }

  /**
   * Resolves when the current connection attempt waits for the user's authorization (the connection then
   * carries on in the background, and joins the catalogue once authorized); never rejects.
   */
  authorizing(): Promise<void> {
    if (!this.#authorizing) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.#authorizing = { promise, resolve };
    }
    return this.#authorizing.promise;
  }

  /** Connects (or reconnects) and lists tools. Rejects with MCP_CONNECT_FAILED; concurrent calls share one attempt. */
  connect(): Promise<void> {
    if (this.state === "closed") return Promise.reject(this.#closedError());
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    await this.#abandon();
    this.state = "connecting";
    this.stderr.clear();
    let generation = this.#generation;
    const started = Date.now();
    try {
      if (this.config.type === "auto") {
        try {
          generation = await this.#openAuthorized("http", generation);
        } catch (httpError) {
          // Streamable HTTP refused or unknown: try the older HTTP+SSE transport in the time left.
          await this.#abandon();
          if (this.#isClosed()) throw httpError;
          generation = this.#generation;
          try {
            generation = await this.#openAuthorized(
              "sse",
              generation,
              Math.max(1, this.settings.connectTimeoutMs - (Date.now() - started)),
            );
          } catch (sseError) {
            throw new Error(
              `Streamable HTTP failed (${(httpError as Error).message}); SSE failed too (${(sseError as Error).message})`,
            );
          }
        }
      } else {
        generation = await this.#openAuthorized(this.config.type, generation);
      }
    } catch (error) {
      if (generation === this.#generation) await this.#abandon();
      if (this.#isClosed()) throw this.#closedError();
      this.state = "failed";
      this.error = this.#connectError(error);
      throw this.error;
    }
  }

  /**
   * Opens the connection; when the server wants OAuth and the user has been sent to authorize, waits for
   * the code (outside the connect timeout: a person is involved), exchanges it through the SDK, and opens
   * again. Returns the generation of the connection that is now open.
   */
  async #openAuthorized(
    kind: ServerStatus["transport"],
    generation: number,
    timeoutMs = this.settings.connectTimeoutMs,
  ): Promise<number> {
    try {
      await this.#open(kind, generation, timeoutMs);
      return generation;
    } catch (error) {
      const oauth = this.#oauth;
      const waiting = oauth?.takeWaiting();
      if (!oauth || !(error instanceof UnauthorizedError) || !waiting) throw error;
      let code: string;
      this.state = "authorizing";
      this.#authorizing?.resolve();
      try {
        code = await waiting;
      } catch (reason) {
        throw new Error(`OAuth authorization did not complete: ${(reason as Error).message}`);
      }
      const result = await completeAuthorization(oauth, {
        serverUrl: oauth.serverUrl,
        authorizationCode: code,
      });
      if (result !== "AUTHORIZED") throw new Error("OAuth authorization did not complete");
      await this.#abandon();
      const next = this.#generation;
      await this.#open(kind, next, timeoutMs);
      return next;
    }
  }

  async #open(
    kind: ServerStatus["transport"],
    generation: number,
    timeoutMs = this.settings.connectTimeoutMs,
  ) {
    if (generation !== this.#generation || this.state === "closed")
      throw new Error("the connection was closed");
    this.transportKind = kind;
    const transport = this.#createTransport(kind);
    const client = new Client(this.settings.clientInfo, {
      capabilities: {},
      jsonSchemaValidator: lazyValidators,
    });
    this.#client = client;
    if (transport instanceof StdioClientTransport) {
      // Learn the pid as soon as the process exists, so a failed start can still be killed and checked.
      const start = transport.start.bind(transport);
      transport.start = async () => {
        await start();
        const pid = transport.pid ?? undefined;
        if (pid !== undefined) trackChild(pid);
        if (generation === this.#generation) this.#pid = pid;
        // How the process ended, for a start that fails (the SDK reports only "Connection closed"). Its
        // child process is private to the SDK: without it (another SDK version) the message goes without.
        const child = (transport as unknown as { _process?: ChildProcess })._process;
        this.#exit = undefined;
        child?.once("exit", (code, signal) => {
          if (generation === this.#generation) this.#exit = signal ? `signal ${signal}` : `code ${code}`;
        });
      };
    }
    client.onclose = () => this.#onClose(generation);
    client.onerror = (error) => this.#onTransportError(generation, error);
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      if (generation === this.#generation && this.state === "ready") void this.refreshTools();
    });
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      if (generation !== this.#generation) return;
      for (const listener of this.#resourceListeners.get(notification.params.uri) ?? []) listener();
    });
    const attempt = (async () => {
      await client.connect(transport, { timeout: timeoutMs });
      return this.#listTools(client, timeoutMs);
    })();
    const tools = await withTimeout(
      attempt,
      timeoutMs,
      () => new Error(`no answer to initialize and tools/list within ${timeoutMs} ms`),
    );
    if (generation !== this.#generation) throw new Error("the connection was replaced while it started");
    // A restarted server starts with no subscriptions: renew the ones still listened to.
    for (const uri of this.#resourceListeners.keys())
      await client.subscribeResource({ uri }, { timeout: timeoutMs }).catch(() => undefined);
    const info = client.getServerVersion();
    this.description = info?.description ?? info?.title;
    this.state = "ready";
    this.error = undefined;
    this.#setTools(tools);
  }

  #createTransport(kind: ServerStatus["transport"]): Transport {
    const config = this.config;
    if (config.type === "stdio") {
      const transport = new StdioClientTransport({
        command: config.command,
        args: config.args,
        env: config.env,
        ...(config.cwd === undefined ? {} : { cwd: config.cwd }),
        stderr: "pipe",
        // A line longer than this is refused unread; see #onTransportError.
        maxBufferSize: this.settings.maxResultBytes + 64 * 1024,
      });
      this.#boundLines(transport);
      transport.stderr?.on("data", (chunk: Buffer) => {
        const text = chunk.toString("utf8");
        this.stderr.push(text);
        this.settings.onStderr?.(this.name, text);
      });
      return transport;
    }
    const url = new URL(config.url);
    const options = {
      requestInit: { headers: config.headers },
      fetch: limitedFetch(this.settings.maxResultBytes),
      ...(this.#oauth ? { authProvider: this.#oauth } : {}),
    };
    return kind === "sse"
      ? new SSEClientTransport(url, options)
      : new StreamableHTTPClientTransport(url, options);
  }

  /**
   * Frames the transport's stdout with {@link BoundedLineReader}: a line over the cap fails the request it
   * answers at once (TOOL_RESULT_TOO_LARGE) and the rest of it is skipped, so the server and the
   * connection stay up. Without the SDK's buffer to replace (another SDK version), the SDK's own cap
   * applies and #onTransportError restarts the server.
   */
  #boundLines(transport: StdioClientTransport): void {
    const slot = transport as unknown as { _readBuffer?: unknown };
    if (slot._readBuffer === undefined) return;
    slot._readBuffer = new BoundedLineReader(this.settings.maxResultBytes + 64 * 1024, (id, ended) => {
      if (id !== undefined) {
        // Answer the request in the client's own terms, so the SDK drops its handler and timer too.
        transport.onmessage?.({
          jsonrpc: "2.0",
          id,
          error: { code: REFUSED_LINE_CODE, message: REFUSED_LINE_MARK },
        });
      } else if (!ended && this.#pending.size === 1) {
        // The id shows only at the line's end (the SDK writes it last); with one call in flight the line is
        // its answer, so it fails now, and the SDK's handler is cleared when the id arrives.
        const only = [...this.#pending][0]!;
        only.reject(resultTooLarge(only.what, this.settings.maxResultBytes));
      }
    });
  }

  async #listTools(client: Client, timeoutMs: number): Promise<ToolDefinition[]> {
    const tools: ToolDefinition[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < TOOLS_PAGE_LIMIT; page++) {
      // A plain request, not `client.listTools`: that one compiles an output-schema validator for every
      // tool up front (seconds at 10,000 tools), for `client.callTool`, which codecall does not use.
      const result = await client.request(
        { method: "tools/list", params: cursor === undefined ? {} : { cursor } },
        ListToolsResultSchema,
        { timeout: timeoutMs },
      );
      tools.push(...result.tools.map(toDefinition));
      cursor = result.nextCursor;
      if (cursor === undefined) break;
    }
    return tools;
  }

  #setTools(tools: ToolDefinition[]): void {
    if (tools.length === this.tools.length && JSON.stringify(tools) === JSON.stringify(this.tools)) return;
    this.tools = tools;
    this.onToolsChanged();
  }

  /** Lists tools again (on `notifications/tools/list_changed`); overlapping requests coalesce into one more. */
  refreshTools(): Promise<void> {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#refreshAgain = false;
        const client = this.#client;
        if (client === undefined || this.state !== "ready") return;
        try {
          this.#setTools(await this.#listTools(client, this.settings.callTimeoutMs));
        } catch {
          // The server stays usable with its previous list; a crash is reported by #onClose.
          return;
        }
      } while (this.#refreshAgain);
    })().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Calls one tool, reconnecting first if the server crashed. Throws typed {@link CodecallError}s only. */
  /**
   * Runs one request other than a tool call (resources, prompts) on the live client, connecting first if
   * needed. Failures become MCP_PROTOCOL_ERROR (the server refused or does not support it) or MCP_TIMEOUT.
   */
  async request<T>(what: string, run: (client: Client, timeoutMs: number) => Promise<T>): Promise<T> {
    if (this.state !== "ready") await this.connect();
    try {
      return await run(this.#client!, this.settings.callTimeoutMs);
    } catch (error) {
      if (CodecallError.isInstance(error)) throw error;
      const timeout = error instanceof McpError && error.code === JsonRpcCode.RequestTimeout;
      throw new CodecallError(
        timeout ? "MCP_TIMEOUT" : "MCP_PROTOCOL_ERROR",
        `${what} on the MCP server "${this.name}" failed: ${(error as Error).message}`,
        { cause: error, details: { server: this.name } },
      );
    }
  }

  /**
   * Calls `listener` whenever the server says the resource at `uri` changed (`resources/subscribe`;
   * one upstream subscription however many listen). Resolves with the function that stops listening.
   * MCP_PROTOCOL_ERROR when the server does not support subscriptions.
   */
  async subscribeResource(uri: string, listener: () => void): Promise<() => Promise<void>> {
    if (this.state !== "ready") await this.connect();
    if (!this.capabilities()?.resources?.subscribe)
      throw new CodecallError(
        "MCP_PROTOCOL_ERROR",
        `The MCP server "${this.name}" does not support resource subscriptions.`,
        { hint: "Read the resource again when you need it.", details: { server: this.name, uri } },
      );
    let listeners = this.#resourceListeners.get(uri);
    if (!listeners) {
      listeners = new Set();
      this.#resourceListeners.set(uri, listeners);
    }
    const first = listeners.size === 0;
    listeners.add(listener);
    if (first) {
      try {
        await this.request(`resources/subscribe of ${uri}`, (client, timeout) =>
          client.subscribeResource({ uri }, { timeout }),
        );
      } catch (error) {
        listeners.delete(listener);
        if (listeners.size === 0) this.#resourceListeners.delete(uri);
        throw error;
      }
    }
    const current = listeners;
    return async () => {
      if (!current.delete(listener) || current.size > 0) return;
      this.#resourceListeners.delete(uri);
      if (this.state !== "ready") return;
      await this.request(`resources/unsubscribe of ${uri}`, (client, timeout) =>
        client.unsubscribeResource({ uri }, { timeout }),
      ).catch(() => undefined);
    };
  }

  /** What the server said it supports when it initialized (undefined before it connected). */
  capabilities(): ReturnType<Client["getServerCapabilities"]> {
    return this.#client?.getServerCapabilities();
  }

  async callTool(
    tool: string,
    args: Record<string, unknown>,
    options: CallToolOptions = {},
  ): Promise<CallToolResult> {
    const what = `${this.name}.${tool}`;
    if (options.signal?.aborted)
      throw new CodecallError("ABORTED", `The call to ${what} was cancelled before it started.`);
    if (this.state !== "ready") await this.connect();
    if (!this.tools.some((t) => t.name === tool)) {
      const suggestions = suggestNames(
        tool,
        this.tools.map((t) => t.name),
      );
      const hint =
        suggestions.length > 0
          ? ` Did you mean ${suggestions.map((s) => `${this.name}.${s}`).join(", ")}?`
          : "";
      throw new CodecallError("TOOL_NOT_FOUND", `Server "${this.name}" has no tool named "${tool}".${hint}`, {
        details: { server: this.name, tool, suggestions },
      });
    }
    const client = this.#client!;
    const generation = this.#generation;
    const timeoutMs = options.timeoutMs ?? this.settings.callTimeoutMs;
    let pending!: PendingCall;
    const failed = new Promise<never>((_, reject) => {
      pending = { what, reject };
    });
    this.#pending.add(pending);
    // The SDK never removes the abort listener it adds to a request's signal, and a caller may reuse one
    // signal for many calls (a sandbox session does): the SDK gets a signal of this call's own, linked to
    // the caller's only while the call is in flight, so listeners stay bounded and an abort reaches this
    // call, not every call made before it.
    const callerSignal = options.signal;
    const own = callerSignal === undefined ? undefined : new AbortController();
    if (own) linkCall(callerSignal!, own);
    try {
      const send = () =>
        client.request(
          { method: "tools/call", params: { name: tool, arguments: args } },
          CallToolResultSchema,
          {
            timeout: timeoutMs,
            ...(own === undefined ? {} : { signal: own.signal }),
          },
        );
      // Only HTTP transports need the call's scope (see limitedFetch); entering an AsyncLocalStorage turns
      // on promise hooks for the whole process, which stdio calls should not pay for.
      const request =
        this.config.type === "stdio"
          ? send()
          : callScope.run({ fail: (e) => pending.reject(e), describe: what }, send);
      request.catch(() => {}); // `failed` may win the race; the loser's rejection is expected.
      return (await Promise.race([request, failed])) as CallToolResult;
    } catch (error) {
      throw this.#callError(error, what, timeoutMs, generation, options.signal);
    } finally {
      if (own) unlinkCall(callerSignal!, own);
      this.#pending.delete(pending);
    }
  }

  #callError(error: unknown, what: string, timeoutMs: number, generation: number, signal?: AbortSignal) {
    if (CodecallError.isInstance(error)) return error;
    const details = { server: this.name, tool: what.slice(this.name.length + 1) };
    if (signal?.aborted)
      return new CodecallError("ABORTED", `The call to ${what} was cancelled.`, { cause: error, details });
    // The connection died under the call: its reason was recorded by #onClose or #onTransportError.
    if (generation !== this.#generation || this.state === "crashed") {
      if (this.error !== undefined) return this.error;
    }
    if (error instanceof McpError) {
      if (error.code === REFUSED_LINE_CODE && error.message.includes(REFUSED_LINE_MARK))
        return resultTooLarge(what, this.settings.maxResultBytes);
      if (error.code === JsonRpcCode.RequestTimeout) {
        return new CodecallError(
          "MCP_TIMEOUT",
          `MCP server "${this.name}" did not answer the call to ${what} within ${timeoutMs} ms; the call was cancelled.`,
          { cause: error, details: { ...details, timeoutMs } },
        );
      }
      // The SDK's own "Connection closed" (a real close has already made this connection crashed, above); a
      // server may send -32000 for its own errors too, and that is a failed call, not a crash.
      if (error.code === JsonRpcCode.ConnectionClosed && this.state !== "ready")
        return this.#crashError(error);
      // A JSON-RPC error the server sent back for this call.
      const code: ErrorCode =
        error.code === JsonRpcCode.InvalidParams
          ? "TOOL_ARGS_INVALID"
          : error.code === JsonRpcCode.MethodNotFound
            ? "TOOL_NOT_FOUND"
            : "TOOL_FAILED";
      return new CodecallError(code, `${what} failed: ${error.message}`, {
        cause: error,
        details: { ...details, jsonRpcCode: error.code },
      });
    }
    if (isParseError(error)) return this.#protocolError(error, what);
    if (this.config.type !== "stdio") {
      // Network errors from a remote server: drop the session so the next call connects afresh.
      this.state = "crashed";
      this.error = new CodecallError(
        "MCP_SERVER_CRASHED",
        `Lost the connection to MCP server "${this.name}" during ${what}: ${(error as Error)?.message ?? String(error)}`,
        { cause: error, details },
      );
      return this.error;
    }
    return CodecallError.from(
      error,
      "MCP_PROTOCOL_ERROR",
      `${what} failed: ${(error as Error)?.message ?? error}`,
    );
  }

  #protocolError(error: unknown, what: string): CodecallError {
    return new CodecallError(
      "MCP_PROTOCOL_ERROR",
      `MCP server "${this.name}" sent an answer to ${what} that is not valid MCP: ${(error as Error).message.slice(0, 500)}`,
      { cause: error, details: { server: this.name } },
    );
  }

  #crashError(cause?: unknown): CodecallError {
    const pid = this.#pid === undefined ? "" : ` (pid ${this.#pid})`;
    const tail = this.stderr.text();
    return new CodecallError(
      "MCP_SERVER_CRASHED",
      `MCP server "${this.name}"${pid} exited or closed the connection.` +
        (tail ? `${STDERR_LEAD}${tail}` : " It wrote nothing to stderr."),
      { cause, details: { server: this.name, stderrTail: tail } },
    );
  }

  #closedError(): CodecallError {
    return new CodecallError(
      "MCP_CONNECT_FAILED",
      `The connection to MCP server "${this.name}" was closed.`,
      {
        hint: "Create new connections with connectServers().",
        details: { server: this.name },
      },
    );
  }

  #connectError(error: unknown): CodecallError {
    const config = this.config;
    const tail = this.stderr.text();
    const reason =
      (error as NodeJS.ErrnoException)?.code === "ENOENT" && config.type === "stdio"
        ? `command "${config.command}" was not found`
        : ((error as Error)?.message ?? String(error)) +
          (this.#exit === undefined ? "" : ` (the process exited with ${this.#exit} before it answered)`);
    const hint =
      config.type === "stdio"
        ? `Check that "${commandLineForHint(config.command, config.args)}" runs in a terminal${config.cwd ? ` in ${config.cwd}` : ""}: the command is installed (or an absolute path), its arguments and env are right.`
        : `Check that ${urlForHint(config.url)} is reachable, the server is running, and the headers (credentials) are right.`;
    return new CodecallError(
      "MCP_CONNECT_FAILED",
      `MCP server "${this.name}" did not start: ${reason}.` + (tail ? `${STDERR_LEAD}${tail}` : ""),
      { cause: error, hint, details: { server: this.name, stderrTail: tail } },
    );
  }

  #onClose(generation: number): void {
    if (generation !== this.#generation || this.state !== "ready") return;
    this.#fail(this.#crashError());
  }

  #onTransportError(generation: number, error: Error): void {
    if (generation !== this.#generation || this.state !== "ready") return;
    if (/ReadBuffer exceeded maximum size/.test(error.message)) {
      // The stdio transport refused a line over the cap and drops the stream; the server is restarted on next use.
      const only =
        this.#pending.size === 1 ? [...this.#pending][0]!.what : `a call to MCP server "${this.name}"`;
      this.#fail(resultTooLarge(only, this.settings.maxResultBytes));
    } else if (isParseError(error) && this.config.type === "stdio" && this.#pending.size > 0) {
      // Garbage on stdout while calls wait: their answers may be lost in it, so fail them now, not at timeout.
      this.#fail(this.#protocolError(error, `a call to "${this.name}"`));
    }
  }

  /** Marks the connection broken for `reason`, fails the calls in flight, and drops the client. */
  #fail(reason: CodecallError): void {
    this.state = "crashed";
    this.error = reason;
    for (const call of this.#pending) call.reject(reason);
    this.#pending.clear();
    void this.#abandon();
  }

  /** Closes the current client (if any) and makes sure its process is gone. */
  #abandon(): Promise<void> {
    const done = this.#shutDown();
    this.#exiting.add(done);
    return done.finally(() => this.#exiting.delete(done));
  }

  async #shutDown(): Promise<void> {
    const client = this.#client;
    const pid = this.#pid;
    this.#client = undefined;
    this.#pid = undefined;
    this.#generation++;
    if (client === undefined) return;
    // The SDK ends stdin and waits 2 s before SIGTERM; a server that ignores EOF is told sooner.
    const grace =
      pid === undefined ? undefined : setTimeout(() => kill(pid, "SIGTERM"), this.settings.closeGraceMs);
    await client.close().catch(() => {});
    clearTimeout(grace);
    if (pid !== undefined && !(await waitForExit(pid, 1000))) {
      kill(pid, "SIGKILL");
      await waitForExit(pid, 1000);
    }
    if (pid !== undefined) children.delete(pid);
  }

  /** Shuts the server down for good; calls in flight fail with ABORTED. */
  async close(): Promise<void> {
    this.state = "closed";
    const reason = new CodecallError("ABORTED", `The connection to MCP server "${this.name}" was closed.`);
    for (const call of this.#pending) call.reject(reason);
    this.#pending.clear();
    await this.#abandon();
    await this.#connecting?.catch(() => {});
    await this.#abandon();
    await Promise.all(this.#exiting);
  }
}
