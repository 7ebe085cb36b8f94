/**
 * Writes the scenario report: `results/report.md` with SVG charts beside it (tokens per task in both modes
 * on a log scale, initial context at 10 and 527 tools, machinery beside its raw-engine counterparts), from
 * a bench results file. `pnpm bench` calls it after a run that included the scenarios suite; run alone
 * (`pnpm --filter @codecall/bench report [results.json]`) it rewrites the report from a stored file.
 * Machinery figures come from the same results when that run measured them, else from `latest.json`
 * (and the report says so).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ScenarioFigures } from "../suites/scenarios.js";
import { barChart } from "./svg.js";

interface BenchFile {
  date: string;
  machine: { node: string; platform: string; cpus: number; cpu?: string };
  results: Record<string, unknown>;
}
interface ScenarioResults {
  live: boolean;
  model: string;
  note: string;
  scenarios: ScenarioFigures[];
  initialContext: Array<{
    tools: number;
    codeModeTokens: number;
    classicTokens: number;
    reduction: number;
    peers?: Partial<Record<PeerKey, number | { error: string }>>;
  }>;
}

/** Peers whose initial context the scenarios suite measures (see `peer-context.ts`), as the report names them. */
const PEERS = {
  cloudflareCodemode: "`@cloudflare/codemode` 0.5.6",
  aiSdkCodeMode: "`@ai-sdk/code-mode` 1.0.42",
  utcpCodeModePrompt: "`@utcp/code-mode` 1.2.12: prompt",
  utcpCodeModeWithInterfaces: "`@utcp/code-mode`: prompt + `__interfaces`",
  mcpUseCodeModeTools: "mcp-use 1.34.6 code mode: tools",
  mcpUseCodeModeWithGuide: "mcp-use code mode: tools + guide",
} as const;
type PeerKey = keyof typeof PEERS;

export const GOALS = { dataHeavy: 0.98, light: 0.5, initialContext500: 0.99 } as const;

const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
const n = (v: number) => v.toLocaleString("en-US");
const yes = (ok: boolean) => (ok ? "met" : "**not met**");

/** Writes report.md and the SVGs into `dir`; returns the markdown. */
export function writeReport(
  file: BenchFile,
  dir: string,
  machineryFrom?: { file: BenchFile; path: string },
): string {
  const results = file.results.scenarios as ScenarioResults | undefined;
  if (!results?.scenarios)
    throw new Error("The results hold no scenarios suite: run `pnpm bench scenarios` first.");
  mkdirSync(dir, { recursive: true });
  const all = results.scenarios;
  const md: string[] = [];
  md.push(
    "# codecall scenario report",
    "",
    `Run of ${file.date} on ${file.machine.platform}, Node ${file.machine.node}, ${file.machine.cpus} cores. ` +
      (results.live
        ? `**Live**: Claude (${results.model}) did every task in both modes.`
        : "**Replayed**: no ANTHROPIC_API_KEY was set, so the model's turns are scripted (what a capable model writes, reacting to what the servers return) and played through a local stand-in of the Messages API. The servers, the sandbox, the agent loop and the privacy guard are real."),
    "",
    "Input tokens are counted with `@anthropic-ai/tokenizer` in both modes, from what each request put in front of the model (tool definitions, system text, the conversation so far). **Absolute counts are approximate** (the tokenizer undercounts current Claude models by about 9%); the ratios between modes are what to read. Prompt caching lowers the price of repeated prefixes, not the context the model holds.",
    "",
  );

  // Goals.
  const dataHeavy = all.filter((s) => s.kind === "data-heavy");
  const light = all.filter((s) => s.kind === "light");
  const big = results.initialContext.find((c) => c.tools >= 500);
  md.push("## Goals", "", "| goal | measured | |", "| --- | --- | --- |");
  for (const s of dataHeavy)
    md.push(
      `| data-heavy: ≥ ${pct(GOALS.dataHeavy)} fewer input tokens than classic — ${s.id} | ${pct(s.inputTokenReduction)} fewer (${n(s.code.inputTokens)} vs ${n(s.classic.inputTokens)}) | ${yes(s.inputTokenReduction >= GOALS.dataHeavy)} |`,
    );
  for (const s of light)
    md.push(
      `| light multi-step: ≥ ${pct(GOALS.light)} fewer — ${s.id} | ${pct(s.inputTokenReduction)} fewer (${n(s.code.inputTokens)} vs ${n(s.classic.inputTokens)}) | ${yes(s.inputTokenReduction >= GOALS.light)} |`,
    );
  const missed = dataHeavy.filter((s) => s.inputTokenReduction < GOALS.dataHeavy);
  const met = dataHeavy.filter((s) => s.inputTokenReduction >= GOALS.dataHeavy);
  if (big)
    md.push(
      `| initial context at ${big.tools} tools: ≥ ${pct(GOALS.initialContext500)} smaller than every tool definition | ${pct(big.reduction)} smaller (${n(big.codeModeTokens)} vs ${n(big.classicTokens)}) | ${yes(big.reduction >= GOALS.initialContext500)} |`,
    );
  md.push("");
  for (const s of missed) {
    // Every code-mode request starts with the system text and the meta-tools: a floor no program can lower.
    const floor = s.code.roundTrips * s.code.initialContextTokens;
    const needed = Math.ceil(s.code.inputTokens / (1 - GOALS.dataHeavy));
    md.push(
      `Why \`${s.id}\` misses ${pct(GOALS.dataHeavy)}: code mode's ${s.code.roundTrips} requests each start with the system text, the meta-tools and the prompt (${n(s.code.initialContextTokens)} tokens), a floor of ${n(floor)} tokens before any search result or program; ${pct(GOALS.dataHeavy)} fewer than its ${n(s.code.inputTokens)} tokens would need a classic run of at least ${n(needed)} tokens (${n(Math.ceil(floor / (1 - GOALS.dataHeavy)))} even if searching and the program cost nothing). Its classic run reads the whole input once, ${n(s.classic.inputTokens)} tokens in all: the goal holds for inputs several times larger${met.length ? ` (${met.map((m) => m.id).join(", ")})` : ""}, not for this one. The data is not padded to reach it.`,
      "",
    );
  }

  // Tokens per task.
  writeFileSync(
    join(dir, "tokens-per-task.svg"),
    barChart({
      title: "Model input tokens per task (all turns)",
      unit: "input tokens",
      log: true,
      groups: all.map((s) => ({
        label: s.id,
        values: [
          { series: "code", value: s.code.inputTokens },
          { series: "classic", value: s.classic.inputTokens },
        ],
      })),
    }),
  );
  md.push(
    "## Tokens per task",
    "",
    "![Input tokens per task in code mode and classic mode, log scale](tokens-per-task.svg)",
    "",
    "| task | covers | mode | input tokens | per turn | output | round trips | MCP calls | wall ms | raw PII seen | correct |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const s of all) {
    for (const r of [s.code, s.classic]) {
      const perTurn = r.turns.map((t) => n(t.inputTokens)).join(" / ");
      md.push(
        `| ${r.mode === "code" ? `**${s.id}**` : ""} | ${r.mode === "code" ? s.covers : ""} | ${r.mode} | ${n(r.inputTokens)} | ${perTurn} | ${n(r.outputTokens)} | ${r.roundTrips} | ${r.mcpToolCalls} | ${n(r.wallMs)} | ${r.rawPersonalValuesSeen} | ${r.check.correct ? "yes" : `**no**: ${r.check.problem ?? ""}`} |`,
      );
    }
  }
  md.push(
    "",
    "What each task is, its servers and its ground truth:",
    "",
    ...all.map(
      (s) =>
        `- **${s.id}** (${s.kind}; ${s.servers.join(", ")}): ${s.title}. Expected: ${s.code.check.expected}.`,
    ),
    "",
    "Notes: the classic arm's scripted model is always right, because the script computes the answer exactly from the data in its context; a real model summing thousands of rows in its context is not. " +
      "Two tasks put more than 200,000 tokens in one classic request (the sales sheet), beyond a 200k context window. " +
      "`one-call-weather` is where code mode does not help: one small call is cheapest as a classic tool call. " +
      "`save-resume` keeps its progress where each agent keeps files: code mode in codecall's workspace (`workspace.writeJSON` / `readJSON` in programs, a folder on disk), classic mode through server-filesystem; the MCP calls column leaves out codecall's own workspace calls. " +
      "Wall time is the agent's run with its servers already up: in code mode it includes type-checking each program and the sandbox, and in replay the model answers instantly, so it says little about a live run; it was measured on a shared machine.",
    "",
  );

  // Initial context.
  writeFileSync(
    join(dir, "initial-context.svg"),
    barChart({
      title: "Initial context: code mode vs every tool definition",
      unit: "tokens",
      log: true,
      groups: results.initialContext.map((c) => ({
        label: `${c.tools} tools`,
        values: [
          { series: "code", value: c.codeModeTokens },
          { series: "classic", value: c.classicTokens },
          ...(
            [
              "cloudflareCodemode",
              "aiSdkCodeMode",
              "utcpCodeModeWithInterfaces",
              "mcpUseCodeModeWithGuide",
            ] as const
          ).flatMap((key) => {
            const value = c.peers?.[key];
            const label = {
              cloudflareCodemode: "Cloudflare",
              aiSdkCodeMode: "AI SDK",
              utcpCodeModeWithInterfaces: "UTCP + interfaces",
              mcpUseCodeModeWithGuide: "mcp-use + guide",
            }[key];
            return typeof value === "number" ? [{ series: label, value }] : [];
          }),
        ],
      })),
    }),
  );
  md.push(
    "## Initial context",
    "",
    "The tokens in front of the model before any work, for the first 10 and all 527 real LiveMCPBench tool definitions (served by the scenario catalogue server): code mode's system text and meta-tools against classic mode's tool definitions.",
    "",
    "![Initial context at 10 and 527 tools](initial-context.svg)",
    "",
    `| tools | code mode | classic (every definition) | smaller by | ${Object.values(PEERS).join(" | ")} |`,
    `| --- | --- | --- | --- | ${Object.values(PEERS)
      .map(() => "---")
      .join(" | ")} |`,
    ...results.initialContext.map((c) => {
      const peers = (Object.keys(PEERS) as PeerKey[]).map((key) => {
        const v = c.peers?.[key];
        return typeof v === "number" ? n(v) : v ? `failed: ${v.error}` : "not measured";
      });
      return `| ${c.tools} | ${n(c.codeModeTokens)} | ${n(c.classicTokens)} | ${pct(c.reduction)} | ${peers.join(" | ")} |`;
    }),
    "",
    "Peers, each measured with its own code (pinned versions) for the same tools; only their context, not their executors, runs here. Cloudflare's code mode puts one `codemode` tool in front of the model, its description holding the TypeScript types of every tool (its package entries import `cloudflare:workers`, which Node cannot load, so its type generator and template are loaded from their files). The AI SDK's code mode does the same in one tool with a call example per tool (`buildCodeModeToolDescription`; its executor needs Node 22 and AI SDK 7, so it is loaded from its file against this repo's AI SDK 6). UTCP's code mode gives the model a fixed prompt template and lets programs read every tool's TypeScript interface from `__interfaces`: the prompt alone is what the model holds before work, the second UTCP column is what it holds once it reads the interfaces (its executor needs isolated-vm 6 on Node 22, so the package is loaded against this repo's isolated-vm 5 just for its interface generator). mcp-use's code mode, like codecall's, gives the model a fixed pair of tools (`execute_code`, `search_tools`, listed by its `MCPClient` with `codeMode: true`) that does not grow with the catalogue; the second mcp-use column adds the code-mode guide it ships for the agent's prompt (`CODE_MODE_AGENT_PROMPT`, loaded from its file because the `agent` entry needs LangChain).",
    "",
  );

  // Machinery.
  const source = file.results.executor
    ? { file, path: "this run" }
    : machineryFrom
      ? machineryFrom
      : undefined;
  const executor = source?.file.results.executor as
    | { perExecution?: Record<string, { medianMs: Record<string, number> }> }
    | undefined;
  const mcp = source?.file.results.mcp as Record<string, { codecall: number; bare: number }> | undefined;
  if (executor?.perExecution || mcp) {
    const groups: Array<{ label: string; values: Array<{ series: string; value: number }> }> = [];
    const rows: string[] = [];
    for (const [backend, f] of Object.entries(executor?.perExecution ?? {})) {
      const m = f.medianMs;
      if (m.executor === undefined || m.rawEngine === undefined || m.bareMcpCall === undefined) continue;
      groups.push({
        label: `${backend}: program + 1 call`,
        values: [
          { series: "codecall", value: m.executor },
          { series: "raw counterpart", value: Math.round((m.rawEngine + m.bareMcpCall) * 1000) / 1000 },
        ],
      });
      rows.push(
        `| ${backend}: a program with one tool call | ${m.executor} ms | raw engine (new context, eval, dispose) ${m.rawEngine} ms + bare MCP call ${m.bareMcpCall} ms |`,
      );
    }
    for (const key of ["oneCallMs", "parallel200Ms", "connectMs"]) {
      const f = mcp?.[key];
      if (!f) continue;
      groups.push({
        label: `MCP ${key.replace(/Ms$/, "")}`,
        values: [
          { series: "codecall", value: f.codecall },
          { series: "raw counterpart", value: f.bare },
        ],
      });
      rows.push(`| MCP ${key.replace(/Ms$/, "")} | ${f.codecall} ms | bare MCP SDK client ${f.bare} ms |`);
    }
    writeFileSync(
      join(dir, "machinery.svg"),
      barChart({
        title: "Machinery beside its raw counterparts (median ms)",
        unit: "ms",
        log: true,
        groups,
        format: (v) => String(v),
      }),
    );
    md.push(
      "## Machinery beside the raw engines",
      "",
      `Medians from ${source!.path === "this run" ? "this run" : `\`${source!.path}\` (run of ${source!.file.date}; the scenario figures above are from ${file.date})`}.`,
      "",
      "![Machinery beside raw engines](machinery.svg)",
      "",
      "Raw counterpart: the raw engine (new context, eval, dispose) plus a bare MCP SDK call for a program with one tool call; the bare MCP SDK client for MCP figures.",
      "",
      "| what | codecall | raw counterpart |",
      "| --- | --- | --- |",
      ...rows,
      "",
    );
  }
  const text = `${md.join("\n")}\n`;
  writeFileSync(join(dir, "report.md"), text);
  return text;
}

// Run directly: rewrite the report from a stored results file.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = dirname(fileURLToPath(import.meta.url));
  const resultsDir = join(here, "..", "..", "results");
  const input = process.argv[2] ?? join(resultsDir, "latest.json");
  const file = JSON.parse(readFileSync(input, "utf8")) as BenchFile;
  const latest = join(resultsDir, "latest.json");
  const machinery = existsSync(latest)
    ? { file: JSON.parse(readFileSync(latest, "utf8")) as BenchFile, path: "apps/bench/results/latest.json" }
    : undefined;
  writeReport(file, resultsDir, machinery);
  process.stdout.write(`report written to ${join(resultsDir, "report.md")}\n`);
}
