/**
 * The agent on the demo task, code mode against classic mode over the same real MCP servers, replaying the
 * recorded model turns through the local Messages stand-in (tokens counted with @anthropic-ai/tokenizer).
 * Reports context tokens, output tokens, round trips, and raw personal values that reached the model.
 */
import { type DemoReport, runDemo } from "@codecall/demo/demo";
import { median, round } from "../stats.js";

export const name = "agent";

export async function run(): Promise<Record<string, unknown>> {
  const runs: DemoReport[] = [];
  for (let i = 0; i < 5; i++) runs.push(await runDemo({ live: false, model: "claude-replay" }));
  const last = runs[runs.length - 1]!;
  const ms = (mode: "code" | "classic") => round(median(runs.map((r) => r[mode].wallMs)), 1);
  return {
    note: "Replayed model turns; token counts are offline estimates (@anthropic-ai/tokenizer undercounts current models ~9%): compare the ratio.",
    code: { ...last.code, medianModelMs: ms("code") },
    classic: { ...last.classic, medianModelMs: ms("classic") },
    contextTokenRatio: round(last.classic.contextTokens / last.code.contextTokens, 2),
    outputTokenRatio: round(last.classic.outputTokens / last.code.outputTokens, 2),
    memorySinkReceivedRealValues: last.memoryCheck,
  };
}
