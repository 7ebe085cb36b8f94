import type {
  AdapterRunStatsV1,
  ContextOptionsV1,
  HostBridgeV1,
  RunControlV1,
  RunResultV1,
  SandboxAdapterV1,
  SandboxCapabilitiesV1,
  SandboxContextV1,
  ScriptV1,
} from "@codecall/core";
import type IsolatedVM from "isolated-vm";
import { CALL_GLOBAL, GLUE_SOURCE, LOG_GLOBAL } from "./glue.js";
import { assertNodeSnapshotDisabled, type IvmModule, loadIsolatedVm } from "./load.js";
import { CpuWatchdog, type Watched } from "./watchdog.js";

/** Options of {@link isolatedVmAdapter}. */
export interface IsolatedVmAdapterOptions {
  /**
   * Skip the check that Node runs with `--no-node-snapshot`. Only for a Node build or isolated-vm
   * release known not to need it: without the flag, Node 20+ can crash when isolates are created.
   */
  skipNodeSnapshotCheck?: boolean;
}

/** What the isolated-vm backend enforces and keeps. */
export const ISOLATED_VM_CAPABILITIES: SandboxCapabilitiesV1 = Object.freeze({
  isolation: "v8-isolate",
  memoryLimit: true,
  cpuTimeLimit: true,
  persistentState: true,
  remote: false,
});

type FailureCode = Extract<RunResultV1, { kind: "failed" }>["code"];

const MiB = 1024 * 1024;
/** isolated-vm refuses a `memoryLimit` below 8 MB. */
const MIN_MEMORY_MB = 8;
/** A tool answer that arrives after its run ended is never delivered: the program has moved on. */
const NEVER = new Promise<never>(() => {});

/**
 * The isolated-vm adapter for {@link createSandbox}: each context is its own V8 isolate with one
 * context, a `memoryLimit` from the session's first limits, and the CPU limit enforced both by
 * isolated-vm's `timeout` and by a host-side watchdog on `isolate.cpuTime`.
 */
export function isolatedVmAdapter(options: IsolatedVmAdapterOptions = {}): SandboxAdapterV1 {
  const watchdog = new CpuWatchdog();
  const live = new Set<IsolateContext>();
  return {
    specificationVersion: "v1",
    name: "isolated-vm",
    capabilities: ISOLATED_VM_CAPABILITIES,
    async createContext(contextOptions: ContextOptionsV1) {
      if (!options.skipNodeSnapshotCheck) assertNodeSnapshotDisabled();
      const ivm = await loadIsolatedVm();
      const context = await IsolateContext.create(ivm, contextOptions, watchdog, () => live.delete(context));
      live.add(context);
      return context;
    },
    async close() {
      await Promise.all([...live].map((c) => c.dispose()));
    },
  };
}

class IsolateContext implements SandboxContextV1 {
  private bridge: HostBridgeV1 | undefined;
  private runId = 0;
  private peakMemoryBytes = 0;
  /** Why the isolate died between runs (left-over work over its CPU budget, a V8 failure). */
  private deadReason: { code: FailureCode; message: string } | undefined;
  /** Why the current run is being stopped, when the host stopped it. */
  private stopCode: FailureCode | undefined;
  private readonly watched: Watched;
  private disposed = false;

  private constructor(
    private readonly isolate: IsolatedVM.Isolate,
    private readonly context: IsolatedVM.Context,
    private readonly watchdog: CpuWatchdog,
    private readonly onDispose: () => void,
    /** The message of V8's catastrophic error in this isolate, if one happened. */
    private readonly catastrophe: () => string | undefined,
  ) {
    this.watched = {
      cpuTimeNs: () => this.cpuTimeNs(),
      baselineNs: 0n,
      budgetNs: 0n,
      onExceeded: () => {
        if (this.bridge) this.stopCode ??= "SANDBOX_CPU_LIMIT";
        else
          this.deadReason ??= {
            code: "SANDBOX_CRASHED",
            message:
              "work left running by the previous execution used more than its CPU time limit, so the session was reset",
          };
        this.kill();
      },
    };
  }

  static async create(
    ivm: IvmModule,
    options: ContextOptionsV1,
    watchdog: CpuWatchdog,
    onDispose: () => void,
  ): Promise<IsolateContext> {
    let catastrophe: string | undefined;
    const isolate = new ivm.Isolate({
      memoryLimit: Math.max(MIN_MEMORY_MB, Math.ceil(options.limits.memoryBytes / MiB)),
      // V8 lost control of this isolate: never touch it again; the run reports SANDBOX_CRASHED.
      onCatastrophicError: (message: string) => {
        catastrophe = message;
      },
    });
    try {
      const context = await isolate.createContext();
      const self = new IsolateContext(isolate, context, watchdog, onDispose, () => catastrophe);
      await context.global.set(CALL_GLOBAL, new ivm.Reference((request: unknown) => self.hostCall(request)));
      await context.global.set(
        LOG_GLOBAL,
        new ivm.Callback((level: unknown, text: unknown) => self.hostLog(level, text)),
      );
      await context.eval(GLUE_SOURCE, { filename: "codecall-isolated-vm-glue.js" });
      return self;
    } catch (error) {
      if (!isolate.isDisposed) isolate.dispose();
      throw error;
    }
  }

  async run(
    prelude: ScriptV1,
    script: ScriptV1,
    bridge: HostBridgeV1,
    control: RunControlV1,
  ): Promise<RunResultV1> {
    if (this.deadReason) return { kind: "failed", ...this.deadReason };
    if (this.disposed || this.isolate.isDisposed)
      return { kind: "failed", code: "SANDBOX_CRASHED", message: "the isolate was disposed" };
    const { limits, signal } = control;
    const startCpu = this.cpuTimeNs() ?? 0n;
    this.runId++;
    this.bridge = bridge;
    this.stopCode = undefined;
    this.watched.baselineNs = startCpu;
    this.watched.budgetNs = BigInt(Math.ceil(limits.cpuTimeMs * 1e6));
    this.watchdog.watch(this.watched);
    const onAbort = () => {
      this.stopCode ??= "SANDBOX_TIMEOUT";
      this.kill();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) onAbort();
    try {
      const timeout = Math.max(1, Math.ceil(limits.cpuTimeMs));
      if (prelude.source) await this.context.eval(prelude.source, { filename: prelude.filename, timeout });
      const report: unknown = await this.context.eval(script.source, {
        filename: script.filename,
        timeout,
        promise: true,
        copy: true,
      });
      if (typeof report !== "string")
        return {
          kind: "failed",
          code: "SANDBOX_CRASHED",
          message: "the program's report was not a string",
          stats: this.stats(startCpu),
        };
      return { kind: "completed", report, stats: this.stats(startCpu) };
    } catch (error) {
      return {
        kind: "failed",
        code: this.classify(error),
        message: errorMessage(error),
        stats: this.stats(startCpu),
      };
    } finally {
      signal.removeEventListener("abort", onAbort);
      this.bridge = undefined;
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.bridge = undefined;
    this.watchdog.unwatch(this.watched);
    this.onDispose();
    this.kill();
    this.context.release();
  }

  /** Host side of `__codecallHost.call`: forwards to the bridge of the run that made the call. */
  private async hostCall(request: unknown): Promise<string> {
    const bridge = this.bridge;
    const runId = this.runId;
    if (!bridge || typeof request !== "string") return NEVER;
    const answer = await bridge.call(request);
    // The run ended while the tool worked: resuming the program now would run code outside any limit.
    if (this.bridge !== bridge || this.runId !== runId) return NEVER;
    return answer;
  }

  private hostLog(level: unknown, text: unknown): void {
    if (typeof level === "string" && typeof text === "string") this.bridge?.log(level, text);
  }

  private classify(error: unknown): FailureCode {
    if (this.stopCode) return this.stopCode;
    if (this.catastrophe() !== undefined) return "SANDBOX_CRASHED";
    const message = errorMessage(error);
    if (/memory limit/i.test(message)) return "SANDBOX_MEMORY";
    if (/Script execution timed out/i.test(message)) return "SANDBOX_CPU_LIMIT";
    if (error instanceof SyntaxError || (error as { name?: unknown } | null)?.name === "SyntaxError")
      return "PROGRAM_SYNTAX";
    return "SANDBOX_CRASHED";
  }

  private stats(startCpu: bigint): AdapterRunStatsV1 {
    const stats: AdapterRunStatsV1 = {};
    const cpu = this.cpuTimeNs();
    if (cpu !== undefined) stats.cpuMs = Number(cpu - startCpu) / 1e6;
    if (!this.isolate.isDisposed) {
      try {
        const heap = this.isolate.getHeapStatisticsSync();
        this.peakMemoryBytes = Math.max(
          this.peakMemoryBytes,
          heap.used_heap_size + heap.externally_allocated_size,
        );
      } catch {
        // The isolate went away between the check and the call.
      }
    }
    if (this.peakMemoryBytes > 0) stats.peakMemoryBytes = this.peakMemoryBytes;
    return stats;
  }

  private cpuTimeNs(): bigint | undefined {
    try {
      return this.isolate.isDisposed ? undefined : this.isolate.cpuTime;
    } catch {
      return undefined;
    }
  }

  private kill(): void {
    try {
      if (!this.isolate.isDisposed) this.isolate.dispose();
    } catch {
      // Already gone.
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
