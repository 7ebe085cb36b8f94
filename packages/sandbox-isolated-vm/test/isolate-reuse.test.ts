import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createSandbox, DEFAULT_LIMITS } from "@codecall/sandbox";
import { afterAll, describe, expect, it } from "vitest";
import { isolatedVmAdapter } from "../src/index.js";

const adapter = isolatedVmAdapter();
const sandbox = createSandbox(adapter);
afterAll(() => sandbox.close());

describe("isolate reuse", () => {
  it("runs back-to-back executions in reused isolates, each in a fresh context", async () => {
    const before = adapter.isolateCounts();
    for (let i = 0; i < 20; i++) {
      const out = await sandbox.execute({ code: `return typeof leftBehind + ":" + ${i};` });
      expect(out.value).toBe(`undefined:${i}`);
      await sandbox.execute({ code: "globalThis.leftBehind = 1; Object.prototype.polluted = 2; return 0;" });
    }
    const after = adapter.isolateCounts();
    // 40 contexts (and spares), nearly all in isolates made before: at most a few new ones.
    expect(after.reused - before.reused).toBeGreaterThanOrEqual(30);
    expect(after.created - before.created).toBeLessThanOrEqual(4);
    const clean = await sandbox.execute({ code: "return [typeof leftBehind, ({}).polluted];" });
    expect(clean.value).toEqual(["undefined", null]);
  });

  it("makes no isolate for a context asked for while the adapter closes", async () => {
    const own = isolatedVmAdapter();
    const limits = DEFAULT_LIMITS;
    const first = await own.createContext({ limits });
    // Its isolate is on its way back (the pool checks its heap), so the next context waits for it.
    await first.dispose();
    const waiting = own.createContext({ limits });
    await own.close?.();
    await expect(waiting).rejects.toThrow(/closed/);
    expect(own.isolateCounts().created).toBe(1);
  });

  it("never reuses an isolate whose run hit a limit or failed", async () => {
    const own = isolatedVmAdapter();
    const serial = createSandbox(own, { spareContext: false });
    try {
      expect((await serial.execute({ code: "return 1;" })).value).toBe(1);
      expect((await serial.execute({ code: "return 2;" })).value).toBe(2);
      expect(own.isolateCounts()).toEqual({ created: 1, reused: 1 });
      // The pooled isolate runs the endless loop, is stopped, and is gone: the next context needs a new one.
      const stopped = await serial.execute({ code: "for (;;) {}", limits: { cpuTimeMs: 100 } });
      expect(stopped.error?.code).toBe("SANDBOX_CPU_LIMIT");
      expect(own.isolateCounts()).toEqual({ created: 1, reused: 2 });
      expect((await serial.execute({ code: "return 3;" })).value).toBe(3);
      expect(own.isolateCounts()).toEqual({ created: 2, reused: 2 });
      // A syntax error fails the run too: that isolate is not reused either.
      expect((await serial.execute({ code: "return +;" })).error?.code).toBe("PROGRAM_SYNTAX");
      expect((await serial.execute({ code: "return 4;" })).value).toBe(4);
      expect(own.isolateCounts()).toEqual({ created: 3, reused: 3 });
    } finally {
      await serial.close();
    }
  });

  it("removes FinalizationRegistry, whose callbacks would run after the execution that made them", async () => {
    expect((await sandbox.execute({ code: "return typeof FinalizationRegistry;" })).value).toBe("undefined");
  });

  it("can be turned off: a new isolate per context", async () => {
    const fresh = isolatedVmAdapter({ reuseIsolates: false });
    const own = createSandbox(fresh, { spareContext: false });
    try {
      for (let i = 0; i < 3; i++) expect((await own.execute({ code: "return 2;" })).value).toBe(2);
      expect(fresh.isolateCounts()).toEqual({ created: 3, reused: 0 });
    } finally {
      await own.close();
    }
  });
});

describe("a long-lived session", () => {
  it("keeps nothing on the host per execution (the host heap levels off)", { timeout: 180_000 }, async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const session = await sandbox.createSession();
    const tools = async (call: { args: unknown }) => call.args;
    const run = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const out = await session.execute({
          code: `return (await codecall.callTool("echo", { i: ${i} })).i;`,
          tools,
        });
        expect(out.value).toBe(i);
      }
    };
    try {
      await run(300);
      gc();
      const before = process.memoryUsage().heapUsed;
      await run(4_000);
      gc();
      // A reaction kept per run on a promise as old as the isolate held about 550 bytes each: 2.2 MB here.
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(1024 * 1024);
    } finally {
      await session.dispose();
    }
  });
});
