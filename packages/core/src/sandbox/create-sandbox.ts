import { setMaxListeners } from "node:events";
import { CodecallError, type ErrorCode, type SerializedError } from "../errors.js";
import { type JsonValue, utf8Length } from "../json.js";
import { ContextSource, FIRST_PRELUDE, LATER_PRELUDE, type PreparedContext } from "./context-source.js";
import { type Deadline, Deadlines } from "./deadlines.js";
import { DEFAULT_LIMITS, type ExecutionLimits, resolveLimits } from "./limits.js";
import { PROGRAM_FILENAME, wrapProgram } from "./prelude.js";
import type {
  AdapterRunStatsV1,
  HostBridgeV1,
  RunControlV1,
  RunResultV1,
  SandboxAdapterV1,
  SandboxCapabilitiesV1,
} from "./spec-v1.js";
import { mapProgramStack, type ProgramPosition } from "./stack.js";

/** A tool call as the host receives it from a program. */
export interface ToolCall {
  name: string;
  /** The arguments as the program passed them; `undefined` when it passed none. */
  args: JsonValue | undefined;
}

/** Answers the program's tool calls. Throw (ideally a {@link CodecallError}) to fail the call. */
export type ToolHandler = (
  call: ToolCall,
  context: { readonly signal: AbortSignal },
) => Promise<unknown> | unknown;

export type LogLevel = "log" | "info" | "warn" | "error" | "debug";

export interface LogEntry {
  level: LogLevel;
  message: string;
}

export interface ToolCallRecord {
  name: string;
  ok: boolean;
  durationMs: number;
  /** The error code when the call failed. */
  error?: ErrorCode;
}

/** Streamed while the program runs, for UIs and tracing. */
export type ExecutionEvent =
  | { type: "log"; level: LogLevel; message: string }
  | { type: "tool-call"; id: number; name: string; args: JsonValue | undefined }
  | {
      type: "tool-result";
      id: number;
      name: string;
      ok: boolean;
      durationMs: number;
      error?: SerializedError;
    };

export interface ExecutionStats {
  backend: string;
  wallMs: number;
  cpuMs?: number;
  toolCalls: number;
  /** Bytes of return value (as JSON) plus console output. */
  outputBytes: number;
  peakMemoryBytes?: number;
  /** The session's context was discarded after this execution (a limit or crash); state starts fresh. */
  contextReset: boolean;
}

/** What an execution produced. Executions never throw: every failure is `ok: false` with an error. */
export interface ExecutionOutcome {
  ok: boolean;
  /** The program's return value. Absent when it returned `undefined` or failed. */
  value?: JsonValue;
  error?: SerializedError;
  logs: LogEntry[];
  toolCalls: ToolCallRecord[];
  stats: ExecutionStats;
}

export interface ExecuteRequest {
  /** JavaScript: the body of an async function. It may `await`, and what it `return`s is the value. */
  code: string;
  /** Answers `codecall.callTool(name, args)`. Without it every call fails with TOOL_NOT_FOUND. */
  tools?: ToolHandler;
  /** JavaScript run in the program's scope before `code` (bindings for generated APIs). */
  prologue?: string;
  limits?: Partial<ExecutionLimits>;
  signal?: AbortSignal;
  onEvent?: (event: ExecutionEvent) => void;
}

export interface SessionOptions {
  /** Defaults for every execution in the session; a request's own limits override them. */
  limits?: Partial<ExecutionLimits>;
}

/** A live sandbox context. Executions in one session run one at a time, in order. */
export interface SandboxSession {
  execute(request: ExecuteRequest): Promise<ExecutionOutcome>;
  dispose(): Promise<void>;
  readonly disposed: boolean;
}

/** A sandbox backend with core's shared behaviour around it. Backends export a factory returning one. */
export interface Sandbox {
  readonly name: string;
  readonly capabilities: SandboxCapabilitiesV1;
  createSession(options?: SessionOptions): Promise<SandboxSession>;
  /** Runs one program in a fresh session and disposes it. */
  execute(request: ExecuteRequest): Promise<ExecutionOutcome>;
  /** Disposes every open session and the backend's engine-wide resources. */
  close(): Promise<void>;
}

export interface CreateSandboxOptions {
  /** Default limits for every session of this sandbox. */
  limits?: Partial<ExecutionLimits>;
  /**
   * Keep one context ready (created, prelude evaluated, never used by a program) so a fresh execution
   * skips context creation on its latency path. It is built after the execution that took the last one,
   * used by exactly one session, only when that session's limits equal the sandbox's, and disposed by
   * `close()`. Default: on for local backends, off for remote ones (a spare there is a billed machine).
   */
  spareContext?: boolean;
}

/** How long core waits for an adapter to settle after aborting it, before reporting anyway. */
const ABORT_GRACE_MS = 2_000;
/** Tool-call error codes a program's uncaught error keeps in the outcome; anything else is PROGRAM_ERROR. */
const TOOL_CODES = new Set<string>([
  "TOOL_NOT_FOUND",
  "TOOL_FAILED",
  "TOOL_ARGS_INVALID",
  "TOOL_RESULT_TOO_LARGE",
  "TOOL_ARGS_TOO_LARGE",
  "TOOL_TIMEOUT",
  "POLICY_DENIED",
  "PRIVACY_VIOLATION",
  "RESULT_NOT_SERIALIZABLE",
]);

/**
 * Wraps a thin {@link SandboxAdapterV1} with the behaviour every backend shares: the prelude and program
 * wrapper, console capture, the tool-call bridge with its budget and size caps, the wall clock (enforced
 * here, outside the engine, on top of the engine's own CPU limit), cancellation, and the outcome.
 */
export function createSandbox(adapter: SandboxAdapterV1, options: CreateSandboxOptions = {}): Sandbox {
  if (adapter.specificationVersion !== "v1") {
    throw new CodecallError(
      "CONFIG_INVALID",
      `Sandbox adapter "${adapter.name}" implements specification ${String(adapter.specificationVersion)}; this @codecall/core supports v1. Install matching versions.`,
    );
  }
  const baseLimits = resolveLimits(options.limits);
  const sessions = new Set<Session>();
  const spares = options.spareContext ?? !adapter.capabilities.remote;
  const contexts = new ContextSource(adapter, spares ? baseLimits : undefined);
  const deadlines = new Deadlines();
  const open = (limits: Partial<ExecutionLimits> | undefined) => {
    const session = new Session(
      adapter.name,
      contexts,
      deadlines,
      limits ? resolveLimits(baseLimits, limits) : baseLimits,
      () => sessions.delete(session),
    );
    sessions.add(session);
    return session;
  };

  const sandbox: Sandbox = {
    name: adapter.name,
    capabilities: adapter.capabilities,
    async createSession(sessionOptions = {}) {
      return open(sessionOptions.limits);
    },
    async execute(request) {
      const session = open(undefined);
      try {
        return await session.execute(request);
      } finally {
        // Disposed before returning, not later: the next execution reuses what this one frees (a
        // QuickJS instance), which a deferred disposal would make it create anew.
        await session.dispose();
      }
    },
    async close() {
      await Promise.all([...sessions].map((s) => s.dispose()));
      await contexts.close();
      await adapter.close?.();
    },
  };
  return sandbox;
}

const noop = () => {};

/**
 * The abort signals of one session's runs. Runs run one at a time, and a run that was not stopped leaves
 * its signal unaborted, so the next run reuses it: a new AbortSignal costs several microseconds of CPU
 * and garbage collection, as much as the rest of a warm execution. Adapters and tools remove their
 * listeners when their run or call ends; a stopped run's signal is never handed out again.
 */
class SignalSource {
  private current: AbortController | undefined;

  take(): AbortController {
    if (!this.current) {
      this.current = new AbortController();
      // Every tool call in flight may listen on it (an MCP request does); that is not a leak.
      setMaxListeners(0, this.current.signal);
    }
    return this.current;
  }

  drop(controller: AbortController): void {
    if (this.current === controller) this.current = undefined;
  }
}

class Session implements SandboxSession {
  private context: Promise<PreparedContext> | undefined;
  private readonly signals = new SignalSource();
  /** Executions accepted and not yet settled; the first of a burst starts at once, the rest queue. */
  private active = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** The execution in progress, stopped with SANDBOX_DISPOSED if the session is disposed under it. */
  private running: RunState | undefined;
  disposed = false;
  private disposing: Promise<void> | undefined;

  constructor(
    private readonly backend: string,
    private readonly contexts: ContextSource,
    private readonly deadlines: Deadlines,
    private readonly limits: ExecutionLimits,
    private readonly onDispose: () => void,
  ) {}

  execute(request: ExecuteRequest): Promise<ExecutionOutcome> {
    // runOne never rejects; the rejection handler only keeps the queue moving if it ever did.
    const run =
      this.active++ === 0
        ? this.runOne(request)
        : this.queue.then(
            () => this.runOne(request),
            () => this.runOne(request),
          );
    this.queue = run;
    return run;
  }

  /** Idempotent: every call returns the same promise, settled once the context is gone. */
  dispose(): Promise<void> {
    if (!this.disposing) {
      this.markDisposed();
      this.disposing = this.dropContext().finally(() => this.onDispose());
    }
    return this.disposing;
  }

  private markDisposed(): void {
    this.disposed = true;
    this.running?.stop(
      new CodecallError("SANDBOX_DISPOSED", "The session was disposed while the program ran."),
    );
  }

  private async dropContext(): Promise<void> {
    const context = this.context;
    this.context = undefined;
    if (context) await context.then((p) => p.context.dispose()).catch(noop);
  }

  private async runOne(request: ExecuteRequest): Promise<ExecutionOutcome> {
    try {
      const run = new RunState(this.backend, request, performance.now(), this.signals);
      if (this.disposed)
        return run.finish(new CodecallError("SANDBOX_DISPOSED", "This sandbox session was disposed."));
      let limits = this.limits;
      if (request.limits) {
        try {
          limits = resolveLimits(this.limits, request.limits);
        } catch (error) {
          return run.finish(CodecallError.from(error, "CONFIG_INVALID"));
        }
      }
      run.limits = limits;
      const callerSignal = request.signal;
      if (callerSignal?.aborted) return run.finish(abortedError(callerSignal));

      let prepared: PreparedContext;
      try {
        this.context ??= this.contexts.open(limits);
        prepared = await this.context;
      } catch (error) {
        this.context = undefined;
        return run.finish(
          CodecallError.from(
            error,
            "SANDBOX_UNAVAILABLE",
            `Could not create a ${this.backend} sandbox: ${errorText(error)}`,
          ),
        );
      }
      // Creating a context can take a while (a remote VM): the session may be disposed or the caller may
      // give up meanwhile.
      if (this.disposed)
        return run.finish(
          new CodecallError("SANDBOX_DISPOSED", "The session was disposed while the program ran."),
        );
      if (callerSignal?.aborted) return run.finish(abortedError(callerSignal));

      // One promise settles the run: the adapter's result, or (once stopped) the end of the grace period.
      let settle!: (result: RunResultV1 | undefined) => void;
      const done = new Promise<RunResultV1 | undefined>((resolve) => {
        settle = resolve;
      });
      let grace: ReturnType<typeof setTimeout> | undefined;
      const stop = (error: CodecallError) => {
        if (run.stopReason) return;
        run.stopReason = error;
        run.abort(error);
        grace = setTimeout(settle, ABORT_GRACE_MS, undefined);
      };
      run.at = performance.now() + limits.wallTimeMs;
      this.deadlines.add(run);
      const onCallerAbort = callerSignal ? () => stop(abortedError(callerSignal)) : undefined;
      if (onCallerAbort) callerSignal!.addEventListener("abort", onCallerAbort, { once: true });
      run.stop = stop;
      this.running = run;

      const { source, lineOffset, columnOffset } = wrapProgram(request.code, request.prologue);
      run.position = { lineOffset, columnOffset };
      const prelude = prepared.preludeRun ? LATER_PRELUDE : FIRST_PRELUDE;
      prepared.preludeRun = true;

      let result: RunResultV1 | undefined;
      try {
        prepared.context
          .run(prelude, { source, filename: PROGRAM_FILENAME }, run.bridge(), run.view())
          .then(settle, (error: unknown) =>
            settle({ kind: "failed", code: "SANDBOX_CRASHED", message: errorText(error) }),
          );
        result = await done;
      } finally {
        this.running = undefined;
        this.deadlines.delete(run);
        if (grace) clearTimeout(grace);
        if (onCallerAbort) callerSignal!.removeEventListener("abort", onCallerAbort);
      }

      const outcome = run.settle(result);
      if (!outcome.ok && (result?.kind !== "completed" || run.stopReason)) {
        // The engine was stopped or failed mid-run: its state is unknown, so the next execution starts fresh.
        outcome.stats.contextReset = true;
        await this.dropContext();
      }
      this.contexts.refillSoon();
      return outcome;
    } finally {
      // Counted here, not by a reaction on the returned promise: one promise less per execution.
      this.active--;
    }
  }
}

/** A run's limits and its signal, read on demand (a class: a getter on the prototype costs nothing per run). */
class RunView implements RunControlV1 {
  constructor(
    private readonly run: RunState,
    readonly limits: ExecutionLimits,
  ) {}

  get signal(): AbortSignal {
    return this.run.signal;
  }
}

/** Per-execution bookkeeping: the bridge the program talks to, the logs, tool calls and byte budgets. */
class RunState implements Deadline {
  limits: ExecutionLimits = DEFAULT_LIMITS;
  /** When the wall clock stops the run; set when it starts. */
  at = Number.POSITIVE_INFINITY;
  position: ProgramPosition = { lineOffset: 0, columnOffset: 0 };
  /** The controller this run's signal came from, once read or aborted. */
  private controller: AbortController | undefined;
  private ended = false;
  private runView: RunView | undefined;
  stopReason: CodecallError | undefined;
  stop: (error: CodecallError) => void = () => {};
  readonly logs: LogEntry[] = [];
  readonly toolCalls: ToolCallRecord[] = [];
  private outputBytes = 0;
  private callCount = 0;
  private adapterStats: AdapterRunStatsV1 | undefined;

  constructor(
    private readonly backend: string,
    private readonly request: ExecuteRequest,
    private readonly started: number,
    private readonly signals: SignalSource,
  ) {}

  /** The run's abort signal, aborted by {@link abort}. */
  get signal(): AbortSignal {
    // A tool that first reads it after the run ended must not get a later run's signal.
    this.controller ??= this.ended ? new AbortController() : this.signals.take();
    return this.controller.signal;
  }

  expire(): void {
    this.stop(wallClockError(this.limits.wallTimeMs));
  }

  abort(reason: CodecallError): void {
    this.controller ??= this.signals.take();
    this.controller.abort(reason);
    this.signals.drop(this.controller);
  }

  /** What the adapter and every tool handler get, made once per run; the signal is made on first read. */
  view(): RunView {
    this.runView ??= new RunView(this, this.limits);
    return this.runView;
  }

  bridge(): HostBridgeV1 {
    return {
      log: (level, text) => this.log(level, text),
      call: (requestJson) => this.call(requestJson),
    };
  }

  private log(level: string, text: unknown): void {
    if (this.stopReason) return;
    const message = typeof text === "string" ? text : String(text);
    const lvl: LogLevel = isLogLevel(level) ? level : "log";
    this.outputBytes += utf8Length(message) + 1;
    if (this.outputBytes > this.limits.maxOutputBytes) {
      this.stop(outputLimitError(this.limits.maxOutputBytes, "console output"));
      return;
    }
    this.logs.push({ level: lvl, message });
    this.emit({ type: "log", level: lvl, message });
  }

  private async call(requestJson: string): Promise<string> {
    if (typeof requestJson !== "string")
      return reply(new CodecallError("TOOL_ARGS_INVALID", "Malformed tool call from the sandbox."));
    if (utf8Length(requestJson) > this.limits.maxToolArgsBytes + 1024) {
      return reply(
        new CodecallError(
          "TOOL_ARGS_TOO_LARGE",
          `The tool call's arguments exceed limits.maxToolArgsBytes (${this.limits.maxToolArgsBytes} bytes).`,
        ),
      );
    }
    let parsed: { name?: unknown; args?: unknown };
    try {
      parsed = JSON.parse(requestJson) as { name?: unknown; args?: unknown };
    } catch {
      return reply(new CodecallError("TOOL_ARGS_INVALID", "Malformed tool call from the sandbox."));
    }
    if (typeof parsed !== "object" || parsed === null || typeof parsed.name !== "string") {
      return reply(new CodecallError("TOOL_ARGS_INVALID", "A tool call needs a tool name."));
    }
    const name = parsed.name;
    const args = parsed.args as JsonValue | undefined;
    if (this.stopReason) return reply(this.stopReason);
    this.callCount++;
    if (this.callCount > this.limits.maxToolCalls) {
      const error = new CodecallError(
        "TOOL_CALL_LIMIT",
        `The program made more than ${this.limits.maxToolCalls} tool calls (limits.maxToolCalls).`,
        { details: { limit: this.limits.maxToolCalls } },
      );
      this.stop(error);
      return reply(error);
    }
    const id = this.callCount;
    const callStarted = performance.now();
    this.emit({ type: "tool-call", id, name, args });
    let answer: string;
    let failure: CodecallError | undefined;
    try {
      if (!this.request.tools)
        throw new CodecallError(
          "TOOL_NOT_FOUND",
          `No tools are available to this program (called "${name}").`,
        );
      const value = await this.request.tools({ name, args }, this.view());
      const json = value === undefined ? undefined : JSON.stringify(value);
      if (json !== undefined && utf8Length(json) > this.limits.maxToolResultBytes) {
        throw new CodecallError(
          "TOOL_RESULT_TOO_LARGE",
          `The result of ${name} is ${utf8Length(json)} bytes, over limits.maxToolResultBytes (${this.limits.maxToolResultBytes}). Ask the tool for less: filters, pagination, smaller pages.`,
          { details: { tool: name, bytes: utf8Length(json), limit: this.limits.maxToolResultBytes } },
        );
      }
      answer = json === undefined ? '{"ok":true}' : `{"ok":true,"value":${json}}`;
    } catch (error) {
      failure = CodecallError.from(error, "TOOL_FAILED");
      answer = reply(failure);
    }
    const durationMs = performance.now() - callStarted;
    const record: ToolCallRecord = { name, ok: !failure, durationMs };
    if (failure) record.error = failure.code;
    this.toolCalls.push(record);
    this.emit({
      type: "tool-result",
      id,
      name,
      ok: !failure,
      durationMs,
      ...(failure ? { error: failure.toJSON() } : {}),
    });
    return answer;
  }

  private emit(event: ExecutionEvent): void {
    try {
      this.request.onEvent?.(event);
    } catch {
      // A listener's failure must not break the program.
    }
  }

  /** Builds the outcome from what the adapter reported. */
  settle(result: RunResultV1 | undefined): ExecutionOutcome {
    if (result?.stats) this.adapterStats = result.stats;
    if (this.stopReason) return this.finish(this.stopReason);
    if (!result) return this.finish(new CodecallError("SANDBOX_CRASHED", "The sandbox did not respond."));
    if (result.kind === "failed") return this.finish(this.adapterFailure(result));
    let report: { ok?: unknown; value?: JsonValue; undefined?: boolean; error?: ProgramErrorReport };
    try {
      report = JSON.parse(result.report);
    } catch {
      return this.finish(new CodecallError("SANDBOX_CRASHED", "The sandbox returned a malformed report."));
    }
    if (report.ok === true) {
      const bytes = utf8Length(result.report);
      this.outputBytes += bytes;
      if (this.outputBytes > this.limits.maxOutputBytes)
        return this.finish(outputLimitError(this.limits.maxOutputBytes, "return value"));
      return this.finish(undefined, report.undefined ? undefined : report.value);
    }
    return this.finish(this.programError(report.error));
  }

  private adapterFailure(result: Extract<RunResultV1, { kind: "failed" }>): CodecallError {
    const limits = this.limits;
    switch (result.code) {
      case "SANDBOX_CPU_LIMIT":
        return new CodecallError(
          "SANDBOX_CPU_LIMIT",
          `The program used more than its CPU time limit of ${limits.cpuTimeMs} ms.`,
          {
            details: { limitMs: limits.cpuTimeMs },
          },
        );
      case "SANDBOX_MEMORY":
        return new CodecallError(
          "SANDBOX_MEMORY",
          `The program used more than its memory limit of ${limits.memoryBytes} bytes.`,
          {
            details: { limitBytes: limits.memoryBytes },
          },
        );
      case "SANDBOX_TIMEOUT":
        return wallClockError(limits.wallTimeMs);
      case "PROGRAM_SYNTAX": {
        const line = /program\.js:(\d+)/.exec(result.message);
        return new CodecallError("PROGRAM_SYNTAX", result.message.replace(/\s*at .*program\.js.*$/s, ""), {
          name: "SyntaxError",
          ...(line ? { line: Math.max(1, Number(line[1]) - this.position.lineOffset) } : {}),
        });
      }
      default:
        return new CodecallError("SANDBOX_CRASHED", `The ${this.backend} sandbox failed: ${result.message}`);
    }
  }

  private programError(report: ProgramErrorReport | undefined): CodecallError {
    const name = typeof report?.name === "string" ? report.name : "Error";
    const message = typeof report?.message === "string" ? report.message : "The program failed.";
    const mapped =
      typeof report?.stack === "string" ? mapProgramStack(report.stack, this.position) : undefined;
    const code: ErrorCode =
      typeof report?.code === "string" && TOOL_CODES.has(report.code)
        ? (report.code as ErrorCode)
        : "PROGRAM_ERROR";
    return new CodecallError(code, message, {
      name,
      ...(mapped?.line !== undefined ? { line: mapped.line } : {}),
      ...(mapped?.column !== undefined ? { column: mapped.column } : {}),
      ...(mapped?.stack ? { stack: mapped.stack } : {}),
      ...(typeof report?.tool === "string" ? { details: { tool: report.tool } } : {}),
    });
  }

  finish(error: CodecallError | undefined, value?: JsonValue): ExecutionOutcome {
    this.ended = true;
    const outcome: ExecutionOutcome = {
      ok: !error,
      logs: this.logs,
      toolCalls: this.toolCalls,
      stats: {
        backend: this.backend,
        wallMs: performance.now() - this.started,
        toolCalls: this.callCount,
        outputBytes: this.outputBytes,
        contextReset: false,
      },
    };
    if (error) outcome.error = error.toJSON();
    else if (value !== undefined) outcome.value = value;
    if (this.adapterStats?.cpuMs !== undefined) outcome.stats.cpuMs = this.adapterStats.cpuMs;
    if (this.adapterStats?.peakMemoryBytes !== undefined)
      outcome.stats.peakMemoryBytes = this.adapterStats.peakMemoryBytes;
    return outcome;
  }
}

interface ProgramErrorReport {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  code?: unknown;
  tool?: unknown;
}

function reply(error: CodecallError): string {
  return JSON.stringify({
    ok: false,
    error: { ...error.toJSON(), name: error.code === "TOOL_FAILED" ? "ToolError" : "CodecallError" },
  });
}

function outputLimitError(limit: number, what: string): CodecallError {
  return new CodecallError(
    "SANDBOX_OUTPUT_LIMIT",
    `The program's ${what} exceeded limits.maxOutputBytes (${limit} bytes).`,
    {
      details: { limitBytes: limit },
    },
  );
}

function abortedError(signal: AbortSignal): CodecallError {
  const reason: unknown = signal.reason;
  return CodecallError.isInstance(reason)
    ? reason
    : new CodecallError(
        "ABORTED",
        `The execution was cancelled${reason instanceof Error ? `: ${reason.message}` : "."}`,
      );
}

function wallClockError(limitMs: number): CodecallError {
  return new CodecallError("SANDBOX_TIMEOUT", `The program ran past its wall-clock limit of ${limitMs} ms.`, {
    details: { limitMs },
  });
}

function isLogLevel(level: string): level is LogLevel {
  return level === "log" || level === "info" || level === "warn" || level === "error" || level === "debug";
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
