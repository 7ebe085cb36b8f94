import { createSandbox, type Sandbox } from "@codecall/sandbox";
import { afterAll, describe, expect, it } from "vitest";
import { ballastBytes } from "../src/ballast.js";
import { isolatedVm, isolatedVmAdapter } from "../src/index.js";

const MiB = 1024 * 1024;
// Sessions open with core's default limit (128 MiB): that becomes their isolate's memoryLimit.
const sandbox: Sandbox = isolatedVm();
afterAll(() => sandbox.close());

/** Program text that keeps `n` small objects (about 75 bytes each in V8) in `into`. */
const keep = (n: number, into = "kept") =>
  `const ${into}List = []; for (let i = 0; i < ${n}; i++) ${into}List.push({ i, s: "k" + i }); globalThis.${into} = ${into}List;`;

describe("a run's memory limit below its session's isolate limit", () => {
  it("is held: a run of 32 MiB in a 128 MiB session stops at its own limit and keeps the session's state", {
    timeout: 60_000,
  }, async () => {
    const session = await sandbox.createSession();
    try {
      expect((await session.execute({ code: "globalThis.note = 'kept'; return 1;" })).value).toBe(1);
      const limits = { memoryBytes: 32 * MiB, cpuTimeMs: 20_000, wallTimeMs: 30_000 };
      // About 11 MiB: well within the run's limit, and the global of the first run is still there.
      const honest = await session.execute({ code: `${keep(150_000)}\nreturn note + kept.length;`, limits });
      expect(honest.value, JSON.stringify(honest.error)).toBe("kept150000");
      // About 60 MiB: within the isolate's 128 MiB, over the run's 32 MiB (this passed before the ballast).
      const over = await session.execute({ code: `${keep(800_000)}\nreturn kept.length;`, limits });
      expect(over.error?.code, JSON.stringify(over.error ?? over.value)).toBe("SANDBOX_MEMORY");
      expect((await session.execute({ code: "return 'next';" })).value).toBe("next");
    } finally {
      await session.dispose();
    }
  });

  it("is held even after a program of the session replaced ArrayBuffer and its prototype", {
    timeout: 60_000,
  }, async () => {
    const session = await sandbox.createSession();
    try {
      const forged = await session.execute({
        code: "globalThis.ArrayBuffer = function () { return {}; };\nObject.defineProperty(Object.prototype, 'byteLength', { get() { return 0; } });\nreturn 1;",
      });
      expect(forged.value, JSON.stringify(forged.error)).toBe(1);
      const limits = { memoryBytes: 32 * MiB, cpuTimeMs: 20_000, wallTimeMs: 30_000 };
      const over = await session.execute({ code: `${keep(800_000)}\nreturn kept.length;`, limits });
      expect(over.error?.code, JSON.stringify(over.error ?? over.value)).toBe("SANDBOX_MEMORY");
    } finally {
      await session.dispose();
    }
  });

  it("gives the whole isolate back to a later run that asks for the session's limit again", {
    timeout: 60_000,
  }, async () => {
    const session = await sandbox.createSession();
    try {
      await session.execute({ code: "return 1;" });
      const low = await session.execute({
        code: "globalThis.mark = 7; return mark;",
        limits: { memoryBytes: 16 * MiB },
      });
      expect(low.value).toBe(7);
      // About 70 MiB, under the session's 128 MiB: the 112 MiB ballast of the previous run must be gone.
      const full = await session.execute({
        code: `${keep(950_000)}\nreturn mark + kept.length;`,
        limits: { cpuTimeMs: 20_000, wallTimeMs: 30_000 },
      });
      expect(full.value, JSON.stringify(full.error)).toBe(950_007);
    } finally {
      await session.dispose();
    }
  });

  it("fails with SANDBOX_MEMORY when the session's state alone exceeds the run's limit", {
    timeout: 60_000,
  }, async () => {
    const session = await sandbox.createSession();
    try {
      const big = await session.execute({
        code: `${keep(520_000, "big")}\nreturn big.length;`,
        limits: { cpuTimeMs: 20_000, wallTimeMs: 30_000 },
      });
      expect(big.value, JSON.stringify(big.error)).toBe(520_000);
      const out = await session.execute({ code: "return big.length;", limits: { memoryBytes: 16 * MiB } });
      expect(out.error?.code, JSON.stringify(out.error ?? out.value)).toBe("SANDBOX_MEMORY");
      expect(out.stats.contextReset).toBe(true);
      expect((await session.execute({ code: "return typeof big;" })).value).toBe("undefined");
    } finally {
      await session.dispose();
    }
  });

  it("still lets the isolate serve a later session, which can use the whole limit", {
    timeout: 60_000,
  }, async () => {
    const adapter = isolatedVmAdapter();
    const own = createSandbox(adapter, { spareContext: false });
    try {
      const first = await own.createSession();
      await first.execute({ code: "return 1;" });
      expect((await first.execute({ code: "return 2;", limits: { memoryBytes: 16 * MiB } })).value).toBe(2);
      await first.dispose();
      const second = await own.createSession();
      // About 70 MiB: the first session's 112 MiB ballast is garbage now and must not count.
      const full = await second.execute({
        code: `${keep(950_000)}\nreturn kept.length;`,
        limits: { cpuTimeMs: 20_000, wallTimeMs: 30_000 },
      });
      expect(full.value, JSON.stringify(full.error)).toBe(950_000);
      await second.dispose();
      expect(adapter.isolateCounts()).toEqual({ created: 1, reused: 1 });
    } finally {
      await own.close();
    }
  });

  it("sizes the ballast as the isolate's limit over the run's, never below the smallest isolate", () => {
    expect(ballastBytes(128, 32 * MiB, 8)).toBe(96 * MiB);
    expect(ballastBytes(128, 128 * MiB, 8)).toBe(0);
    expect(ballastBytes(32, 64 * MiB, 8)).toBe(0);
    expect(ballastBytes(128, 1 * MiB, 8)).toBe(120 * MiB);
    // A limit that is no whole number of MiB made an isolate of the next MiB up: no ballast for it.
    expect(ballastBytes(96, 100_000_000, 8)).toBe(0);
    expect(ballastBytes(96, 50_000_000, 8)).toBe(48 * MiB);
  });
});
