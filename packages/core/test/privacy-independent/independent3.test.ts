/**
 * The third independent set (2,000 tool results, fixed seed; see generate3.ts). The issue's goals hold
 * for every structured type: precision and recall >= 0.98. Names and hard negatives are held to the
 * floors measured after the fixes of classes3.test.ts to classes6.test.ts, which meet the issue's goals
 * too (names recall 0.9840 at precision 0.9936, hard negatives 0.91%). Left on purpose (see README.md):
 * status and team words holding a name part too (`Done`, `Closed Won`, `Sales EMEA`, `Ready for QA`), a
 * single word in a role field that is no participle (`Backlog`: a given name may be a word, `Rune`),
 * Notion's title property, and 35 negatives the generator records but never writes. Set
 * PRIVACY_INDEPENDENT_DUMP=1 to print the misses.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Sample, SCORED_TYPES } from "./generate.js";
import { generate3 } from "./generate3.js";
import { formatScore, type Score, score } from "./score.js";

let samples: Sample[];
let result: Score;

beforeAll(() => {
  samples = generate3(2000);
  result = score(samples);
  console.log(`third independent privacy set (${samples.length} results)\n${formatScore(result)}`);
  if (process.env.PRIVACY_INDEPENDENT_DUMP) {
    for (const [title, xs] of [
      ["misses", result.misses],
      ["false positives", result.falsePositives],
      ["hard negatives tokenized", result.negativeHits],
    ] as const)
      console.log(
        `${title} (${xs.length})\n${xs.map((m) => `  ${m.type} ${JSON.stringify(m.value)} ${m.why} [${m.sample}]`).join("\n")}`,
      );
    console.log(JSON.stringify(result.negativeByKind));
  }
}, 120_000);

describe("third independent privacy set", () => {
  it("is the same set on every run and labels every type", () => {
    expect(generate3(40).map((s) => JSON.stringify(s.result))).toEqual(
      samples.slice(0, 40).map((s) => JSON.stringify(s.result)),
    );
    for (const t of SCORED_TYPES)
      expect({ t, labels: result.types[t].labels > 50 }).toEqual({ t, labels: true });
    expect(result.negatives).toBeGreaterThan(8000);
  });

  for (const type of ["EMAIL", "PHONE", "CARD", "IBAN", "SSN", "IPV4", "IPV6"] as const) {
    it(`${type}: precision and recall >= 0.98`, () => {
      const t = result.types[type];
      expect({ type, precision: t.precision >= 0.98, recall: t.recall >= 0.98 }).toEqual({
        type,
        precision: true,
        recall: true,
      });
    });
  }

  it("NAME: at the measured floor (recall 0.9840, precision 0.9936; the goal is 0.95 at 0.98)", () => {
    expect(result.types.NAME.precision).toBeGreaterThanOrEqual(0.993);
    expect(result.types.NAME.recall).toBeGreaterThanOrEqual(0.983);
  });

  // 35 of the 80 are no fault of the guard: negatives the generator records but never writes into the
  // result (a key the record already has), so never intact.
  it("hard negatives: at the measured floor (0.91% tokenized; the goal is 1%)", () => {
    expect(result.negativeRate).toBeLessThanOrEqual(0.0092);
  });
});
