/**
 * The default ranker. Everything it knows comes from the catalogue's own text and general English
 * (a stemmer and stop words): no synonym table, glossary or boost names a word.
 *
 * - BM25F over a tool's fields: its name split into words, the first sentence of its description, the
 *   whole description, its parameters (names, descriptions, enum values, examples), its result's fields,
 *   and its server's name and description.
 * - Server-aware: servers are also scored as documents of their own (name and description), and a tool
 *   inherits part of its server's score; a share of the best tool score in a server goes to its siblings.
 * - Server slots: the best tool's server gets 3 of the first five results, filled with its core tools
 *   (its tools ranked against the server's own name and description), see {@link giveServerSlots}.
 * - Joint server order: those five are ordered by each tool's score plus a share of its server's score as
 *   one document of all its tools' names and first sentences (the hybrid keeps its fused order instead).
 * - Character trigrams of names and first sentences, fused with the word ranker, for identifiers written
 *   as one word and words the stemmer does not know.
 * - Pseudo-relevance feedback: words of the best first-pass tools' names and first sentences are added to
 *   the query, weakly, so a question reaches tools that say the same thing in other words.
 */
import { analyze, TermAnalyzer } from "./analyze.js";
import { Bm25Index, type FieldSpec, termWeights, topHits } from "./bm25.js";
import { NgramAnalyzer, ngrams } from "./ngrams.js";
import { schemaText, schemaWords } from "./schema-text.js";
import { giveServerSlots, SLOT_WINDOW, type SlottedRanking, withSlottedRanking } from "./server-slots.js";
import type { RetrievalHit, RetrievalOptions, Retriever, ToolDocument } from "./types.js";
import { Vocabulary } from "./vocabulary.js";

/**
 * Knobs of the lexical ranker. The defaults are the setting most folds picked when each of four folds of
 * the LiveMCPBench dev tasks chose among random settings by the other three (the bench's cross-validation),
 * less the components that helped in fewer than half the folds in the ablation (clauses).
 */
export interface LexicalOptions {
  /** Field weights and length normalisation. */
  fields?: Partial<Record<LexicalField, FieldSpec>>;
  /** BM25 saturation. Default 1.2. */
  k1?: number;
  /** Weight of words inside paths and URLs in the query (`/root/pdf/a.md`). Default 0.3. */
  pathWeight?: number;
  /** Share of the best score in a server added to every tool of that server (siblings work together). */
  siblingWeight?: number;
  /** Weight of the server's own score (its name and description as one document) added to its tools. */
  serverWeight?: number;
  /**
   * How many of the first five results go to the best tool's server: that tool, then its server's core
   * tools (its tools ranked against the server's own name and description), so a task that needs one tool
   * of a server also sees the ones it works with, which rarely share words with the question. 0 or 1 turns
   * it off. Default 3 (chosen in four folds of the dev tasks; `apps/bench/src/discovery-grouping.ts`).
   */
  serverSlots?: number;
  /**
   * Orders the first five results, once the server slots chose them, by the tool's score plus this share
   * of its server's joint score (each scaled to its best): the lexical ranker over one document per server
   * made of its name, its description and its tools' names and first sentences, so a tool of a server
   * whose tools together cover the question comes first. Which tools are in the five does not change.
   * 0 turns it off. Default 0.4 (chosen in four folds of the dev tasks;
   * `apps/bench/src/discovery-slots-more.ts`).
   */
  jointServerWeight?: number;
  /** Weight of the character-trigram ranker relative to the word ranker (both scaled to their best hit); 0 turns it off. */
  ngramWeight?: number;
  /** Weight of feedback terms from the best first-pass tools; 0 turns feedback off. */
  feedbackWeight?: number;
  /** How many first-pass tools feedback reads. Default 3. */
  feedbackDocs?: number;
  /** How many feedback terms are added. Default 8. */
  feedbackTerms?: number;
  /**
   * Also rank each clause of a long query on its own (split at sentence ends, commas, semicolons and
   * "and"/"then") and fuse the rankings with the whole query's by reciprocal rank: a task's sub-steps each
   * get their tools. The weight of each clause's ranking against the whole query's (1); 0 turns it off.
   */
  clauseWeight?: number;
}

/** The fields the lexical ranker indexes. */
export type LexicalField = "name" | "lead" | "description" | "parameters" | "output" | "server";

const FIELD_ORDER: readonly LexicalField[] = [
  "name",
  "lead",
  "description",
  "parameters",
  "output",
  "server",
];

/** Default field weights. */
export const DEFAULT_LEXICAL_FIELDS: Readonly<Record<LexicalField, FieldSpec>> = {
  name: { weight: 5, b: 0.5 },
  lead: { weight: 2, b: 0.75 },
  description: { weight: 0.5, b: 0.75 },
  parameters: { weight: 1, b: 0.75 },
  output: { weight: 0.3, b: 0.75 },
  server: { weight: 0.3, b: 0.5 },
};

/** The defaults of the scalar knobs of {@link LexicalOptions}. */
export const DEFAULT_LEXICAL_OPTIONS: Readonly<Required<Omit<LexicalOptions, "fields">>> = {
  k1: 1.6,
  pathWeight: 0.3,
  siblingWeight: 0.3,
  serverWeight: 0,
  serverSlots: 3,
  jointServerWeight: 0.4,
  ngramWeight: 0.2,
  feedbackWeight: 0.2,
  feedbackDocs: 3,
  feedbackTerms: 8,
  // Off: in the ablation it helped in one fold of four (and costs a ranking per clause).
  clauseWeight: 0,
};

/** A first-pass tool lends feedback terms only when it scores at least this share of the best. */
const FEEDBACK_FLOOR = 0.7;

/** Fields whose words feedback may borrow: what a tool is, not its usage notes. */
const FEEDBACK_FIELDS = [0, 1];

/** The default ranker; see {@link LexicalOptions} for its knobs. */
export function createLexicalRetriever(options: LexicalOptions = {}): Retriever {
  const fields = FIELD_ORDER.map((field) => options.fields?.[field] ?? DEFAULT_LEXICAL_FIELDS[field]);
  const o = { ...DEFAULT_LEXICAL_OPTIONS, ...definedOnly(options) };
  return {
    name: "lexical",
    index(documents) {
      const { search, rank, slots } = lexicalIndex(documents, fields, o);
      return withSlottedRanking({ search }, { rank, slots });
    },
  };
}

type ScalarOptions = Required<Omit<LexicalOptions, "fields">>;

function lexicalIndex(
  documents: readonly ToolDocument[],
  fields: readonly FieldSpec[],
  o: ScalarOptions,
): SlottedRanking & {
  search(query: string, options: RetrievalOptions): RetrievalHit[];
  /** Every document's score for `query`, before slots. */
  scoreAll(query: string): Float64Array;
} {
  const vocabulary = new Vocabulary();
  const analyzer = new TermAnalyzer(vocabulary);
  const fieldIds = documents.map((doc) => lexicalFields(doc).map((text) => analyzer.ids(text)));
  const index = new Bm25Index(fieldIds, vocabulary, { fields, k1: o.k1 });
  const { serverOf, servers } = serverTable(documents);
  const serverIndex =
    o.serverWeight > 0
      ? new Bm25Index(
          servers.map((doc) => [analyzer.ids(serverText(doc))]),
          vocabulary,
          { fields: [{ weight: 1, b: 0.5 }], k1: o.k1 },
        )
      : undefined;
  let ngramIndex: { index: Bm25Index; vocabulary: Vocabulary } | undefined;
  if (o.ngramWeight > 0) {
    const grams = new Vocabulary();
    const ngramAnalyzer = new NgramAnalyzer(grams);
    const ids = documents.map((doc) => [ngramAnalyzer.ids(ngramText(doc))]);
    ngramIndex = {
      index: new Bm25Index(ids, grams, { fields: [{ weight: 1, b: 0.5 }], k1: o.k1 }),
      vocabulary: grams,
    };
  }
  const scoreQuery = (query: string): Float64Array => {
    const terms = queryTerms(query, o.pathWeight);
    const scores = new Float64Array(index.size);
    index.accumulate(terms, scores);
    if (serverIndex) addServerScores(scores, serverIndex, terms, serverOf, o.serverWeight);
    if (o.feedbackWeight > 0) {
      const feedback = feedbackTerms(scores, fieldIds, index, vocabulary, terms, o);
      if (feedback.size) index.accumulateIds(feedback, scores);
    }
    if (ngramIndex) {
      const grams = new Float64Array(index.size);
      ngramIndex.index.accumulate(termWeights([...new Set(ngrams(plainWords(query)))]), grams);
      fuse(scores, grams, o.ngramWeight);
    }
    return scores;
  };
  // Each server's tools ranked against its own name and description, computed when first needed.
  const members: number[][] = servers.map(() => []);
  for (let d = 0; d < serverOf.length; d++) members[serverOf[d]!]!.push(d);
  const core = new Map<number, readonly number[]>();
  const coreTools = (server: number): readonly number[] => {
    let known = core.get(server);
    if (!known) {
      const own = members[server]!;
      // What a server says it is for is its description: one without any has no core tools (its name
      // alone matches all its tools alike, and the slots would go to its first tools in catalogue order).
      const ranked =
        own.length < 2 || !servers[server]!.serverDescription
          ? []
          : topHits(scoreQuery(serverText(servers[server]!)), {
              limit: own.length,
              filter: (d) => serverOf[d] === server,
            });
      // Every tool matches its server's text through the server field they share: a core tool matches
      // it beyond that (its name, description, parameters).
      const shared = ranked.length === own.length ? ranked[ranked.length - 1]!.score : 0;
      known = ranked.filter((hit) => hit.score > shared).map((hit) => hit.doc);
      core.set(server, known);
    }
    return known;
  };
  // One document per server (its name, description, and its tools' names and first sentences), ranked
  // by this same ranker when first needed; only the slotted window is ordered by it.
  let joint: ReturnType<typeof lexicalIndex> | undefined;
  const jointScores = (query: string): Float64Array => {
    joint ??= lexicalIndex(jointServerDocuments(servers, members, documents), fields, {
      ...o,
      serverSlots: 0,
      siblingWeight: 0,
      jointServerWeight: 0,
    });
    return joint.scoreAll(query);
  };
  const scoreAll = (query: string): Float64Array => {
    const scores = scoreQuery(query);
    const parts = o.clauseWeight > 0 ? clauses(query) : [];
    if (parts.length) {
      scale(scores, 1);
      for (const part of parts) {
        const own = scoreQuery(part);
        scale(own, o.clauseWeight / parts.length);
        for (let d = 0; d < scores.length; d++) scores[d]! += own[d]!;
      }
    }
    if (o.siblingWeight > 0) boostSiblings(scores, serverOf, servers.length, o.siblingWeight);
    return scores;
  };
  const rank = (query: string, searchOptions: RetrievalOptions) => topHits(scoreAll(query), searchOptions);
  // A filtered search (one server's tools) is the ranking's own: slots would only reorder it.
  const slotted = (searchOptions: RetrievalOptions) => o.serverSlots >= 2 && !searchOptions.filter;
  const slots = (hits: readonly RetrievalHit[], searchOptions: RetrievalOptions): RetrievalHit[] =>
    slotted(searchOptions) ? giveServerSlots(hits, { slots: o.serverSlots, serverOf, coreTools }) : [...hits];
  const search = (query: string, searchOptions: RetrievalOptions): RetrievalHit[] => {
    const scores = scoreAll(query);
    const hits = slots(topHits(scores, searchOptions), searchOptions);
    if (o.jointServerWeight <= 0 || !slotted(searchOptions) || hits.length < SLOT_WINDOW) return hits;
    return orderWindow(hits, scores, jointScores(query), serverOf, o.jointServerWeight);
  };
  return { search, rank, slots, scoreAll };
}

/** A long query's clauses with at least two search terms each; fewer than two clauses means none. */
export function clauses(query: string): string[] {
  const parts = query
    .split(/[.;!?。；！？]\s+|[,，]\s*|\s+(?:and|then|also)\s+/i)
    .map((part) => part.replace(/^(?:and|then|also)\s+/i, "").trim())
    .filter((part) => analyze(part).length >= 2);
  return parts.length >= 2 ? parts : [];
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The texts of one document's fields, in {@link FIELD_ORDER}. */
function lexicalFields(doc: ToolDocument): string[] {
  const params = schemaText(doc.inputSchema);
  return [
    doc.title ? `${doc.name} ${doc.title}` : doc.name,
    firstSentence(doc.description ?? ""),
    doc.description ?? "",
    [...params.names, ...params.descriptions, ...params.values].join(" "),
    doc.outputSchema === undefined ? "" : schemaWords(doc.outputSchema),
    serverText(doc),
  ];
}

function serverText(doc: Pick<ToolDocument, "server" | "serverDescription">): string {
  return doc.serverDescription ? `${doc.server} ${doc.serverDescription}` : doc.server;
}

/** What the trigram ranker reads: the tool's and the server's names (identifiers are where one-word compounds live). */
function ngramText(doc: ToolDocument): string {
  return `${doc.name} ${doc.title ?? ""} ${doc.server}`;
}

const isPath = (chunk: string) => /[/\\]|:\/\/|\w\.\w{1,5}$/.test(chunk);

/** The query without its paths and URLs, whose letters would match trigrams everywhere. */
function plainWords(query: string): string {
  return query
    .split(/\s+/)
    .filter((chunk) => !isPath(chunk))
    .join(" ");
}

/**
 * Query terms with weights: each distinct word counts once (long questions repeat words); words that
 * appear only inside paths and URLs count less.
 */
function queryTerms(query: string, pathWeight: number): Map<string, number> {
  const chunks = query.split(/\s+/);
  const terms = termWeights([...new Set(analyze(plainWords(query)))]);
  for (const term of analyze(chunks.filter(isPath).join(" ")))
    if (!terms.has(term)) terms.set(term, pathWeight);
  return terms;
}

/** Adds each server's own score, scaled by `weight`, to its tools. */
function addServerScores(
  scores: Float64Array,
  serverIndex: Bm25Index,
  terms: ReadonlyMap<string, number>,
  serverOf: Int32Array,
  weight: number,
): void {
  const serverScores = new Float64Array(serverIndex.size);
  serverIndex.accumulate(terms, serverScores);
  for (let d = 0; d < scores.length; d++) scores[d]! += weight * serverScores[serverOf[d]!]!;
}

/**
 * Terms of the best first-pass tools (names and first sentences), weighted by how often they occur there
 * times their idf, less the query's own terms; each scaled to `feedbackWeight` at most.
 */
function feedbackTerms(
  scores: Float64Array,
  fieldIds: readonly (readonly number[])[][],
  index: Bm25Index,
  vocabulary: Vocabulary,
  query: ReadonlyMap<string, number>,
  o: ScalarOptions,
): Map<number, number> {
  // Only tools close to the best one: in a small catalogue the top few are not all relevant.
  const hits = topHits(scores, { limit: o.feedbackDocs });
  const top = hits.filter((hit) => hit.score >= FEEDBACK_FLOOR * hits[0]!.score);
  const own = new Set<number>();
  for (const term of query.keys()) own.add(vocabulary.find(term));
  const weight = new Map<number, number>();
  for (const { doc } of top) {
    const seen = new Set<number>();
    for (const f of FEEDBACK_FIELDS) for (const id of fieldIds[doc]![f]!) seen.add(id);
    for (const id of seen) if (!own.has(id)) weight.set(id, (weight.get(id) ?? 0) + 1);
  }
  const ranked = [...weight].map(([id, count]) => [id, count * index.idf(id)] as const);
  ranked.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const kept = ranked.slice(0, o.feedbackTerms);
  const best = kept[0]?.[1] ?? 0;
  return new Map(kept.map(([id, value]) => [id, (o.feedbackWeight * value) / best]));
}

/** Scales scores so the best is `top`. */
function scale(scores: Float64Array, top: number): void {
  let best = 0;
  for (let d = 0; d < scores.length; d++) if (scores[d]! > best) best = scores[d]!;
  if (best > 0) for (let d = 0; d < scores.length; d++) scores[d] = (scores[d]! * top) / best;
}

/** `scores` becomes `scores / max + weight * other / max(other)`: two rankers on one scale. */
function fuse(scores: Float64Array, other: Float64Array, weight: number): void {
  let a = 0;
  let b = 0;
  for (let d = 0; d < scores.length; d++) {
    if (scores[d]! > a) a = scores[d]!;
    if (other[d]! > b) b = other[d]!;
  }
  const sa = a > 0 ? 1 / a : 0;
  const sb = b > 0 ? weight / b : 0;
  for (let d = 0; d < scores.length; d++) scores[d] = scores[d]! * sa + other[d]! * sb;
}

/** The description's first sentence: what the tool does, before usage notes and caveats. */
export function firstSentence(text: string): string {
  const trimmed = text.trim();
  const end = trimmed.search(/[.!?。！？](\s|$)|\n\s*\n/);
  return (end === -1 ? trimmed : trimmed.slice(0, end + 1)).slice(0, 300);
}

/** Each document's server as a small number, and one document per server. */
function serverTable(documents: readonly ToolDocument[]): {
  serverOf: Int32Array;
  servers: Pick<ToolDocument, "server" | "serverDescription">[];
} {
  const numbers = new Map<string, number>();
  const servers: Pick<ToolDocument, "server" | "serverDescription">[] = [];
  const serverOf = new Int32Array(documents.length);
  documents.forEach((doc, d) => {
    let known = numbers.get(doc.server);
    if (known === undefined) {
      known = servers.length;
      numbers.set(doc.server, known);
      servers.push({
        server: doc.server,
        ...(doc.serverDescription ? { serverDescription: doc.serverDescription } : {}),
      });
    }
    serverOf[d] = known;
  });
  return { serverOf, servers };
}

/** Adds a share of each server's best score to all its tools: a task that needs one tool of a server often needs its siblings. */
function boostSiblings(scores: Float64Array, serverOf: Int32Array, serverCount: number, share: number): void {
  const best = new Float64Array(serverCount);
  for (let d = 0; d < scores.length; d++)
    if (scores[d]! > best[serverOf[d]!]!) best[serverOf[d]!] = scores[d]!;
  for (let d = 0; d < scores.length; d++) scores[d]! += share * best[serverOf[d]!]!;
}

/** One document per server for the joint score: its name, description, and its tools' names and leads. */
function jointServerDocuments(
  servers: readonly Pick<ToolDocument, "server" | "serverDescription">[],
  members: readonly (readonly number[])[],
  documents: readonly ToolDocument[],
): ToolDocument[] {
  return servers.map(({ server, serverDescription }, s) => {
    const tools = members[s]!.map(
      (d) => `${documents[d]!.name} ${firstSentence(documents[d]!.description ?? "")}`,
    );
    return { id: server, name: server, server, description: [serverDescription ?? "", ...tools].join(" ") };
  });
}

/**
 * The first {@link SLOT_WINDOW} hits reordered by their tool score plus `weight` times their server's joint
 * score (each scaled to its best); the scores stay where they were, so they stay non-increasing.
 */
function orderWindow(
  hits: readonly RetrievalHit[],
  scores: Float64Array,
  serverScores: Float64Array,
  serverOf: Int32Array,
  weight: number,
): RetrievalHit[] {
  let best = 0;
  for (const score of scores) if (score > best) best = score;
  let bestServer = 0;
  for (const score of serverScores) if (score > bestServer) bestServer = score;
  const key = (doc: number) =>
    (best > 0 ? scores[doc]! / best : 0) +
    (bestServer > 0 ? (weight * serverScores[serverOf[doc]!]!) / bestServer : 0);
  const window = hits.slice(0, SLOT_WINDOW);
  const ordered = window.map((hit) => hit.doc).sort((a, b) => key(b) - key(a) || a - b);
  return [...ordered.map((doc, i) => ({ doc, score: window[i]!.score })), ...hits.slice(SLOT_WINDOW)];
}
