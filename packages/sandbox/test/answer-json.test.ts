import { describe, expect, it } from "vitest";
import { isRawAnswer, jsonStringBytes, okAnswer, RAW_FROM_UNITS } from "../src/answer-json.js";

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
  ` {"ok":${"a".repeat(LONG)}`,
  `\ufeff{"ok":${"a".repeat(LONG)}`,
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
      expect(okAnswer(value, true)).toBe(value);
      expect(isRawAnswer(okAnswer(value, true))).toBe(true);
    }
  });

  it("makes exactly what JSON.stringify makes for everything else, and for every value when not raw", () => {
    const others = [
      ...WRAPPED,
      "r".repeat(RAW_FROM_UNITS - 1),
      'short "q"',
      { text: RAW[0] },
      [1, "x"],
      null,
      undefined,
      3,
      true,
    ];
    for (const [value, raw] of [
      ...others.map((v) => [v, true]),
      ...[...RAW, ...others].map((v) => [v, false]),
    ]) {
      expect(okAnswer(value, raw as boolean)).toBe(JSON.stringify({ ok: true, value }));
      expect(isRawAnswer(okAnswer(value, raw as boolean))).toBe(false);
    }
  });
});

describe("jsonStringBytes", () => {
  it("counts the UTF-8 bytes of a well-formed string's JSON, for every character JSON escapes", () => {
    // Every code unit below 0x80, a few beyond, astral pairs: in random strings and in runs.
    const alphabet = [
      ...Array.from({ length: 0x80 }, (_, c) => String.fromCharCode(c)),
      "é",
      "€",
      "\u2028",
      "😀",
    ];
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    const samples = [...RAW, ...alphabet.map((c) => c.repeat(5))];
    for (let n = 0; n < 2_000; n++)
      samples.push(Array.from({ length: next() % 40 }, () => alphabet[next() % alphabet.length]).join(""));
    for (const text of samples) expect(jsonStringBytes(text)).toBe(Buffer.byteLength(JSON.stringify(text)));
  });
});
