/**
 * The default ranker: BM25F over weighted fields (the tool's name split into words, its description, its
 * parameters, its server), with stemming, tool-vocabulary synonyms and CJK handling (see `analyze.ts`).
 */
import { analyze, splitWords, stem, TermAnalyzer } from "./analyze.js";
import { Bm25Index, type FieldSpec, termWeights, topHits } from "./bm25.js";
import { schemaText } from "./schema-text.js";
import { SYNONYM_GROUPS } from "./synonyms.js";
import type { Retriever, RetrieverIndex, ToolDocument } from "./types.js";
import { Vocabulary } from "./vocabulary.js";

/** Weights of the lexical ranker; the defaults were chosen on half the dev tasks and checked on the other. */
export interface LexicalOptions {
  /** Field weights and length normalisation. */
  fields?: Partial<Record<LexicalField, FieldSpec>>;
  /** BM25 saturation. Default 1.2. */
  k1?: number;
  /** Weight of a synonym relative to the word the query used. Default 0.5. */
  synonymWeight?: number;
  /** Weight of words inside paths and URLs in the query (`/root/pdf/a.md`). Default 0.3. */
  pathWeight?: number;
  /** Share of the best score in a server added to every tool of that server (siblings work together). Default 0.3. */
  serverBoost?: number;
  /** Groups of interchangeable words; replaces the built-in table. */
  synonyms?: readonly (readonly string[])[];
}

/** The fields the lexical ranker indexes. */
export type LexicalField = "name" | "lead" | "description" | "parameters" | "server";

const FIELD_ORDER: readonly LexicalField[] = ["name", "lead", "description", "parameters", "server"];

/** Default field weights. */
export const DEFAULT_LEXICAL_FIELDS: Readonly<Record<LexicalField, FieldSpec>> = {
  name: { weight: 3, b: 0.5 },
  lead: { weight: 1, b: 0.75 },
  description: { weight: 0.5, b: 0.75 },
  parameters: { weight: 0.5, b: 0.75 },
  server: { weight: 0.6, b: 0.5 },
};

/** The default ranker; see {@link LexicalOptions} for its knobs. */
export function createLexicalRetriever(options: LexicalOptions = {}): Retriever {
  const fields = FIELD_ORDER.map((field) => options.fields?.[field] ?? DEFAULT_LEXICAL_FIELDS[field]);
  const k1 = options.k1 ?? 1.2;
  const synonymWeight = options.synonymWeight ?? 0.5;
  const pathWeight = options.pathWeight ?? 0.3;
  const serverBoost = options.serverBoost ?? 0.3;
  const synonyms = synonymTable(options.synonyms ?? SYNONYM_GROUPS);
  return {
    name: "lexical",
    index(documents): RetrieverIndex {
      const vocabulary = new Vocabulary();
      const analyzer = new TermAnalyzer(vocabulary);
      const fieldIds = documents.map((doc) => lexicalFields(doc).map((text) => analyzer.ids(text)));
      const index = new Bm25Index(fieldIds, vocabulary, { fields, k1 });
      const serverOf = serverNumbers(documents);
      const serverCount = serverOf.reduce((max, s) => Math.max(max, s + 1), 0);
      return {
        search(query, searchOptions) {
          const scores = new Float64Array(index.size);
          index.accumulate(expandQuery(query, synonyms, synonymWeight, pathWeight), scores);
          if (serverBoost > 0) boostSiblings(scores, serverOf, serverCount, serverBoost);
          return topHits(scores, searchOptions);
        },
      };
    },
  };
}

/** The texts of one document's fields, in {@link FIELD_ORDER}. */
function lexicalFields(doc: ToolDocument): string[] {
  const params = schemaText(doc.inputSchema);
  return [
    doc.title ? `${doc.name} ${doc.title}` : doc.name,
    firstSentence(doc.description ?? ""),
    doc.description ?? "",
    `${params.names.join(" ")} ${params.descriptions.join(" ")}`,
    doc.serverDescription ? `${doc.server} ${doc.serverDescription}` : doc.server,
  ];
}

/**
 * Query terms with weights: each distinct word counts once (long questions repeat words), and each
 * synonym of a word adds a weaker term unless the query already has it. A synonym is weaker than the
 * word it comes from, so synonyms of path words (`/root/pdf/a.md` → document) stay below path weight;
 * a synonym of several query words takes the strongest.
 */
function expandQuery(
  query: string,
  synonyms: Map<string, string[]>,
  synonymWeight: number,
  pathWeight: number,
): Map<string, number> {
  const chunks = query.split(/\s+/);
  const isPath = (chunk: string) => /[/\\]|:\/\/|\w\.\w{1,5}$/.test(chunk);
  const terms = termWeights([...new Set(analyze(chunks.filter((c) => !isPath(c)).join(" ")))]);
  for (const term of analyze(chunks.filter(isPath).join(" ")))
    if (!terms.has(term)) terms.set(term, pathWeight);
  const own = new Map(terms);
  for (const [term, weight] of own) {
    for (const related of synonyms.get(term) ?? []) {
      if (!own.has(related)) terms.set(related, Math.max(terms.get(related) ?? 0, synonymWeight * weight));
    }
  }
  return terms;
}

/** The description's first sentence: what the tool does, before usage notes and caveats. */
export function firstSentence(text: string): string {
  const trimmed = text.trim();
  const end = trimmed.search(/[.!?。！？](\s|$)|\n\s*\n/);
  return (end === -1 ? trimmed : trimmed.slice(0, end + 1)).slice(0, 300);
}

/** Each document's server as a small number. */
function serverNumbers(documents: readonly ToolDocument[]): number[] {
  const numbers = new Map<string, number>();
  return documents.map((doc) => {
    const known = numbers.get(doc.server);
    if (known !== undefined) return known;
    numbers.set(doc.server, numbers.size);
    return numbers.size - 1;
  });
}

/** Adds a share of each server's best score to all its tools: a task that needs one tool of a server often needs its siblings. */
function boostSiblings(
  scores: Float64Array,
  serverOf: readonly number[],
  serverCount: number,
  share: number,
): void {
  const best = new Float64Array(serverCount);
  for (let d = 0; d < scores.length; d++)
    if (scores[d]! > best[serverOf[d]!]!) best[serverOf[d]!] = scores[d]!;
  for (let d = 0; d < scores.length; d++) scores[d]! += share * best[serverOf[d]!]!;
}

/** stem -> stems of every word sharing a group with it. */
function synonymTable(groups: readonly (readonly string[])[]): Map<string, string[]> {
  const table = new Map<string, Set<string>>();
  for (const group of groups) {
    const stems = [...new Set(group.flatMap((word) => splitWords(word)).map(stem))];
    for (const a of stems) {
      const set = table.get(a) ?? new Set<string>();
      table.set(a, set);
      for (const b of stems) if (b !== a) set.add(b);
    }
  }
  return new Map([...table].map(([key, set]) => [key, [...set]]));
}
