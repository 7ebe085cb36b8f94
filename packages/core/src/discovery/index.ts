export { analyze, splitWords } from "./analyze.js";
export { createBm25Retriever } from "./baseline.js";
export type { FieldSpec } from "./bm25.js";
export * from "./file-view.js";
export * from "./from-generated.js";
export {
  createLexicalRetriever,
  DEFAULT_LEXICAL_FIELDS,
  firstSentence,
  type LexicalField,
  type LexicalOptions,
} from "./lexical.js";
export * from "./livemcpbench.js";
export * from "./program-tools.js";
export * from "./prompt.js";
export { renderTool } from "./render.js";
export * from "./score.js";
export { CJK_GLOSSARY, SYNONYM_GROUPS } from "./synonyms.js";
export * from "./tool-index.js";
export * from "./types.js";
