/**
 * Experiment (issue #21): a search with several queries (one per sub-task, here the annotated steps of
 * the dev tasks, with and without the question) fuses the per-query lists WITH their server slots
 * (`searchQueries` searches each query in full: "slots per query") vs. fusing the rankings without slots
 * and giving the slots once, to the fused ranking ("slots after fusion", as the hybrid does for its
 * rankers of one query). The lexical ranker has no choice to make (held out = all tasks, per fold shown);
 * the hybrid with the local English model picks the embedding's weight on three folds and is scored on
 * the fourth.
 *
 * Run from apps/bench: `node --conditions=@codecall/source --import tsx src/discovery-subquery-slots.ts`
 * (about 30 s). Negative; on the 48 dev tasks (2026-12-06), held out, question + steps:
 * - lexical, slots per query R@5 0.690, R@10 0.735, MRR 0.726; slots after fusion 0.614, 0.737, 0.701;
 *   per fold ΔR@5 -0.083, -0.132, -0.021, -0.069; ΔMRR -0.052, -0.005, 0, -0.041.
 * - hybrid, slots per query 0.663, 0.755, 0.772 (every fold picks 0.1); after fusion 0.609, 0.739, 0.714;
 *   per fold ΔR@5 -0.076, -0.021, -0.146, +0.024; ΔMRR -0.007, -0.059, -0.127, -0.042.
 * Steps only: lexical 0.681 / 0.688 -> 0.608 / 0.668 (ΔR@5 -0.069, -0.153, -0.021, -0.048); hybrid 0.654 /
 * 0.675 -> 0.614 / 0.662. Each sub-task's own server gets its slots only when each list keeps them: one
 * set of slots after fusion goes to one server of a task that spans several.
 */
import {
  type CrossValidation,
  createHybridRetriever,
  createLexicalRetriever,
  crossValidate,
  type DiscoveryTask,
  type RankerCandidate,
  type RetrievalHit,
  type Retriever,
  reciprocalRankFusion,
} from "@codecall/core/discovery";
import { slottedRanking } from "../../../packages/core/src/discovery/server-slots.js";
import { devData, figuresRow, memoizedLocalModel } from "./discovery-data.js";

const WEIGHTS = [0.05, 0.1, 0.2, 0.4, 1];

const { tools, tasks } = devData();
const model = await memoizedLocalModel();

/** `retriever` as a plug-in ranker looks to `searchQueries`: its search only (slots inside each list). */
const opaque = (retriever: Retriever): Retriever => ({
  name: retriever.name,
  async index(documents) {
    const index = await retriever.index(documents);
    return { search: (query, options) => index.search(query, options) };
  },
});
/**
 * Several queries (joined by a line feed, split here) fused without slots, the lexical ranker's slots given
 * to the fused ranking; with `weight`, each query's ranking is the lexical one fused with the model's.
 */
const slotsAfterFusion = (weight?: number): Retriever => ({
  name: "slots after fusion",
  async index(documents) {
    const lexical = await createLexicalRetriever().index(documents);
    const embedding = weight === undefined ? undefined : await model.index(documents);
    const ranking = slottedRanking(lexical)!;
    return {
      async search(joined, options) {
        const deep = { ...options, limit: Math.max(options.limit, 50) };
        const lists: RetrievalHit[][] = [];
        for (const query of joined.split("\n")) {
          const own = ranking.rank(query, deep);
          lists.push(
            embedding
              ? reciprocalRankFusion([own, await embedding.search(query, deep)], deep.limit, [1, weight!])
              : own,
          );
        }
        return ranking.slots(reciprocalRankFusion(lists, options.limit, [], 60, "max"), options);
      },
    };
  },
});
const hybrids = (after: boolean): RankerCandidate[] =>
  WEIGHTS.map((w) => ({
    name: `x${w}`,
    retriever: after
      ? slotsAfterFusion(w)
      : opaque(createHybridRetriever({ retrievers: [createLexicalRetriever(), model], weights: [1, w] })),
  }));
const QUERIES: Record<string, (task: DiscoveryTask) => readonly string[]> = {
  "question + steps": (task) => [task.question, ...(task.steps ?? [])],
  "steps only": (task) => task.steps ?? [task.question],
};
const f3 = (v: number) => (v >= 0 ? "+" : "") + v.toFixed(3);
for (const [queryName, queries] of Object.entries(QUERIES)) {
  console.log(`\n== queries: ${queryName} ==`);
  console.log(`${"held out".padEnd(44)} R@5    R@10   MRR`);
  const runs: Record<string, CrossValidation> = {};
  const cv = async (candidates: RankerCandidate[], joined = false) =>
    crossValidate({
      tools,
      tasks,
      candidates,
      // One query holding all of them, for the variants that fuse themselves.
      queries: joined ? (task) => queries(task).join("\n") : queries,
    });
  runs["lexical, slots per query"] = await cv([{ name: "lexical", retriever: createLexicalRetriever() }]);
  runs["lexical, slots after fusion"] = await cv([{ name: "lexical", retriever: slotsAfterFusion() }], true);
  runs["hybrid, slots per query"] = await cv(hybrids(false));
  runs["hybrid, slots after fusion"] = await cv(hybrids(true), true);
  for (const [name, run] of Object.entries(runs)) {
    console.log(
      `${figuresRow(name, run.heldOut, 44)}   chosen ${run.folds.map((f) => f.chosen).join(", ")}; gain ratio ${run.gainRatio.recallAt5}, ${run.gainRatio.mrr}`,
    );
  }
  const names = Object.keys(runs);
  for (const [before, after] of [
    [names[0]!, names[1]!],
    [names[2]!, names[3]!],
  ] as const) {
    const a = runs[before]!.folds;
    const b = runs[after]!.folds;
    console.log(
      `  ${after.split(",")[0]} per fold after - before: ΔR@5 ${b.map((f, i) => f3(f.test.recallAt5 - a[i]!.test.recallAt5)).join(", ")}; ΔMRR ${b.map((f, i) => f3(f.test.mrr - a[i]!.test.mrr)).join(", ")}`,
    );
  }
}
process.exit(0);
