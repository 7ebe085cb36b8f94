export * from "./types.js";
export { analyze, splitWords } from "./analyze.js";
export { SYNONYM_GROUPS, CJK_GLOSSARY } from "./synonyms.js";
export {
  createLexicalRetriever,
  DEFAULT_LEXICAL_FIELDS,
  firstSentence,
  type LexicalField,
  type LexicalOptions,
} from "./lexical.js";
export { createBm25Retriever } from "./baseline.js";
export { type FieldSpec } from "./bm25.js";
export { renderTool } from "./render.js";
export * from "./tool-index.js";
export * from "./file-view.js";
export * from "./from-generated.js";
export * from "./program-tools.js";
export * from "./prompt.js";
export * from "./livemcpbench.js";
export * from "./score.js";
