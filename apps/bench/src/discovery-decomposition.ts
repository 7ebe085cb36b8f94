/**
 * Experiment (issue #21): does splitting one task-like question into clauses, ranking each clause and the
 * whole question, and fusing the rankings lift the default ranker on tasks it never saw? Only general
 * English structure splits (sentence ends, semicolons, line breaks, commas, "and"/"then"/"also"); every
 * fusion is chosen by cross-validation (picked on three folds, scored on the fourth) against the
 * single-query lexical ranker in the same run. Also: an upper bound (the union of the question's top 5 and
 * each clause's top k, more slots than Recall@5 allows), other ideas of the issue measured the same way
 * (server scored as its own document, rank fusion of field-weighted variants), and query time at 10,000
 * tools before and after.
 *
 * Run from apps/bench: `node --import tsx src/discovery-decomposition.ts` (about 15 s). Not a suite: it
 * records a negative result. On the 48 dev tasks (2026-12-06) no decomposition lifts held-out Recall@5
 * (0.378 vs 0.388 single query); confidence-weighted fusion lifts MRR (0.552 vs 0.525) but one fold of four
 * loses; even every clause's top 5 added to the question's top 5 reaches only 0.417, because the missing
 * tools serve steps the question does not state. Query time at 10,000 tools rises about 3.5x.
 * Recorded before server slots became the default (`discovery-grouping.ts`): `createLexicalRetriever()`
 * here now includes them, so today's figures differ.
 */
import {
  analyze,
  clauses,
  createBm25Retriever,
  createLexicalRetriever,
  crossValidate,
  type DiscoveryFigures,
  type LexicalOptions,
  liveMcpBenchTasks,
  liveMcpBenchTools,
  type RankerCandidate,
  type RetrievalHit,
  type Retriever,
  reciprocalRankFusion,
  scoreDiscovery,
} from "@codecall/core/discovery";
import { figuresRow, liveMcpBenchData, printQueryTimes, varied } from "./discovery-data.js";

type Split = (query: string) => string[];

/**
 * Stricter than core's `clauses`: a piece cut at a comma or a bare "and" with fewer than two search terms
 * ("walking, and biking") stays with the piece before it instead of being dropped.
 */
const mergeShort: Split = (query) => {
  const sentences = query.split(
    /[.;!?。；！？]\s+|\n+|\s+(?:and then|then|and also|also)\s+|,\s+(?:and|then|so)\s+/i,
  );
  const out: string[] = [];
  for (const sentence of sentences) {
    for (const piece of sentence.split(/,\s*|\s+and\s+/i)) {
      const text = piece.trim();
      if (!text) continue;
      if (analyze(text).length >= 2 || !out.length) out.push(text);
      else out[out.length - 1] += ` ${text}`;
    }
  }
  const kept = out.filter((text) => analyze(text).length >= 2);
  return kept.length >= 2 ? kept : [];
};

type Fusion =
  /** The question's top `lead` first, then one from each list in turn (question, clause 1, clause 2, ...). */
  | { kind: "interleave"; lead: number }
  /**
   * Reciprocal rank fusion: the question's list weighs 1, each clause's `clause` (divided by the number of
   * clauses when summed); with `confidence`, a clause's weight is scaled by 1 - score(k-th) / score(1st) of
   * its own list, so a vague clause with a flat head counts less.
   */
  | { kind: "rrf"; k: number; clause: number; mode: "sum" | "max"; confidence?: number };

/** The default lexical ranker searched with the whole query and each clause, rankings fused. */
function decomposed(split: Split, fusion: Fusion, options: LexicalOptions = {}): Retriever {
  const inner = createLexicalRetriever(options);
  return {
    name: "decomposed",
    async index(documents) {
      const index = await inner.index(documents);
      return {
        async search(query, searchOptions) {
          const parts = split(query);
          if (!parts.length) return index.search(query, searchOptions);
          const depth = { ...searchOptions, limit: Math.max(searchOptions.limit, 50) };
          const lists = [await index.search(query, depth)];
          for (const part of parts) lists.push(await index.search(part, depth));
          return fuse(lists, fusion, searchOptions.limit);
        },
      };
    },
  };
}

function fuse(lists: RetrievalHit[][], fusion: Fusion, limit: number): RetrievalHit[] {
  if (fusion.kind === "interleave") {
    const out: RetrievalHit[] = [];
    const seen = new Set<number>();
    const take = (hit: RetrievalHit | undefined) => {
      if (!hit || seen.has(hit.doc)) return;
      seen.add(hit.doc);
      out.push({ doc: hit.doc, score: 1 / (out.length + 1) });
    };
    const at = lists.map((_, i) => (i === 0 ? fusion.lead : 0));
    for (let i = 0; i < fusion.lead; i++) take(lists[0]![i]);
    while (out.length < limit && at.some((p, i) => p < lists[i]!.length)) {
      for (let i = 0; i < lists.length && out.length < limit; i++) {
        const list = lists[i]!;
        while (at[i]! < list.length && seen.has(list[at[i]!]!.doc)) at[i]!++;
        take(list[at[i]!++]);
      }
    }
    return out;
  }
  const clauseCount = lists.length - 1;
  const weights = lists.map((list, i) => {
    if (i === 0) return 1;
    let weight = fusion.mode === "sum" ? fusion.clause / clauseCount : fusion.clause;
    if (fusion.confidence && list.length) {
      const kth = list[Math.min(fusion.confidence, list.length) - 1]!.score;
      weight *= 1 - kth / list[0]!.score;
    }
    return weight;
  });
  return reciprocalRankFusion(lists, limit, weights, fusion.k, fusion.mode);
}

/** Fixed before scoring; the confidence-weighted rows were added after the plain ones failed. */
const FUSIONS: Record<string, Fusion> = {
  interleave: { kind: "interleave", lead: 0 },
  "interleave, question's top 1 first": { kind: "interleave", lead: 1 },
  "interleave, question's top 2 first": { kind: "interleave", lead: 2 },
  "rrf max k60": { kind: "rrf", k: 60, clause: 1, mode: "max" },
  "rrf max k5 clause 0.8": { kind: "rrf", k: 5, clause: 0.8, mode: "max" },
  "rrf sum k60 clause 1": { kind: "rrf", k: 60, clause: 1, mode: "sum" },
  "rrf sum k60 clause 2": { kind: "rrf", k: 60, clause: 2, mode: "sum" },
  "rrf sum k10 clause 1": { kind: "rrf", k: 10, clause: 1, mode: "sum" },
  "rrf max k5 confidence": { kind: "rrf", k: 5, clause: 1, mode: "max", confidence: 5 },
  "rrf sum k10 clause 1 confidence": { kind: "rrf", k: 10, clause: 1, mode: "sum", confidence: 5 },
  "rrf sum k10 clause 3 confidence": { kind: "rrf", k: 10, clause: 3, mode: "sum", confidence: 5 },
};

const SPLITS: Record<string, Split> = { clauses, "merge-short": mergeShort };

/** Rank fusion of several rankers searched with the same query. */
function fused(retrievers: Retriever[], weights: number[]): Retriever {
  return {
    name: "fused",
    async index(documents) {
      const indexes = await Promise.all(retrievers.map((r) => r.index(documents)));
      return {
        async search(query, options) {
          const lists = await Promise.all(indexes.map((i) => i.search(query, { ...options, limit: 50 })));
          return reciprocalRankFusion(lists, options.limit, weights);
        },
      };
    },
  };
}

const zero = (b: number) => ({ weight: 0, b });
const NAME_ONLY: LexicalOptions = {
  fields: {
    lead: zero(0.75),
    description: zero(0.75),
    parameters: zero(0.75),
    output: zero(0.75),
    server: zero(0.5),
  },
};
const DESCRIPTION_HEAVY: LexicalOptions = {
  fields: { name: { weight: 1, b: 0.5 }, description: { weight: 2, b: 0.75 } },
};

const f3 = (v: number) => v.toFixed(3);
const row = (name: string, f: Pick<DiscoveryFigures, "recallAt5" | "recallAt10" | "mrr">) =>
  figuresRow(name, f, 52);

async function crossValidated(title: string, candidates: RankerCandidate[]): Promise<void> {
  const cv = await crossValidate({ tools, tasks, candidates, baseline: createLexicalRetriever() });
  console.log(`\n${title}\n${"".padEnd(52)} R@5    R@10   MRR   (all 48 tasks)`);
  for (const [name, f] of Object.entries(cv.whole)) console.log(row(name, f));
  console.log(row("held-out: picked on 3 folds, scored on the 4th", cv.heldOut));
  console.log(row("held-out: single-query lexical (same tasks)", cv.heldOutBaseline));
  for (const f of cv.folds)
    console.log(
      `  fold ${f.fold} chose ${f.chosen}: ΔR@5 ${f3(f.test.recallAt5 - f.testBaseline.recallAt5)}, ΔMRR ${f3(f.test.mrr - f.testBaseline.mrr)}`,
    );
}

const tools = liveMcpBenchTools(liveMcpBenchData("tools.json"));
const tasks = liveMcpBenchTasks(liveMcpBenchData("tasks.dev.json"));

const bm25 = await scoreDiscovery({ tools, tasks, retriever: createBm25Retriever() });
console.log(row("bm25 (all tasks)", bm25));

const candidates: RankerCandidate[] = [
  { name: "single query (lexical default)", retriever: createLexicalRetriever() },
  { name: "clauses, score sum 1 (clauseWeight)", retriever: createLexicalRetriever({ clauseWeight: 1 }) },
  { name: "clauses, score sum 2 (clauseWeight)", retriever: createLexicalRetriever({ clauseWeight: 2 }) },
];
for (const [splitName, split] of Object.entries(SPLITS))
  for (const [fusionName, fusion] of Object.entries(FUSIONS))
    candidates.push({ name: `${splitName}, ${fusionName}`, retriever: decomposed(split, fusion) });
await crossValidated("Query decomposition:", candidates);

// The most any fusion of these lists can do: every clause's top k added to the question's top 5.
const index = await createLexicalRetriever().index(tools);
console.log("\nUpper bound: Recall of the question's top 5 ∪ each clause's top k (more than 5 slots):");
for (const [splitName, split] of Object.entries(SPLITS))
  for (const k of [1, 2, 5]) {
    let whole = 0;
    let union = 0;
    for (const task of tasks) {
      const gold = new Set(task.gold);
      const top = (await index.search(task.question, { limit: 5 })).map((h) => tools[h.doc]!.name);
      const found = new Set(top);
      for (const part of split(task.question))
        for (const hit of await index.search(part, { limit: k })) found.add(tools[hit.doc]!.name);
      whole += [...gold].filter((name) => top.includes(name)).length / gold.size;
      union += [...gold].filter((name) => found.has(name)).length / gold.size;
    }
    console.log(
      `  ${splitName}, top ${k} per clause: question ${f3(whole / tasks.length)}, with clauses ${f3(union / tasks.length)}`,
    );
  }

await crossValidated("Other ideas of the issue:", [
  { name: "lexical default", retriever: createLexicalRetriever() },
  { name: "server as its own document 0.3", retriever: createLexicalRetriever({ serverWeight: 0.3 }) },
  { name: "server as its own document 0.6", retriever: createLexicalRetriever({ serverWeight: 0.6 }) },
  {
    name: "rrf lexical + bm25 (0.5)",
    retriever: fused([createLexicalRetriever(), createBm25Retriever()], [1, 0.5]),
  },
  {
    name: "rrf lexical + name-only (0.5)",
    retriever: fused([createLexicalRetriever(), createLexicalRetriever(NAME_ONLY)], [1, 0.5]),
  },
  {
    name: "rrf lexical + description-heavy (0.5)",
    retriever: fused([createLexicalRetriever(), createLexicalRetriever(DESCRIPTION_HEAVY)], [1, 0.5]),
  },
]);

// Query time at 10,000 tools, the rankers alternated task by task so both see the same machine load.
const large = varied(tools, 10_000);
const timed = {
  "single query": await createLexicalRetriever().index(large),
  "clauses, rrf sum k10 clause 1 confidence": await decomposed(
    clauses,
    FUSIONS["rrf sum k10 clause 1 confidence"]!,
  ).index(large),
  "merge-short, interleave": await decomposed(mergeShort, FUSIONS["interleave"]!).index(large),
};
await printQueryTimes(
  timed,
  tasks.map((task) => task.question),
);
