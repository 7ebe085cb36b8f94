/**
 * Reciprocal rank fusion: merges ranked lists by `weight / (k + rank)` per document, so rankers whose
 * scores are on different scales (BM25, cosine similarity) combine without calibration. Rankers of the
 * same need are summed (agreement counts); the rankings of different sub-tasks take each document's best
 * (a union: a tool one sub-task needs is not pushed out by tools that are middling for all).
 */
import type { RetrievalHit, RetrievalOptions, RetrieverIndex } from "./types.js";

/** The usual RRF constant: a document's contribution falls slowly with rank. */
export const RRF_K = 60;

/** How deep each fused list is read: fusion can lift a document that no single list has in its top `limit`. */
const FUSION_DEPTH = 50;

/** Fuses ranked lists (best first) into one, best first; ties go to the smaller document position. */
export function reciprocalRankFusion(
  lists: readonly (readonly RetrievalHit[])[],
  limit: number,
  weights: readonly number[] = [],
  k = RRF_K,
  mode: "sum" | "max" = "sum",
): RetrievalHit[] {
  const fused = new Map<number, { best: number; sum: number }>();
  lists.forEach((list, i) => {
    const weight = weights[i] ?? 1;
    list.forEach((hit, rank) => {
      const value = weight / (k + rank + 1);
      const entry = fused.get(hit.doc);
      if (entry) {
        entry.sum += value;
        entry.best = Math.max(entry.best, value);
      } else fused.set(hit.doc, { best: value, sum: value });
    });
  });
  // In max mode the sum only breaks ties.
  return [...fused]
    .map(([doc, { best, sum }]) => ({ doc, score: mode === "max" ? best + sum * 1e-6 : sum }))
    .sort((a, b) => b.score - a.score || a.doc - b.doc)
    .slice(0, limit);
}

/**
 * Searches with one query or several (the sub-tasks of one task) and fuses the rankings: a tool that
 * serves one sub-task well is not drowned by the words of the others.
 */
export async function searchQueries(
  index: RetrieverIndex,
  queries: string | readonly string[],
  options: RetrievalOptions,
): Promise<RetrievalHit[]> {
  const list = typeof queries === "string" ? [queries] : [...new Set(queries)];
  if (list.length === 1) return index.search(list[0]!, options);
  const depth = { ...options, limit: Math.max(options.limit, FUSION_DEPTH) };
  const ranked = await Promise.all(list.map((query) => index.search(query, depth)));
  return reciprocalRankFusion(ranked, options.limit, [], RRF_K, "max");
}
