/**
 * Plain BM25, the floor the lexical ranker is measured against: one bag of words made of the tool's name
 * (split on case and underscores), its description and its parameter names and descriptions; no
 * stemming, stop words, synonyms or field weights.
 */
import { splitWords } from "./analyze.js";
import { Bm25Index, termWeights, topHits } from "./bm25.js";
import { schemaText } from "./schema-text.js";
import type { Retriever, RetrieverIndex, ToolDocument } from "./types.js";
import { Vocabulary } from "./vocabulary.js";

/** Plain BM25 (k1 1.2, b 0.75) over one field; for comparison, not for use. */
export function createBm25Retriever(): Retriever {
  return {
    name: "bm25",
    index(documents): RetrieverIndex {
      const vocabulary = new Vocabulary();
      const index = new Bm25Index(
        documents.map((doc) => [vocabulary.addAll(baselineTerms(doc))]),
        vocabulary,
        { fields: [{ weight: 1, b: 0.75 }], k1: 1.2 },
      );
      return {
        search(query, options) {
          const scores = new Float64Array(index.size);
          index.accumulate(termWeights(splitWords(query)), scores);
          return topHits(scores, options);
        },
      };
    },
  };
}

function baselineTerms(doc: ToolDocument): string[] {
  const params = schemaText(doc.inputSchema);
  return splitWords([doc.name, doc.description ?? "", ...params.names, ...params.descriptions].join(" "));
}
