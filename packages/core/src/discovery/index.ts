export { analyze, splitWords } from "./analyze.js";
export { createBm25Retriever } from "./baseline.js";
export * from "./bench.js";
export type { FieldSpec } from "./bm25.js";
export * from "./cross-validate.js";
export * from "./embedding.js";
export * from "./file-view.js";
export * from "./from-generated.js";
export { reciprocalRankFusion, searchQueries } from "./fusion.js";
export {
  clauses,
  createLexicalRetriever,
  DEFAULT_LEXICAL_FIELDS,
  DEFAULT_LEXICAL_OPTIONS,
  firstSentence,
  type LexicalField,
  type LexicalOptions,
} from "./lexical.js";
export * from "./livemcpbench.js";
export { nearestToolNames } from "./nearest.js";
export * from "./program-tools.js";
export * from "./prompt.js";
export { renderTool } from "./render.js";
export * from "./score.js";
export * from "./tool-index.js";
export * from "./types.js";
