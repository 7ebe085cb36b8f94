/**
 * Experiment (issue #21): how a search with several queries (one per sub-task: the annotated steps of the
 * dev tasks, with and without the question) fuses its per-query lists. Today `searchQueries` takes each
 * tool's best reciprocal rank over the lists (max, k 60, the sum breaking ties). Candidates: max or sum,
 * k 1 to 60, and a round robin (each list's next new tool in turn, the question's list first). Each fold
 * picks on the other three and is scored on its own, against today's fusion in the same run.
 *
 * Run from apps/bench: `node --conditions=@codecall/source --import tsx src/discovery-subquery-fusion.ts`
 * (about 10 s). Negative: on the 48 dev tasks (2026-12-06), held out, question + steps: today R@5 0.690,
 * R@10 0.735, MRR 0.726; picked 0.690, 0.735, 0.705 (one fold picks max k 5: ΔMRR -0.083; the others
 * today's or max k 20, unchanged). Steps only: today 0.681, 0.758, 0.688; picked (round robin in every
 * fold) 0.676, 0.746, 0.728, ΔMRR per fold +0.046, +0.098, +0.083, -0.068, ΔR@5 0, 0, 0, -0.021; with the
 * question among the queries round robin loses (all tasks 0.685 / 0.646). Sum modes lose everywhere
 * (k 60: 0.505 / 0.571 with the question). Today's fusion stays.
 */
import {
  createLexicalRetriever,
  crossValidate,
  type DiscoveryTask,
  type RankerCandidate,
  type RetrievalHit,
  type Retriever,
  reciprocalRankFusion,
} from "@codecall/core/discovery";
import { devData, figuresRow } from "./discovery-data.js";

const { tools, tasks } = devData();

type Fusion = { kind: "rrf"; k: number; mode: "max" | "sum" } | { kind: "round robin" };

function roundRobin(lists: readonly RetrievalHit[][], limit: number): RetrievalHit[] {
  const out: RetrievalHit[] = [];
  const seen = new Set<number>();
  const at = lists.map(() => 0);
  while (out.length < limit && at.some((p, i) => p < lists[i]!.length)) {
    for (let i = 0; i < lists.length && out.length < limit; i++) {
      const list = lists[i]!;
      while (at[i]! < list.length && seen.has(list[at[i]!]!.doc)) at[i]!++;
      const hit = list[at[i]!++];
      if (!hit) continue;
      seen.add(hit.doc);
      out.push({ doc: hit.doc, score: 1 / (out.length + 1) });
    }
  }
  return out;
}

/** The queries arrive joined by line feeds (one query for the scorer), each searched in full. */
const fused = (fusion: Fusion): Retriever => ({
  name: JSON.stringify(fusion),
  async index(documents) {
    const index = await createLexicalRetriever().index(documents);
    return {
      async search(joined, options) {
        const queries = [...new Set(joined.split("\n"))];
        if (queries.length === 1) return index.search(queries[0]!, options);
        const deep = { ...options, limit: Math.max(options.limit, 50) };
        const lists = await Promise.all(queries.map((q) => index.search(q, deep)));
        return fusion.kind === "rrf"
          ? reciprocalRankFusion(lists, options.limit, [], fusion.k, fusion.mode)
          : roundRobin(lists, options.limit);
      },
    };
  },
});

const TODAY: Fusion = { kind: "rrf", k: 60, mode: "max" };
const candidates: RankerCandidate[] = [TODAY, { kind: "round robin" } as Fusion]
  .concat(
    [1, 5, 10, 20, 60].flatMap((k) =>
      (["max", "sum"] as const).map((mode) => ({ kind: "rrf", k, mode }) as Fusion),
    ),
  )
  .filter((f, i, all) => all.findIndex((g) => JSON.stringify(g) === JSON.stringify(f)) === i)
  .map((f) => ({ name: JSON.stringify(f), retriever: fused(f) }));

const QUERIES: Record<string, (task: DiscoveryTask) => string> = {
  "question + steps": (task) => [task.question, ...(task.steps ?? [])].join("\n"),
  "steps only": (task) => (task.steps ?? [task.question]).join("\n"),
};
const f3 = (v: number) => (v >= 0 ? "+" : "") + v.toFixed(3);
for (const [name, queries] of Object.entries(QUERIES)) {
  const today = await crossValidate({ tools, tasks, candidates: candidates.slice(0, 1), queries });
  const cv = await crossValidate({ tools, tasks, candidates, queries });
  console.log(`\n== ${name} ==\n${"held out".padEnd(40)} R@5    R@10   MRR`);
  console.log(figuresRow("today (max, k 60)", today.heldOut, 40));
  console.log(
    `${figuresRow("picked on three folds", cv.heldOut, 40)}   gain ratio ${cv.gainRatio.recallAt5}, ${cv.gainRatio.mrr}`,
  );
  for (const f of cv.folds) {
    const d = today.folds[f.fold]!;
    console.log(
      `   fold ${f.fold}: ΔR@5 ${f3(f.test.recallAt5 - d.test.recallAt5)}, ΔMRR ${f3(f.test.mrr - d.test.mrr)} ${f.chosen}`,
    );
  }
  for (const [c, f] of Object.entries(cv.whole)) console.log(`   all tasks ${figuresRow(c, f, 40)}`);
}
process.exit(0);
