/**
 * Text blocks written as Python or JavaScript literals, or as JSON cut short, are read by their fields as
 * JSON text is: `str(dict)` from a Python tool, an object literal, a document cut at an output limit.
 */
import { describe, expect, it } from "vitest";
import { tokenize, untokenize, Vault } from "../src/internal.js";
import type { JsonValue } from "../src/json.js";
import { readLiteral } from "../src/privacy/literal.js";

const textResult = (text: string): JsonValue => ({ content: [{ type: "text", text }] });
const textOf = (value: JsonValue): string =>
  ((value as { content: { text: string }[] }).content[0] as { text: string }).text;

describe("readLiteral", () => {
  it("reads Python's repr: quotes, keywords, tuples, calls, escapes, prefixes, number keys", () => {
    expect(
      readLiteral(
        "{'name': 'Zoë O\\'Neil', \"nick\": \"Z\", 'vip': True, 'boss': None, 'off': False, 'at': (1, 2.5), " +
          "'when': datetime.date(2024, 1, 5), 'raw': b'\\x41\\n', 3: 'three', 'u': '\\u00e9\\U0001F600'}",
      ),
    ).toEqual({
      name: "Zoë O'Neil",
      nick: "Z",
      vip: true,
      boss: null,
      off: false,
      at: [1, 2.5],
      when: [2024, 1, 5],
      raw: "A\n",
      "3": "three",
      u: "é😀",
    });
    expect(readLiteral("[{'id': -1e3}, []]")).toEqual([{ id: -1000 }, []]);
  });

  it("reads JavaScript's object literals: bare keys, either quote, undefined", () => {
    expect(readLiteral("{ name: 'Jane Doe', $tags: [\"a\"], gone: undefined }")).toEqual({
      name: "Jane Doe",
      $tags: ["a"],
      gone: null,
    });
  });

  it("reads JSON cut short up to the cut, dropping an unfinished string, number or key", () => {
    expect(readLiteral('[{"id": 1, "name": "Jane Doe"}, {"id": 2, "name": "Jo')).toEqual([
      { id: 1, name: "Jane Doe" },
      { id: 2 },
    ]);
    expect(readLiteral('{"a": 1, "b": 2')).toEqual({ a: 1 });
    expect(readLiteral('{"a": 1, "b": ')).toEqual({ a: 1 });
    expect(readLiteral('{"a": 1, "b')).toEqual({ a: 1 });
    expect(readLiteral('{"a": "x\\')).toEqual({});
  });

  it("gives undefined for text that only starts like a literal", () => {
    for (const text of [
      "[INFO] server started",
      "{not json}",
      "[the docs](https://example.com)",
      "{'a', 'b'}",
      "{'a': 1} and more",
      "['a line\nbreak']",
      "[1, 2] [3]",
      "{'a': }",
      "{'a': 1]",
      "[2024-01-05 10:00] ok",
      "{{template}}",
      "'just a string'",
      "42",
    ])
      expect(readLiteral(text), text).toBeUndefined();
  });

  it("makes `__proto__` an own key, as JSON.parse does, never the object's prototype", () => {
    const value = readLiteral("{'__proto__': {'polluted': True}, 'a': 1}") as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__", "a"]);
    expect(value).toEqual(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reads 1,000 levels of nesting, and gives undefined past them (no recursion, no huge build)", () => {
    const nested = (depth: number) => `${"[".repeat(depth)}'x'${"]".repeat(depth)}`;
    let value = readLiteral(nested(1_000));
    let depth = 0;
    while (Array.isArray(value)) {
      value = value[0];
      depth++;
    }
    expect(depth).toBe(1_000);
    expect(value).toBe("x");
    expect(readLiteral(nested(1_001))).toBeUndefined();
    expect(readLiteral("[".repeat(4_000_000))).toBeUndefined();
  });

  it("keeps a raw string's backslashes, reads nan and inf, and refuses mismatched brackets", () => {
    expect(readLiteral("{'re': r'\\d+\\.', 'x': nan, 'y': inf}")).toEqual({
      re: "\\d+\\.",
      x: null,
      y: null,
    });
    expect(readLiteral("([1, 2)]")).toBeUndefined();
    expect(readLiteral("{'a': [1}")).toBeUndefined();
  });
});

describe("tokenize reads literals in text blocks by their fields", () => {
  it("Python's repr of records: names and phones by their keys, every copy replaced, restored exactly", () => {
    const text =
      "[{'id': 1, 'full_name': 'Maria Schmidt', 'phone': '+49 151 23456789', 'vip': True}, " +
      "{'id': 2, 'full_name': 'John Carter', 'phone': '+1 415 555 0100', 'vip': False}]";
    const input = textResult(text);
    const vault = new Vault();
    const out = tokenize(input, vault);
    const tokenized = textOf(out);
    for (const value of ["Maria Schmidt", "John Carter", "+49 151 23456789", "+1 415 555 0100"])
      expect(tokenized).not.toContain(value);
    expect(tokenized).toMatch(/'full_name': '\[NAME_1\]'/);
    expect(untokenize(out, vault).value).toEqual(input);
  });

  it("a name under a generic key counts only beside a person's fields, as in JSON", () => {
    const person = tokenize(
      textResult("{'name': 'Maria Schmidt', 'email': 'maria@example.com'}"),
      new Vault(),
    );
    expect(textOf(person)).toBe("{'name': '[NAME_1]', 'email': '[EMAIL_1]'}");
    const product = "{'name': 'Widget Pro', 'price': 12.5, 'sku': 'WP-1'}";
    expect(textOf(tokenize(textResult(product), new Vault()))).toBe(product);
  });

  it("JavaScript object literals and JSON cut at an output limit", () => {
    const literal = tokenize(
      textResult("{ owner: 'Maria Schmidt', email: 'maria@example.com' }"),
      new Vault(),
    );
    expect(textOf(literal)).not.toContain("Maria Schmidt");
    const cut = tokenize(
      textResult('{"assignee": {"login": "mschmidt", "name": "Maria Schmidt"}, "body": "Steps to reprodu'),
      new Vault(),
    );
    expect(textOf(cut)).not.toContain("Maria Schmidt");
  });

  it("text that only starts like a literal is left as it was", () => {
    for (const text of [
      "[INFO] build 2.4.1.0 done for Maria",
      "[the docs](https://example.com) by Widget Pro",
      "{not json} Jane",
    ])
      expect(textOf(tokenize(textResult(text), new Vault())), text).toBe(text);
  });
});
