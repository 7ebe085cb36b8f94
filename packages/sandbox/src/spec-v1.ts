/**
 * The sandbox specification, version 1: the one interface every backend implements.
 *
 * A backend is a thin adapter around an engine (QuickJS, a V8 isolate, a remote VM). It only knows how to
 * evaluate a script and expose two host functions to it. Everything else (the program wrapper, console
 * capture, tool-call budget, size caps, wall-clock deadlines, the outcome) is written once in core by
 * {@link createSandbox}. Only strings cross the boundary in either direction: no host object, function,
 * prototype or Promise ever enters a sandbox.
 *
 * Changing this file in a way that breaks an adapter means a new version (`v2`), never an edit of `v1`.
 */

/** What kind of boundary separates the program from the host. */
export type IsolationKind = "wasm" | "v8-isolate" | "microvm" | "process" | "none";

/** What a backend can enforce and keep; the executor and the docs read these, tests check them. */
export interface SandboxCapabilitiesV1 {
  isolation: IsolationKind;
  /** The backend enforces `limits.memoryBytes` inside the engine. */
  memoryLimit: boolean;
  /** The backend enforces `limits.cpuTimeMs` inside the engine, even in a synchronous endless loop. */
  cpuTimeLimit: boolean;
  /** Globals set by one execution are seen by the next one in the same session. */
  persistentState: boolean;
  /** The program runs on another machine; host calls cross a network. */
  remote: boolean;
  /**
   * The adapter calls {@link HostBridgeV1.answerTaken} once its engine holds each answer: for engines on
   * another thread or machine, which take answers later than `call` settles. While the units the engine
   * has not taken reach a quarter of `limits.memoryBytes` (at least one answer), core makes no more answers
   * (the calls wait). Default `false`: the engine takes each answer as its promise settles.
   */
  acknowledgesAnswers?: boolean;
  /**
   * The adapter hands {@link HostBridgeV1.call}'s answers to the prelude as they are, never reading or
   * splicing them as JSON: core may then answer with a long string result as itself (64 Ki UTF-16 units or
   * more), which the prelude tells from JSON by its start, sparing the host a copy of it (tens of
   * milliseconds of its thread for megabytes). Default `false`: every answer is JSON.
   */
  rawStringAnswers?: boolean;
}

/** Limits that hold for one execution. All are required here; {@link resolveLimits} fills defaults. */
export interface ExecutionLimitsV1 {
  /** Wall-clock time for the whole execution, waiting on tools included. */
  wallTimeMs: number;
  /** CPU time the program itself may use. */
  cpuTimeMs: number;
  /** Memory the engine may allocate for the program. */
  memoryBytes: number;
  /** Tool calls one execution may make, refused ones included (an unknown name, arguments nested too deep). */
  maxToolCalls: number;
  /** Bytes of return value (as JSON) plus console output. */
  maxOutputBytes: number;
  /** Bytes of one tool result (as JSON) allowed into the sandbox. */
  maxToolResultBytes: number;
  /** Bytes of one tool call's arguments (as JSON) allowed out of the sandbox. */
  maxToolArgsBytes: number;
}

/**
 * The two functions the adapter installs in the engine before the prelude runs, under the global name
 * {@link HOST_GLOBAL} as an object `{ call, log }`. The prelude captures them and deletes the global.
 */
export interface HostBridgeV1 {
  /**
   * A host call. `request` is a JSON string; the returned promise resolves with a JSON string (or, for
   * adapters with {@link SandboxCapabilitiesV1.rawStringAnswers}, a long string result as itself) and
   * never rejects. The adapter hands the program a promise of its own engine that settles with that string.
   */
  call(request: string): Promise<string>;
  /** Console output, already formatted as text. Synchronous; returns nothing into the sandbox. */
  log(level: string, text: string): void;
  /**
   * For adapters with {@link SandboxCapabilitiesV1.acknowledgesAnswers}: the engine now holds an answer of
   * `length` UTF-16 units (the `length` of the string `call` resolved with), so the host no longer does.
   * Core provides it; for an adapter without that capability it does nothing.
   */
  answerTaken?(length: number): void;
}

/** One script to evaluate. Its completion value is a Promise (of the engine) that resolves to a string. */
export interface ScriptV1 {
  source: string;
  /** The file name engines should use in stack traces. */
  filename: string;
}

/** What the adapter gets with each run. */
export interface RunControlV1 {
  limits: ExecutionLimitsV1;
  /**
   * Aborted by core when the execution must stop (wall clock, output or tool-call limit, caller's
   * cancellation). The adapter must stop the engine promptly and settle `run` (with any error; core
   * reports its own reason). Core makes the signal on first read, so an adapter may defer reading it
   * until the run first waits on the host.
   */
  readonly signal: AbortSignal;
}

/** How a run ended, as the adapter sees it. */
export type RunResultV1 =
  /** The script's promise resolved with this string (the prelude's JSON report). */
  | { kind: "completed"; report: string; stats?: AdapterRunStatsV1 }
  /** The engine stopped the program: a limit it enforces, or a failure of its own. */
  | {
      kind: "failed";
      code: "SANDBOX_CPU_LIMIT" | "SANDBOX_MEMORY" | "SANDBOX_TIMEOUT" | "SANDBOX_CRASHED" | "PROGRAM_SYNTAX";
      message: string;
      stats?: AdapterRunStatsV1;
    };

export interface AdapterRunStatsV1 {
  cpuMs?: number;
  /** Peak memory the engine used for this session, where the engine can tell. */
  peakMemoryBytes?: number;
}

/** A context: one isolated global environment. A session owns one. */
export interface SandboxContextV1 {
  /**
   * Runs one execution. On the context's first run the adapter installs {@link HOST_GLOBAL}; on every run
   * it evaluates `prelude` when its source is not empty (core's prelude on the first run; on a later run,
   * a request's setup the context has not run yet, else nothing), then `script`, and awaits the engine
   * promise the script completes with. Host
   * functions installed once must forward to the `bridge` of the run in progress (core never runs two
   * executions in one context at once). Resolves when that promise settles or the engine stops the
   * program. Never rejects.
   */
  run(prelude: ScriptV1, script: ScriptV1, bridge: HostBridgeV1, control: RunControlV1): Promise<RunResultV1>;
  /** Frees everything. Safe to call twice and while `run` is pending (the run then settles as failed). */
  dispose(): Promise<void>;
}

export interface ContextOptionsV1 {
  /**
   * The limits of the session's first execution. Only `memoryBytes` may be fixed at creation: every run
   * gets its own limits, and core may hand a context made ahead of time to a session whose first execution
   * has other time, call or output limits.
   */
  limits: ExecutionLimitsV1;
  /**
   * The context is core's spare (made ahead of need, see `CreateSandboxOptions.spareContext`): it already
   * is the resource kept ahead, so an adapter need not start more ahead of it (another engine or thread
   * would only hold memory). Core makes the next spare in the background when a session takes this one.
   */
  spare?: boolean;
}

/** A sandbox backend. */
export interface SandboxAdapterV1 {
  readonly specificationVersion: "v1";
  /** Short, stable name: `quickjs`, `isolated-vm`, `e2b`. */
  readonly name: string;
  readonly capabilities: SandboxCapabilitiesV1;
  createContext(options: ContextOptionsV1): Promise<SandboxContextV1>;
  /** Frees engine-wide resources (a WebAssembly module, a connection pool). Optional. */
  close?(): Promise<void>;
}

/** The global under which the adapter installs `{ call, log }`. The prelude removes it. */
export const HOST_GLOBAL = "__codecallHost";
