/**
 * Logs made of JSON records (one object a line, in a text block): each record is read by its structure,
 * never as a CSV table whose header is the first record.
 */
import { describe, expect, it } from "vitest";
import { tokenize, untokenize, Vault } from "../src/internal.js";
import type { JsonValue } from "../src/json.js";

/** Three records whose phones end in `n`1, `n`2, `n`3. */
const recordsEnding = (n: number) => [
  {
    ts: "2024-03-10T10:10:00Z",
    level: "info",
    name: "Grace Lee",
    email: "grace.lee@example.com",
    phone: `+44 20 7946 0${n}1`,
  },
  {
    ts: "2024-03-10T10:11:00Z",
    level: "warn",
    name: "Farid Okafor",
    email: "f.okafor@example.org",
    phone: `+44 20 7946 0${n}2`,
  },
  {
    ts: "2024-03-10T10:12:00Z",
    level: "info",
    name: "Hiro Tanaka",
    email: "hiro.t@example.net",
    phone: `+44 20 7946 0${n}3`,
  },
];
const linesOf = (records: object[]) => records.map((r) => JSON.stringify(r)).join("\n");
const block = (text: string): JsonValue => ({ content: [{ type: "text", text }] });

describe("a text block of JSON lines", () => {
  it('remembers each record\'s values and nothing read as a table cell (`email:"..."`)', () => {
    const records = recordsEnding(31);
    const log = linesOf(records);
    const vault = new Vault();
    const out = tokenize(block(log), vault) as { content: { text: string }[] };
    const values = [...vault.entries()].map((e) => e.value).sort();
    const expected = records.flatMap((r) => [r.name, r.email, r.phone]).sort();
    expect(values).toEqual(expected);
    const text = out.content[0]!.text;
    for (const v of expected) expect(text).not.toContain(v);
    // Every line is still a JSON record with its keys, and the text restores exactly.
    for (const line of text.split("\n"))
      expect(Object.keys(JSON.parse(line))).toEqual(Object.keys(records[0]!));
    expect(untokenize(out, vault).value).toEqual(block(log));
  });
});
