/**
 * A BM25F inverted index, shared by the default lexical ranker and the plain BM25 baseline. Field
 * weights and length normalisation are applied at build time, so a query only sums precomputed
 * per-(term, document) weights: fast at 10,000 tools.
 */
import type { RetrievalHit, RetrievalOptions } from "./types.js";

/** How one field counts. */
export interface FieldSpec {
  /** Term-frequency multiplier. */
  weight: number;
  /** Length normalisation, 0 (none) to 1 (full). */
  b: number;
}

/** BM25F parameters. */
export interface Bm25Options {
  fields: readonly FieldSpec[];
  /** Term-frequency saturation. */
  k1: number;
}

interface Posting {
  docs: Int32Array;
  /** Saturated term weight in each document, idf included. */
  weights: Float32Array;
}

/** An inverted index over documents made of fields of terms. */
export class Bm25Index {
  readonly size: number;
  private readonly postings = new Map<string, Posting>();

  /** `documents[d][f]` holds the terms of field `f` of document `d`. */
  constructor(documents: readonly (readonly (readonly string[])[])[], options: Bm25Options) {
    const { fields, k1 } = options;
    this.size = documents.length;
    const avgLength = fields.map((_, f) => {
      let total = 0;
      for (const doc of documents) total += doc[f]?.length ?? 0;
      return total / Math.max(1, documents.length) || 1;
    });
    // term -> parallel lists of documents and pseudo term frequencies.
    const raw = new Map<string, { docs: number[]; tfs: number[] }>();
    const tf = new Map<string, number>();
    for (let d = 0; d < documents.length; d++) {
      tf.clear();
      const doc = documents[d]!;
      for (let f = 0; f < fields.length; f++) {
        const terms = doc[f];
        if (!terms?.length) continue;
        const { weight, b } = fields[f]!;
        const norm = weight / (1 - b + (b * terms.length) / avgLength[f]!);
        for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + norm);
      }
      for (const [term, value] of tf) {
        const entry = raw.get(term) ?? { docs: [], tfs: [] };
        raw.set(term, entry);
        entry.docs.push(d);
        entry.tfs.push(value);
      }
    }
    const n = documents.length;
    for (const [term, { docs, tfs }] of raw) {
      const idf = Math.log(1 + (n - docs.length + 0.5) / (docs.length + 0.5));
      const weights = new Float32Array(tfs.length);
      for (let i = 0; i < tfs.length; i++) weights[i] = (idf * tfs[i]! * (k1 + 1)) / (k1 + tfs[i]!);
      this.postings.set(term, { docs: Int32Array.from(docs), weights });
    }
  }

  /** Number of documents containing `term`. */
  documentFrequency(term: string): number {
    return this.postings.get(term)?.docs.length ?? 0;
  }

  /** Sums each query term's weight times its precomputed document weight into `scores`. */
  accumulate(query: ReadonlyMap<string, number>, scores: Float64Array): void {
    for (const [term, boost] of query) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const { docs, weights } = posting;
      for (let i = 0; i < docs.length; i++) scores[docs[i]!]! += boost * weights[i]!;
    }
  }
}

/**
 * The best `limit` documents by score, ties broken by position (lower first). Documents scoring 0 are
 * left out.
 */
export function topHits(scores: Float64Array, options: RetrievalOptions): RetrievalHit[] {
  const { limit, filter } = options;
  const hits: RetrievalHit[] = [];
  if (limit <= 0) return hits;
  for (let doc = 0; doc < scores.length; doc++) {
    const score = scores[doc]!;
    if (score <= 0) continue;
    if (hits.length === limit && score <= hits[limit - 1]!.score) continue;
    if (filter && !filter(doc)) continue;
    // Insertion into a short sorted list; scanning in position order keeps earlier documents first on ties.
    let i = hits.length < limit ? hits.length : limit - 1;
    while (i > 0 && hits[i - 1]!.score < score) {
      if (i < limit) hits[i] = hits[i - 1]!;
      i--;
    }
    hits[i] = { doc, score };
  }
  return hits;
}

/** Counts terms into a query map (term -> weight). */
export function termWeights(terms: readonly string[], weight = 1): Map<string, number> {
  const out = new Map<string, number>();
  for (const term of terms) out.set(term, (out.get(term) ?? 0) + weight);
  return out;
}
