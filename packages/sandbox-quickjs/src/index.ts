/**
 * The QuickJS sandbox backend for codecall: QuickJS compiled to WebAssembly (quickjs-emscripten, sync
 * build). Portable (no native build; Node, browsers, edge runtimes), with CPU, wall-clock and memory
 * limits enforced inside the engine.
 */
import {
  type CreateSandboxOptions,
  createSandbox,
  type Sandbox,
  type SandboxAdapterV1,
  type SandboxCapabilitiesV1,
} from "@codecall/sandbox";
import { deliverInCallerContext } from "./caller-context.js";
import { QuickJSSandboxContext } from "./context.js";
import { BASELINE_BYTES, EnginePool, type WasmModuleSource } from "./engine-pool.js";
import { WorkerPool } from "./worker-host.js";

/** Options of {@link quickjs} and {@link quickjsAdapter}. */
export interface QuickJSSandboxOptions extends CreateSandboxOptions {
  /**
   * The compiled QuickJS WebAssembly module (`@jitl/quickjs-wasmfile-release-sync/wasm`), or a loader for
   * it. On Node it is compiled from the package once; elsewhere pass it to avoid a compile per session.
   */
  wasmModule?: WasmModuleSource;
  /** Idle WebAssembly instances kept for reuse by new sessions. Default 4. */
  maxIdleInstances?: number;
  /**
   * An instance whose linear memory grew past this many bytes is discarded when its session ends, rather
   * than reused (WebAssembly memory never shrinks). Default 16 MiB: only instances that never grew are reused.
   */
  recycleAboveBytes?: number;
  /** The engine's stack limit in bytes (deep recursion ends in a catchable error). Default 256 KiB. */
  maxStackBytes?: number;
  /**
   * Where programs run. `"worker"` (the default on Node): each session's QuickJS instance lives in a
   * worker thread of its own, so a program never blocks the host's event loop, and a worker that does not
   * stop at its deadline (a program inside one long native operation) is terminated and replaced.
   * `"in-thread"`: on the caller's thread, for environments without worker threads (browsers, some edge
   * runtimes, the default there); CPU and memory limits still hold, but there is **no protection against
   * a stuck native operation**: while one runs, nothing else in the process does.
   */
  thread?: "worker" | "in-thread";
  /**
   * Idle worker threads kept, each with its WebAssembly instance, for new sessions. Default 2. After a
   * burst of concurrent executions, the workers past it stay one second more, in case the burst goes on.
   */
  maxIdleWorkers?: number;
}

/** What the QuickJS backend enforces. */
export const QUICKJS_CAPABILITIES: SandboxCapabilitiesV1 = Object.freeze({
  isolation: "wasm",
  memoryLimit: true,
  cpuTimeLimit: true,
  persistentState: true,
  remote: false,
  rawStringAnswers: true,
});

/** A worker thread acknowledges the answers its engine took, so core bounds those still on their way. */
const WORKER_CAPABILITIES: SandboxCapabilitiesV1 = Object.freeze({
  ...QUICKJS_CAPABILITIES,
  acknowledgesAnswers: true,
});

/**
 * The QuickJS {@link SandboxAdapterV1}: one WebAssembly instance, runtime and context per session, in a
 * worker thread of the session's own by default (see {@link QuickJSSandboxOptions.thread}).
 */
export function quickjsAdapter(options: QuickJSSandboxOptions = {}): SandboxAdapterV1 {
  const recycleAboveBytes = options.recycleAboveBytes ?? BASELINE_BYTES;
  const pool = new EnginePool({
    ...(options.wasmModule ? { wasmModule: options.wasmModule } : {}),
    maxIdle: options.maxIdleInstances ?? 4,
    recycleAboveBytes,
  });
  const maxStackBytes = options.maxStackBytes ?? 256 * 1024;
  const thread = options.thread ?? (isNode() ? "worker" : "in-thread");
  let workers: Promise<WorkerPool> | undefined;
  const workerPool = () =>
    (workers ??= import("node:worker_threads").then(
      (workerThreads) =>
        new WorkerPool({
          workerThreads,
          // Each run's host calls are delivered in the context the run started in (see caller-context.ts).
          captureCaller: () => deliverInCallerContext((fn: () => void) => fn()),
          wasmModule: () => pool.wasmModule(),
          maxIdle: options.maxIdleWorkers ?? 2,
          maxStackBytes,
          recycleAboveBytes,
        }),
    ));
  return {
    specificationVersion: "v1",
    name: "quickjs",
    capabilities: thread === "worker" ? WORKER_CAPABILITIES : QUICKJS_CAPABILITIES,
    async createContext({ limits, spare }) {
      if (thread === "worker") return (await workerPool()).createContext(limits, spare === true);
      const engine = await pool.acquire(limits.memoryBytes);
      return new QuickJSSandboxContext(engine, pool, { memoryBytes: limits.memoryBytes, maxStackBytes });
    },
    async close() {
      pool.clear();
      const open = workers;
      workers = undefined;
      await (await open)?.close();
    },
  };
}

function isNode(): boolean {
  return typeof process !== "undefined" && typeof process.versions?.node === "string";
}

/**
 * A codecall {@link Sandbox} running programs in QuickJS.
 *
 * ```ts
 * const sandbox = quickjs({ limits: { cpuTimeMs: 2_000 } });
 * const outcome = await sandbox.execute({ code: "return 1 + 1" });
 * ```
 */
export function quickjs(options: QuickJSSandboxOptions = {}): Sandbox {
  const { limits, spareContext, maxConcurrentExecutions } = options;
  return createSandbox(quickjsAdapter(options), {
    ...(limits ? { limits } : {}),
    ...(spareContext !== undefined ? { spareContext } : {}),
    ...(maxConcurrentExecutions !== undefined ? { maxConcurrentExecutions } : {}),
  });
}
