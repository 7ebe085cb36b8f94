import type { Worker as NodeWorker } from "node:worker_threads";
import type {
  ExecutionLimitsV1,
  HostBridgeV1,
  RunControlV1,
  RunResultV1,
  SandboxContextV1,
  ScriptV1,
} from "@codecall/sandbox";
import { Mailbox, type MailedReply, mailable } from "./mailbox.js";
import type { FromWorker, ToWorker, WorkerInit } from "./worker-protocol.js";

/**
 * After the host asks a program to stop (the shared stop flag, checked by QuickJS's interrupt handler),
 * how long the worker has to answer before it is terminated. A program inside one long native operation
 * (`'x'.repeat(n)`, joining a huge array) never reaches the interrupt handler; terminating the worker is
 * then the only way to get the thread back.
 */
const KILL_AFTER_MS = 50;
/**
 * The cap on each worker's V8 young generation, in MiB (V8's default is 48: semi-spaces of 16 MiB). A
 * worker's own V8 heap holds only bridge traffic (messages, strings crossing into QuickJS; a program's
 * values live in WebAssembly memory), but V8 doubles the semi-spaces as bytes survive scavenges, so over a
 * long session its new space grew from 4 to 32 MiB and stayed: about half of the worker mode's host RSS
 * growth over 10,000 executions. At this cap the new space stays at its starting 4 MiB; scavenges of a
 * few live megabytes cost well under a millisecond, and large strings (a big tool result) are allocated
 * in the large-object spaces, which this cap does not bound.
 */
export const WORKER_YOUNG_GENERATION_MB = 6;
/**
 * The worker's native stack. QuickJS checks its own stack limit (`maxStackBytes`) on the WebAssembly
 * shadow stack, but its recursion also uses the thread's native stack, which ran out first for deeply
 * nested source (100,000 parentheses) and ended the run as SANDBOX_CRASHED; with room here the program
 * gets QuickJS's own catchable error. Reserved address space, touched only when used.
 */
const resourceLimits = { stackSizeMb: 64, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };
/** How long idle workers past `maxIdle` are kept after a burst, in case the burst goes on. */
const LINGER_MS = 1_000;
/** How often the host looks at a running worker's CPU clock. */
const WATCH_EVERY_MS = 20;
/** Engine time past the CPU limit before the host terminates a worker that has not stopped itself. */
const CPU_GRACE_MS = 100;
/** How long a worker whose memory is full may keep computing before the host terminates it. */
const MEMORY_GRACE_MS = 100;

type WorkerModule = typeof import("node:worker_threads");

/** Runs a function in the async context captured when the scope was made. */
export type CallerScope = (fn: () => void) => void;

export interface WorkerPoolOptions {
  workerThreads: WorkerModule;
  /**
   * Captures the async context a run starts in and returns a function that runs `fn` inside it (see
   * `deliverInCallerContext`). A program's host calls arrive as worker messages; run this way they see the
   * execution that started the run, as they do in-thread, so the caller's AsyncLocalStorage (a server's
   * per-request state) holds.
   */
  captureCaller: () => CallerScope;
  wasmModule: () => Promise<WebAssembly.Module | undefined>;
  /** Idle workers kept for new sessions. */
  maxIdle: number;
  maxStackBytes: number;
  recycleAboveBytes: number;
}

/**
 * The worker threads that run QuickJS for one adapter. Each worker hosts at most one session's context
 * (one WebAssembly instance), so terminating a stuck worker resets only that session. Workers whose
 * session ended are kept idle, with their WebAssembly instance, for the next session.
 */
export class WorkerPool {
  private readonly idle: HostedWorker[] = [];
  private readonly live = new Set<HostedWorker>();
  /** A worker being started ahead of need, so a replaced or new one is not on anyone's latency path. */
  private starting: Promise<HostedWorker | undefined> | undefined;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {}

  /**
   * A context in a worker of its own. For core's spare (`spare`) no further worker is started ahead: the
   * spare is already the session kept ahead, and core makes the next one when it is taken.
   */
  async createContext(limits: ExecutionLimitsV1, spare = false): Promise<SandboxContextV1> {
    if (this.closed) throw new Error("The QuickJS sandbox is closed.");
    let worker = this.idle.pop();
    // One that died while idle (out of memory, killed) is no use.
    while (worker && !worker.alive) worker = this.idle.pop();
    if (!worker && this.starting) {
      const started = this.starting;
      this.starting = undefined;
      worker = await started;
    }
    worker ??= await this.spawn();
    this.live.add(worker);
    try {
      await worker.create(limits);
    } catch (error) {
      this.drop(worker);
      throw error;
    }
    // The next worker starts once this one is up, not beside it: at start-up the two would share the cores.
    if (!spare) this.prestart();
    return new WorkerContext(worker, this);
  }

  /**
   * A worker whose context was disposed cleanly goes back to the idle list; any other is terminated. Past
   * `maxIdle`, a healthy worker lingers a moment before it goes: in a burst of concurrent executions the
   * next one takes it, where terminating it would make that one start a worker of its own.
   */
  release(worker: HostedWorker, healthy: boolean): void {
    this.live.delete(worker);
    if (!healthy || this.closed || !worker.alive) {
      worker.terminate();
      return;
    }
    worker.idleSince = performance.now();
    this.idle.push(worker);
    if (this.idle.length > this.options.maxIdle) this.trimLater();
  }

  private trimming: ReturnType<typeof setTimeout> | undefined;

  /**
   * Terminates the idle workers past `maxIdle` that nobody took for {@link LINGER_MS}. The list is used
   * from its end, so its start holds the longest idle; a steady trickle of executions keeps reusing the
   * same few workers at the end and lets the rest go.
   */
  private trimLater(): void {
    if (this.trimming) return;
    this.trimming = setTimeout(() => {
      this.trimming = undefined;
      const now = performance.now();
      let stale = 0;
      while (
        stale < this.idle.length - this.options.maxIdle &&
        now - this.idle[stale]!.idleSince >= LINGER_MS
      )
        stale++;
      for (const extra of this.idle.splice(0, stale)) extra.terminate();
      if (this.idle.length > this.options.maxIdle) this.trimLater();
    }, LINGER_MS);
    this.trimming.unref();
  }

  /** Idle workers kept now (for tests and figures). */
  get idleWorkers(): number {
    return this.idle.length;
  }

  /** An engine whose memory grew past this is not reused (see {@link WorkerContext.dispose}). */
  get recycleAboveBytes(): number {
    return this.options.recycleAboveBytes;
  }

  private readonly checks = new Set<(now: number) => void>();
  private watchdog: ReturnType<typeof setInterval> | undefined;

  /**
   * Runs `check` every few ms while its run is in flight. One timer serves every run of the pool and
   * outlives a run by one tick, so back-to-back executions create no timer each.
   */
  watch(check: (now: number) => void): void {
    this.checks.add(check);
    if (this.watchdog) return;
    this.watchdog = setInterval(() => {
      if (this.checks.size === 0) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
        return;
      }
      const now = performance.now();
      for (const each of this.checks) each(now);
    }, WATCH_EVERY_MS);
    this.watchdog.unref();
  }

  unwatch(check: (now: number) => void): void {
    this.checks.delete(check);
  }

  captureCaller(): CallerScope {
    return this.options.captureCaller();
  }

  /** Terminates a worker (stuck, crashed, or its state unknown); a replacement starts in the background. */
  drop(worker: HostedWorker): void {
    this.live.delete(worker);
    worker.terminate();
    this.prestart();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.trimming);
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    const starting = this.starting;
    this.starting = undefined;
    const all = [...this.idle, ...this.live];
    this.idle.length = 0;
    this.live.clear();
    await Promise.all([...all.map((w) => w.terminate()), starting?.then((w) => w?.terminate())]);
  }

  /** Starts one worker ahead of need when none is idle or starting (and idle workers are wanted at all). */
  private prestart(): void {
    if (this.closed || this.starting || this.idle.length > 0 || this.options.maxIdle === 0) return;
    const starting = this.spawn().then(
      (worker) => {
        if (this.closed) {
          worker.terminate();
          return undefined;
        }
        return worker;
      },
      () => undefined,
    );
    this.starting = starting;
    // A worker that died while waiting to be used is forgotten; the next need starts another.
    void starting.then((worker) =>
      worker?.exited.then(() => {
        if (this.starting === starting) this.starting = undefined;
      }),
    );
  }

  private async spawn(): Promise<HostedWorker> {
    const init: WorkerInit = {
      wasmModule: await this.options.wasmModule(),
      stop: new SharedArrayBuffer(4),
      clock: new SharedArrayBuffer(32),
      maxStackBytes: this.options.maxStackBytes,
      recycleAboveBytes: this.options.recycleAboveBytes,
    };
    const entry = await workerEntry();
    const worker =
      typeof entry === "string"
        ? new this.options.workerThreads.Worker(entry, { workerData: init, eval: true, resourceLimits })
        : // No inherited flags: a host's loader conditions (codecall's own tests resolve packages to their
          // TypeScript sources) must not reach a worker that runs built JavaScript.
          new this.options.workerThreads.Worker(entry, { workerData: init, execArgv: [], resourceLimits });
    return new HostedWorker(worker, init);
  }
}

/**
 * The worker's script: next to this module in a build (`dist/worker.js`). In codecall's own tests, which
 * run the TypeScript sources, the built worker when it is newer than every source it is built from (a
 * worker started through tsx takes seconds on a loaded machine), else a bootstrap that imports
 * `worker.ts` through tsx (a dev dependency).
 */
async function workerEntry(): Promise<URL | string> {
  if (!import.meta.url.endsWith(".ts")) return new URL("./worker.js", import.meta.url);
  builtWorker ??= freshBuild();
  const built = await builtWorker;
  if (built) return built;
  const api = import.meta.resolve("tsx/esm/api");
  const source = new URL("./worker.ts", import.meta.url).href;
  return `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}));`;
}

let builtWorker: Promise<URL | undefined> | undefined;

async function freshBuild(): Promise<URL | undefined> {
  const { stat, readdir } = await import("node:fs/promises");
  const built = new URL("../dist/worker.js", import.meta.url);
  try {
    const builtAt = (await stat(built)).mtimeMs;
    const sources = new URL("./", import.meta.url);
    for (const name of await readdir(sources)) {
      if (name.endsWith(".ts") && (await stat(new URL(name, sources))).mtimeMs > builtAt) return undefined;
    }
    return built;
  } catch {
    return undefined;
  }
}

/** One worker thread and its message traffic. */
class HostedWorker {
  alive = true;
  /** When it last went back to the idle list. */
  idleSince = 0;
  private listener: ((message: FromWorker) => void) | undefined;
  private onExit: (() => void) | undefined;
  readonly exited: Promise<void>;
  readonly stop: Int32Array;
  readonly clock: Float64Array;
  /** Why the worker died, when it did on its own (out of memory, a crash). */
  exitReason: string | undefined;

  constructor(
    private readonly worker: NodeWorker,
    init: WorkerInit,
  ) {
    this.stop = new Int32Array(init.stop);
    this.clock = new Float64Array(init.clock);
    worker.on("message", (message: FromWorker) => this.listener?.(message));
    worker.on("error", (error: Error & { code?: string }) => {
      this.exitReason = error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "memory" : error.message;
    });
    this.exited = new Promise((resolve) => {
      worker.once("exit", () => {
        this.alive = false;
        this.onExit?.();
        resolve();
      });
    });
    // After the listeners: adding a "message" listener refs the worker's port again, and an idle worker
    // must never keep the host process alive.
    worker.unref();
  }

  /**
   * Listens to this worker's messages (one listener: the worker serves one context). With `keepAlive` the
   * worker keeps the process alive until the listener is removed: while a context is created, runs, or is
   * disposed. An idle worker never does.
   */
  listen(
    listener: ((message: FromWorker) => void) | undefined,
    onExit?: () => void,
    keepAlive = false,
  ): void {
    this.listener = listener;
    this.onExit = onExit;
    if (this.kept !== keepAlive && this.alive) {
      this.kept = keepAlive;
      if (keepAlive) this.worker.ref();
      else this.worker.unref();
    }
  }

  private kept = false;

  send(message: ToWorker): void {
    if (this.alive) this.worker.postMessage(message);
  }

  create(limits: ExecutionLimitsV1): Promise<void> {
    return new Promise((resolve, reject) => {
      this.listen(
        (message) => {
          if (message.t === "created") {
            this.listen(undefined);
            resolve();
          } else if (message.t === "create-failed") {
            this.listen(undefined);
            reject(new Error(message.message));
          }
        },
        () => reject(new Error(`The QuickJS worker exited: ${this.exitReason ?? "unknown reason"}`)),
        true,
      );
      this.send({ t: "create", limits });
    });
  }

  terminate(): Promise<void> {
    if (this.alive) {
      this.alive = false;
      // Ref'd while it stops: whoever awaits the exit (sandbox.close()) must not see the process end first.
      this.worker.ref();
      void this.worker.terminate();
    }
    return this.exited;
  }
}

/** The host side of a context living in a worker: the v1 contract, proxied over messages. */
class WorkerContext implements SandboxContextV1 {
  private disposed = false;
  private running: ((result: RunResultV1) => void) | undefined;

  constructor(
    private readonly worker: HostedWorker,
    private readonly pool: WorkerPool,
  ) {}

  run(
    prelude: ScriptV1,
    script: ScriptV1,
    bridge: HostBridgeV1,
    control: RunControlV1,
  ): Promise<RunResultV1> {
    const worker = this.worker;
    if (this.disposed || !worker.alive)
      return Promise.resolve({
        kind: "failed",
        code: "SANDBOX_CRASHED",
        message: "The QuickJS worker is gone.",
      });
    const limits = control.limits;
    let sentWallTimeMs = limits.wallTimeMs;
    return new Promise<RunResultV1>((resolve) => {
      let kill: ReturnType<typeof setTimeout> | undefined;
      let ended = false;
      const signal = control.signal;
      // Large replies cross in shared memory kept for this run (see mailbox.ts).
      const mailbox = new Mailbox();
      const end = (result: RunResultV1) => {
        if (ended) return;
        ended = true;
        mailbox.close();
        this.running = undefined;
        if (kill) clearTimeout(kill);
        this.pool.unwatch(check);
        signal.removeEventListener("abort", onAbort);
        worker.listen(undefined);
        resolve(result);
      };
      const terminate = (
        code: "SANDBOX_CPU_LIMIT" | "SANDBOX_MEMORY" | "SANDBOX_CRASHED",
        message: string,
      ) => {
        const sliceStarted = worker.clock[1]!;
        const cpuMs =
          worker.clock[0]! + (sliceStarted ? performance.timeOrigin + performance.now() - sliceStarted : 0);
        this.pool.drop(worker);
        end({ kind: "failed", code, message, stats: { cpuMs, peakMemoryBytes: worker.clock[3]! } });
      };
      const onAbort = () => {
        Atomics.store(worker.stop, 0, 1);
        worker.send({ t: "abort" });
        kill ??= setTimeout(
          () => terminate("SANDBOX_CRASHED", "The worker did not stop in time and was terminated."),
          KILL_AFTER_MS,
        );
      };
      this.running = end;
      const inCaller = this.pool.captureCaller();
      const reply = (id: number, body: string | MailedReply) => {
        // A reply to a run that ended would reach the worker during the next run (which drops it).
        if (ended) return;
        // Core moves the wall-clock limit while a tool call pauses the clock (an approval).
        const wallTimeMs = control.limits.wallTimeMs;
        if (wallTimeMs === sentWallTimeMs) worker.send({ t: "reply", id, reply: body });
        else {
          sentWallTimeMs = wallTimeMs;
          worker.send({ t: "reply", id, reply: body, wallTimeMs });
        }
      };
      const call = (message: Extract<FromWorker, { t: "call" }>) =>
        bridge.call(message.request).then(
          (answer) => {
            if (!mailable(answer)) return reply(message.id, answer);
            return mailbox.post(answer).then(
              (mailed) => {
                if (mailed) reply(message.id, mailed);
              },
              // No shared memory to be had (allocation failed): the reply goes with its message, as before.
              () => reply(message.id, answer),
            );
          },
          () => {
            if (ended) return;
            worker.send({
              t: "reply",
              id: message.id,
              reply: '{"ok":false,"error":{"code":"TOOL_FAILED","message":"The host call failed."}}',
            });
          },
        );
      worker.listen(
        (message: FromWorker) => {
          switch (message.t) {
            case "call":
              inCaller(() => void call(message));
              break;
            case "log":
              inCaller(() => bridge.log(message.level, message.text));
              break;
            case "taken":
              bridge.answerTaken?.(message.length);
              break;
            case "done":
              end(message.result);
              break;
          }
        },
        () =>
          end({
            kind: "failed",
            code: worker.exitReason === "memory" ? "SANDBOX_MEMORY" : "SANDBOX_CRASHED",
            message: `The QuickJS worker exited: ${worker.exitReason ?? "terminated"}`,
          }),
        // A run keeps the process alive until it ends, as an in-thread run would: not every run has a
        // wall-clock timer behind it (core's spare context warms up with none).
        true,
      );
      Atomics.store(worker.stop, 0, 0);
      worker.clock[1] = 0;
      worker.clock[2] = 0;
      let fullSince = 0;
      // A program stuck in one native operation never reaches QuickJS's interrupt handler: the host
      // watches the engine clock the worker keeps and terminates the worker past the CPU limit.
      const check = (now: number) => {
        const sliceStarted = worker.clock[1]!;
        if (sliceStarted === 0) return;
        const used = worker.clock[0]! + (performance.timeOrigin + now - sliceStarted);
        if (used > limits.cpuTimeMs + CPU_GRACE_MS)
          return terminate("SANDBOX_CPU_LIMIT", "The program overran its CPU limit inside one operation.");
        if (worker.clock[2] === 1) {
          fullSince ||= now;
          if (now - fullSince > MEMORY_GRACE_MS)
            terminate("SANDBOX_MEMORY", "The program kept allocating with its memory full.");
        }
      };
      this.pool.watch(check);
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
      worker.send({ t: "run", prelude, script, limits: { ...limits } });
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const worker = this.worker;
    if (this.running) {
      // Disposed under a running program: the worker's state is unknown; it is not reused.
      this.running({
        kind: "failed",
        code: "SANDBOX_CRASHED",
        message: "The session was disposed during the run.",
      });
      this.pool.drop(worker);
      return;
    }
    if (!worker.alive) return this.pool.release(worker, false);
    // Nothing to wait for: the worker disposes the context when it reads the message, before anything
    // sent after it (a new context), so it is back in the pool at once. An engine whose memory grew is
    // not reused (WebAssembly memory never shrinks): its worker is terminated, which returns that memory
    // at once, where the worker's own collector would take its time. The worker publishes its memory size.
    const healthy = worker.clock[3]! <= this.pool.recycleAboveBytes;
    if (healthy) worker.send({ t: "dispose" });
    this.pool.release(worker, healthy);
  }
}
