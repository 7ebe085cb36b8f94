import { AsyncLocalStorage } from "node:async_hooks";
import { spawn } from "node:child_process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { runSandboxConformance } from "@codecall/sandbox-testkit";
import { describe, expect, it } from "vitest";
import { quickjs } from "../src/index.js";

const MiB = 1024 * 1024;
/** Far above the few milliseconds a worker-backed run blocks the host, far below the program's own run. */
const BLOCKED_MS = 250;

/** Runs `work` and returns the longest the host's event loop was blocked meanwhile, in ms. */
async function maxDelay<T>(work: () => Promise<T>): Promise<{ value: T; maxMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  // The histogram records nothing at its first sample: let it take one before the work starts.
  await new Promise((resolve) => setTimeout(resolve, 30));
  try {
    const value = await work();
    return { value, maxMs: histogram.max / 1e6 };
  } finally {
    histogram.disable();
  }
}

describe("quickjs in worker threads (the default)", () => {
  it("answers a program's tool calls in the caller's async context, as in-thread", async () => {
    const store = new AsyncLocalStorage<string>();
    const sandbox = quickjs();
    try {
      const seen = await Promise.all(
        ["a", "b"].map((who) =>
          store.run(who, () =>
            sandbox.execute({
              code: "await codecall.callTool('whoami', {}); return await codecall.callTool('whoami', {});",
              tools: async () => store.getStore() ?? "none",
            }),
          ),
        ),
      );
      expect(seen.map((o) => o.value)).toEqual(["a", "b"]);
    } finally {
      await sandbox.close();
    }
  });

  it("never keeps the host process alive once its work is done, even unclosed", async () => {
    // The built package, as a user runs it (`pnpm test` builds first), in a process of its own.
    const entry = new URL("../dist/index.js", import.meta.url).href;
    const script = `const { quickjs } = await import(${JSON.stringify(entry)}); const s = quickjs(); const r = await s.execute({ code: "return 6 * 7;" }); console.log(r.value);`;
    expect(await runScript(script)).toEqual({ out: "42", code: 0 });
  });

  it("a sandbox warmed up ahead of use, then left unused and unclosed, lets its process exit", async () => {
    const entry = new URL("../dist/index.js", import.meta.url).href;
    const script = `const { quickjs } = await import(${JSON.stringify(entry)}); const s = quickjs(); await s.warmUp(); console.log("warm");`;
    expect(await runScript(script)).toEqual({ out: "warm", code: 0 });
  });

  it("after warmUp, each fresh execution still gets a context of its own (the spare is used once)", async () => {
    const sandbox = quickjs();
    try {
      await sandbox.warmUp!();
      expect((await sandbox.execute({ code: "globalThis.seen = 1; return 1;" })).value).toBe(1);
      expect((await sandbox.execute({ code: "return typeof seen;" })).value).toBe("undefined");
    } finally {
      await sandbox.close();
    }
  });

  it("runs programs, logs and tool calls in a worker", async () => {
    const sandbox = quickjs();
    try {
      const outcome = await sandbox.execute({
        code: "console.log('hi'); const r = await codecall.callTool('add', {a: 1, b: 2}); return r * 2;",
        tools: async ({ args }) => {
          const { a, b } = args as { a: number; b: number };
          return a + b;
        },
      });
      expect(outcome).toMatchObject({ ok: true, value: 6, logs: [{ level: "log", message: "hi" }] });
    } finally {
      await sandbox.close();
    }
  });

  it("a program stuck in long native operations neither blocks the host nor outlives its CPU limit", async () => {
    const sandbox = quickjs({ limits: { cpuTimeMs: 500, memoryBytes: 512 * MiB } });
    const session = await sandbox.createSession();
    try {
      expect((await session.execute({ code: "return 1" })).value).toBe(1);
      const { value: outcome, maxMs } = await maxDelay(() =>
        session.execute({
          code: "const a = new Array(3e6).fill('abcdefgh');\nlet n = 0;\nfor (let i = 0; i < 50; i++) n += a.join('-').length;\nreturn n;",
        }),
      );
      expect(outcome.error?.code).toBe("SANDBOX_CPU_LIMIT");
      expect(maxMs, `host blocked ${Math.round(maxMs)} ms`).toBeLessThan(BLOCKED_MS);
      expect((await session.execute({ code: "return 2" })).value).toBe(2);
    } finally {
      await sandbox.close();
    }
  });

  it("the caller's AbortSignal terminates a worker inside one native operation", async () => {
    const sandbox = quickjs({ limits: { cpuTimeMs: 60_000, wallTimeMs: 60_000, memoryBytes: 512 * MiB } });
    const session = await sandbox.createSession();
    try {
      expect((await session.execute({ code: "return 1" })).value).toBe(1);
      const controller = new AbortController();
      const started = performance.now();
      setTimeout(() => controller.abort(), 300);
      const outcome = await session.execute({
        code: "const a = new Array(3e6).fill('abcdefgh');\nlet n = 0;\nfor (let i = 0; i < 500; i++) n += a.join('-').length;\nreturn n;",
        signal: controller.signal,
      });
      expect(outcome.error?.code).toBe("ABORTED");
      expect(performance.now() - started).toBeLessThan(10_000);
      expect((await session.execute({ code: "return 3" })).value).toBe(3);
    } finally {
      await sandbox.close();
    }
  });

  it("a memory bomb ends with SANDBOX_MEMORY and the host's loop keeps running", async () => {
    const sandbox = quickjs({ limits: { memoryBytes: 32 * MiB, cpuTimeMs: 20_000, wallTimeMs: 20_000 } });
    try {
      const { value: outcome, maxMs } = await maxDelay(() =>
        sandbox.execute({
          code: "const keep = [];\nfor (;;) { try { keep.push(new Array(100000).fill(2.5)); } catch (e) { keep.length = keep.length; } }",
        }),
      );
      expect(outcome.error?.code).toBe("SANDBOX_MEMORY");
      expect(maxMs, `host blocked ${Math.round(maxMs)} ms`).toBeLessThan(BLOCKED_MS);
    } finally {
      await sandbox.close();
    }
  });
});

const IN_THREAD =
  "in-thread mode has no protection against a stuck native operation: the host's loop is blocked while it runs (documented)";

// The opt-out keeps every behaviour but protection against a stuck native operation.
runSandboxConformance({
  name: "quickjs (in-thread)",
  create: () => quickjs({ thread: "in-thread" }),
  // In-thread, the engine runs on the host's thread: each of these blocks the host's event loop for the
  // whole CPU limit (1 s), past the suite's 500 ms bound. They run and must keep failing.
  knownFailures: Object.fromEntries(
    [
      "hostile-proxy-return",
      "hostile-getter-thrown",
      "hostile-proxy-args",
      "hostile-atomics-wait-forever",
      "hostile-catastrophic-regex",
      "hostile-microtask-flood",
      "hostile-loop-after-tool",
      "hostile-leftover-jobs",
      "hostile-finalizer-after-return",
      "hostile-regex-shapes",
      "hostile-thenable-report",
      "hostile-console-arguments",
    ].map((id) => [id, IN_THREAD]),
  ),
  skip: {
    "limit-memory-caught":
      "in-thread, an allocator loop near the memory limit runs for seconds between interrupt checks; only the worker mode bounds it",
    "hostile-stuck-native-operation": IN_THREAD,
    "hostile-expensive-builtins": IN_THREAD,
    "hostile-memory-patterns": IN_THREAD,
    "hostile-long-native-operations": IN_THREAD,
    "hostile-uninterruptible-builtins": IN_THREAD,
    "hostile-native-call-loops": IN_THREAD,
    "hostile-huge-error":
      "in-thread, building and copying the error's 25 MiB of text runs on the host's thread: 1.4 s with other processes busy beside it, possibly under the suite's 500 ms bound on a quiet machine, so the result cannot be relied on either way; the worker mode is held to the bound (conformance.test.ts)",
    "hostile-abort-native-operation": `${IN_THREAD}; the abort waits for the operation: 296 s, then PROGRAM_ERROR`,
    "hostile-overflow-in-report":
      "in-thread, QuickJS's recursion in JSON.stringify exhausts the host thread's native stack before its own stack check (RangeError from the host: SANDBOX_CRASHED), as in hostile-deep-nesting; the worker mode gives its thread a larger stack",
    "hostile-results-in-flight":
      "in-thread, the engine takes each 6 MiB answer (copied into its memory and parsed) on the host's thread, on top of the host's own share (now spread over three turns): with four busy processes beside the full suite one turn took 524 ms, over the suite's 500 ms bound; the worker mode is held to the bound (conformance.test.ts)",
    "hostile-results-while-computing": `${IN_THREAD}: its 1.5 s loop is the host's own event loop`,
    "hostile-string-spread":
      "in-thread, the spreads run on the host's thread until the CPU or memory limit: the loop was blocked 1.19 s in a helper's run, yet under 500 ms on a quiet machine (where an expected failure then failed as 'Expect test to fail'); the worker mode is held to the bound (conformance.test.ts)",
    "hostile-huge-return":
      "in-thread, the engine builds and serialises the oversized return value on the host's thread: with four busy processes and other work beside the full suite it blocked the loop 516 ms (and 549-609 ms in a helper's run on both the old and the new prelude), over the suite's 500 ms bound; the worker mode is held to the bound (conformance.test.ts)",
    "hostile-oversized-call-flood":
      "in-thread, each refused call costs the host's thread the stringifying and measuring of its 3 MiB argument, and QuickJS checks its interrupt handler only every few thousand operations: the run overran its 1 s CPU limit 16x (16 s); the worker mode is terminated at its budget (conformance.test.ts)",
    "hostile-key-walks":
      "in-thread, the key listings end at once (PROGRAM_ERROR in 12-240 ms), but String.raw over a raw of length 2 ** 32 - 1 blocks the host's thread for minutes (the case ran 359 s in all); the worker mode is terminated at its budget (conformance.test.ts)",
    "hostile-accessors-on-error-fields": `${IN_THREAD}: its programs loop until the 500 ms CPU limit on the host's own thread (a run blocked the loop 505-514 ms, over the suite's 500 ms bound); the worker mode is held to the bound (conformance.test.ts)`,
    "hostile-import-after-report": `${IN_THREAD}: the refused import's reaction loops until the 500 ms CPU limit on the host's own thread (506 ms in a run, over the suite's 500 ms bound); the worker mode is held to the bound (conformance.test.ts)`,
    "hostile-unhandled-rejection-proxy-prototype": `${IN_THREAD}: the programs whose Proxy QuickJS reads in the run loop until the 500 ms CPU limit on the host's own thread (506 and 508 ms blocked in two runs, over the suite's 500 ms bound); the worker mode is held to the bound (conformance.test.ts)`,
    "hostile-segmenter-spread": `${IN_THREAD}: QuickJS has no Intl.Segmenter, so the program loops until the 1 s CPU limit on the host's own thread (the loop was blocked 1072 ms, over the suite's 500 ms bound); the worker mode is held to the bound (conformance.test.ts)`,
    "hostile-swallowing-loops": `${IN_THREAD}: its loops run until the 500 ms CPU limit on the host's own thread (a run blocked the loop 521 ms, over the suite's 500 ms bound); the worker mode is held to the bound (conformance.test.ts)`,
    "hostile-report-at-limit": `${IN_THREAD}: building the report of a thrown 24 MiB string runs on the host's own thread (it blocked the loop 2426 ms, over the suite's 500 ms bound); the worker mode is held to the bound (conformance.test.ts)`,
    "hostile-abort-computing": IN_THREAD,
    "hostile-large-args-in-flight": IN_THREAD,
    "hostile-parallel-calls":
      "in-thread, the program's 100,000 calls are made on the host's thread: under the suite's 500 ms event-loop bound on a quiet machine, 548 ms with four busy processes beside it; the worker mode is held to the bound (conformance.test.ts)",
    "hostile-overflow-at-bridge":
      "in-thread, the program's stack probing runs on the host's thread, so whether the host's event loop stays under the suite's bound depends on the machine's speed and load (it failed on a quiet machine and passed with four busy processes beside it): a result that cannot be relied on either way; the worker mode is held to the bound (conformance.test.ts)",
    "hostile-memory-array-buffers":
      "in-thread, the program's allocation loop runs on the host's thread until the memory limit stops it: 767 ms of blocked event loop with four busy processes beside the suite, over its 500 ms bound, and under it on a quiet machine, so the result cannot be relied on either way; the worker mode is held to the bound (conformance.test.ts)",
    "hostile-memory-growable-buffers":
      "in-thread, the program's growth loop runs on the host's thread until the memory limit stops it: 704 ms of blocked event loop with four busy processes beside the suite, over its 500 ms bound, and under it on a quiet machine; the worker mode is held to the bound (conformance.test.ts)",
    "hostile-nesting-past-host-json": `${IN_THREAD}: QuickJS's JSON.stringify, quadratic in depth, serialises the program's 5,000-level value on the host's own thread (it blocked the loop 759 ms, over the suite's 500 ms bound); the worker mode is held to the bound (conformance.test.ts)`,
    "hostile-huge-tool-names": `${IN_THREAD}: its loops of tool calls (40 with 64 KiB names, then 1,000 refused ones never awaited) are made on the host's own thread (it blocked the loop 551 ms, over the suite's 500 ms bound); the worker mode is held to the bound (conformance.test.ts)`,
    "hostile-native-loop-past-limit": `${IN_THREAD}: the split and replace over a 16 MiB string run on the host's own thread (a run at 1 s limits blocked the loop 1397 ms, over the suite's 500 ms bound); the worker mode is held to the bound (conformance.test.ts)`,
    "hostile-deep-nesting":
      "in-thread, QuickJS's parser recursion exhausts the host thread's native stack before its own stack check (RangeError from the host: SANDBOX_CRASHED); the worker mode gives its thread a larger stack",
  },
});

/** Runs an ES module script in a Node process of its own: its stdout and exit code (null: killed at 60 s). */
async function runScript(script: string): Promise<{ out: string; code: number | null }> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, 60_000);
    child.once("exit", (exit) => {
      clearTimeout(timer);
      resolve(exit);
    });
  });
  return { out: out.trim(), code };
}
