/**
 * `pnpm demo`: the same task in code mode and in classic mode over real MCP servers, side by side.
 * Without ANTHROPIC_API_KEY the model's turns are replayed through a local stand-in of the Messages API
 * (token counts from @anthropic-ai/tokenizer); with it, Claude does the task live.
 * `--json` prints the report as JSON; `--web [--port N]` serves a page that streams both runs instead.
 * `--list` lists the scenarios; `--scenario <id>` runs one of them instead of the original task;
 * `--backend quickjs|isolated-vm` picks the sandbox.
 */
import { CodecallError } from "@codecall/core";
import { runDemo } from "./demo.js";
import { TASK } from "./scenario.js";
import {
  ACME_SCENARIO,
  availableBackends,
  type BackendName,
  listScenarios,
  runScenarioDemo,
  type ScenarioDemoReport,
} from "./scenarios.js";

const option = (name: string) => {
  const at = process.argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (at === -1) return undefined;
  return process.argv[at]!.includes("=") ? process.argv[at]!.slice(name.length + 1) : process.argv[at + 1];
};

if (process.argv.includes("--list")) await listAll();
else if (process.argv.includes("--web")) await serveWeb();
else if (option("--scenario") && option("--scenario") !== ACME_SCENARIO.id)
  await printScenario(option("--scenario")!);
else await printComparison();

async function listAll(): Promise<void> {
  for (const s of listScenarios()) process.stdout.write(`${s.id.padEnd(22)} ${s.covers}\n`);
  process.stdout.write(`\nbackends here: ${(await availableBackends()).join(", ")}\n`);
}

/** `--scenario <id>`: one scenario of the suite in both modes, then the comparison. */
async function printScenario(id: string): Promise<void> {
  const json = process.argv.includes("--json");
  const say = (text: string) => {
    if (!json) process.stdout.write(`${text}\n`);
  };
  const summary = listScenarios().find((s) => s.id === id);
  say(`codecall demo — ${summary?.title ?? id}\ntask: ${summary?.task ?? ""}\n`);
  let report: ScenarioDemoReport;
  try {
    report = await runScenarioDemo({
      scenario: id,
      backend: (option("--backend") ?? "quickjs") as BackendName,
      onEvent: (mode, event) => {
        if (json) return;
        if (event.type === "tool-use") say(`  [${mode}] model calls ${event.name}`);
        else if (event.type === "tool-call") say(`  [${mode}]   program calls ${event.name}`);
        else if (event.type === "tool-use-result" && event.isError)
          say(`  [${mode}]   error: ${event.content.slice(0, 120)}`);
      },
    });
  } catch (error) {
    if (!CodecallError.isInstance(error)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const rows: Array<[string, (r: ScenarioDemoReport["code"]) => string | number]> = [
    ["model round trips", (r) => r.roundTrips],
    ["input tokens (all turns)", (r) => r.inputTokens],
    ["input tokens per turn", (r) => r.turns.map((t) => t.inputTokens).join(" / ")],
    ["output tokens", (r) => r.outputTokens],
    ["MCP tool calls", (r) => r.mcpToolCalls],
    ["raw emails/phones seen by the model", (r) => r.rawPersonalValuesSeen],
    ["wall time (ms)", (r) => r.wallMs],
    ["answer correct", (r) => (r.check.correct ? "yes" : `no: ${r.check.problem}`)],
  ];
  say(
    `\n${report.live ? `live, ${report.model}` : "replayed model turns (no ANTHROPIC_API_KEY): tokens counted offline, approximate"}; ${report.backend} sandbox\n`,
  );
  say(`${"".padEnd(38)}${"code mode".padStart(24)}${"classic".padStart(40)}`);
  for (const [label, get] of rows)
    say(
      `${label.padEnd(38)}${String(get(report.code)).padStart(24)}${String(get(report.classic)).padStart(40)}`,
    );
  say(
    `\ncode mode used ${report.inputTokenRatio.toFixed(1)}x fewer input tokens. Ground truth: ${report.code.check.expected}.`,
  );
  say(`\ncode mode answer: ${report.code.answer}`);
}

/** `--web [--port N]`: serve the page until Ctrl-C, which cancels a run in progress and cleans up. */
async function serveWeb(): Promise<void> {
  const { parsePort, startDemoServer } = await import("./web.js");
  let server: Awaited<ReturnType<typeof startDemoServer>>;
  try {
    server = await startDemoServer({ port: parsePort(process.argv) });
  } catch (error) {
    if (!CodecallError.isInstance(error)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stdout.write(`codecall demo on ${server.url} — open it and press Run. Ctrl-C stops it.\n`);
  const stop = () => {
    process.stdout.write("\nstopping…\n");
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

async function printComparison(): Promise<void> {
  const json = process.argv.includes("--json");
  const say = (text: string) => {
    if (!json) process.stdout.write(`${text}\n`);
  };

  say(`codecall demo — task: ${TASK}\n`);
  const report = await runDemo({
    onEvent: (mode, event) => {
      if (json) return;
      if (event.type === "tool-use") say(`  [${mode}] model calls ${event.name}`);
      else if (event.type === "program-start") say(`  [${mode}] program runs in the QuickJS sandbox`);
      else if (event.type === "tool-call") say(`  [${mode}]   program calls ${event.name}`);
    },
  });

  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const rows: Array<[string, (r: typeof report.code) => string | number]> = [
      ["model round trips", (r) => r.roundTrips],
      ["context tokens (all turns)", (r) => r.contextTokens],
      ["  of which read from cache", (r) => r.cacheReadTokens],
      ["output tokens", (r) => r.outputTokens],
      ["raw emails/phones seen by the model", (r) => r.rawValuesSeenByModel],
      ["model time (ms)", (r) => r.wallMs],
    ];
    say(
      `\n${report.live ? `live, ${report.model}` : "replayed model turns (no ANTHROPIC_API_KEY): tokens counted offline"}\n`,
    );
    say(`${"".padEnd(38)}${"code mode".padStart(12)}${"classic".padStart(12)}`);
    for (const [label, get] of rows)
      say(
        `${label.padEnd(38)}${String(get(report.code)).padStart(12)}${String(get(report.classic)).padStart(12)}`,
      );
    const ratio = report.classic.contextTokens / Math.max(1, report.code.contextTokens);
    say(`\ncode mode used ${ratio.toFixed(1)}x fewer context tokens.`);
    say(
      `memory server holds ${report.memoryCheck.contacts} contacts, ${report.memoryCheck.withRealEmail} with their real email (restored from tokens).`,
    );
    say(`\ncode mode answer: ${report.code.answer}`);
  }
}
