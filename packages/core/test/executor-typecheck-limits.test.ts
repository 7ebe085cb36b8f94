import { monitorEventLoopDelay } from "node:perf_hooks";
import { quickjs } from "@codecall/sandbox-quickjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecutor, type Executor } from "../src/executor/index.js";

/** A permutation type over `n` string literals: type-level recursion whose cost grows as n!. */
function permutationProgram(n: number): string {
  const letters = "abcdefghijklmnop".slice(0, n).split("");
  return `type P<T extends string, U extends string = T> = [T] extends [never] ? [] : T extends T ? [T, ...P<Exclude<U, T>>] : never;
type L = ${letters.map((l) => `"${l}"`).join(" | ")};
const x: P<L> = null as any;
return 1;`;
}

/** Runs `work` while sampling the host event loop; returns its result and the longest delay seen (ms). */
async function watchingTheLoop<T>(work: () => Promise<T>): Promise<{ value: T; maxDelayMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  try {
    const value = await work();
    return { value, maxDelayMs: histogram.max / 1e6 };
  } finally {
    histogram.disable();
  }
}

describe("the type-checker is hostile input too: limits end it off the host thread", () => {
  let executor: Executor;

  beforeAll(async () => {
    executor = await createExecutor({
      sandbox: quickjs(),
      servers: [],
      callTool: async () => ({ content: [] }),
      // Time budget small enough to keep the test short, large enough for a busy machine's honest checks.
      typeCheckBudget: { timeMs: 3_000, memoryMb: 256 },
    });
    await executor.warmUp();
  });
  afterAll(() => executor?.close());

  const nextCheckWorks = async () => {
    const result = await executor.execute("const n: number = 'x'; return n;");
    expect(result.error?.code).toBe("TYPE_CHECK_FAILED");
    expect((await executor.execute("return 6 * 7;")).value).toBe(42);
  };

  it("a 243-character permutation type over nine literals: TYPE_CHECK_LIMIT, no heap crash, the loop stays free", async () => {
    const code = permutationProgram(9);
    const { value, maxDelayMs } = await watchingTheLoop(() => executor.execute(code));
    expect(value.ok).toBe(false);
    expect(value.error?.code).toBe("TYPE_CHECK_LIMIT");
    expect(value.error?.hint).toMatch(/Simplify/);
    // Generous for a loaded machine: the check itself ran for seconds, elsewhere.
    expect(maxDelayMs).toBeLessThan(1_000);
    await nextCheckWorks();
  });

  it("eight literals (5 s of host time before): the loop stays free; sent again, the cache answers", async () => {
    const code = permutationProgram(8);
    const started = performance.now();
    const { value, maxDelayMs } = await watchingTheLoop(() => executor.execute(code));
    const firstMs = performance.now() - started;
    // Over the budget on a busy machine, within it on an idle one: either way the host never waited.
    if (!value.ok) expect(value.error?.code).toMatch(/^TYPE_CHECK_(LIMIT|FAILED)$/);
    expect(maxDelayMs).toBeLessThan(1_000);
    await nextCheckWorks();
    // The same text is not given to a checker again: the answer comes from the cache.
    const again = performance.now();
    expect((await executor.execute(code)).error?.code).toBe(value.error?.code);
    expect(performance.now() - again).toBeLessThan(firstMs / 2);
  });

  it("a run cancelled while its program is being checked ends ABORTED without waiting for the check", async () => {
    const controller = new AbortController();
    // Seconds of checking (nine literals run to the budget): the abort comes long before the check ends.
    const running = executor.execute(permutationProgram(9).replace("return 1;", "return 2;"), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    const result = await running;
    expect(result.error?.code).toBe("ABORTED");
    await nextCheckWorks();
  });

  it("a 2 MB program: TYPE_CHECK_LIMIT at once, for type-check on and off", async () => {
    const code = `${"const a = [1, 2, 3];\n".repeat(100_000)}return 1;`;
    expect(code.length).toBeGreaterThan(2_000_000);
    for (const typeCheck of ["error", "off"] as const) {
      const { value, maxDelayMs } = await watchingTheLoop(() => executor.execute(code, { typeCheck }));
      expect(value.error?.code).toBe("TYPE_CHECK_LIMIT");
      expect(value.error?.message).toMatch(/characters long/);
      expect(maxDelayMs).toBeLessThan(1_000);
    }
    await nextCheckWorks();
  });
});
