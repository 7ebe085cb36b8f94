import type { ErrorCode, SerializedError } from "./errors.js";
import type { JsonValue } from "./json.js";
import type { ExecutionLimits } from "./limits.js";
import type { SandboxCapabilitiesV1 } from "./spec-v1.js";

/** A tool call as the host receives it from a program. */
export interface ToolCall {
  name: string;
  /** The arguments as the program passed them; `undefined` when it passed none. */
  args: JsonValue | undefined;
}

/** What a tool handler gets beside the call: the run's signal, and a way to stop its wall clock. */
export interface ToolCallContext {
  /** Aborted when the execution must stop (a limit, the caller's cancellation, disposal). */
  readonly signal: AbortSignal;
  /**
   * Stops the execution's wall clock until the returned function is called (once; later calls do
   * nothing): time spent waiting for a person, such as an approval prompt, does not count against
   * `limits.wallTimeMs`. Pauses nest; the clock runs again when the last one ends. Given by every
   * sandbox made with `createSandbox`; optional so a handler can be called directly in tests.
   */
  readonly pauseClock?: () => () => void;
}

/** Answers the program's tool calls. Throw (ideally a {@link CodecallError}) to fail the call. */
export type ToolHandler = (call: ToolCall, context: ToolCallContext) => Promise<unknown> | unknown;

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
  /** How many times the host tried the call, when it retried (codecall's per-tool retries); absent: once. */
  attempts?: number;
}

/**
 * Where an event belongs and when it happened. The sandbox leaves them out; codecall's executor stamps
 * every event it forwards with both.
 */
export interface EventStamp {
  /** The execution the event belongs to (the same id as its run record and its trace). */
  runId?: string;
  /** When it happened, in epoch milliseconds. */
  at?: number;
}

/** Streamed while the program runs, for UIs and tracing. */
export type ExecutionEvent = EventStamp &
  (
    | { type: "log"; level: LogLevel; message: string }
    | { type: "tool-call"; id: number; name: string; args: JsonValue | undefined }
    | {
        type: "tool-result";
        id: number;
        name: string;
        ok: boolean;
        durationMs: number;
        error?: SerializedError;
        /** How many times the host tried the call, when it retried; absent: once. */
        attempts?: number;
      }
    | {
        /**
         * One attempt of tool call `id` failed (a transport failure or a timeout) and the host tries it
         * again; emitted by codecall's executor for tools marked idempotent, never by the sandbox itself.
         */
        type: "tool-retry";
        id: number;
        name: string;
        /** The attempt that failed, from 1. */
        attempt: number;
        error: SerializedError;
      }
  );

export interface ExecutionStats {
  backend: string;
  wallMs: number;
  cpuMs?: number;
  toolCalls: number;
  /** Bytes of return value (as JSON) plus console output. */
  outputBytes: number;
  peakMemoryBytes?: number;
  /**
   * The session's context was discarded: after this execution (a limit or crash), so the next starts fresh,
   * or before it, when the request brought a setup the context had not run and programs had run in it.
   */
  contextReset: boolean;
}

/**
 * The nondeterminism a program consumed, in order: what `Date.now()` / `new Date()` (`now`, epoch ms) and
 * `Math.random()` (`random`) returned. Taped when the request asks (see {@link ExecuteRequest.nondeterminism}).
 */
export interface NondeterminismTape {
  now: number[];
  random: number[];
  /** More values were consumed than a tape keeps (4,096 of each kind); the rest were not taped. */
  truncated?: boolean;
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
  /** The values of `Date.now()`, `new Date()` and `Math.random()` the program consumed, when the request taped them. */
  nondeterminism?: NondeterminismTape;
}

export interface ExecuteRequest {
  /** JavaScript: the body of an async function. It may `await`, and what it `return`s is the value. */
  code: string;
  /** Answers `codecall.callTool(name, args)`. Without it every call fails with TOOL_NOT_FOUND. */
  tools?: ToolHandler;
  /**
   * Synchronous JavaScript run before `code` in an enclosing scope (bindings for generated APIs): the
   * program sees its bindings and may shadow them with declarations of its own.
   */
  prologue?: string;
  /**
   * Global JavaScript that prologues share (code mode's binding helpers), run in a context before the
   * first program that brings it, not per execution: a spare context runs the setup the last execution
   * brought ahead of time, off the next execution's path (compiling is most of a short program's cost in
   * QuickJS). It shares through properties of `globalThis` (no top-level declarations: a backend may
   * evaluate scripts with an indirect `eval`), and must be harmless when run again in the same context.
   * A spare context runs the setup of the sandbox's last execution, whichever session made it, and is then
   * handed to any session: a setup must be the same text for every session and carry no session's data.
   * It runs with the context's prelude, never in a program's script, so a global it seals stays sealed
   * for the session's later programs (QuickJS puts such globals back before each run). A setup a session
   * first brings (or changes) after programs ran in its context gets a fresh context instead, since they
   * may have planted its names or patched what it calls: the session's globals start over
   * (`stats.contextReset`). Bring the same setup with every request, as code mode does.
   */
  setup?: string;
  limits?: Partial<ExecutionLimits>;
  signal?: AbortSignal;
  onEvent?: (event: ExecutionEvent) => void;
  /**
   * Tape the program's `Date.now()` / `new Date()` / `Math.random()` values into the outcome's
   * `nondeterminism` (`"record"`), or replay a tape: its values are returned in order (the engine's own
   * once it runs out) and the outcome tapes what was returned.
   */
  nondeterminism?: "record" | Pick<NondeterminismTape, "now" | "random">;
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
  /**
   * Prepares the spare context now (see {@link CreateSandboxOptions.spareContext}) instead of after the
   * first execution, so the first program does not pay for starting the engine (a worker thread, a
   * WebAssembly compile). Resolves once it is ready, or at once where there are no spares. Optional: a
   * Sandbox made without `createSandbox` may lack it.
   */
  warmUp?(): Promise<void>;
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
  /**
   * One-shot executions (`execute`) that run at once; more wait their turn, in order, and leave the queue
   * when their signal aborts. Sessions (`createSession`) keep their context and are not counted. Default 8:
   * each one holds a context (a worker thread, an isolate, a VM) until it ends.
   */
  maxConcurrentExecutions?: number;
}
