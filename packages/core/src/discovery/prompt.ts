/**
 * The model's starting context: a short system text naming the servers, and the meta-tool definitions in
 * Anthropic's tool format. No tool schema is in it, and its size does not grow with the catalogue: the
 * server list is capped and descriptions are cut.
 */
import type { ServerSummary } from "./tool-index.js";

/** A tool definition in Anthropic's Messages API format. */
export interface AnthropicToolDefinition {
  name: string;
  description: string;
  input_schema: { type: "object"; properties: Record<string, unknown>; required?: string[] };
}

/** Options of {@link buildInitialPrompt}. */
export interface InitialPromptOptions {
  servers: readonly ServerSummary[];
  /** Servers named in the system text; the rest are counted. Default 15. */
  maxServers?: number;
  /** Characters kept of each server description. Default 60. */
  maxDescriptionChars?: number;
  /**
   * Size budget of the server list, in ASCII characters; a non-ASCII character counts 4 (CJK text costs
   * about one token per character). Default 1,200, about 300 tokens.
   */
  listBudget?: number;
  /** Include the `list_files` / `read_file` tools. Default true. */
  fileView?: boolean;
  /** Programs have the `workspace` and `skills` globals: say so. Default false. */
  workspace?: boolean;
}

/** The system text and the meta-tools. */
export interface InitialPrompt {
  system: string;
  tools: AnthropicToolDefinition[];
}

/** The meta-tool names. */
export const META_TOOL_NAMES = {
  searchTools: "search_tools",
  executeCode: "execute_code",
  listFiles: "list_files",
  readFile: "read_file",
} as const;

/** Builds the initial prompt: constant in size whatever the catalogue's size. */
export function buildInitialPrompt(options: InitialPromptOptions): InitialPrompt {
  const {
    servers,
    maxServers = 15,
    maxDescriptionChars = 60,
    listBudget = 1200,
    fileView = true,
    workspace = false,
  } = options;
  const toolCount = servers.reduce((sum, s) => sum + s.toolCount, 0);
  const shown: string[] = [];
  let spent = 0;
  for (const s of servers.slice(0, maxServers)) {
    const description = s.description ? `: ${cut(oneLine(s.description), maxDescriptionChars)}` : "";
    const line = `- ${cut(s.name, 60)} (${s.toolCount} tools)${description}`;
    spent += weight(line);
    if (spent > listBudget) break;
    shown.push(line);
  }
  const more = servers.length - shown.length;
  const system = [
    `You can use ${toolCount} tools from ${servers.length} MCP servers through TypeScript. Their definitions are not loaded.`,
    `1. search_tools finds tools; give one query per sub-task (\`query: ["find flights", "send an email"]\`); detail "full" gives exact types.`,
    `2. execute_code runs one program that calls them as async functions (\`await server.tool({...})\`) and returns only what you need; intermediate results stay in the program, which can also search with \`await codecall.searchTools({query})\` (typed results: id, name, text).`,
    fileView ? `The API is also readable as files: list_files("servers/"), then read_file.` : "",
    workspace
      ? `Programs keep files between runs with \`workspace\` (readFile, writeFile, readJSON, writeJSON, list, remove). Save a function that worked with \`skills.save({ name, description, code })\` and reuse it later with \`import { fn } from "./skills/<name>"\`; search_tools finds saved skills.`
      : "",
    `Servers:`,
    ...shown,
    more > 0
      ? `... and ${more} more servers: search_tools finds tools in all of them${fileView ? `; list_files("servers/") lists them` : ""}.`
      : "",
  ]
    .filter(Boolean)
    .join("\n");
  // The system text says how the tools fit together; each definition says only what its own call needs.
  // Bounds are checked with a clear error (TOOL_ARGS_INVALID), so the schemas state them in words.
  const tools: AnthropicToolDefinition[] = [
    {
      name: META_TOOL_NAMES.searchTools,
      description: "Find tools by what they do, best first.",
      input_schema: {
        type: "object",
        properties: {
          query: {
            anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }],
            description: "A few words; or up to 10, one per sub-task (searched separately, results merged).",
          },
          detail: {
            type: "string",
            enum: ["name", "summary", "full"],
            description:
              "name: ids; summary (default): signature and first sentence; full: typed declaration.",
          },
          limit: { type: "integer", description: "Results, default 10, at most 50." },
          server: { type: "string", description: "Only this server's tools." },
        },
        required: ["query"],
      },
    },
    {
      name: META_TOOL_NAMES.executeCode,
      description:
        "Run a TypeScript program in a sandbox; tools are async functions `<server>.<tool>(input)`, top-level await works. Returns its JSON result and logs.",
      input_schema: { type: "object", properties: { code: { type: "string" } }, required: ["code"] },
    },
  ];
  if (fileView) {
    const path = () => ({
      type: "object" as const,
      properties: { path: { type: "string" } },
      required: ["path"],
    });
    tools.push(
      {
        name: META_TOOL_NAMES.listFiles,
        description: "List a directory of the generated API (servers/, servers/<server>/).",
        input_schema: path(),
      },
      {
        name: META_TOOL_NAMES.readFile,
        description: "Read a file of the generated API (servers/<server>/<tool>.ts).",
        input_schema: path(),
      },
    );
  }
  return { system, tools };
}

/** Rough size: ASCII characters count 1, others 4. */
function weight(text: string): number {
  let out = 0;
  for (const ch of text) out += ch.charCodeAt(0) < 128 ? 1 : 4;
  return out;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}
