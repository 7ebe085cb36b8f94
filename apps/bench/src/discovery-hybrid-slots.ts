/**
 * Experiment (issue #21): the hybrid of the lexical ranker and the local English model, fusing the lexical
 * ranking WITH its server slots (before) vs. fusing the ranking without them and giving the slots to the
 * fused ranking (after, now the hybrid's behaviour). Each fold picks the embedding's weight among a fixed
 * grid on the other three folds and is scored on its own; the lexical ranker alone is scored in the same run.
 *
 * Run from apps/bench: `node --conditions=@codecall/source --import tsx src/discovery-hybrid-slots.ts`
 * (about 30 s). On the 48 dev tasks (2026-12-06), held out: lexical R@5 0.453, R@10 0.496, MRR 0.541;
 * slots before fusion 0.425, 0.505, 0.566; slots after fusion 0.457, 0.495, 0.608 (every fold picks 0.1).
 * R@5 per fold after vs. before: -0.021, +0.042, +0.049, +0.056. Recorded before the lexical ranker's
 * joint server order (`jointServerWeight`), which the hybrid leaves out: ordering the hybrid's first five
 * by lexical score plus joint server score instead of the fused order gave held-out R@5 0.453 / MRR 0.560
 * (share 0.1) and 0.453 / 0.577 (0.4) against 0.457 / 0.608 (a temporary switch, same day).
 */
import {
  type CrossValidation,
  createHybridRetriever,
  createLexicalRetriever,
  crossValidate,
  type Retriever,
} from "@codecall/core/discovery";
import { devData, figuresRow, memoizedLocalModel } from "./discovery-data.js";

const WEIGHTS = [0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.4, 1];

const { tools, tasks } = devData();
const model = await memoizedLocalModel();
const lexical = createLexicalRetriever();
/** The lexical ranker as any plug-in ranker looks to the hybrid: its search only (slots inside). */
const opaque: Retriever = {
  name: "lexical",
  async index(documents) {
    const index = await lexical.index(documents);
    return { search: (query, options) => index.search(query, options) };
  },
};
const grid = (first: Retriever) =>
  WEIGHTS.map((w) => ({
    name: `x${w}`,
    retriever: createHybridRetriever({ retrievers: [first, model], weights: [1, w] }),
  }));
const runs: Record<string, CrossValidation> = {
  lexical: await crossValidate({ tools, tasks, candidates: [{ name: "lexical", retriever: lexical }] }),
  "hybrid, slots before fusion": await crossValidate({ tools, tasks, candidates: grid(opaque) }),
  "hybrid, slots after fusion": await crossValidate({ tools, tasks, candidates: grid(lexical) }),
};
console.log(
  `${"held out".padEnd(32)} R@5    R@10   MRR    | per fold R@5 (chosen weight) | gain ratio R@5, MRR`,
);
for (const [name, cv] of Object.entries(runs))
  console.log(
    `${figuresRow(name, cv.heldOut, 32)}  | ${cv.folds.map((f) => `${f.test.recallAt5.toFixed(3)} (${f.chosen})`).join(" ")} | ${cv.gainRatio.recallAt5}, ${cv.gainRatio.mrr}`,
  );
console.log("\nfixed weight, all tasks:");
for (const w of WEIGHTS)
  for (const name of ["hybrid, slots before fusion", "hybrid, slots after fusion"])
    console.log(figuresRow(`${name} x${w}`, runs[name]!.whole[`x${w}`]!, 40));
process.exit(0);
