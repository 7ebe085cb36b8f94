import type { ExecutionLimitsV1, RunResultV1, ScriptV1 } from "@codecall/sandbox";
import type { MailedReply } from "./mailbox.js";

/** What a QuickJS worker is started with. */
export interface WorkerInit {
  /** The compiled QuickJS module, shared by every worker (compiled once by the host). */
  wasmModule: WebAssembly.Module | undefined;
  /** Backs `SharedWatch.stop` (an Int32Array of 1). */
  stop: SharedArrayBuffer;
  /**
   * Backs `SharedWatch.clock`, a Float64Array of 4: `clock[2]` is 1 once the engine's memory is full,
   * `clock[3]` the engine's memory size in bytes (what the host reports for a worker it terminated).
   */
  clock: SharedArrayBuffer;
  maxStackBytes: number;
  recycleAboveBytes: number;
}

/** Host to worker. A worker hosts at most one context at a time. */
export type ToWorker =
  | { t: "create"; limits: ExecutionLimitsV1 }
  | { t: "run"; prelude: ScriptV1; script: ScriptV1; limits: ExecutionLimitsV1 }
  /**
   * `reply`: the reply, or where a large one waits in shared memory (see mailbox.ts). `wallTimeMs`: the
   * run's wall-clock limit moved, because core paused its clock (an approval waited).
   */
  | { t: "reply"; id: number; reply: string | MailedReply; wallTimeMs?: number }
  | { t: "abort" }
  | { t: "dispose" };

/** Worker to host. */
export type FromWorker =
  | { t: "created" }
  | { t: "create-failed"; message: string }
  | { t: "call"; id: number; request: string }
  | { t: "log"; level: string; text: string }
  /** The engine took answers of these many UTF-16 units in all (one message per turn, not per answer). */
  | { t: "taken"; length: number }
  | { t: "done"; result: RunResultV1 };
