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
import { PRELUDE_FILENAME } from "@codecall/sandbox/internal";
import type IsolatedVM from "isolated-vm";
import { BALLAST_SOURCE, ballastBytes } from "./ballast.js";
import { GLUE_SOURCE, NO_CALL, RUN_SOURCE, START_OF_RUN } from "./glue.js";
import { assertNodeSnapshotDisabled, type IvmModule, loadIsolatedVm } from "./load.js";
import { disposeIsolate, parkedForGood, placeToRun } from "./stopped.js";
import { CpuWatchdog, type Watched } from "./watchdog.js";

/** Options of {@link isolatedVmAdapter}. */
export interface IsolatedVmAdapterOptions {
  /**
   * Skip the check that Node runs with `--no-node-snapshot`. Only for a Node build or isolated-vm
   * release known not to need it: without the flag, Node 20+ can crash when isolates are created.
   */
  skipNodeSnapshotCheck?: boolean;
  /**
   * Give each context a fresh V8 context in an isolate an earlier context of this adapter used and left
   * healthy, instead of a new isolate each time (default true). Contexts never share globals either way;
   * an isolate whose run failed (a limit, a crash, a syntax error), was stopped, or holds much of its heap is
   * never reused. `false`: a new isolate per context.
   */
  reuseIsolates?: boolean;
}

/** What the isolated-vm backend enforces and keeps. */
export const ISOLATED_VM_CAPABILITIES: SandboxCapabilitiesV1 = Object.freeze({
  isolation: "v8-isolate",
  memoryLimit: true,
  cpuTimeLimit: true,
  persistentState: true,
  remote: false,
  // The isolate takes an answer on its own thread, later than the host makes it.
  acknowledgesAnswers: true,
  rawStringAnswers: true,
});

/** The isolated-vm adapter: a {@link SandboxAdapterV1} that also tells how often it reused an isolate. */
export interface IsolatedVmAdapter extends SandboxAdapterV1 {
  /** Isolates this adapter created, and contexts it placed in an isolate an earlier context used. */
  isolateCounts(): { created: number; reused: number };
}

type FailureCode = Extract<RunResultV1, { kind: "failed" }>["code"];

const MiB = 1024 * 1024;
/** isolated-vm refuses a `memoryLimit` below 8 MB. */
const MIN_MEMORY_MB = 8;
/** Idle isolates kept for reuse, per adapter. */
const MAX_IDLE_ISOLATES = 2;
const noop = () => {};
/** Most units of small answers reported taken before the isolate confirmed it (see `copiedIn`). */
const LOOSE_UNITS = 1024 * 1024;

/** Contexts one isolate serves before it is replaced, so nothing a context leaves in V8 adds up. */
const MAX_CONTEXTS_PER_ISOLATE = 500;
/** An isolate whose heap holds more than this share of its memory limit after a context is released is not reused. */
const MAX_REUSED_HEAP_SHARE = 0.25;
/** CPU a released isolate may spend before it gives its heap figures; past that it is busy and disposed. */
const BUSY_AFTER_RELEASE_NS = 200_000_000n;
/** CPU a pooled isolate may show after it was pooled and still count as idle (see `idleSince`). */
const IDLE_CPU_SLACK_NS = 2_000_000n;

/** One V8 isolate and what outlives each context made in it. */
interface IsolateSlot {
  isolate: IsolatedVM.Isolate;
  memoryMb: number;
  /** V8's catastrophic error in this isolate, once one happened; see {@link watchCrash}. */
  crash: { message?: string; listeners: Set<(message: string) => void> };
  /** Contexts made in it so far. */
  contexts: number;
  /** Its CPU time when it went idle: an idle isolate that used more ran something nobody asked for. */
  idleCpuNs?: bigint;
}

/**
 * Calls `listener` if the isolate crashes (at once if it has); returns the function that stops listening.
 * Each run listens for itself and stops when it ends: a `then` on one promise that lives as long as the
 * isolate would keep every run's reaction, and a long session's memory would grow without bound.
 */
function watchCrash(slot: IsolateSlot, listener: (message: string) => void): () => void {
  if (slot.crash.message !== undefined) {
    listener(slot.crash.message);
    return noop;
  }
  slot.crash.listeners.add(listener);
  return () => slot.crash.listeners.delete(listener);
}

/**
 * Healthy isolates between contexts. A context takes one (or a new isolate) and, when it is disposed after
 * runs that all completed, hands it back: a new context in a warm isolate costs a fraction of a new isolate
 * (about 8 ms of main-thread CPU to create and 2 ms to dispose), and the program still starts with
 * globals, prototypes and a heap of objects no earlier program can reach. Exported for this package's
 * tests only (the package's entry does not export it).
 */
export class IsolatePool {
  private readonly idle: IsolateSlot[] = [];
  /** Isolates given back whose heap is still being checked (see {@link give}). */
  private readonly returning = new Set<Promise<void>>();
  private closed = false;
  readonly counts = { created: 0, reused: 0 };

  constructor(
    private readonly reuse: boolean,
    private readonly watchdog: CpuWatchdog,
  ) {}

  /**
   * Resolves once an isolate for `memoryMb` is idle or none is on its way back: contexts are released
   * without waiting for their isolate's heap check, and the next context waits for it here instead of
   * making a new isolate (several ms of the host's CPU).
   */
  async returned(memoryMb: number): Promise<void> {
    while (this.returning.size > 0 && !this.idle.some((s) => s.memoryMb === memoryMb))
      await Promise.race(this.returning);
  }

  take(ivm: IvmModule, memoryMb: number): IsolateSlot {
    // A context asked for while the pool closed (it waited in `returned`) gets no isolate nobody would dispose.
    if (this.closed) throw new Error("the isolated-vm sandbox was closed");
    for (let at = this.idle.findIndex((s) => s.memoryMb === memoryMb); at >= 0; ) {
      const slot = this.idle.splice(at, 1)[0]!;
      if (!slot.isolate.isDisposed && idleSince(slot)) {
        this.counts.reused++;
        return slot;
      }
      dispose(slot.isolate);
      at = this.idle.findIndex((s) => s.memoryMb === memoryMb);
    }
    const crash: IsolateSlot["crash"] = { listeners: new Set() };
    // V8 lost control of the isolate (a single allocation far over the limit, say). isolated-vm then
    // parks the isolate's thread for good instead of aborting the process, and the evaluation never
    // settles: the run must stop waiting for it (see `watchCrash`).
    this.counts.created++;
    const isolate = new ivm.Isolate({
      memoryLimit: memoryMb,
      onCatastrophicError: (message: string) => {
        parkedForGood(isolate);
        crash.message ??= message;
        for (const listener of crash.listeners) listener(message);
      },
    });
    return { isolate, memoryMb, crash, contexts: 0 };
  }

  /**
   * Takes back an isolate whose context was released; keeps it if it is fit for another context.
   * `garbageBytes`: memory the released context held that the next full GC frees (its ballast).
   *
   * The heap figures need the isolate's lock, so they are asked for asynchronously: a sync call would wait
   * on the host's thread for whatever still runs in the isolate, and nothing on that thread could then stop
   * it. An isolate that spends {@link BUSY_AFTER_RELEASE_NS} of CPU before answering is busy: not kept.
   */
  give(slot: IsolateSlot, healthy: boolean, garbageBytes = 0): Promise<void> {
    if (!healthy || !this.reusable(slot)) {
      dispose(slot.isolate);
      return Promise.resolve();
    }
    const returning = this.keepIfFit(slot, garbageBytes).finally(() => this.returning.delete(returning));
    this.returning.add(returning);
    return returning;
  }

  private async keepIfFit(slot: IsolateSlot, garbageBytes: number): Promise<void> {
    const heap = await heapUnlessBusy(slot.isolate, this.watchdog);
    const fit =
      heap !== undefined &&
      this.reusable(slot) &&
      heap.used_heap_size + heap.externally_allocated_size - garbageBytes <=
        slot.memoryMb * MiB * MAX_REUSED_HEAP_SHARE;
    if (!fit) return dispose(slot.isolate);
    slot.idleCpuNs = cpuTimeNs(slot.isolate);
    this.idle.push(slot);
    while (this.idle.length > MAX_IDLE_ISOLATES) dispose(this.idle.shift()!.isolate);
  }

  /** Disposes the idle isolates, and those on their way back once their check ends. */
  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.idle.splice(0)) dispose(slot.isolate);
    await Promise.all(this.returning);
  }

  private reusable(slot: IsolateSlot): boolean {
    return this.reuse && !this.closed && !slot.isolate.isDisposed && slot.contexts < MAX_CONTEXTS_PER_ISOLATE;
  }
}

/**
 * The isolate has not computed since it was pooled. The task that answered the heap figures may still be
 * accounted a fraction of a millisecond after its answer arrived: {@link IDLE_CPU_SLACK_NS} allows for it.
 */
function idleSince(slot: IsolateSlot): boolean {
  const now = cpuTimeNs(slot.isolate);
  return now !== undefined && slot.idleCpuNs !== undefined && now - slot.idleCpuNs <= IDLE_CPU_SLACK_NS;
}

/**
 * The isolate's heap statistics, or undefined when it keeps computing instead of answering. Judged by the
 * isolate's own CPU time (the same watchdog that holds runs to their limits), not by a timer on the host's
 * loop, which a busy host would run late.
 */
function heapUnlessBusy(
  isolate: IsolatedVM.Isolate,
  watchdog: CpuWatchdog,
): Promise<IsolatedVM.HeapStatistics | undefined> {
  const start = cpuTimeNs(isolate);
  if (start === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const done = (heap: IsolatedVM.HeapStatistics | undefined) => {
      watchdog.unwatch(busy);
      resolve(heap);
    };
    const busy: Watched = {
      cpuTimeNs: () => cpuTimeNs(isolate),
      baselineNs: start,
      budgetNs: BUSY_AFTER_RELEASE_NS,
      onExceeded: () => done(undefined),
    };
    watchdog.watch(busy);
    isolate.getHeapStatistics().then(done, () => done(undefined));
  });
}

function cpuTimeNs(isolate: IsolatedVM.Isolate): bigint | undefined {
  try {
    return isolate.isDisposed ? undefined : isolate.cpuTime;
  } catch {
    return undefined;
  }
}

function dispose(isolate: IsolatedVM.Isolate): void {
  disposeIsolate(isolate);
}

/**
 * The isolated-vm adapter for {@link createSandbox}: each context is a fresh V8 context alone in its
 * isolate (a new isolate, or one an earlier context of this adapter left healthy; see `reuseIsolates`),
 * with a `memoryLimit` from the session's first limits, and the CPU limit enforced by a host-side watchdog
 * on `isolate.cpuTime`.
 */
export function isolatedVmAdapter(options: IsolatedVmAdapterOptions = {}): IsolatedVmAdapter {
  const watchdog = new CpuWatchdog();
  const live = new Set<IsolateContext>();
  const pool = new IsolatePool(options.reuseIsolates !== false, watchdog);
  return {
    specificationVersion: "v1",
    name: "isolated-vm",
    capabilities: ISOLATED_VM_CAPABILITIES,
    async createContext(contextOptions: ContextOptionsV1) {
      if (!options.skipNodeSnapshotCheck) assertNodeSnapshotDisabled();
      const ivm = await loadIsolatedVm();
      const memoryMb = Math.max(MIN_MEMORY_MB, Math.ceil(contextOptions.limits.memoryBytes / MiB));
      await pool.returned(memoryMb);
      const context = await IsolateContext.create(
        ivm,
        pool.take(ivm, memoryMb),
        watchdog,
        (slot, healthy, garbageBytes) => {
          live.delete(context);
          return pool.give(slot, healthy, garbageBytes);
        },
      );
      // Core runs its warm-up in a spare before any program (with a signal that never aborts).
      context.warmUpNext = contextOptions.spare === true;
      live.add(context);
      return context;
    },
    isolateCounts: () => ({ ...pool.counts }),
    async close() {
      const closing = pool.close();
      await Promise.all([...live].map((c) => c.dispose()));
      await closing;
    },
  };
}

class IsolateContext implements SandboxContextV1 {
  private bridge: HostBridgeV1 | undefined;
  /** The glue's `settle(id, reply)`, which resolves a pending tool call in the isolate. */
  private settle: IsolatedVM.Reference<(id: number, reply: string) => void> | undefined;
  /** The glue's `run(id, source)`: evaluates a program, whose report comes by `hostReport` (RUN_SOURCE). */
  private runScript:
    | IsolatedVM.Reference<(id: number, source: unknown, evaluated?: true) => Promise<unknown>>
    | undefined;
  /** The report of the run in progress (see RUN_SOURCE), and who waits for it. */
  private report = reportSlot();
  private runId = 0;
  /** Answers copied in since the last no-op was queued behind them (see copiedIn). */
  private unconfirmed: { bridge: HostBridgeV1; units: number } | undefined;
  /** Small answers reported taken before the isolate confirmed it, and those a queued no-op covers. */
  private readonly loose = { units: 0, covered: 0 };
  /**
   * `setBallast(bytes)` (see ballast.ts), made when a run first needs one, in a context of its own: the
   * limit counts the whole isolate, and no program can reach or replace what that context's code uses.
   */
  private ballastHolder:
    | { context: IsolatedVM.Context; setBallast: IsolatedVM.Reference<(bytes: number) => boolean> }
    | undefined;
  /** Bytes of the ballast the context holds now. */
  private ballast = 0;
  /** Why the isolate died between runs (left-over work over its CPU budget, a V8 failure). */
  private deadReason: { code: FailureCode; message: string } | undefined;
  /** Why the current run is being stopped, when the host stopped it. */
  private stopCode: FailureCode | undefined;
  /** Resolves when the host stops the current run (see {@link kill}). */
  private stopped = stopSignal();
  private readonly watched: Watched;
  private disposed = false;
  /** Every run so far completed and nothing stopped the isolate: it may serve another context. */
  private healthy = true;
  /**
   * The next run is core's warm-up of a spare context (its prelude, no program): it never waits for
   * room (see `run`). Its signal never aborts, and a session taking the spare would wait on it outside
   * its wall-clock limit (a 2 s limit, 38-60 s in a measured run).
   */
  warmUpNext = false;
  private readonly isolate: IsolatedVM.Isolate;

  private constructor(
    private readonly slot: IsolateSlot,
    private readonly context: IsolatedVM.Context,
    private readonly watchdog: CpuWatchdog,
    private readonly onDispose: (slot: IsolateSlot, healthy: boolean, garbageBytes: number) => Promise<void>,
  ) {
    this.isolate = slot.isolate;
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
    slot: IsolateSlot,
    watchdog: CpuWatchdog,
    onDispose: (slot: IsolateSlot, healthy: boolean, garbageBytes: number) => Promise<void>,
  ): Promise<IsolateContext> {
    const { isolate } = slot;
    slot.contexts++;
    try {
      const context = await isolate.createContext();
      const self = new IsolateContext(slot, context, watchdog, onDispose);
      const callbacks = [
        new ivm.Callback((id: unknown, request: unknown) => self.hostCall(id, request)),
        new ivm.Callback((level: unknown, text: unknown) => self.hostLog(level, text)),
      ];
      self.settle = await context.evalClosure(GLUE_SOURCE, callbacks, {
        // Named as the prelude: the glue's wrappers of built-ins (JSON.parse, String.prototype.repeat, ...)
        // sit in stacks of the program's own errors, and reported stacks leave the prelude's frames out.
        filename: PRELUDE_FILENAME,
        result: { reference: true },
      });
      // Not waited for: a run waits for its report anyway (see evaluate), and the isolate need not stop.
      const report = new ivm.Callback((id: unknown, text: unknown) => self.hostReport(id, text), {
        ignored: true,
      });
      self.runScript = await context.evalClosure(RUN_SOURCE, [self.settle.derefInto(), report], {
        // Its frames sit under every program's: named as the prelude, they are left out of reported stacks.
        filename: PRELUDE_FILENAME,
        result: { reference: true },
      });
      return self;
    } catch (error) {
      dispose(isolate);
      throw error;
    }
  }

  async run(
    prelude: ScriptV1,
    script: ScriptV1,
    bridge: HostBridgeV1,
    control: RunControlV1,
  ): Promise<RunResultV1> {
    // A run takes a process-wide place before it runs program code (see stopped.ts): stopped programs
    // still running hold a core each, and this one waits, within its own wall-clock limit, for a place
    // rather than become one more. Core's warm-up (a spare's, with a signal that never aborts) runs
    // core's own code and takes none.
    const warmUp = this.warmUpNext;
    this.warmUpNext = false;
    const leave = warmUp ? noop : await placeToRun(control.signal);
    // Core reports its own reason for an abort (the caller's cancellation: ABORTED); this code is its
    // wall-clock limit's.
    if (!leave)
      return {
        kind: "failed",
        code: "SANDBOX_TIMEOUT",
        message:
          "the program could not start within its wall-clock limit: programs stopped earlier at their limits are still running native code V8 cannot interrupt (a regular expression over a huge string, say), or as many programs as the isolated-vm backend runs at once in a process are running, and it starts no program until one of them ends, usually within seconds. Run it again shortly.",
      };
    try {
      return await this.runInPlace(prelude, script, bridge, control);
    } finally {
      // A stopped run's isolate was disposed in it (kill): its place stays taken until its thread lets go.
      leave();
    }
  }

  private async runInPlace(
    prelude: ScriptV1,
    script: ScriptV1,
    bridge: HostBridgeV1,
    control: RunControlV1,
  ): Promise<RunResultV1> {
    if (this.deadReason) return { kind: "failed", ...this.deadReason };
    if (this.disposed || this.isolate.isDisposed)
      return { kind: "failed", code: "SANDBOX_CRASHED", message: "the isolate was disposed" };
    // Healthy again only if this run completes.
    this.healthy = false;
    const { limits, signal } = control;
    const startCpu = this.cpuTimeNs() ?? 0n;
    this.runId++;
    this.bridge = bridge;
    this.report = reportSlot();
    this.stopCode = undefined;
    this.stopped = stopSignal();
    this.watched.baselineNs = startCpu;
    this.watched.budgetNs = BigInt(Math.ceil(limits.cpuTimeMs * 1e6));
    this.watchdog.watch(this.watched);
    const onAbort = () => {
      this.stopCode ??= "SANDBOX_TIMEOUT";
      this.kill();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) onAbort();
    let stopWatching = noop;
    try {
      const outcome = await Promise.race([
        this.evaluate(prelude, script, limits).then((report) => ({ report })),
        new Promise<{ crash: string }>((resolve) => {
          stopWatching = watchCrash(this.slot, (crash) => resolve({ crash }));
        }),
        this.stopped.promise.then(() => ({ stopped: true as const })),
      ]);
      const stats = this.stats(startCpu);
      // Stopped at its limit (or by the caller): the outcome is due now. V8 checks for termination only
      // between JavaScript operations, and some native loops run for seconds without one (a regular
      // expression's replace over a huge string, JSON.stringify or for-in over a huge typed array):
      // waiting for the isolate to unwind would hand the host its outcome that much later. The isolate is
      // disposed already and never serves another run; it is freed when its thread lets go, and counts
      // against the runs that may start meanwhile (see stopped.ts).
      if ("stopped" in outcome)
        return {
          kind: "failed",
          code: this.stopCode ?? "SANDBOX_CRASHED",
          message: "the program was stopped at its limit",
          stats,
        };
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
      // The report came, but the watchdog (or the caller's abort) stopped the isolate as it did, or
      // isolated-vm disposed it at its memory limit: the run ended at its limit, and a completed run in a
      // disposed isolate would fail the session's next run with SANDBOX_CRASHED (a 24 MiB thrown string
      // whose report took the run to its CPU limit did so). Failed, the context is replaced and the next
      // run works.
      if (this.stopCode !== undefined || this.isolate.isDisposed)
        return {
          kind: "failed",
          code: this.stopCode ?? "SANDBOX_MEMORY",
          message: "the program reached its limit as it reported",
          stats,
        };
      this.healthy = true;
      // The program is done: CPU the isolate spends from here (collecting what the run allocated, work the
      // prelude abandoned) gets a budget of its own, not what the run left of its limit. A run that used most
      // of its limit, then garbage collection near the memory limit, reset the session on a busy machine.
      this.watched.baselineNs = this.cpuTimeNs() ?? this.watched.baselineNs;
      return { kind: "completed", report: outcome.report, stats };
    } catch (error) {
      return {
        kind: "failed",
        code: this.classify(error),
        message: errorMessage(error),
        stats: this.stats(startCpu),
      };
    } finally {
      stopWatching();
      signal.removeEventListener("abort", onAbort);
      this.bridge = undefined;
    }
  }

  /** Evaluates the prelude (when its source is not empty) and the program; resolves with the program's report. */
  private async evaluate(
    prelude: ScriptV1,
    script: ScriptV1,
    limits: RunControlV1["limits"],
  ): Promise<unknown> {
    // No isolated-vm `timeout`: the watchdog alone holds the run to its CPU limit. isolated-vm's timeout
    // only added a check that needs no turn of the host's event loop, and 5 s after it fired on a program
    // still in a native loop it parked that thread for good, mid-loop, with its memory: 12 to 45 such
    // programs in a row (a regex replace over 16 MiB, 500 ms limit) stopped the host's event loop for
    // good. Stopped by the watchdog alone, the loop runs to its end and the thread lets go (stopped.ts).
    await this.fitBallast(ballastBytes(this.slot.memoryMb, limits.memoryBytes, MIN_MEMORY_MB));
    // The prelude is the same text in every context: one compilation cache entry serves them all.
    if (prelude.source) await this.context.eval(prelude.source, { filename: prelude.filename });
    const source = `${script.source}\n//# sourceURL=${script.filename}`;
    const options = { result: { promise: true, copy: true } } as const;
    // isolated-vm refuses `eval` of a string longer than an eighth of the memory limit.
    if (source.length > (this.slot.memoryMb * MiB) / 8) {
      // Its top-level code runs in this eval, before `run`: the bridge opens first (tasks run in order).
      this.settle!.applyIgnored(undefined, [START_OF_RUN, ""]);
      const value = await this.context.eval(script.source, {
        filename: script.filename,
        reference: true,
      });
      try {
        return await this.reportOf(
          this.runScript!.apply(undefined, [this.runId, value.derefInto(), true], options),
        );
      } finally {
        value.release();
      }
    }
    return this.reportOf(
      this.runScript!.apply(undefined, [this.runId, source], { ...options, arguments: { copy: true } }),
      script,
    );
  }

  /**
   * The program's report once `run` (the glue's `run`, applied) settled. Its rejection is the run's end,
   * unless it is isolated-vm's report of a promise left rejected (see leftRejection); a syntax error is
   * located in `script`.
   */
  private async reportOf(run: Promise<unknown>, script?: ScriptV1): Promise<string | null> {
    try {
      await run;
    } catch (error) {
      if (script && isSyntaxError(error)) throw await this.locateSyntaxError(script, error);
      if (!this.leftRejection(error)) throw error;
      return this.reportAfterRejection();
    }
    return this.report.promise;
  }

  /**
   * The report of a run isolated-vm rejected while its program went on. No call of the host's is pending
   * then to learn that isolated-vm disposed the isolate at its memory limit (the CPU watchdog and the
   * caller's abort go through kill): a check every 50 ms ends the wait with that limit instead of the
   * wall clock's.
   */
  private async reportAfterRejection(): Promise<string | null> {
    const check = setInterval(() => {
      if (this.isolate.isDisposed) this.report.fail("the isolate was disposed at its memory limit");
    }, 50);
    try {
      return await this.report.promise;
    } finally {
      clearInterval(check);
    }
  }

  /**
   * Whether the run's rejection is isolated-vm's report of a promise the program left rejected without a
   * handler (its reason, in place of the run's value): the program reported, or goes on, and was not
   * stopped. A program that made no report (null) failed, as the rejection says.
   */
  private leftRejection(error: unknown): boolean {
    return (
      this.report.text !== null &&
      this.stopCode === undefined &&
      !this.isolate.isDisposed &&
      !/Script execution timed out/i.test(errorMessage(error))
    );
  }

  /**
   * Holds `bytes` of the isolate's memory limit back from this run (see ballast.ts). Only a run whose
   * memory limit differs from the last one's pays a crossing; most sessions never make a ballast.
   */
  private async fitBallast(bytes: number): Promise<void> {
    if (bytes === this.ballast) return;
    if (!this.ballastHolder) {
      const context = await this.isolate.createContext();
      const setBallast = await context.evalClosure(BALLAST_SOURCE, [], {
        filename: "codecall-isolated-vm-ballast.js",
        result: { reference: true },
      });
      this.ballastHolder = { context, setBallast };
    }
    // Until it answers, the old ballast may or may not be gone: count neither.
    this.ballast = 0;
    const held = await this.ballastHolder.setBallast.apply(undefined, [bytes], { result: { copy: true } });
    if (held !== true)
      throw new Error(
        "the session's state already uses more than this execution's memory limit; run it with a higher limit or in a new session",
      );
    this.ballast = bytes;
  }

  /**
   * An `eval` SyntaxError carries no position. Compiling the script again through isolated-vm (which adds
   * `[file:line:column]` to the message) gives it one; only a failed program pays for this, and its
   * isolate is not reused.
   */
  private async locateSyntaxError(script: ScriptV1, original: unknown): Promise<unknown> {
    try {
      const compiled = await this.isolate.compileScript(script.source, { filename: script.filename });
      compiled.release();
      return original;
    } catch (error) {
      return isSyntaxError(error) ? error : original;
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.bridge = undefined;
    this.watchdog.unwatch(this.watched);
    const healthy = this.healthy && this.deadReason === undefined && !this.isolate.isDisposed;
    if (!healthy) this.kill();
    this.settle?.release();
    this.runScript?.release();
    this.ballastHolder?.setBallast.release();
    this.ballastHolder?.context.release();
    this.context.release();
    // A healthy isolate goes back to the pool with this context released: the next context is a new one.
    // Not awaited: the pool's heap check is an isolate round trip that would hold up the execution's
    // result; a context wanting an isolate meanwhile waits for it (IsolatePool.returned).
    void this.onDispose(this.slot, healthy, this.ballast);
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
        this.copiedIn(bridge, reply.length);
      } catch {
        // The isolate went away meanwhile; the run reports why.
      }
    });
  }

  /**
   * Counts an answer copied towards the isolate, whose thread takes it when it gets to it. Small answers
   * are reported taken at once, up to {@link LOOSE_UNITS} not yet confirmed: a confirmation per answer
   * cost a loop of sequential small calls about 10%. Past that, and for large answers, a no-op is queued
   * behind them on the next turn: the isolate runs its tasks in order, so when the no-op ran it had taken
   * every answer copied before it, and core hears so.
   */
  private copiedIn(bridge: HostBridgeV1, units: number): void {
    if (units < LOOSE_UNITS / 16 && this.loose.units + units <= LOOSE_UNITS) {
      this.loose.units += units;
      bridge.answerTaken?.(units);
      return;
    }
    let batch = this.unconfirmed;
    if (batch?.bridge !== bridge) {
      const next = { bridge, units: 0 };
      batch = this.unconfirmed = next;
      setImmediate(() => this.confirm(next));
    }
    batch.units += units;
  }

  private confirm(batch: { bridge: HostBridgeV1; units: number }): void {
    if (this.unconfirmed === batch) this.unconfirmed = undefined;
    // Small answers reported early and copied before this no-op are confirmed with it.
    const loose = this.loose.units - this.loose.covered;
    this.loose.covered += loose;
    try {
      this.settle?.apply(undefined, [NO_CALL, ""]).then(() => {
        this.loose.units -= loose;
        this.loose.covered -= loose;
        batch.bridge.answerTaken?.(batch.units);
      }, noop);
    } catch {
      // The isolate went away: its run is over, and so is what it owed.
    }
  }

  /** The glue's report of run `id`: a late one of an earlier run is dropped. */
  private hostReport(id: unknown, text: unknown): void {
    if (this.bridge && id === this.runId) this.report.settle(typeof text === "string" ? text : null);
  }

  private hostLog(level: unknown, text: unknown): void {
    if (typeof level === "string" && typeof text === "string") this.bridge?.log(level, text);
  }

  private classify(error: unknown): FailureCode {
    if (this.stopCode) return this.stopCode;
    const message = errorMessage(error);
    if (/memory limit/i.test(message)) return "SANDBOX_MEMORY";
    // isolated-vm disposes an isolate on its own when the memory limit is hit while the host copies a
    // tool's answer in: the run's promise is then only "abandoned" (we stop it otherwise with a stopCode).
    if (/abandoned/i.test(message) && this.isolate.isDisposed && !this.disposed) return "SANDBOX_MEMORY";
    if (/Script execution timed out/i.test(message)) return "SANDBOX_CPU_LIMIT";
    if (isSyntaxError(error)) return "PROGRAM_SYNTAX";
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
    this.healthy = false;
    dispose(this.isolate);
    this.report.fail();
    this.stopped.stop();
  }
}

/**
 * The report of one run, which the glue hands over by callback (null: the program made none). A run that
 * isolated-vm rejected for a promise left rejected waits for it; `fail` ends that wait when the run is
 * stopped.
 */
function reportSlot() {
  let resolve: (text: string | null) => void = () => {};
  let reject: (error: Error) => void = () => {};
  const promise = new Promise<string | null>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody reads the promise of a run that ended another way.
  promise.catch(() => {});
  const slot = {
    promise,
    text: undefined as string | null | undefined,
    settle(text: string | null) {
      if (slot.text !== undefined) return;
      slot.text = text;
      resolve(text);
    },
    fail(message = "the isolate was disposed") {
      reject(new Error(message));
    },
  };
  return slot;
}

/** A promise the host resolves when it stops a run. */
function stopSignal() {
  let stop: () => void = noop;
  const promise = new Promise<void>((resolve) => {
    stop = resolve;
  });
  return { promise, stop };
}

function isSyntaxError(error: unknown): boolean {
  return error instanceof SyntaxError || (error as { name?: unknown } | null)?.name === "SyntaxError";
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
