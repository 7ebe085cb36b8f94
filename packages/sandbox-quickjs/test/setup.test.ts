import { describe, expect, it } from "vitest";
import { quickjs } from "../src/index.js";

const SETUP = "globalThis.setupRuns = (globalThis.setupRuns || 0) + 1;";

describe("a request's setup", () => {
  it("runs once per context, before the first program that brings it, in sessions and fresh executions", async () => {
    const sandbox = quickjs();
    try {
      const session = await sandbox.createSession();
      const first = await session.execute({ code: "return setupRuns;", setup: SETUP });
      const second = await session.execute({ code: "return setupRuns;", setup: SETUP });
      expect([first.value, second.value]).toEqual([1, 1]);
      // Its lines come before the program's: errors still name the program's own line.
      const thrown = await session.execute({ code: "\nthrow new Error('x');", setup: SETUP });
      expect(thrown.error?.line).toBe(2);
      await session.dispose();
      // Fresh contexts, the later ones spares that ran the setup ahead of time.
      for (let i = 0; i < 3; i++) {
        const out = await sandbox.execute({ code: "return [setupRuns, typeof leftOver];", setup: SETUP });
        expect(out.value).toEqual([1, "undefined"]);
        await sandbox.execute({ code: "globalThis.leftOver = 1; return 0;", setup: SETUP });
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      await sandbox.close();
    }
  });

  it("a setup that seals a new value under a known sealed name keeps it for the session's later programs", async () => {
    // QuickJS lets a setup redefine a sealed global (V8 refuses): the context must put back the new value.
    const seal = (value: string) =>
      `Object.defineProperty(globalThis, "__sealedTag", { value: "${value}", writable: false, configurable: false });`;
    const sandbox = quickjs();
    try {
      // The first execution's setup is what the next spare runs ahead of time.
      expect((await sandbox.execute({ code: "return __sealedTag;", setup: seal("one") })).value).toBe("one");
      await sandbox.warmUp?.();
      const session = await sandbox.createSession();
      const values = [];
      for (let i = 0; i < 2; i++)
        values.push((await session.execute({ code: "return __sealedTag;", setup: seal("two") })).value);
      expect(values).toEqual(["two", "two"]);
      await session.dispose();
    } finally {
      await sandbox.close();
    }
  });
});
