/**
 * Runs the demo task in code mode and in classic mode over the same real MCP servers, and reports what each
 * cost: model round trips, tokens, wall time, and whether raw personal data reached the model's context.
 */
import { rm } from "node:fs/promises";
import Anthropic from "@anthropic-ai/sdk";
import { countTokens } from "@anthropic-ai/tokenizer";
import { type AgentToolbox, createClassicMode, createCodeMode, type McpConnections } from "@codecall/core";
import { type AgentEvent, type AgentResult, createAgent } from "@codecall/core/agent";
import { type MessagesStandIn, type ScriptedTurn, startMessagesStandIn } from "@codecall/core/testing";
import { quickjs } from "@codecall/sandbox-quickjs";
import type { SandboxInstance } from "@codecall/scenarios";
import { contacts, createWorkspace, TASK } from "./scenario.js";
import { classicModeScript, codeModeScript } from "./scripts.js";

export interface ModeReport {
  mode: "code" | "classic";
  answer: string;
  roundTrips: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  /** Input tokens of all requests, cached or not: what the context held, turn by turn. */
  contextTokens: number;
  wallMs: number;
  /** How many of the contacts' raw emails and phones appeared anywhere the model could read. */
  rawValuesSeenByModel: number;
}

export interface DemoReport {
  live: boolean;
  model: string;
  code: ModeReport;
  classic: ModeReport;
  /** Contacts the memory server holds after code mode ran, with their real (untokenized) emails. */
  memoryCheck: { contacts: number; withRealEmail: number };
}

export interface DemoOptions {
  /** Use the real API (needs ANTHROPIC_API_KEY). Default: when the key is set. */
  live?: boolean;
  model?: string;
  onEvent?: (mode: "code" | "classic", event: AgentEvent) => void;
  /** Cancels the run (the servers still close and the workspace is removed); it then rejects with ABORTED. */
  signal?: AbortSignal;
  /** The sandbox code mode runs in (closed when the run ends). Default: QuickJS. */
  sandbox?: SandboxInstance;
}

/** Runs the task in code mode, checks the memory server, then runs it in classic mode. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoReport> {
  const live = options.live ?? Boolean(process.env.ANTHROPIC_API_KEY);
  const model = options.model ?? process.env.CODECALL_MODEL ?? "claude-sonnet-5-5";
  const workspace = await createWorkspace();
  const rawValues = contacts().flatMap((c) => [c.email, c.phone]);
  const sandbox = options.sandbox ?? quickjs();
  const codeMode = await createCodeMode({
    servers: workspace.config,
    sandbox,
    // Emails and phones become tokens before the model or the program sees them; only memory.* may
    // receive the real values.
    privacy: { flows: { "memory.*": ["EMAIL", "PHONE", "NAME"] } },
  });
  try {
    const code = await runMode("code", codeMode, codeModeScript(workspace.csvPath));
    const memoryCheck = await checkMemory(codeMode.connections);
    const classic = await runMode(
      "classic",
      createClassicMode(codeMode.connections),
      classicModeScript(workspace.csvPath),
    );
    return { live, model, code, classic, memoryCheck };
  } finally {
    await codeMode.close();
    await sandbox.close();
    await rm(workspace.dir, { recursive: true, force: true });
  }

  async function runMode(
    mode: "code" | "classic",
    toolbox: AgentToolbox,
    script: ScriptedTurn[],
  ): Promise<ModeReport> {
    let standIn: MessagesStandIn | undefined;
    if (!live) standIn = await startMessagesStandIn({ script, countTokens });
    const client = live
      ? new Anthropic()
      : new Anthropic({ apiKey: "replay", baseURL: standIn!.url, maxRetries: 0 });
    const seen: string[] = [];
    try {
      const result: AgentResult = await createAgent({ client, toolbox, model, maxTurns: 8 }).run(TASK, {
        onEvent: (event) => options.onEvent?.(mode, event),
        signal: options.signal,
      });
      seen.push(JSON.stringify(result.messages));
      const u = result.usage;
      return {
        mode,
        answer: result.text,
        roundTrips: u.roundTrips,
        inputTokens: u.inputTokens,
        cacheReadTokens: u.cacheReadTokens,
        cacheWriteTokens: u.cacheWriteTokens,
        outputTokens: u.outputTokens,
        contextTokens: u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens,
        wallMs: Math.round(u.wallMs),
        rawValuesSeenByModel: rawValues.filter((v) => seen.some((text) => text.includes(v))).length,
      };
    } finally {
      await standIn?.close();
    }
  }
}

/** Reads the graph straight from the memory server: the sink must hold the real values, not tokens. */
async function checkMemory(connections: McpConnections): Promise<DemoReport["memoryCheck"]> {
  const result = await connections.callTool("memory", "read_graph", {});
  const graph = (result.structuredContent ?? { entities: [] }) as {
    entities: Array<{ entityType: string; observations: string[] }>;
  };
  const people = graph.entities.filter((e) => e.entityType === "contact");
  const emails = new Set(contacts().map((c) => c.email));
  return {
    contacts: people.length,
    withRealEmail: people.filter((p) => p.observations.some((o) => emails.has(o.replace(/^email: /, ""))))
      .length,
  };
}
