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
});
