import { describe, expect, it } from "vitest";
import { mapProgramStack, PRELUDE_FILENAME, PROGRAM_FILENAME } from "../src/internal.js";

describe("mapProgramStack", () => {
  it("maps program frames to the program's lines and drops the prelude's and a bare eval frame", () => {
    const stack = [
      "Error: boom",
      `    at h (${PROGRAM_FILENAME}:35:12)`,
      `    at eval (${PROGRAM_FILENAME}:36:1)`,
      `    at run (${PRELUDE_FILENAME}:4:9)`,
      "    at eval (<anonymous>)",
    ].join("\n");
    const mapped = mapProgramStack(stack, { lineOffset: 34, columnOffset: 0 });
    expect(mapped.stack).toBe(
      ["Error: boom", "    at h (program.ts:1:12)", "    at eval (program.ts:2:1)"].join("\n"),
    );
    expect([mapped.line, mapped.column]).toEqual([1, 12]);
  });
});
