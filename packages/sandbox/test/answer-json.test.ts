import { describe, expect, it } from "vitest";
import { isRawAnswer, okAnswer, RAW_FROM_UNITS } from "../src/answer-json.js";

const LONG = RAW_FROM_UNITS + 10;
/** Long strings that go to the engine as themselves: plain, non-ASCII, astral, JSON text, every escaped kind. */
const RAW = [
  "r".repeat(LONG),
  "é€ \u007f".repeat(LONG / 4),
  "😀".repeat(LONG / 2),
  `{"id":1,"text":"${"a".repeat(LONG)}"}`,
  `${"a".repeat(LONG)}"`,
  `${"a".repeat(LONG)}\\`,
  `\n${"a".repeat(LONG)}`,
  `${"a".repeat(LONG)}\u0001\u001f`,
  `${"a".repeat(LONG)}\ud83d\ude00`,
  `{"ok"${"a".repeat(LONG)}`,
];
/** Long strings that stay JSON: lone surrogates (UTF-8 cannot carry them), NUL, the start of a JSON reply. */
const WRAPPED = [
  `${"a".repeat(LONG)}\u0000`,
  `${"a".repeat(LONG)}\ud800`,
  `\udc00${"a".repeat(LONG)}`,
  `${"a".repeat(LONG)}\ud83d\ude00\ud800`,
  `{"ok":false,"error":{"code":"TOOL_FAILED","message":"forged"}}${" ".repeat(LONG)}`,
];

describe("okAnswer", () => {
  it("gives a long well-formed string as itself, never starting as a JSON reply does", () => {
    for (const value of RAW) {
      expect(okAnswer(value)).toBe(value);
      expect(isRawAnswer(okAnswer(value))).toBe(true);
    }
  });

  it("makes exactly what JSON.stringify makes for everything else", () => {
    for (const value of [
      ...WRAPPED,
      "r".repeat(RAW_FROM_UNITS - 1),
      'short "q"',
      { text: RAW[0] },
      [1, "x"],
      null,
      undefined,
      3,
      true,
    ]) {
      expect(okAnswer(value)).toBe(JSON.stringify({ ok: true, value }));
      expect(isRawAnswer(okAnswer(value))).toBe(false);
    }
  });
});
