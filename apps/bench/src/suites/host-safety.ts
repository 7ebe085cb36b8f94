/**
 * Host safety: how long each backend blocks the host's event loop while a hostile program runs (a
 * CPU-bound loop, a stuck native operation, a memory bomb, 60 parallel tool calls each answered with
 * 6 MiB), as `monitorEventLoopDelay`'s p99 and max,
 * with the typed error and the time it took to stop. Goal: max ≤ 50 ms on QuickJS and isolated-vm.
 * The memory-growth patterns of the conformance kit, each run with a memory limit below its session's:
 * peak host RSS growth. Goal: ≤ the run's limit + 64 MiB.
 * Abort latency, per backend: the time from the caller's `controller.abort()` to the execution's ABORTED
 * outcome, while the program waits on a tool that never answers and while it computes (`for (;;) {}`),
 * median and max of 20 runs each, the backends sampled in turn. Goal: ≤ 100 ms.
 * Then what running QuickJS in worker threads costs beside the in-thread mode, the two sampled in turn:
 * fresh executions (the spare context kept warm in its worker), warm executions and one tool call. Goal:
 * warm ≤ 2x in-thread, fresh unchanged. Beside them, the floor of any worker mode: an empty message round
 * trip to a worker.
 * Last, one long-lived session per backend (in a child process, so nothing else counts):
 * host RSS over 20,000 sequential executions with one tool call each. Goal: < 32 MB growth over 10,000,
 * levelling off. Beside them, code mode's long session (type-check on, the default): 10,000 distinct
 * programs each calling a real server-memory over stdio, host RSS growth at 1k, 5k and 10k (the type-check
 * worker's memory counts here, the sandbox-only sessions above never load it).
 */
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { createCodeMode } from "@codecall/core";
import { createSandbox, type ExecuteRequest, type Sandbox, type SandboxSession } from "@codecall/sandbox";
import { isolatedVmAdapter } from "@codecall/sandbox-isolated-vm";
import { quickjs } from "@codecall/sandbox-quickjs";
import { figuresFromChild } from "../child.js";
import { median, round, timeRuns } from "../stats.js";

export const name = "host-safety";

const MiB = 1024 * 1024;
const LIMITS = { cpuTimeMs: 1_000, wallTimeMs: 5_000, memoryBytes: 64 * MiB };
const HOSTILE: Record<string, string> = {
  cpuLoop: "let i = 0;\nfor (;;) i++;",
  stuckNativeOperation:
    "const a = new Array(1e6).fill('abcdefgh');\nlet n = 0;\nfor (let i = 0; i < 300; i++) n += a.join('-').length;\nreturn n;",
  expensiveBuiltinLoop:
    "const s = 'x'.repeat(1 << 20);\nlet n = 0;\nfor (let i = 0; i < 200; i++) n += JSON.stringify(s).length + 'y'.repeat(8 << 20).length;\nreturn n;",
  memoryBomb:
    "const keep = [];\nfor (;;) { try { keep.push(new Array(100000).fill(2.5)); } catch (e) { keep.length = keep.length; } }",
};

/** 60 parallel calls each answered with 6 MiB (the conformance case `hostile-results-in-flight`). */
const PARALLEL_LARGE_ANSWERS = {
  code: 'const all = await Promise.allSettled(Array.from({ length: 60 }, () => codecall.callTool("big")));\nreturn all.filter((r) => r.status === "fulfilled").length;',
  limits: { memoryBytes: 32 * MiB, maxToolResultBytes: 8 * MiB, cpuTimeMs: 10_000, wallTimeMs: 10_000 },
};
/**
 * Flat, as a tool result parsed from a server's JSON is: `"r".repeat(n)` builds a tree of pieces, which
 * the first backend's first serialisation would pay to join.
 */
const LARGE_ANSWER = Buffer.alloc(6 * MiB, "r").toString("latin1");

/** The growth patterns of the conformance case `hostile-memory-patterns` (objects, Map, string concatenation). */
const MEMORY_PATTERNS: Record<string, string> = {
  objects: "const keep = [];\nfor (let i = 0; ; i++) keep.push({ i, s: 'k' + i, o: { i } });",
  map: "const keep = new Map();\nfor (let i = 0; ; i++) keep.set(i, [i, i + 1, i + 2]);",
  stringConcat: "let s = 'x';\nconst keep = [];\nfor (;;) { s = s + s.slice(0, 1 << 16); keep.push(s); }",
};
/** A run's own limits for the memory patterns: half the session's memory (LIMITS), time to fill it. */
const PATTERN_LIMITS = { memoryBytes: 32 * MiB, cpuTimeMs: 10_000, wallTimeMs: 10_000 };

const BACKENDS: Record<string, () => Sandbox> = {
  quickjs: () => quickjs({ limits: LIMITS }),
  "quickjs-in-thread": () => quickjs({ limits: LIMITS, thread: "in-thread" }),
  "isolated-vm": () => createSandbox(isolatedVmAdapter(), { limits: LIMITS }),
};

export async function run(): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  for (const [backend, create] of Object.entries(BACKENDS)) {
    let sandbox: Sandbox;
    try {
      sandbox = create();
      const smoke = await sandbox.execute({ code: "return 1" });
      if (!smoke.ok) throw new Error(`${smoke.error?.code}: ${smoke.error?.message}`);
    } catch (error) {
      results[backend] = { skipped: error instanceof Error ? error.message : String(error) };
      continue;
    }
    const figures: Record<string, unknown> = {};
    try {
      for (const [shape, code] of Object.entries(HOSTILE)) figures[shape] = await blocked(sandbox, { code });
      figures.parallelLargeAnswers = await blocked(sandbox, {
        ...PARALLEL_LARGE_ANSWERS,
        tools: () => LARGE_ANSWER,
      });
      const patterns: Record<string, unknown> = {};
      for (const shape of Object.keys(MEMORY_PATTERNS))
        patterns[shape] = await figuresFromChild(
          import.meta.url,
          { CODECALL_BENCH_MEMORY_PATTERN: `${backend}:${shape}` },
          120_000,
        );
      figures.memoryPatterns = {
        ...patterns,
        runLimitMiB: PATTERN_LIMITS.memoryBytes / MiB,
        sessionLimitMiB: LIMITS.memoryBytes / MiB,
        goalPeakGrowthMiB: PATTERN_LIMITS.memoryBytes / MiB + 64,
      };
    } finally {
      await sandbox.close();
    }
    results[backend] = { ...figures, goalMaxDelayMs: 50 };
  }
  results.abortLatency = await abortLatency();
  results.workerPoolCost = await poolCost();
  results.longSession = {
    quickjs: await longSessionInChild("quickjs"),
    "quickjs-in-thread": await longSessionInChild("quickjs-in-thread"),
    "isolated-vm": await longSessionInChild("isolated-vm"),
    codeMode: await longSessionInChild("code-mode"),
    goalGrowthAt10kMiB: 32,
  };
  return results;
}

/** Runs one hostile program in a warm session and reports the host's event-loop delay meanwhile. */
async function blocked(sandbox: Sandbox, request: ExecuteRequest): Promise<Record<string, unknown>> {
  const session = await sandbox.createSession();
  try {
    await session.execute({ code: "return 1" });
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    histogram.enable();
    // The histogram records nothing at its first sample: let it take one before the program starts.
    await sleep(20);
    const t0 = performance.now();
    const outcome = await session.execute(request);
    const stoppedAfterMs = performance.now() - t0;
    // A loop blocked for the whole run records its delay only when its next sample fires.
    await sleep(20);
    histogram.disable();
    const next = await session.execute({ code: "return 'next'" });
    return {
      error: outcome.error?.code ?? "none",
      stoppedAfterMs: round(stoppedAfterMs),
      eventLoopDelayP99Ms: round(histogram.percentile(99) / 1e6),
      eventLoopDelayMaxMs: round(histogram.max / 1e6),
      nextExecutionOk: next.ok,
    };
  } finally {
    await session.dispose();
  }
}

const ABORT_RUNS = 20;
/** How long a computing program runs before the caller aborts it. */
const COMPUTE_BEFORE_ABORT_MS = 50;
const ABORT_SHAPES = ["waitingOnTool", "computing"] as const;

/**
 * The time from `controller.abort()` to the settled outcome, {@link ABORT_RUNS} times per backend and
 * program, the backends in turn (so each sees the same machine): while the program waits on a tool that
 * never answers (aborted once the tool is called) and while it computes. Each in a warm session (an
 * aborted run resets the session's context: an execution before the next abort makes it again). In-thread
 * QuickJS computes on the caller's own thread: nothing can call `abort()` until the program has ended.
 */
async function abortLatency(): Promise<Record<string, unknown>> {
  const sandboxes = Object.entries(BACKENDS).map(([backend, create]) => ({ backend, sandbox: create() }));
  /** Per backend and program: the latencies and the error codes the outcomes had. */
  const rows = new Map<string, { ms: number[]; codes: Set<string> }>();
  const once = async (
    session: SandboxSession,
    shape: (typeof ABORT_SHAPES)[number],
  ): Promise<[number, string]> => {
    const ready = await session.execute({ code: "return 1" });
    if (!ready.ok) throw new Error(`${ready.error?.code}: ${ready.error?.message}`);
    const controller = new AbortController();
    let called: () => void = () => {};
    const toolCalled = new Promise<void>((resolve) => {
      called = resolve;
    });
    const outcome = session.execute({
      code: shape === "computing" ? "for (;;) {}" : "await codecall.callTool('never', {});\nreturn 1;",
      signal: controller.signal,
      tools: () => {
        called();
        return new Promise(() => {});
      },
    });
    if (shape === "computing") await sleep(COMPUTE_BEFORE_ABORT_MS);
    else await toolCalled;
    const t0 = performance.now();
    controller.abort();
    const { error } = await outcome;
    return [performance.now() - t0, error?.code ?? "none"];
  };
  try {
    const sessions = await Promise.all(sandboxes.map(({ sandbox }) => sandbox.createSession()));
    for (let i = 0; i < ABORT_RUNS; i++) {
      for (let k = 0; k < sandboxes.length; k++) {
        const at = (i + k) % sandboxes.length;
        const backend = sandboxes[at]!.backend;
        for (const shape of ABORT_SHAPES) {
          if (backend === "quickjs-in-thread" && shape === "computing") continue;
          const [ms, code] = await once(sessions[at]!, shape);
          const key = `${backend}:${shape}`;
          const row = rows.get(key) ?? { ms: [], codes: new Set<string>() };
          row.ms.push(ms);
          row.codes.add(code);
          rows.set(key, row);
        }
      }
    }
  } finally {
    await Promise.all(sandboxes.map(({ sandbox }) => sandbox.close()));
  }
  const out: Record<string, Record<string, unknown>> = {};
  for (const { backend } of sandboxes) {
    out[backend] = {};
    for (const shape of ABORT_SHAPES) {
      const row = rows.get(`${backend}:${shape}`);
      out[backend][shape] = row
        ? {
            error: [...row.codes].join(","),
            medianMs: round(median(row.ms)),
            maxMs: round(Math.max(...row.ms)),
          }
        : "not applicable: the program holds the caller's thread, which could call abort() only once it ended";
    }
  }
  return { ...out, runs: ABORT_RUNS, goalMs: 100 };
}

/**
 * Child mode (one process per backend and pattern, so memory an earlier run freed but kept cannot hide
 * growth): runs a memory-growth program with {@link PATTERN_LIMITS} in a session opened with the
 * backend's limits, and prints the peak growth of host RSS, sampled every 5 ms, with the error and when
 * it came.
 */
async function memoryPatternChild(backend: string, shape: string): Promise<void> {
  const sandbox = BACKENDS[backend]!();
  const session = await sandbox.createSession();
  const code = MEMORY_PATTERNS[shape]!;
  try {
    await session.execute({ code: "return 1" });
    const start = process.memoryUsage().rss;
    let peak = start;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    const t0 = performance.now();
    const outcome = await session.execute({ code, limits: PATTERN_LIMITS });
    const stoppedAfterMs = performance.now() - t0;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    process.stdout.write(
      `${JSON.stringify({
        error: outcome.error?.code ?? "none",
        stoppedAfterMs: round(stoppedAfterMs),
        peakRssGrowthMiB: round((peak - start) / MiB, 1),
      })}\n`,
    );
  } finally {
    await session.dispose();
    await sandbox.close();
  }
}

/**
 * {@link poolCost}: fresh executions per mode, and rounds of 20 warm, 20 one-tool-call and 20 short-work
 * executions each.
 */
const FRESH_ROUNDS = 30;
const WARM_ROUNDS = 10;
/**
 * A short program that does some work, as a model's filtering step does (1,000 records made, filtered and
 * summed): beside `return 1`, it shows whether the pool's cost is a constant per execution or a factor.
 */
const SHORT_WORK =
  "const rows = Array.from({ length: 1000 }, (_, i) => ({ id: i, region: i % 7, amount: (i * 37) % 1000 }));\n" +
  "return rows.filter((r) => r.region === 3).reduce((sum, r) => sum + r.amount, 0);";

/**
 * Worker threads against in-thread QuickJS, sampled in turn (each round measures both modes, in
 * alternating order) so both see the same machine.
 */
async function poolCost(): Promise<Record<string, unknown>> {
  const modes = { worker: quickjs(), inThread: quickjs({ thread: "in-thread" }) };
  const tools = () => 1;
  const sessions: Partial<Record<keyof typeof modes, SandboxSession>> = {};
  try {
    const samples = {
      worker: { fresh: [] as number[], warm: [] as number[], tool: [] as number[], work: [] as number[] },
      inThread: { fresh: [] as number[], warm: [] as number[], tool: [] as number[], work: [] as number[] },
    };
    for (const [mode, sandbox] of Object.entries(modes) as [keyof typeof modes, Sandbox][]) {
      await sandbox.execute({ code: "return 1" });
      const session = await sandbox.createSession();
      sessions[mode] = session;
      // Untimed, so that neither mode's figures include the JIT's warm-up.
      await timeRuns(() => session.execute({ code: "return 1" }), 0, 200);
      await timeRuns(
        () => session.execute({ code: "return await codecall.callTool('one', {})", tools }),
        0,
        200,
      );
      await timeRuns(() => session.execute({ code: SHORT_WORK }), 0, 50);
    }
    const inTurn = (round: number) =>
      round % 2 ? (["inThread", "worker"] as const) : (["worker", "inThread"] as const);
    // Fresh: one execution in a new session, after idle time for the spare to be made again.
    for (let round = 0; round < FRESH_ROUNDS; round++) {
      for (const mode of inTurn(round)) {
        await sleep(30);
        const t0 = performance.now();
        await modes[mode].execute({ code: "return 1" });
        samples[mode].fresh.push(performance.now() - t0);
      }
    }
    // Warm: blocks of back-to-back executions in one session, after idle time (making the last spare must
    // not share the cores with them) and a few untimed executions.
    for (let round = 0; round < WARM_ROUNDS; round++) {
      for (const mode of inTurn(round)) {
        const session = sessions[mode]!;
        await sleep(30);
        samples[mode].warm.push(...(await timeRuns(() => session.execute({ code: "return 1" }), 20, 5)));
        samples[mode].tool.push(
          ...(await timeRuns(
            () => session.execute({ code: "return await codecall.callTool('one', {})", tools }),
            20,
            5,
          )),
        );
        samples[mode].work.push(...(await timeRuns(() => session.execute({ code: SHORT_WORK }), 20, 5)));
      }
    }
    const figures = (mode: keyof typeof modes) => ({
      freshExecutionMs: round(median(samples[mode].fresh)),
      warmExecutionMs: round(median(samples[mode].warm)),
      oneToolCallExecutionMs: round(median(samples[mode].tool)),
      shortWorkExecutionMs: round(median(samples[mode].work)),
    });
    const worker = figures("worker");
    const inThread = figures("inThread");
    // The floor any worker mode pays per round trip: an empty message to a worker thread and back; and
    // the same hop made with shared memory and Atomics (the worker blocked in `Atomics.wait`, the host in
    // `Atomics.waitAsync`), the other channel a pool could use.
    const floorMs = await emptyRoundTripMs();
    const atomicsFloorMs = await emptyAtomicsRoundTripMs();
    return {
      worker,
      inThread,
      emptyWorkerMessageRoundTripMs: round(floorMs, 4),
      emptyAtomicsRoundTripMs: round(atomicsFloorMs, 4),
      ratioWorkerToInThread: {
        fresh: round(worker.freshExecutionMs / inThread.freshExecutionMs, 2),
        warm: round(worker.warmExecutionMs / inThread.warmExecutionMs, 2),
        oneToolCall: round(worker.oneToolCallExecutionMs / inThread.oneToolCallExecutionMs, 2),
        shortWork: round(worker.shortWorkExecutionMs / inThread.shortWorkExecutionMs, 2),
        goalWarm: 2,
      },
    };
  } finally {
    await Promise.all(Object.values(sessions).map((s) => s.dispose()));
    await Promise.all(Object.values(modes).map((s) => s.close()));
  }
}

const LONG_SESSION_RUNS = 20_000;
const LONG_SESSION_STEP = 2_000;
const LONG_SESSION_WARM_UP = 200;

/** Runs this file again in a child process in long-session mode for `backend` and reads its figures. */
function longSessionInChild(backend: string): Promise<unknown> {
  // Code mode's session (a real MCP server, type-checks) ran ~25 executions/s on a busy 2-core machine.
  const timeoutMs = backend === "code-mode" ? 1_200_000 : 600_000;
  return figuresFromChild(import.meta.url, { CODECALL_BENCH_LONG_SESSION: backend }, timeoutMs);
}

/**
 * Child mode: one session, {@link LONG_SESSION_RUNS} executions one after another, each a different
 * program (as a model writes them) with one tool call; host RSS growth after a GC at every step, from
 * the RSS once the engine is warm ({@link LONG_SESSION_WARM_UP} executions in).
 */
async function longSessionChild(backend: string): Promise<void> {
  if (backend === "code-mode") return codeModeLongSessionChild();
  const sandbox =
    backend === "isolated-vm"
      ? createSandbox(isolatedVmAdapter())
      : quickjs(backend === "quickjs-in-thread" ? { thread: "in-thread" } : {});
  const session = await sandbox.createSession();
  const tools = async (call: { args: unknown }) => call.args;
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  let i = 0;
  const run = async (count: number) => {
    for (const end = i + count; i < end; i++) {
      const out = await session.execute({
        code: `return (await codecall.callTool("echo", { i: ${i} })).i;`,
        tools,
      });
      if (out.value !== i) throw new Error(`execution ${i}: ${out.error?.code} ${out.error?.message}`);
    }
  };
  await run(LONG_SESSION_WARM_UP);
  gc();
  const start = process.memoryUsage().rss;
  const growthMiB: Record<string, number> = {};
  const t0 = performance.now();
  for (let done = 0; done < LONG_SESSION_RUNS; done += LONG_SESSION_STEP) {
    await run(LONG_SESSION_STEP);
    gc();
    growthMiB[done + LONG_SESSION_STEP] = round((process.memoryUsage().rss - start) / MiB, 1);
  }
  const seconds = (performance.now() - t0) / 1000;
  await session.dispose();
  await sandbox.close();
  process.stdout.write(
    `${JSON.stringify({
      rssStartMiB: round(start / MiB, 1),
      rssGrowthMiBByExecutions: growthMiB,
      growth10kTo20kMiB: round(growthMiB[LONG_SESSION_RUNS]! - growthMiB[LONG_SESSION_RUNS / 2]!, 1),
      executionsPerSecond: Math.round(LONG_SESSION_RUNS / seconds),
    })}\n`,
  );
}

const CODE_MODE_RUNS = 10_000;
const CODE_MODE_MARKS = [1_000, 5_000, 10_000];

/**
 * Child mode: one code mode over a real server-memory (stdio), type-check on (the default), as
 * {@link longSessionChild}: {@link CODE_MODE_RUNS} distinct programs one after another, each with one MCP
 * call; host RSS growth after a GC at each mark, from the RSS once warm.
 */
async function codeModeLongSessionChild(): Promise<void> {
  const memoryScript = createRequire(import.meta.url).resolve(
    "@modelcontextprotocol/server-memory/dist/index.js",
  );
  const file = join(mkdtempSync(join(tmpdir(), "codecall-bench-")), "memory.jsonl");
  const codeMode = await createCodeMode({
    servers: {
      mcpServers: {
        memory: { command: process.execPath, args: [memoryScript], env: { MEMORY_FILE_PATH: file } },
      },
    },
    sandbox: quickjs(),
  });
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  let i = 0;
  const run = async (end: number) => {
    for (; i < end; i++) {
      const out = await codeMode.execute(
        `const g = await memory.readGraph({});\nreturn ${i} + g.entities.length;`,
      );
      if (out.value !== i) throw new Error(`execution ${i}: ${JSON.stringify(out.error ?? out.value)}`);
    }
  };
  await run(LONG_SESSION_WARM_UP);
  gc();
  const start = process.memoryUsage().rss;
  const growthMiB: Record<string, number> = {};
  const t0 = performance.now();
  for (const mark of CODE_MODE_MARKS) {
    await run(LONG_SESSION_WARM_UP + mark);
    gc();
    growthMiB[mark] = round((process.memoryUsage().rss - start) / MiB, 1);
  }
  const seconds = (performance.now() - t0) / 1000;
  await codeMode.close();
  process.stdout.write(
    `${JSON.stringify({
      rssStartMiB: round(start / MiB, 1),
      rssGrowthMiBByExecutions: growthMiB,
      executionsPerSecond: Math.round(CODE_MODE_RUNS / seconds),
    })}\n`,
  );
}

const longSessionBackend = process.env.CODECALL_BENCH_LONG_SESSION;
if (longSessionBackend && process.argv[1] === fileURLToPath(import.meta.url)) {
  await longSessionChild(longSessionBackend);
  process.exit(0);
}
const memoryPattern = process.env.CODECALL_BENCH_MEMORY_PATTERN;
if (memoryPattern && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [backend, shape] = memoryPattern.split(":") as [string, string];
  await memoryPatternChild(backend, shape);
  process.exit(0);
}

/**
 * Median of an empty round trip through shared memory: the host sets a flag and wakes the worker, which
 * waits in `Atomics.wait`, sets the answer flag and wakes the host, which waits in `Atomics.waitAsync`.
 */
async function emptyAtomicsRoundTripMs(): Promise<number> {
  const { Worker } = await import("node:worker_threads");
  const flags = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(
    `const flags = new Int32Array(require("node:worker_threads").workerData);
     for (;;) {
       Atomics.wait(flags, 0, 0);
       if (Atomics.load(flags, 0) === 2) break;
       Atomics.store(flags, 0, 0);
       Atomics.store(flags, 1, 1);
       Atomics.notify(flags, 1);
     }`,
    { eval: true, workerData: flags.buffer },
  );
  const waitAsync = (
    Atomics as unknown as {
      waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string };
    }
  ).waitAsync;
  try {
    return median(
      await timeRuns(
        async () => {
          Atomics.store(flags, 1, 0);
          Atomics.store(flags, 0, 1);
          Atomics.notify(flags, 0);
          const wait = waitAsync(flags, 1, 0);
          if (wait.async) await wait.value;
        },
        500,
        50,
      ),
    );
  } finally {
    Atomics.store(flags, 0, 2);
    Atomics.notify(flags, 0);
    await worker.terminate();
  }
}

/** Median of an empty postMessage round trip to an echoing worker thread. */
async function emptyRoundTripMs(): Promise<number> {
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(
    `require("node:worker_threads").parentPort.on("message", (m) => require("node:worker_threads").parentPort.postMessage(m));`,
    { eval: true },
  );
  try {
    return median(
      await timeRuns(
        () =>
          new Promise<void>((resolve) => {
            worker.once("message", () => resolve());
            worker.postMessage(0);
          }),
        500,
        50,
      ),
    );
  } finally {
    await worker.terminate();
  }
}
