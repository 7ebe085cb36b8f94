/**
 * The scenario suite (`@codecall/scenarios`): every task in code mode and in classic mode over real MCP
 * servers, through the real agent loop. Without ANTHROPIC_API_KEY the model's turns are replayed through
 * the local Messages stand-in; with it, Claude does the tasks live (the figures say which). Tokens are
 * counted with @anthropic-ai/tokenizer in both modes (absolute counts are approximate; compare ratios).
 * Also: the initial context for a catalogue of 10 and of 527 real tool definitions, with the context
 * Cloudflare's code mode gives the model for the same tools (`peer-context.ts`).
 */
import {
  catalogueTools,
  countTokens,
  initialContext,
  liveByDefault,
  type ModeRun,
  runScenario,
  scenarios,
} from "@codecall/scenarios";
import {
  aiSdkCodeModeContext,
  cloudflareCodemodeContext,
  mcpUseCodeModeContext,
  utcpCodeModeContext,
} from "../peer-context.js";
import { round } from "../stats.js";

export const name = "scenarios";

export interface ScenarioFigures {
  id: string;
  title: string;
  kind: string;
  covers: string;
  servers: readonly string[];
  code: ModeRun;
  classic: ModeRun;
  /** 1 - code / classic, over all input tokens. */
  inputTokenReduction: number;
}

export async function run(): Promise<Record<string, unknown>> {
  const live = liveByDefault();
  const figures: ScenarioFigures[] = [];
  for (const scenario of scenarios) {
    process.stderr.write(`  ${scenario.id} ...\n`);
    const code = await runScenario(scenario, "code", { live });
    const classic = await runScenario(scenario, "classic", { live });
    figures.push({
      id: scenario.id,
      title: scenario.title,
      kind: scenario.kind,
      covers: scenario.covers,
      servers: scenario.servers,
      code,
      classic,
      inputTokenReduction: round(1 - code.inputTokens / classic.inputTokens, 4),
    });
  }
  const context = [];
  const measured = <T>(work: Promise<T>, count: (value: T) => number) =>
    work.then(count, (error: unknown) => ({ error: String(error) }));
  for (const tools of [10, 527]) {
    const c = await initialContext(tools);
    const catalogue = catalogueTools().slice(0, tools);
    const peers = {
      cloudflareCodemode: await measured(cloudflareCodemodeContext(catalogue), countTokens),
      aiSdkCodeMode: await measured(aiSdkCodeModeContext(catalogue), countTokens),
      // UTCP's prompt is all the model holds before work; the interfaces come when a program reads them.
      utcpCodeModePrompt: await measured(utcpCodeModeContext(catalogue, "catalogue"), (u) =>
        countTokens(u.prompt),
      ),
      utcpCodeModeWithInterfaces: await measured(
        utcpCodeModeContext(catalogue, "catalogue"),
        (u) => countTokens(u.prompt) + countTokens(u.interfaces),
      ),
      // mcp-use's two code-mode tools alone, and with the code-mode guide it ships for the agent's prompt.
      mcpUseCodeModeTools: await measured(mcpUseCodeModeContext(), (u) => countTokens(u.tools)),
      mcpUseCodeModeWithGuide: await measured(
        mcpUseCodeModeContext(),
        (u) => countTokens(u.tools) + countTokens(u.guide),
      ),
    };
    context.push({ ...c, reduction: round(c.reduction, 4), peers });
  }
  return {
    live,
    model: live ? (process.env.CODECALL_MODEL ?? "claude-sonnet-5-5") : "replayed",
    note: live
      ? "Live model turns; tokens recounted with @anthropic-ai/tokenizer in both modes (approximate: it undercounts current models ~9%)."
      : "Replayed, scripted model turns through the local Messages stand-in; tokens counted with @anthropic-ai/tokenizer in both modes (approximate: it undercounts current models ~9%; compare ratios).",
    scenarios: figures,
    initialContext: context,
  };
}
