/**
 * Codegen: time to generate the typed API of the 527 LiveMCPBench tools (goal: median under 2 s), the
 * size in tokens of each discovery detail level per tool (median and max), and what each level costs
 * against the tool's raw MCP JSON (its `tools/list` entry as listed, the same tools on both sides; goals:
 * full at most 0.9x, summary at most 0.3x), counted with `@anthropic-ai/tokenizer` (it undercounts current
 * Claude models by about 9%: compare levels and ratios, not models).
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
  const rawTokens = api.tools.map((t) => countTokens(JSON.stringify(t.definition)));
  const rawTotal = rawTokens.reduce((a, b) => a + b, 0);
  const tokensPerTool = {
    name: tokens("name"),
    summary: tokens("summary"),
    full: tokens("full"),
    mcpToolJson: { median: median(rawTokens), max: Math.max(...rawTokens), total: rawTotal },
  };
  // Ratios of totals (what a catalogue costs), and the median tool's own ratio.
  const ratio = (level: "summary" | "full") => {
    const perTool = api.tools.map((t, i) => countTokens(t.renderings[level]) / rawTokens[i]!);
    return {
      total: round(tokensPerTool[level].total / rawTotal, 3),
      medianTool: round(median(perTool), 3),
      goal: level === "full" ? 0.9 : 0.3,
    };
  };
  const renderingToRawJson = { full: ratio("full"), summary: ratio("summary") };
  tokenizer.free();
  return {
    tools: api.tools.length,
    servers: api.servers.length,
    warnings: api.warnings.length,
    generateMedianMs: round(median(generateMs)),
    generateGoalMs: 2000,
    tokensPerTool,
    renderingToRawJson,
  };
}
