/**
 * Codegen: time to generate the typed API of the 527 LiveMCPBench tools (goal: median under 2 s), and the
 * size in tokens of each discovery detail level per tool (median and max), counted with
 * `@anthropic-ai/tokenizer` (it undercounts current Claude models by about 9%: compare levels, not models).
 */
import { readFileSync } from "node:fs";
import { getTokenizer } from "@anthropic-ai/tokenizer";
import { generateApi, type ServerDefinition, type ToolDefinition } from "@codecall/codegen";
import { median, round, timeRuns } from "../stats.js";

export const name = "codegen";

function liveMcpBenchServers(): ServerDefinition[] {
  type Entry = { tools: Record<string, { server_name: string; tools: ToolDefinition[] }> };
  const url = new URL("../../../../data/livemcpbench/tools.json", import.meta.url);
  const entries = JSON.parse(readFileSync(url, "utf8")) as Entry[];
  return entries.flatMap((e) => Object.values(e.tools).map((s) => ({ name: s.server_name, tools: s.tools })));
}

export async function run(): Promise<Record<string, unknown>> {
  const servers = liveMcpBenchServers();
  const generateMs = await timeRuns(() => generateApi(servers), 10, 2);
  const api = generateApi(servers);
  // One tokenizer for every count: `countTokens` builds (and frees) a new one per call.
  const tokenizer = getTokenizer();
  const countTokens = (text: string) => tokenizer.encode(text.normalize("NFKC"), "all").length;
  const tokens = (level: "name" | "summary" | "full") => {
    const counts = api.tools.map((t) => countTokens(t.renderings[level]));
    return { median: median(counts), max: Math.max(...counts), total: counts.reduce((a, b) => a + b, 0) };
  };
  const schemaTokens = api.tools.map((t) =>
    countTokens(
      JSON.stringify({
        name: t.name,
        description: t.definition.description,
        inputSchema: t.definition.inputSchema,
      }),
    ),
  );
  const tokensPerTool = {
    name: tokens("name"),
    summary: tokens("summary"),
    full: tokens("full"),
    mcpToolJson: {
      median: median(schemaTokens),
      max: Math.max(...schemaTokens),
      total: schemaTokens.reduce((a, b) => a + b, 0),
    },
  };
  tokenizer.free();
  return {
    tools: api.tools.length,
    servers: api.servers.length,
    warnings: api.warnings.length,
    generateMedianMs: round(median(generateMs)),
    generateGoalMs: 2000,
    tokensPerTool,
  };
}
