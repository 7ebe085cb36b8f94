/**
 * The shapes discovery works on. A catalogue is a list of plain {@link ToolDocument}s, so the index does
 * not depend on how tools were found or rendered; `fromGeneratedApi` builds them from codegen's output.
 */

/** How much of a tool a search result shows. */
export type Detail = "name" | "summary" | "full";

/** The three texts a tool can be shown as, from least to most detailed. */
export interface ToolRenderings {
  /** The callable name, e.g. `github.createIssue`. */
  name: string;
  /** One line: the signature and the first sentence of the description. */
  summary: string;
  /** The complete typed declaration with its docs. */
  full: string;
}

/** One tool as discovery sees it: what is searched and what is shown. */
export interface ToolDocument {
  /** Unique in the catalogue; what a program calls (`<serverIdent>.<toolIdent>`). */
  id: string;
  /** The tool's name as its MCP server declares it. */
  name: string;
  /** The server's name. */
  server: string;
  serverDescription?: string;
  title?: string;
  description?: string;
  /** The tool's JSON Schema for its arguments; parameter names and descriptions are searched. */
  inputSchema?: unknown;
  /** The tool's JSON Schema for its result, when it declares one; its field names are searched too. */
  outputSchema?: unknown;
  /** Ready-made texts for each detail level; built from the other fields when absent. */
  renderings?: ToolRenderings;
}

/** One ranked result of a {@link RetrieverIndex}. */
export interface RetrievalHit {
  /** The position of the document in the list given to {@link Retriever.index}. */
  doc: number;
  /**
   * Higher is better; only the order matters across retrievers. Scores never increase down a list, but
   * where the lexical ranker moves tools into its first five (server slots, joint server order) the
   * scores keep their places, so a hit's score may be one another tool earned.
   */
  score: number;
}

/** What a search may be narrowed by. */
export interface RetrievalOptions {
  /** At most this many hits. */
  limit: number;
  /** Only documents for which this returns true (by position). */
  filter?: (doc: number) => boolean;
}

/** A catalogue prepared for search by a {@link Retriever}. */
export interface RetrieverIndex {
  /** Hits best first; ties are broken deterministically. May be async (an embedding call, say). */
  search(query: string, options: RetrievalOptions): RetrievalHit[] | Promise<RetrievalHit[]>;
}

/**
 * The one plug-in point for ranking: turns a catalogue into something searchable. The lexical ranker
 * ({@link createLexicalRetriever}) is the default; a user can supply embeddings from their provider, say,
 * without touching the rest.
 */
export interface Retriever {
  /** Short, stable name for reports (`lexical`, `bm25`, `openai-embeddings`). */
  readonly name: string;
  index(documents: readonly ToolDocument[]): RetrieverIndex | Promise<RetrieverIndex>;
}
