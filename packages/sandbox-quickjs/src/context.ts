import {
  HOST_GLOBAL,
  type HostBridgeV1,
  type RunControlV1,
  type RunResultV1,
  type SandboxContextV1,
  type ScriptV1,
} from "@codecall/sandbox";
import type {
  QuickJSContext,
  QuickJSDeferredPromise,
  QuickJSHandle,
  QuickJSRuntime,
} from "quickjs-emscripten-core";
import { capRun, type Engine, type EnginePool } from "./engine-pool.js";

type Failure = Extract<RunResultV1, { kind: "failed" }>["code"];

/**
 * Memory shared with the thread that owns a worker (see `worker-host.ts`): `stop[0]` is set to 1 by the
 * host to stop the program at the next interrupt check (a postMessage would wait for the engine to yield);
 * `clock[0]` is the engine time the run has used before the current slice, `clock[1]` the wall time
 * (`performance.timeOrigin + performance.now()`) the current slice started, 0 between slices; the worker
 * sets `clock[2]` (memory full) and `clock[3]` (memory size). The host reads them to terminate a worker
 * stuck in one native operation past its CPU budget or with its memory full.
 */
export interface SharedWatch {
  stop: Int32Array;
  clock: Float64Array;
}

/**
 * Makes the function that lists the global object's own non-configurable, non-writable data properties
 * (as JSON). Made before any program ran, with the intrinsics of that moment, and kept out of the realm:
 * listing again after a later run's setup ignores what programs patched since (an `Object.prototype.writable`
 * would pass accessors off as data).
 */
const SEALED_LISTER = `(function () {
  var g = globalThis, names = Object.getOwnPropertyNames, describe = Object.getOwnPropertyDescriptor;
  var apply = Reflect.apply, hasOwn = Object.prototype.hasOwnProperty, stringify = JSON.stringify;
  return function () {
    for (var all = names(g), out = "", i = 0; i < all.length; i++) {
      var d = describe(g, all[i]);
      if (apply(hasOwn, d, ["writable"]) && d.writable === false && d.configurable === false)
        out += (out ? "," : "") + stringify(all[i]);
    }
    return "[" + out + "]";
  };
})()`;

/** A bridge for the time between runs: nothing a stale job sends reaches the host. */
const IDLE_BRIDGE: HostBridgeV1 = { call: () => new Promise<string>(() => {}), log: () => {} };

/**
 * One session's QuickJS runtime and context, in a WebAssembly instance of its own. Runs are synchronous
 * slices of the engine (`evalCode`, `executePendingJobs`) separated by awaits for host calls; the interrupt
 * handler stops a slice on the CPU budget, the wall clock, a full heap or an abort.
 */
export class QuickJSSandboxContext implements SandboxContextV1 {
  private readonly runtime: QuickJSRuntime;
  private readonly vm: QuickJSContext;
  private bridge: HostBridgeV1 = IDLE_BRIDGE;
  private installed = false;
  /**
   * The global object's sealed properties (non-configurable, non-writable) as the preludes left them: the
   * prelude's `codecall` and runner, what a request's setup run with a prelude sealed, `undefined` and the
   * like. QuickJS lets a program redefine them anyway, so a program of a persisted session could otherwise
   * replace them for every later program of that session: each run puts them back first.
   */
  private sealed: [name: string, value: QuickJSHandle][] = [];
  /** {@link SEALED_LISTER}'s function, made on the first run. */
  private lister: QuickJSHandle | undefined;
  private disposed = false;
  private broken = false;
  /** Host-call promises the program still waits on; abandoned (never settled) when their run ends. */
  private readonly pending = new Set<QuickJSDeferredPromise>();
  private current: { result: QuickJSHandle | undefined; wake: () => void } | undefined;
  private stop: Failure | undefined;
  private control: RunControlV1 | undefined;
  private runStarted = 0;
  private sliceStarted = 0;
  private engineMs = 0;
  private readonly watch: SharedWatch | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly pool: EnginePool,
    options: { memoryBytes: number; maxStackBytes: number; watch?: SharedWatch },
  ) {
    this.watch = options.watch;
    this.runtime = engine.module.newRuntime();
    this.runtime.setMemoryLimit(options.memoryBytes);
    this.runtime.setMaxStackSize(options.maxStackBytes);
    this.runtime.setInterruptHandler(() => this.shouldInterrupt());
    this.vm = this.runtime.newContext();
  }

  async run(
    prelude: ScriptV1,
    script: ScriptV1,
    bridge: HostBridgeV1,
    control: RunControlV1,
  ): Promise<RunResultV1> {
    if (this.disposed || this.broken)
      return { kind: "failed", code: "SANDBOX_CRASHED", message: "The QuickJS context is gone." };
    this.bridge = bridge;
    this.control = control;
    this.stop = undefined;
    capRun(this.engine, control.limits.memoryBytes);
    this.engineMs = 0;
    this.runStarted = performance.now();
    let wake: () => void = () => {};
    const current: { result: QuickJSHandle | undefined; wake: () => void } = {
      result: undefined,
      wake: () => wake(),
    };
    this.current = current;
    // Listened to only once the run waits on the host: a run that settles in its first slice never reads
    // the signal (core makes it on demand, and it costs microseconds).
    let signal: AbortSignal | undefined;
    const onAbort = () => current.wake();
    try {
      if (!this.installed) this.installHost();
      else for (const [name, value] of this.sealed) this.vm.defineProp(this.vm.global, name, { value });
      // Core's prelude on the first run; on a later one, a setup this context has not run yet, else nothing.
      if (!this.installed || prelude.source) {
        const failed = this.slice(() => this.evaluate(prelude));
        if (failed) return this.finish(failed);
        this.installed = true;
        if (!this.recordSealed())
          return this.finish({
            kind: "failed",
            code: "SANDBOX_CRASHED",
            message: "Could not list the globals the prelude sealed.",
          });
      }
      const failed = this.slice(() => {
        const result = this.vm.evalCode(script.source, script.filename, { type: "global" });
        if (result.error) return this.evalFailure(result.error);
        current.result = result.value;
        return undefined;
      });
      if (failed) return this.finish(failed);
      for (;;) {
        const jobsFailed = this.slice(() => this.runJobs());
        if (jobsFailed) return this.finish(jobsFailed);
        const settled = this.readResult(current.result!);
        if (settled) return this.finish(settled);
        if (!signal) {
          signal = control.signal;
          signal.addEventListener("abort", onAbort, { once: true });
        }
        const aborted = signal.aborted;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (aborted || this.disposed) resolve();
        });
        if (this.disposed)
          return this.finish({
            kind: "failed",
            code: "SANDBOX_CRASHED",
            message: "The session was disposed during the run.",
          });
        if (signal.aborted)
          return this.finish({ kind: "failed", code: "SANDBOX_CRASHED", message: "Stopped by the host." });
      }
    } catch (error) {
      // The engine itself failed (an abort inside WebAssembly): this instance is not used again.
      this.broken = true;
      return this.finish({
        kind: "failed",
        code: this.heapFull() ? "SANDBOX_MEMORY" : "SANDBOX_CRASHED",
        message: String(error),
      });
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.current?.wake();
    this.releaseRun();
    try {
      for (const [, value] of this.sealed) value.dispose();
      this.lister?.dispose();
      this.vm.dispose();
      this.runtime.dispose();
    } catch {
      this.broken = true;
    }
    this.pool.release(this.engine, !this.broken);
  }

  /**
   * Records the global object's sealed properties as a prelude just left them (a setup run with a later
   * prelude may have sealed more, or a new value under a known name: no program has run in such a context,
   * see the session). False when they could not be listed (a nearly full heap): the run then fails and the
   * context is dropped, rather than keep a context whose setup's globals would not be put back.
   */
  private recordSealed(): boolean {
    const names = this.sealedGlobals();
    if (!names) return false;
    for (const name of names) {
      const value = this.vm.getProp(this.vm.global, name);
      const known = this.sealed.find((entry) => entry[0] === name);
      if (known) {
        known[1].dispose();
        known[1] = value;
      } else this.sealed.push([name, value]);
    }
    return true;
  }

  /** Names of the global object's sealed properties (see {@link SEALED_LISTER}); undefined when that fails. */
  private sealedGlobals(): string[] | undefined {
    if (!this.lister) {
      const made = this.vm.evalCode(SEALED_LISTER, "codecall-quickjs-sealed.js", { type: "global" });
      if (made.error) {
        made.error.dispose();
        return undefined;
      }
      this.lister = made.value;
    }
    const found = this.vm.callFunction(this.lister, this.vm.undefined);
    if (found.error) {
      found.error.dispose();
      return undefined;
    }
    const json = this.vm.typeof(found.value) === "string" ? this.vm.getString(found.value) : "";
    found.value.dispose();
    try {
      const names = JSON.parse(json) as unknown;
      if (Array.isArray(names)) return names.filter((n): n is string => typeof n === "string");
    } catch {
      // Fall through.
    }
    return undefined;
  }

  /** Installs `__codecallHost = { call, log }`; both forward to the bridge of the run in progress. */
  private installHost(): void {
    const vm = this.vm;
    const host = vm.newObject();
    const call = vm.newFunction("call", (request) => {
      const deferred = vm.newPromise();
      this.pending.add(deferred);
      const run = this.current;
      let text: string;
      try {
        text = vm.getString(request);
      } catch {
        text = "";
      }
      this.bridge.call(text).then(
        (reply) => this.settleCall(deferred, run, reply),
        () =>
          this.settleCall(
            deferred,
            run,
            '{"ok":false,"error":{"code":"TOOL_FAILED","message":"The host call failed."}}',
          ),
      );
      return deferred.handle;
    });
    const log = vm.newFunction("log", (level, text) => {
      this.bridge.log(vm.getString(level), vm.getString(text));
    });
    vm.setProp(host, "call", call);
    vm.setProp(host, "log", log);
    vm.setProp(vm.global, HOST_GLOBAL, host);
    call.dispose();
    log.dispose();
    host.dispose();
  }

  /** Delivers a host reply into the engine, unless its run is over (then the program never sees it). */
  private settleCall(deferred: QuickJSDeferredPromise, run: typeof this.current, reply: string): void {
    if (!this.pending.delete(deferred)) return;
    if (this.disposed || this.broken || run !== this.current || !deferred.alive) {
      if (deferred.alive) deferred.dispose();
      return;
    }
    try {
      const value = this.vm.newString(reply);
      // The engine holds the answer now (an engine whose memory is full never does: answers then wait).
      this.bridge.answerTaken?.(reply.length);
      deferred.resolve(value);
      value.dispose();
      deferred.dispose();
    } catch {
      this.broken = true;
    }
    run?.wake();
  }

  /** Runs one synchronous slice of engine work, counting its time against the CPU budget. */
  private slice(work: () => Failure | RunResultV1 | undefined): RunResultV1 | undefined {
    this.sliceStarted = performance.now();
    const watch = this.watch;
    if (watch) {
      watch.clock[0] = this.engineMs;
      watch.clock[1] = performance.timeOrigin + this.sliceStarted;
    }
    try {
      const out = work();
      if (this.stop) return { kind: "failed", code: this.stop, message: "Stopped by the interrupt handler." };
      if (typeof out === "string") return { kind: "failed", code: out, message: "The engine failed." };
      return out;
    } finally {
      this.engineMs += performance.now() - this.sliceStarted;
      this.sliceStarted = 0;
      if (watch) watch.clock[1] = 0;
    }
  }

  private shouldInterrupt(): boolean {
    if (this.stop) return true;
    const control = this.control;
    if (!control) return false;
    const now = performance.now();
    // Core may abort during a slice (a host call over a budget): the handler runs every few thousand
    // operations, so reading the signal here costs a short program nothing.
    if (control.signal.aborted || (this.watch && Atomics.load(this.watch.stop, 0) !== 0))
      this.stop = "SANDBOX_CRASHED";
    else if (this.heapFull()) this.stop = "SANDBOX_MEMORY";
    else if (this.engineMs + (this.sliceStarted ? now - this.sliceStarted : 0) > control.limits.cpuTimeMs)
      this.stop = "SANDBOX_CPU_LIMIT";
    else if (now - this.runStarted > control.limits.wallTimeMs) this.stop = "SANDBOX_TIMEOUT";
    return this.stop !== undefined;
  }

  /** The WebAssembly memory reached the run's cap, or a growth was refused: the program used its whole memory limit. */
  private heapFull(): boolean {
    return this.engine.refused || this.engine.memory.buffer.byteLength >= this.engine.capBytes;
  }

  private evaluate(script: ScriptV1): RunResultV1 | undefined {
    const result = this.vm.evalCode(script.source, script.filename, { type: "global" });
    if (result.error) return this.evalFailure(result.error);
    result.value.dispose();
    return undefined;
  }

  private evalFailure(error: QuickJSHandle): RunResultV1 {
    const dumped = this.dumpError(error);
    if (this.stop) return { kind: "failed", code: this.stop, message: dumped.message };
    if (dumped.name === "SyntaxError")
      return {
        kind: "failed",
        code: "PROGRAM_SYNTAX",
        message: `SyntaxError: ${dumped.message}\n${dumped.stack}`,
      };
    if (this.heapFull() || dumped.message === "out of memory")
      return { kind: "failed", code: "SANDBOX_MEMORY", message: dumped.message };
    return { kind: "failed", code: "SANDBOX_CRASHED", message: `${dumped.name}: ${dumped.message}` };
  }

  private runJobs(): RunResultV1 | undefined {
    // Asking first is one call into the engine; running no jobs still allocates a handle and a buffer.
    const result = this.runtime.hasPendingJob() ? this.runtime.executePendingJobs(-1) : undefined;
    if (result?.error) {
      const failure = this.evalFailure(result.error);
      if (failure.kind === "failed" && failure.code !== "SANDBOX_CRASHED") return failure;
      // A job's own uncaught error (an unhandled rejection) does not end the program.
    }
    if (this.heapFull()) return { kind: "failed", code: "SANDBOX_MEMORY", message: "The heap is full." };
    return undefined;
  }

  /** The script's promise, once settled: the prelude's report. */
  private readResult(handle: QuickJSHandle): RunResultV1 | undefined {
    const state = this.vm.getPromiseState(handle);
    if (state.type === "pending") return undefined;
    if (state.type === "rejected") {
      const dumped = this.dumpError(state.error);
      return {
        kind: "failed",
        code: "SANDBOX_CRASHED",
        message: `The program's promise rejected: ${dumped.message}`,
      };
    }
    const value = state.value;
    try {
      if (this.vm.typeof(value) !== "string")
        return { kind: "failed", code: "SANDBOX_CRASHED", message: "The run did not produce a report." };
      return { kind: "completed", report: this.vm.getString(value) };
    } finally {
      if (value !== handle) value.dispose();
    }
  }

  private dumpError(error: QuickJSHandle): { name: string; message: string; stack: string } {
    try {
      const dumped = this.vm.dump(error) as { name?: unknown; message?: unknown; stack?: unknown } | null;
      return {
        name: typeof dumped?.name === "string" ? dumped.name : "Error",
        message: typeof dumped?.message === "string" ? dumped.message : String(dumped),
        stack: typeof dumped?.stack === "string" ? dumped.stack : "",
      };
    } catch {
      return { name: "Error", message: "unreadable error", stack: "" };
    } finally {
      error.dispose();
    }
  }

  private finish(result: RunResultV1): RunResultV1 {
    result.stats = {
      cpuMs: Math.round(this.engineMs * 1000) / 1000,
      peakMemoryBytes: this.engine.memory.buffer.byteLength,
    };
    this.releaseRun();
    return result;
  }

  /** Ends the run: its pending host calls are abandoned and its handles freed, so the runtime can be disposed. */
  private releaseRun(): void {
    for (const deferred of this.pending) if (deferred.alive) deferred.dispose();
    this.pending.clear();
    if (this.current?.result?.alive) this.current.result.dispose();
    this.current = undefined;
    this.control = undefined;
    this.bridge = IDLE_BRIDGE;
  }
}
