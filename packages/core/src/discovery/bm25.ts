/**
 * A BM25F inverted index, shared by the default lexical ranker and the plain BM25 baseline. Field
 * weights and length normalisation are applied at build time, so a query only sums precomputed
 * per-(term, document) weights: fast at 10,000 tools. Terms are integer ids from a {@link Vocabulary};
 * postings live in two flat typed arrays (documents and weights) sliced by term.
 */
import type { RetrievalHit, RetrievalOptions } from "./types.js";
import type { Vocabulary } from "./vocabulary.js";

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

/** The term ids of one document's fields, in field order. */
export type TermIdFields = readonly (ArrayLike<number> | undefined)[];

/** An inverted index over documents made of fields of term ids. */
export class Bm25Index {
  readonly size: number;
  /** Postings of term `t` are `docs[start[t]..start[t + 1])`, in document order. */
  private readonly start: Int32Array;
  private readonly docs: Int32Array;
  /** Saturated term weight in each posting's document, idf included. */
  private readonly weights: Float32Array;

  /** `documents[d][f]` holds the term ids of field `f` of document `d`, numbered by `vocabulary`. */
  constructor(
    documents: readonly TermIdFields[],
    private readonly vocabulary: Vocabulary,
    options: Bm25Options,
  ) {
    const { fields, k1 } = options;
    const n = documents.length;
    const terms = vocabulary.size;
    this.size = n;
    const avgLength = fields.map((_, f) => {
      let total = 0;
      for (const doc of documents) total += doc[f]?.length ?? 0;
      return total / Math.max(1, n) || 1;
    });
    // Pass 1: each document's pseudo term frequencies, appended as (term, doc, tf) in document order.
    const tf = new Float64Array(terms);
    const seenIn = new Int32Array(terms).fill(-1);
    const touched = new Int32Array(terms);
    const frequency = new Int32Array(terms);
    let cap = Math.max(1024, n * 16);
    let pTerm = new Int32Array(cap);
    let pDoc = new Int32Array(cap);
    let pTf = new Float64Array(cap);
    let count = 0;
    for (let d = 0; d < n; d++) {
      const doc = documents[d]!;
      let distinct = 0;
      for (let f = 0; f < fields.length; f++) {
        const ids = doc[f];
        if (!ids?.length) continue;
        const { weight, b } = fields[f]!;
        const norm = weight / (1 - b + (b * ids.length) / avgLength[f]!);
        for (let i = 0; i < ids.length; i++) {
          const id = ids[i]!;
          if (seenIn[id] !== d) {
            seenIn[id] = d;
            tf[id] = 0;
            touched[distinct++] = id;
          }
          tf[id]! += norm;
        }
      }
      if (count + distinct > cap) {
        cap = Math.max(cap * 2, count + distinct);
        pTerm = grow(pTerm, new Int32Array(cap));
        pDoc = grow(pDoc, new Int32Array(cap));
        pTf = grow(pTf, new Float64Array(cap));
      }
      for (let k = 0; k < distinct; k++) {
        const id = touched[k]!;
        pTerm[count] = id;
        pDoc[count] = d;
        pTf[count++] = tf[id]!;
        frequency[id]!++;
      }
    }
    // Pass 2: bucket the postings by term (a counting sort keeps document order within a term).
    this.start = new Int32Array(terms + 1);
    for (let t = 0; t < terms; t++) this.start[t + 1] = this.start[t]! + frequency[t]!;
    const idf = new Float64Array(terms);
    for (let t = 0; t < terms; t++) {
      idf[t] = Math.log(1 + (n - frequency[t]! + 0.5) / (frequency[t]! + 0.5));
    }
    const next = this.start.slice(0, terms);
    this.docs = new Int32Array(count);
    this.weights = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const t = pTerm[i]!;
      const at = next[t]!++;
      const value = pTf[i]!;
      this.docs[at] = pDoc[i]!;
      this.weights[at] = (idf[t]! * value * (k1 + 1)) / (k1 + value);
    }
  }

  /** Inverse document frequency of term id `id` (0 for an unknown id). */
  idf(id: number): number {
    if (id < 0 || id >= this.start.length - 1) return 0;
    const df = this.start[id + 1]! - this.start[id]!;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /** Like {@link accumulate}, for terms given by id. */
  accumulateIds(query: ReadonlyMap<number, number>, scores: Float64Array): void {
    const { docs, weights, start } = this;
    for (const [id, boost] of query) {
      if (id < 0 || id >= start.length - 1) continue;
      const end = start[id + 1]!;
      for (let i = start[id]!; i < end; i++) scores[docs[i]!]! += boost * weights[i]!;
    }
  }

  /** Number of documents containing `term`. */
  documentFrequency(term: string): number {
    const id = this.vocabulary.find(term);
    return id < 0 ? 0 : this.start[id + 1]! - this.start[id]!;
  }

  /** Sums each query term's weight times its precomputed document weight into `scores`. */
  accumulate(query: ReadonlyMap<string, number>, scores: Float64Array): void {
    const { docs, weights, start } = this;
    for (const [term, boost] of query) {
      const id = this.vocabulary.find(term);
      if (id < 0) continue;
      const end = start[id + 1]!;
      for (let i = start[id]!; i < end; i++) scores[docs[i]!]! += boost * weights[i]!;
    }
  }
}

function grow<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
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
