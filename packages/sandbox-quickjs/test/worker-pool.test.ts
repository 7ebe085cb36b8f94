import * as workerThreads from "node:worker_threads";
import type { ExecutionLimitsV1 } from "@codecall/sandbox";
import { describe, expect, it } from "vitest";
import { BASELINE_BYTES } from "../src/engine-pool.js";
import { WorkerPool } from "../src/worker-host.js";

const LIMITS: ExecutionLimitsV1 = {
  cpuTimeMs: 1_000,
  wallTimeMs: 5_000,
  memoryBytes: 32 * 1024 * 1024,
  maxToolCalls: 10,
  maxOutputBytes: 1024 * 1024,
  maxToolResultBytes: 1024 * 1024,
  maxToolArgsBytes: 1024,
};

/** A pool over the real worker_threads whose Worker constructor counts the threads it starts. */
function countingPool(): { pool: WorkerPool; started: () => number } {
  let started = 0;
  class Worker extends workerThreads.Worker {
    constructor(...args: ConstructorParameters<typeof workerThreads.Worker>) {
      super(...args);
      started++;
    }
  }
  const pool = new WorkerPool({
    workerThreads: { ...workerThreads, Worker },
    captureCaller: () => (fn) => fn(),
    wasmModule: async () => undefined,
    maxIdle: 2,
    maxStackBytes: 256 * 1024,
    recycleAboveBytes: BASELINE_BYTES,
  });
  return { pool, started: () => started };
}

describe("QuickJS worker pool", () => {
  it("starts the next worker ahead of a session's context, but none ahead of core's spare", async () => {
    const session = countingPool();
    await (await session.pool.createContext(LIMITS)).dispose();
    // close() waits for a worker being started ahead.
    await session.pool.close();
    expect(session.started()).toBe(2);

    const spare = countingPool();
    await (await spare.pool.createContext(LIMITS, true)).dispose();
    await spare.pool.close();
    expect(spare.started()).toBe(1);
  });

  it("keeps the workers of a burst past maxIdle a moment, so a burst right after starts none", async () => {
    const { pool, started } = countingPool();
    const burst = async () => {
      const contexts = await Promise.all(Array.from({ length: 6 }, () => pool.createContext(LIMITS)));
      await Promise.all(contexts.map((context) => context.dispose()));
    };
    await burst();
    const afterFirst = started();
    expect(afterFirst).toBeGreaterThanOrEqual(6);
    await burst();
    expect(started()).toBe(afterFirst);
    await pool.close();
  });

  it("lets the idle workers past maxIdle go once nobody took them for a while, while one keeps being used", async () => {
    const { pool } = countingPool();
    const contexts = await Promise.all(Array.from({ length: 6 }, () => pool.createContext(LIMITS)));
    await Promise.all(contexts.map((context) => context.dispose()));
    expect(pool.idleWorkers).toBeGreaterThan(2);
    // A trickle of single executions reuses the same worker and must not keep the others alive.
    const deadline = Date.now() + 60_000;
    while (pool.idleWorkers > 2 && Date.now() < deadline) {
      await (await pool.createContext(LIMITS)).dispose();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(pool.idleWorkers).toBeLessThanOrEqual(2);
    await pool.close();
  }, 90_000);
});
