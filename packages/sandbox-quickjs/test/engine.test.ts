import { describe, expect, it } from "vitest";
import { BASELINE_BYTES, EnginePool } from "../src/engine-pool.js";
import { quickjs } from "../src/index.js";

const MiB = 1024 * 1024;

describe("WebAssembly instance pool", () => {
  it("reuses a clean instance and discards one whose memory grew (WebAssembly memory never shrinks)", async () => {
    const pool = new EnginePool({ maxIdle: 4, recycleAboveBytes: BASELINE_BYTES });
    const first = await pool.acquire(32 * MiB);
    pool.release(first, true);
    const again = await pool.acquire(32 * MiB);
    expect(again).toBe(first);
    again.memory.grow(16);
    pool.release(again, true);
    const fresh = await pool.acquire(32 * MiB);
    expect(fresh).not.toBe(first);
    expect(fresh.memory.buffer.byteLength).toBe(BASELINE_BYTES);
    pool.release(fresh, false);
    expect(await pool.acquire(32 * MiB)).not.toBe(fresh);
  });

  it("keeps instances of different memory limits apart", async () => {
    const pool = new EnginePool({ maxIdle: 4, recycleAboveBytes: BASELINE_BYTES });
    const small = await pool.acquire(8 * MiB);
    pool.release(small, true);
    const large = await pool.acquire(64 * MiB);
    expect(large).not.toBe(small);
    expect(large.fullBytes - small.fullBytes).toBe(56 * MiB);
  });
});

describe("quickjs memory", () => {
  it("reports peak memory, and a session starts over in a fresh instance after a memory failure", async () => {
    const sandbox = quickjs({ limits: { memoryBytes: 24 * MiB } });
    const session = await sandbox.createSession();
    try {
      const small = await session.execute({
        code: "globalThis.keep = 'x'.repeat(1000); return keep.length;",
      });
      expect(small.stats.peakMemoryBytes).toBe(BASELINE_BYTES);
      const grown = await session.execute({
        code: "const a = [];\nfor (;;) a.push('y'.repeat(1 << 20) + a.length);",
      });
      expect(grown.error?.code).toBe("SANDBOX_MEMORY");
      expect(grown.stats.contextReset).toBe(true);
      expect(grown.stats.peakMemoryBytes).toBeGreaterThanOrEqual(BASELINE_BYTES + 24 * MiB);
      expect(grown.stats.peakMemoryBytes).toBeLessThanOrEqual((BASELINE_BYTES + 24 * MiB) * 1.06);
      const after = await session.execute({ code: "return typeof keep;" });
      expect(after.value).toBe("undefined");
      expect(after.stats.peakMemoryBytes).toBe(BASELINE_BYTES);
    } finally {
      await sandbox.close();
    }
  });

  it("holds the limit for a large memory limit too, without growing the host past it", async () => {
    const sandbox = quickjs();
    const rss = process.memoryUsage().rss;
    const outcome = await sandbox.execute({
      code: "const keep = [];\nfor (;;) keep.push(new Array(10000).fill(1.5));",
      limits: { memoryBytes: 96 * MiB },
    });
    expect(outcome.error?.code).toBe("SANDBOX_MEMORY");
    expect(process.memoryUsage().rss - rss).toBeLessThan(300 * MiB);
    await sandbox.close();
  });
});
