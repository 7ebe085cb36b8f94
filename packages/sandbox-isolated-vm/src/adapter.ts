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
} from "@codecall/sandbox";
import type IsolatedVM from "isolated-vm";
import { GLUE_SOURCE, WATCH_SOURCE } from "./glue.js";
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
  /** The glue's `settle(id, reply)`, which resolves a pending tool call in the isolate. */
  private settle: IsolatedVM.Reference<(id: number, reply: string) => void> | undefined;
  /** The glue's `watch(value)`: the program's report as a promise no program can reshape (WATCH_SOURCE). */
  private watch: IsolatedVM.Reference<(value: unknown) => Promise<unknown>> | undefined;
  private runId = 0;
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
    /** Settles with the message of V8's catastrophic error in this isolate, if one happens. */
    private readonly crashed: Promise<string>,
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
    // V8 lost control of the isolate (a single allocation far over the limit, say). isolated-vm then
    // parks the isolate's thread for good instead of aborting the process, and the evaluation never
    // settles: the run must stop waiting for it.
    let onCrash: (message: string) => void = () => {};
    const crashed = new Promise<string>((resolve) => {
      onCrash = resolve;
    });
    const isolate = new ivm.Isolate({
      memoryLimit: Math.max(MIN_MEMORY_MB, Math.ceil(options.limits.memoryBytes / MiB)),
      onCatastrophicError: (message: string) => onCrash(message),
    });
    try {
      const context = await isolate.createContext();
      const self = new IsolateContext(isolate, context, watchdog, onDispose, crashed);
      const callbacks = [
        new ivm.Callback((id: unknown, request: unknown) => self.hostCall(id, request)),
        new ivm.Callback((level: unknown, text: unknown) => self.hostLog(level, text)),
      ];
      self.settle = await context.evalClosure(GLUE_SOURCE, callbacks, {
        filename: "codecall-isolated-vm-glue.js",
        result: { reference: true },
      });
      self.watch = await context.evalClosure(WATCH_SOURCE, [], {
        filename: "codecall-isolated-vm-glue.js",
        result: { reference: true },
      });
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
      const outcome = await Promise.race([
        this.evaluate(prelude, script, limits.cpuTimeMs).then((report) => ({ report })),
        this.crashed.then((crash) => ({ crash })),
      ]);
      const stats = this.stats(startCpu);
      if ("crash" in outcome) {
        this.deadReason = {
          code: /out-of-memory/i.test(outcome.crash) ? "SANDBOX_MEMORY" : "SANDBOX_CRASHED",
          message: `V8 gave up on the isolate: ${outcome.crash}`,
        };
        return { kind: "failed", ...this.deadReason, stats };
      }
      if (typeof outcome.report !== "string")
        return {
          kind: "failed",
          code: "SANDBOX_CRASHED",
          message: "the program's report was not a string",
          stats,
        };
      return { kind: "completed", report: outcome.report, stats };
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

  /** Evaluates the prelude (first run only) and the program, and resolves with the program's report. */
  private async evaluate(prelude: ScriptV1, script: ScriptV1, cpuTimeMs: number): Promise<unknown> {
    // isolated-vm's timeout covers each evaluation's synchronous part; the watchdog covers the rest.
    const timeout = Math.max(1, Math.ceil(cpuTimeMs));
    if (prelude.source) await this.context.eval(prelude.source, { filename: prelude.filename, timeout });
    const value = await this.context.eval(script.source, {
      filename: script.filename,
      timeout,
      reference: true,
    });
    try {
      return await this.watch!.apply(undefined, [value.derefInto()], {
        timeout,
        result: { promise: true, copy: true },
      });
    } finally {
      value.release();
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.bridge = undefined;
    this.watchdog.unwatch(this.watched);
    this.onDispose();
    this.kill();
    this.settle?.release();
    this.watch?.release();
    this.context.release();
  }

  /**
   * Host side of `__codecallHost.call`: forwards to the bridge of the run that made the call and hands the
   * answer to the glue's `settle`. An answer that arrives after its run ended is dropped: resuming the
   * program then would run its code outside any run's limits.
   */
  private hostCall(id: unknown, request: unknown): void {
    const bridge = this.bridge;
    const runId = this.runId;
    if (!bridge || typeof id !== "number" || typeof request !== "string") return;
    // The bridge's promise never rejects (spec v1).
    void bridge.call(request).then((reply) => {
      if (this.bridge !== bridge || this.runId !== runId || this.isolate.isDisposed) return;
      try {
        this.settle?.applyIgnored(undefined, [id, reply], { arguments: { copy: true } });
      } catch {
        // The isolate went away meanwhile; the run reports why.
      }
    });
  }

  private hostLog(level: unknown, text: unknown): void {
    if (typeof level === "string" && typeof text === "string") this.bridge?.log(level, text);
  }

  private classify(error: unknown): FailureCode {
    if (this.stopCode) return this.stopCode;
    const message = errorMessage(error);
    if (/memory limit/i.test(message)) return "SANDBOX_MEMORY";
    if (/Script execution timed out/i.test(message)) return "SANDBOX_CPU_LIMIT";
    if (error instanceof SyntaxError || (error as { name?: unknown } | null)?.name === "SyntaxError")
      return "PROGRAM_SYNTAX";
    return "SANDBOX_CRASHED";
  }

  /**
   * CPU time of the run. No heap figures: isolated-vm's heap statistics need the isolate's lock, which
   * blocks (sync) or queues (async) behind anything still running there, a crashed isolate included.
   */
  private stats(startCpu: bigint): AdapterRunStatsV1 {
    const cpu = this.cpuTimeNs();
    return cpu === undefined ? {} : { cpuMs: Number(cpu - startCpu) / 1e6 };
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
