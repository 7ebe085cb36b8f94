/**
 * Precision and recall per type on a generated, labelled set of tool results in MCP shapes (see
 * `privacy-corpus.ts`), and the share of hard negatives tokenized. The seed here is not one the detectors
 * were tuned on (those were 22 and 7); the thresholds are the goals of issue 22: ≥ 0.98 precision and
 * recall per structured type, names in fields and sheet columns recall ≥ 0.95 at precision ≥ 0.98, hard
 * negatives tokenized ≤ 1%. The bench reports the same figures beside a plain-regex baseline.
 */
import { describe, expect, it } from "vitest";
import { tokenize, Vault } from "../src/internal.js";
import type { JsonValue } from "../src/json.js";
import { asPythonRepr, type CorpusScore, generateCorpus, scoreCorpus } from "./privacy-corpus.js";

const SEED = 31337;
const SAMPLES = 1500;

function run(value: JsonValue) {
  const vault = new Vault();
  const output = tokenize(value, vault);
  const entries = [...vault.entries()]
    .filter((e) => e.type !== "LITERAL")
    .map((e) => ({ type: e.type, value: e.value }));
  return { output, entries };
}

describe("the labelled corpus", () => {
  const samples = generateCorpus(SEED, SAMPLES);

  it("is the same for the same seed, and covers every shape and type", () => {
    const again = generateCorpus(SEED, 20);
    expect(JSON.stringify(again)).toBe(JSON.stringify(samples.slice(0, 20)));
    const shapes = new Set(samples.map((s) => s.shape));
    expect([...shapes].sort()).toEqual(
      ["calendar", "chat", "commits", "config", "crm", "fhir", "logs", "payment", "sheet", "ticket"].sort(),
    );
    const types = new Set(samples.flatMap((s) => s.labels.map((l) => l.type)));
    for (const t of ["EMAIL", "PHONE", "CARD", "IBAN", "SSN", "IPV4", "IPV6", "NAME", "SECRET"])
      expect(types).toContain(t);
    expect(samples.reduce((n, s) => n + s.negatives.length, 0)).toBeGreaterThan(5000);
  });

  let score: CorpusScore;
  it("meets the goals: structured types ≥ 0.98 / 0.98, names ≥ 0.98 / 0.95, hard negatives ≤ 1%", () => {
    score = scoreCorpus(samples, run);
    const summary = Object.fromEntries(
      Object.entries(score.types).map(([t, s]) => [t, [s.precision, s.recall]]),
    );
    for (const t of ["EMAIL", "PHONE", "CARD", "IBAN", "SSN", "IPV4", "IPV6", "SECRET"]) {
      expect(score.types[t]!.precision, `${t} precision ${JSON.stringify(summary)}`).toBeGreaterThanOrEqual(
        0.98,
      );
      expect(score.types[t]!.recall, `${t} recall ${JSON.stringify(summary)}`).toBeGreaterThanOrEqual(0.98);
    }
    expect(score.types.NAME!.precision).toBeGreaterThanOrEqual(0.98);
    expect(score.types.NAME!.recall).toBeGreaterThanOrEqual(0.95);
    expect(score.negativeRate, score.negativeExamples.join("\n")).toBeLessThanOrEqual(0.01);
  }, 120_000);

  it("meets the same goals on the samples rewritten as Python reprs in a text block", () => {
    const repr = asPythonRepr(samples);
    expect(repr.length).toBeGreaterThan(SAMPLES / 2);
    expect((repr[0]!.value as { content: { text: string }[] }).content[0]!.text).toMatch(/^[[{]'/);
    const s = scoreCorpus(repr, run);
    const summary = JSON.stringify(
      Object.fromEntries(Object.entries(s.types).map(([t, c]) => [t, [c.precision, c.recall]])),
    );
    for (const [t, c] of Object.entries(s.types)) {
      expect(c.precision, `${t} precision ${summary}`).toBeGreaterThanOrEqual(0.98);
      expect(c.recall, `${t} recall ${summary}`).toBeGreaterThanOrEqual(t === "NAME" ? 0.95 : 0.98);
    }
    expect(s.negativeRate, s.negativeExamples.join("\n")).toBeLessThanOrEqual(0.01);
  }, 120_000);

  it("leaves names in prose to an optional detector: none of them is found by default", () => {
    expect(score.prose.tp).toBe(0);
    expect(score.prose.fn).toBeGreaterThan(100);
  });
});
