/**
 * Long texts (from 262,144 characters) are scanned in line-aligned pieces. The result must be the one a
 * scan of the whole text gives: checked against the same detectors wrapped so the scan knows none of
 * them (a text with detectors of its own is always scanned at once), on texts built to cross piece
 * edges in every way a detector reads around a match: labels on the line before or two lines before,
 * versions, mailboxes at a line start, look-alike spaces, JSON escapes, token-shaped text, long lines,
 * keys that make bare numbers phones or SSNs, and remembered values.
 */
import { describe, expect, it } from "vitest";
import { type Detector, defaultDetectors, tokenize, untokenize, Vault } from "../src/internal.js";
import type { JsonValue } from "../src/json.js";
import { bigLog, rng } from "./privacy-corpus.js";

/** The built-in detectors wrapped: the scan takes them for custom ones and reads every text at once. */
const atOnce = (): Detector[] =>
  defaultDetectors().map((d) => ({
    type: d.type,
    confidence: d.confidence,
    find: (text, out, context) => d.find(text, out, context),
    ...(d.matchNumber ? { matchNumber: (n: number) => d.matchNumber!(n) } : {}),
  }));

function lines(seed: number, chars: number): string {
  const r = rng(seed);
  const nanp = () => `${r.int(200, 999)} ${r.int(200, 999)} ${r.digits(4)}`;
  const shapes = [
    () => `Phone:\n${nanp()}`,
    () => `Tel.\n\n${r.digits(10)}`,
    () => `call me\n${r.digits(9)}`,
    () => `SSN:\n${r.int(100, 665)}${r.digits(2)}${r.int(1000, 9999)}`,
    () => `version\n${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 9)}.${r.int(10, 99)}`,
    () => `Phone:\n${r.int(11, 99)}.${r.int(10, 99)}.${r.int(10, 99)}.${r.int(10, 99)}`,
    () => `From: Jane Doe <jane${r.int(1, 99)}@example.com>`,
    () => `\nAnn Lee <ann@example.org>`,
    () => `ip ${r.int(11, 200)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)} ok`,
    () => `tel\u00a0${nanp().replace(/ /g, "\u00a0")}`,
    () => `caf\\u00e9 ${r.int(200, 999)}-${r.int(200, 999)}-${r.digits(4)} \\n next`,
    () => `token [EMAIL_${r.int(1, 9)}] and [NAME_2]`,
    () => `card 4111 1111 1111 1111 iban DE89 3704 0044 0532 0130 00`,
    () => `${"x".repeat(r.int(500, 3000))} mail a${r.int(1, 9)}@b.example`,
    () => `postgres://app:s3cret${r.int(1, 9)}@db/app`,
    () => `id ${r.digits(12)} and ${r.digits(9)}, Ann Lee wrote`,
    () => "",
  ];
  const out: string[] = [];
  let size = 0;
  while (size < chars) {
    const line = r.pick(shapes)();
    out.push(line);
    size += line.length + 1;
  }
  return out.join("\n");
}

function same(value: JsonValue): void {
  const pieces = new Vault();
  const whole = new Vault();
  const out = tokenize(value, pieces);
  expect(out).toEqual(tokenize(value, whole, { detectors: atOnce() }));
  expect([...pieces.entries()]).toEqual([...whole.entries()]);
  expect(untokenize(out, pieces).value).toEqual(value);
}

describe("long texts scanned in pieces", () => {
  const text = lines(3, 600_000);

  it("give the output and vault of a scan of the whole text", () => {
    expect(text.length).toBeGreaterThan(262_144);
    same(text);
    same(text.replace(/\n/g, "\r\n"));
  });

  it("under keys that make bare numbers values, beside remembered values", () => {
    same({ phone: text });
    same({ ssn: text });
    same([{ name: "Ann Lee", email: "ann@example.org", phone: "(415) 555-2671" }, text]);
  });

  it("whose only formatted phone number comes last, or never", () => {
    const r = rng(5);
    // Bare numbers beside a label (no formatted run, no `00` prefix): phones only when the text holds a
    // formatted number somewhere.
    const bare = Array.from({ length: 20_000 }, (_, i) =>
      i % 7 === 0 ? `Tel: ${r.int(2, 9)}${r.digits(9)}` : `row ${r.int(1, 9)}${r.digits(7)}`,
    ).join("\n");
    const none = new Vault();
    tokenize(bare, none);
    expect([...none.entries()].filter((e) => e.type === "PHONE")).toEqual([]);
    same(bare);
    const late = `${bare}\ncall (415) 555-2671`;
    const some = new Vault();
    tokenize(late, some);
    expect([...some.entries()].filter((e) => e.type === "PHONE").length).toBeGreaterThan(100);
    same(late);
  });

  it("whose numbers sit on the line after their label, wherever a piece starts", () => {
    const r = rng(8);
    const pairs = Array.from({ length: 25_000 }, () => `Tel.\n9${r.int(6, 9)}${r.digits(8)}`);
    const labelled = `call (415) 555-2671\n${pairs.join("\n")}`;
    const found = new Vault();
    tokenize(labelled, found);
    expect([...found.entries()].filter((e) => e.type === "PHONE").length).toBeGreaterThan(10_000);
    same(labelled);
  });

  it("whose addresses follow an identifier's label many lines up (`uid:` and blank lines)", () => {
    const r = rng(12);
    const blocks = Array.from(
      { length: 3_000 },
      (_, i) => `uid:${"\n".repeat(r.int(20, 190))}u${i}@host.example\nmail v${i}@host.example`,
    );
    same(blocks.join("\n"));
  });

  it("of a log with three values a line", () => {
    same(bigLog(4, 400_000));
  });
});
