import { describe, expect, it } from "vitest";
import { okAnswer, WRAP_FROM_UNITS } from "../src/answer-json.js";

const LONG = WRAP_FROM_UNITS + 10;
/** Long strings of each kind JSON treats differently: plain, non-ASCII, astral, and each escaped kind. */
const STRINGS = [
  "r".repeat(LONG),
  "é€ \u007f".repeat(LONG / 4),
  "😀".repeat(LONG / 2),
  `${"a".repeat(LONG)}"`,
  `${"a".repeat(LONG)}\\`,
  `\n${"a".repeat(LONG)}`,
  `${"a".repeat(LONG)}\u0000`,
  `${"a".repeat(LONG)}\u001f`,
  `${"a".repeat(LONG)}\ud800`,
  `\udc00${"a".repeat(LONG)}`,
  `${"a".repeat(LONG)}\ud83d\ude00\ud800`,
];

describe("okAnswer", () => {
  it("makes exactly what JSON.stringify makes, for long strings of every kind and other values", () => {
    for (const value of [...STRINGS, 'short "q"', { text: STRINGS[0] }, [1, "x"], null, undefined, 3, true])
      expect(okAnswer(value)).toBe(JSON.stringify({ ok: true, value }));
  });
});
