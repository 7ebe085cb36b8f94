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
  /** Servers named in the system text; the rest are counted. Default 20. */
  maxServers?: number;
  /** Characters kept of each server description. Default 80. */
  maxDescriptionChars?: number;
  /** Include the `list_files` / `read_file` tools. Default true. */
  fileView?: boolean;
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
  const { servers, maxServers = 20, maxDescriptionChars = 80, fileView = true } = options;
  const toolCount = servers.reduce((sum, s) => sum + s.toolCount, 0);
  const shown = servers.slice(0, maxServers).map((s) => {
    const description = s.description ? `: ${cut(oneLine(s.description), maxDescriptionChars)}` : "";
    return `- ${cut(s.name, 60)} (${s.toolCount} tools)${description}`;
  });
  const more = servers.length - shown.length;
  const system = [
    `You can use ${toolCount} tools from ${servers.length} MCP servers by writing TypeScript. Their definitions are not loaded: find the ones you need first.`,
    `1. Call search_tools with a short description of the step (detail "summary"; "full" for the exact types of the tools you will call).`,
    `2. Call execute_code with one program that calls the tools as typed async functions, e.g. \`await github.createIssue({...})\`, and returns only what you need. Intermediate results stay in the program. Inside a program, \`codecall.callTool("codecall.searchTools", {query})\` searches too.`,
    fileView ? `The generated API is also readable as files: list_files("servers/"), then read_file a tool's file.` : "",
    `Servers:`,
    ...shown,
    more > 0 ? `... and ${more} more servers: search_tools finds tools in all of them${fileView ? `; list_files("servers/") lists them` : ""}.` : "",
  ]
    .filter(Boolean)
    .join("\n");
  const tools: AnthropicToolDefinition[] = [
    {
      name: META_TOOL_NAMES.searchTools,
      description: "Search the tool catalogue. Returns the best matching tools, best first.",
      input_schema: {
        type: "object",
        properties: {
          query: { type: "string", description: "What the tool should do, in a few words." },
          detail: {
            type: "string",
            enum: ["name", "summary", "full"],
            description: "name: ids only; summary: signature and first sentence (default); full: typed declaration with docs.",
          },
          limit: { type: "integer", minimum: 1, maximum: 50, description: "Maximum results (default 10)." },
          server: { type: "string", description: "Only tools of this server." },
        },
        required: ["query"],
      },
    },
    {
      name: META_TOOL_NAMES.executeCode,
      description:
        "Run a TypeScript program in a sandbox. Tools are async functions named <server>.<tool>. Return a JSON value; only it and console output come back.",
      input_schema: {
        type: "object",
        properties: { code: { type: "string", description: "The program's source (top-level await allowed)." } },
        required: ["code"],
      },
    },
  ];
  if (fileView) {
    tools.push(
      {
        name: META_TOOL_NAMES.listFiles,
        description: "List a directory of the generated API: servers/, then servers/<server>/.",
        input_schema: {
          type: "object",
          properties: { path: { type: "string", description: 'Directory path, e.g. "servers/".' } },
          required: ["path"],
        },
      },
      {
        name: META_TOOL_NAMES.readFile,
        description: "Read one file of the generated API, e.g. servers/<server>/<tool>.ts.",
        input_schema: {
          type: "object",
          properties: { path: { type: "string", description: "File path from list_files." } },
          required: ["path"],
        },
      },
    );
  }
  return { system, tools };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}
