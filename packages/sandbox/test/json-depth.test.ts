import { describe, expect, it } from "vitest";
import { jsonDeeperThan } from "../src/json.js";

const nested = (levels: number, inner = "") => `${"[".repeat(levels)}${inner}${"]".repeat(levels)}`;

describe("jsonDeeperThan", () => {
  it("counts the nesting of arrays and objects, as JSON.parse builds it", () => {
    expect(jsonDeeperThan(nested(1000), 1000)).toBe(false);
    expect(jsonDeeperThan(nested(1001), 1000)).toBe(true);
    const objects = `${'{"a":'.repeat(1001)}1${"}".repeat(1001)}`;
    expect(jsonDeeperThan(objects, 1000)).toBe(true);
    expect(jsonDeeperThan(JSON.stringify([Array.from({ length: 3000 }, () => [1, { b: [2] }])]), 1000)).toBe(
      false,
    );
  });

  it("does not count brackets inside strings, whatever their escapes", () => {
    const inString = JSON.stringify({ text: `${"[".repeat(3000)}\\"[{` });
    expect(jsonDeeperThan(inString, 10)).toBe(false);
    // A string ending in an escaped backslash closes; the brackets after it count.
    const afterBackslash = `["\\\\",${nested(20)}]`;
    expect(JSON.parse(afterBackslash)).toHaveLength(2);
    expect(jsonDeeperThan(afterBackslash.padEnd(50, " "), 20)).toBe(true);
    expect(jsonDeeperThan(afterBackslash.padEnd(50, " "), 21)).toBe(false);
  });
});
