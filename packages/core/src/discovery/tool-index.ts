/** The searchable catalogue: a retriever over tool documents, with rendering at three detail levels. */
import { CodecallError } from "../errors.js";
import { searchQueries } from "./fusion.js";
import { createLexicalRetriever } from "./lexical.js";
import { renderTool } from "./render.js";
import type { Detail, Retriever, RetrieverIndex, ToolDocument } from "./types.js";

/** Options of {@link createToolIndex}. */
export interface ToolIndexOptions {
  /** The ranker; {@link createLexicalRetriever} by default. */
  retriever?: Retriever;
}

/** What {@link ToolIndex.search} takes besides the query. */
export interface SearchToolsOptions {
  /** `name` (names only), `summary` (signature and first sentence) or `full` (the typed declaration). Default `summary`. */
  detail?: Detail;
  /** At most this many results, 1 to 50. Default 10. */
  limit?: number;
  /** Only tools of this server (its name or the identifier that prefixes tool ids). */
  server?: string;
}

/** One search result. */
export interface ToolSearchResult {
  /** What a program calls. */
  id: string;
  server: string;
  /** The tool's MCP name. */
  name: string;
  score: number;
  /** The tool rendered at the requested detail. */
  text: string;
}

/** A server of the catalogue, as the initial prompt and the file view name it. */
export interface ServerSummary {
  name: string;
  description?: string;
  toolCount: number;
}

/** A prepared catalogue. Build one with {@link createToolIndex}. */
export interface ToolIndex {
  /** The documents, sorted by id (ties in ranking go to the smaller id). */
  readonly documents: readonly ToolDocument[];
  readonly servers: readonly ServerSummary[];
  /**
   * Tools for a query, best first. A list of queries (one per sub-task) is searched query by query and
   * the rankings fused, so each sub-task's tools make the list.
   */
  search(query: string | readonly string[], options?: SearchToolsOptions): Promise<ToolSearchResult[]>;
  /** One tool by id at `detail` (default `full`); fails with TOOL_NOT_FOUND. */
  describe(id: string, detail?: Detail): string;
  /** One tool by id, or undefined. */
  get(id: string): ToolDocument | undefined;
}

const MAX_LIMIT = 50;
/** Queries one search may fuse. */
const MAX_QUERIES = 10;

/** Indexes a catalogue. Ids must be unique; documents are sorted by id so ranking ties break the same way always. */
export async function createToolIndex(
  documents: readonly ToolDocument[],
  options: ToolIndexOptions = {},
): Promise<ToolIndex> {
  const sorted = [...documents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byId = new Map<string, number>();
  sorted.forEach((doc, i) => {
    if (byId.has(doc.id)) {
      throw new CodecallError("CONFIG_INVALID", `Two tools have the id "${doc.id}".`, {
        hint: "Give every tool document a unique id (<server>.<tool>).",
      });
    }
    byId.set(doc.id, i);
  });
  const retrieverIndex: RetrieverIndex = await (options.retriever ?? createLexicalRetriever()).index(sorted);
  return {
    documents: sorted,
    servers: summarizeServers(sorted),
    async search(query, searchOptions = {}) {
      const { detail, limit, server } = checkSearch(query, searchOptions);
      const filter = server === undefined ? undefined : (doc: number) => inServer(sorted[doc]!, server);
      if (server !== undefined && !sorted.some((doc) => inServer(doc, server))) {
        throw new CodecallError("TOOL_ARGS_INVALID", `No server is named "${server}".`, {
          hint: "Leave out `server` to search every server, or use a server name from the list you were given.",
          details: { server },
        });
      }
      const hits = await searchQueries(retrieverIndex, query, { limit, ...(filter ? { filter } : {}) });
      return hits.map(({ doc, score }) => {
        const tool = sorted[doc]!;
        return { id: tool.id, server: tool.server, name: tool.name, score, text: renderTool(tool, detail) };
      });
    },
    describe(id, detail = "full") {
      const doc = typeof id === "string" ? sorted[byId.get(id) ?? -1] : undefined;
      if (!doc) {
        throw new CodecallError("TOOL_NOT_FOUND", `No tool has the id "${String(id)}".`, {
          hint: "Search with search_tools and use an id from its results.",
          details: { tool: String(id) },
        });
      }
      return renderTool(doc, checkDetail(detail));
    },
    get(id) {
      return sorted[byId.get(id) ?? -1];
    },
  };
}

function inServer(doc: ToolDocument, server: string): boolean {
  return doc.server === server || doc.id.startsWith(`${server}.`);
}

function summarizeServers(documents: readonly ToolDocument[]): ServerSummary[] {
  const servers = new Map<string, ServerSummary>();
  for (const doc of documents) {
    const entry = servers.get(doc.server);
    if (entry) entry.toolCount++;
    else {
      servers.set(doc.server, {
        name: doc.server,
        ...(doc.serverDescription ? { description: doc.serverDescription } : {}),
        toolCount: 1,
      });
    }
  }
  return [...servers.values()];
}

function checkSearch(query: unknown, options: SearchToolsOptions) {
  const ok = (q: unknown) => typeof q === "string" && q.trim() !== "";
  if (
    !(
      ok(query) ||
      (Array.isArray(query) && query.length > 0 && query.length <= MAX_QUERIES && query.every(ok))
    )
  ) {
    throw new CodecallError(
      "TOOL_ARGS_INVALID",
      `search_tools needs a \`query\`: a non-empty string, or a list of 1 to ${MAX_QUERIES} of them (one per sub-task).`,
      {
        hint: 'Describe the task in a few words, e.g. `query: "create a github issue"`, or its steps: `query: ["weather in Paris", "send an email"]`.',
      },
    );
  }
  const limit = options.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new CodecallError("TOOL_ARGS_INVALID", `\`limit\` must be a whole number from 1 to ${MAX_LIMIT}.`, {
      details: { limit },
    });
  }
  if (options.server !== undefined && typeof options.server !== "string") {
    throw new CodecallError("TOOL_ARGS_INVALID", "`server` must be a server name (a string).");
  }
  return { detail: checkDetail(options.detail ?? "summary"), limit, server: options.server };
}

function checkDetail(detail: unknown): Detail {
  if (detail === "name" || detail === "summary" || detail === "full") return detail;
  throw new CodecallError(
    "TOOL_ARGS_INVALID",
    `\`detail\` must be "name", "summary" or "full", not ${JSON.stringify(detail)}.`,
  );
}
