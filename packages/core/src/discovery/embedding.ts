/**
 * Dense retrieval with an embedding function the application provides (any provider, any model), and a
 * hybrid that fuses it with the lexical ranker. codecall ships no model and downloads nothing.
 */

import { CodecallError } from "../errors.js";
import { analyze } from "./analyze.js";
import { reciprocalRankFusion } from "./fusion.js";
import { createLexicalRetriever, firstSentence } from "./lexical.js";
import { ngrams } from "./ngrams.js";
import { slottedRanking } from "./server-slots.js";
import type { RetrievalHit, Retriever, RetrieverIndex, ToolDocument } from "./types.js";

/** Turns texts into vectors of one length; called with batches of tool texts, then with each query. */
export type EmbedFunction = (
  texts: string[],
) => Promise<readonly (readonly number[])[]> | readonly (readonly number[])[];

/** Options of {@link createEmbeddingRetriever}. */
export interface EmbeddingRetrieverOptions {
  embed: EmbedFunction;
  /**
   * Embeds each search query. Default `embed`. A separate function lets an application cache tool vectors
   * without keeping every query (which may hold what a user asked) in that cache.
   */
  embedQuery?: EmbedFunction;
  /** Name in reports. Default `embedding`. */
  name?: string;
  /** Texts per `embed` call while indexing. Default 64. */
  batchSize?: number;
  /** The text embedded for a tool. Default: its name, title, server and description. */
  text?: (doc: ToolDocument) => string;
}

/** The text a tool is embedded as by default. */
export function embeddingText(doc: ToolDocument): string {
  const name = doc.name.replace(/[_\-.]+/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2");
  return [name, doc.title, `(${doc.server})`, doc.description].filter(Boolean).join(": ").slice(0, 2000);
}

/** Ranks tools by cosine similarity of their embeddings with the query's. */
export function createEmbeddingRetriever(options: EmbeddingRetrieverOptions): Retriever {
  const { embed, embedQuery = embed, batchSize = 64, text = embeddingText } = options;
  return {
    name: options.name ?? "embedding",
    async index(documents): Promise<RetrieverIndex> {
      const texts = documents.map(text);
      let dim = 0;
      let matrix = new Float32Array(0);
      for (let start = 0; start < texts.length; start += batchSize) {
        const vectors = await embed(texts.slice(start, start + batchSize));
        if (vectors.length !== Math.min(batchSize, texts.length - start))
          throw badEmbedding("one vector per text");
        for (const [i, vector] of vectors.entries()) {
          if (!dim) {
            dim = vector.length;
            matrix = new Float32Array(dim * texts.length);
          }
          if (vector.length !== dim || dim === 0)
            throw badEmbedding(`vectors of one non-zero length (${dim})`);
          matrix.set(normalized(vector), (start + i) * dim);
        }
      }
      return {
        async search(query, { limit, filter }) {
          const [vector] = await embedQuery([query]);
          if (!vector || vector.length !== dim) throw badEmbedding(`a query vector of length ${dim}`);
          const q = normalized(vector);
          const hits: RetrievalHit[] = [];
          for (let d = 0; d < documents.length; d++) {
            if (filter && !filter(d)) continue;
            let dot = 0;
            for (let i = 0, at = d * dim; i < dim; i++, at++) dot += q[i]! * matrix[at]!;
            if (dot > 0) hits.push({ doc: d, score: dot });
          }
          return hits.sort((a, b) => b.score - a.score || a.doc - b.doc).slice(0, limit);
        },
      };
    },
  };
}

/** Options of {@link createHybridRetriever}. */
export interface HybridRetrieverOptions {
  /** The rankers fused. Default: the lexical ranker plus `embedding`. */
  retrievers?: readonly Retriever[];
  /** An embedding ranker fused with the lexical one (shorthand for `retrievers`). */
  embedding?: Retriever;
  /** Weight of each ranker's reciprocal ranks, in order. Default 1 each. */
  weights?: readonly number[];
  name?: string;
}

/** How deep each fused ranking is read. */
const HYBRID_DEPTH = 50;
/** How long a hybrid waits before indexing again with a ranker whose index failed. */
const RETRY_FAILED_INDEX_MS = 60_000;

/**
 * Fuses several rankers by reciprocal rank (their scores need no common scale). The lexical ranker is fused
 * by its ranking before server slots, and the first such ranker's slots are given to the fused ranking (held
 * out on the LiveMCPBench dev tasks with the local model: Recall@5 0.457 and MRR 0.608, against 0.425 and
 * 0.566 when the slotted ranking was fused). A ranker that fails (an
 * embedding service down, a model that could not load) is left out of that index or that search, with a
 * process warning, so search keeps working on the others; a ranker left out of an index is indexed again,
 * in the background, by the first search a minute or more later. The hybrid fails when every ranker does,
 * and a misconfigured ranker (`CONFIG_INVALID`, such as vectors of the wrong shape) fails it at once.
 */
export function createHybridRetriever(options: HybridRetrieverOptions): Retriever {
  const retrievers = options.retrievers ?? [
    createLexicalRetriever(),
    ...(options.embedding ? [options.embedding] : []),
  ];
  if (!retrievers.length)
    throw new CodecallError("CONFIG_INVALID", "A hybrid retriever needs at least one retriever.");
  const weights = options.weights ?? [];
  return {
    name: options.name ?? `hybrid(${retrievers.map((r) => r.name).join("+")})`,
    async index(documents) {
      const built = await answered(retrievers.map(async (retriever) => retriever.index(documents)));
      // A ranker whose index failed (a service briefly down, a model still installing) is indexed again in
      // the background by a search that comes after a pause; searches meanwhile use the others.
      let failed = retrievers.flatMap((_, at) => (built.some((b) => b.at === at) ? [] : [at]));
      let retryAt = Date.now() + RETRY_FAILED_INDEX_MS;
      let retrying = false;
      const retry = () => {
        if (!failed.length || retrying || Date.now() < retryAt) return;
        retrying = true;
        const attempt = failed;
        void Promise.allSettled(attempt.map(async (at) => retrievers[at]!.index(documents))).then(
          (results) => {
            results.forEach((result, i) => {
              if (result.status === "fulfilled") built.push({ value: result.value, at: attempt[i]! });
            });
            built.sort((a, b) => a.at - b.at);
            failed = attempt.filter((_, i) => results[i]!.status === "rejected");
            retryAt = Date.now() + RETRY_FAILED_INDEX_MS;
            retrying = false;
          },
        );
      };
      return {
        async search(query, searchOptions) {
          retry();
          const deep = { ...searchOptions, limit: Math.max(searchOptions.limit, HYBRID_DEPTH) };
          // The rankers as they are now: a retry may add one to `built` while this search waits.
          const rankers = built.slice();
          // A ranker that gives server slots (the lexical one) is fused by its ranking without them, and
          // its slots are given to the fused ranking: fusing the slotted list would scatter its window.
          const lists = await answered(
            rankers.map(
              async ({ value }) => slottedRanking(value)?.rank(query, deep) ?? value.search(query, deep),
            ),
          );
          const fused = reciprocalRankFusion(
            lists.map((list) => list.value),
            searchOptions.limit,
            lists.map((list) => weights[rankers[list.at]!.at] ?? 1),
          );
          const slotted = rankers.map(({ value }) => slottedRanking(value)).find(Boolean);
          return slotted ? slotted.slots(fused, searchOptions) : fused;
        },
      };
    },
  };
}

/**
 * The values of the promises that fulfilled, with their positions. Throws the first failure when none
 * fulfilled, or when one failed with CONFIG_INVALID; warns of the others.
 */
async function answered<T>(promises: Array<Promise<T>>): Promise<Array<{ value: T; at: number }>> {
  const settled = await Promise.allSettled(promises);
  const failures = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : []));
  const misconfigured = failures.find((f) => f instanceof CodecallError && f.code === "CONFIG_INVALID");
  if (misconfigured) throw misconfigured;
  const values = settled.flatMap((s, at) => (s.status === "fulfilled" ? [{ value: s.value, at }] : []));
  if (!values.length) throw failures[0];
  for (const failure of failures)
    process.emitWarning(
      `A ranker of the hybrid retriever failed and was left out: ${failure instanceof Error ? failure.message : String(failure)}`,
      { code: "CODECALL_RANKER_FAILED" },
    );
  return values;
}

/**
 * A deterministic, dependency-free embedding: stemmed words and character trigrams hashed into
 * `dimensions` buckets. It is not semantic; it stands in for a real model in tests and offline demos.
 */
export function hashedEmbedding(dimensions = 256): EmbedFunction {
  return (texts) =>
    texts.map((text) => {
      const vector = new Array<number>(dimensions).fill(0);
      for (const term of analyze(text)) vector[hash(term) % dimensions]! += 1;
      for (const gram of ngrams(firstSentence(text))) vector[hash(gram) % dimensions]! += 0.3;
      return vector;
    });
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function normalized(vector: readonly number[]): Float32Array {
  let norm = 0;
  for (const v of vector) norm += v * v;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return Float32Array.from(vector, (v) => v * scale);
}

function badEmbedding(expected: string): CodecallError {
  return new CodecallError("CONFIG_INVALID", `The embedding function must return ${expected}.`, {
    hint: "Return one array of numbers per input text, all of the same length.",
  });
}
