/**
 * Start-up of the type-check worker: the standard library's warm-up and an API's load queued together are
 * answered by one load (the API's), and checks after it are those of a fresh checker.
 */
import { describe, expect, it } from "vitest";
import { ProgramPreparer } from "../src/executor/type-check-service.js";
import { warmUpTypeChecker } from "../src/internal.js";

const DECLARATIONS = {
  "memory.d.ts": "declare const memory: { readGraph(): Promise<{ entities: Array<{ name: string }> }> };",
};

describe("type-check worker start-up", () => {
  it("answers the library's warm-up with an API's load queued behind it, and checks correctly after", async () => {
    // A budget of its own: a new worker, so both loads queue while it starts.
    const budget = { memoryMb: 300 };
    const preparer = new ProgramPreparer(DECLARATIONS, undefined, budget);
    try {
      const library = warmUpTypeChecker(budget);
      const api = preparer.warmUp();
      await expect(Promise.all([library, api])).resolves.toBeDefined();
      const clean = await preparer.prepare(
        "const g = await memory.readGraph();\nreturn g.entities.map((e) => e.name);",
        true,
      );
      expect(clean.diagnostics).toEqual([]);
      const wrong = await preparer.prepare("const g = await memory.readGraf();\nreturn g;", true);
      expect(wrong.diagnostics).toHaveLength(1);
      expect(wrong.diagnostics[0]).toMatchObject({ line: 1 });
      expect(wrong.diagnostics[0]!.message).toMatch(/readGraf/);
      // A later library warm-up is already answered.
      await expect(warmUpTypeChecker(budget)).resolves.toBeUndefined();
    } finally {
      preparer.dispose();
    }
  }, 120_000);
});
