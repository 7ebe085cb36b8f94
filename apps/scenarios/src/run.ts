/**
 * Runs a scenario in one mode, through the real agent loop (`createAgent`) over the scenario's real MCP
 * servers. Without a key the model's turns are replayed by the local Messages stand-in from the scenario's
 * script; with `live` (default: when ANTHROPIC_API_KEY is set) Claude does the task. Either way the
 * figures are measured from what was sent: input tokens per turn (the tools, the system text and the
 * conversation so far, counted with @anthropic-ai/tokenizer in both modes), output tokens, round trips,
 * wall time, raw personal values the model saw, and whether the answer matches the ground truth.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import {
  type AgentToolbox,
  CodecallError,
  connectServers,
  createClassicMode,
  createCodeMode,
  type McpConnections,
  type Sandbox,
} from "@codecall/core";
import { type AgentEvent, createAgent } from "@codecall/core/agent";
import { type MessagesStandIn, startMessagesStandIn } from "@codecall/core/testing";
import { quickjs } from "@codecall/sandbox-quickjs";
import { readConversation } from "./conversation.js";
import { personalValues } from "./data/crm.js";
import type { CheckResult, Mode, Scenario } from "./scenario.js";
import { countTokens } from "./tokens.js";
import { createWorld, workspaceDir } from "./world.js";

export interface TurnFigures {
  session: number;
  turn: number;
  /** Tokens of everything the request put in front of the model. */
  inputTokens: number;
  outputTokens: number;
  /** What the model did this turn: the tools it called. */
  toolUses: string[];
}

export interface ModeRun {
  scenario: string;
  mode: Mode;
  live: boolean;
  model: string;
  answer: string;
  check: CheckResult;
  turns: TurnFigures[];
  /** Sum over turns (every request's full input). */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens of the first request: the tools and system text before any work. */
  initialContextTokens: number;
  roundTrips: number;
  /** Tool uses the model made (meta-tools in code mode). */
  modelToolUses: number;
  /** MCP tool calls made on the model's behalf (by programs in code mode, by the model in classic); not codecall's own workspace or search calls. */
  mcpToolCalls: number;
  /** The agent's run, servers already up: model turns plus tool work. */
  wallMs: number;
  /** Distinct raw personal values (CRM emails and phones) that appeared anywhere in the model's context. */
  rawPersonalValuesSeen: number;
  /** Code mode: functions a program called that no earlier result had shown the model (should be none). */
  undiscoveredCalls: string[];
  stopReason: string;
  error?: string;
}

/** A sandbox instance (code mode does not close it; the run does). */
export type SandboxInstance = Sandbox;

export interface RunOptions {
  /** Makes the sandbox code mode runs programs in. Default: QuickJS. */
  sandbox?: () => SandboxInstance;
  /** Use the Messages API (needs ANTHROPIC_API_KEY). Default: when the key is set. */
  live?: boolean;
  model?: string;
  onEvent?: (event: AgentEvent & { session: number }) => void;
  signal?: AbortSignal;
}

/** Whether runs default to live: only when a key is present. */
export const liveByDefault = () => Boolean(process.env.ANTHROPIC_API_KEY);

export async function runScenario(
  scenario: Scenario,
  mode: Mode,
  options: RunOptions = {},
): Promise<ModeRun> {
  const live = options.live ?? liveByDefault();
  const model = options.model ?? process.env.CODECALL_MODEL ?? "claude-sonnet-5-5";
  const world = await createWorld(scenario.servers);
  let connections: McpConnections | undefined;
  let close: () => Promise<void> = async () => undefined;
  try {
    await scenario.setup?.(world);
    let toolbox: AgentToolbox;
    if (mode === "code") {
      const sandbox = options.sandbox?.() ?? quickjs();
      const codeMode = await createCodeMode({
        servers: world.config,
        sandbox,
        ...(scenario.privacy ? { privacy: scenario.privacy } : {}),
        ...(scenario.workspace ? { workspace: { storage: { directory: workspaceDir(world) } } } : {}),
      });
      connections = codeMode.connections;
      toolbox = codeMode;
      close = async () => {
        await codeMode.close();
        await sandbox.close();
      };
    } else {
      connections = await connectServers(world.config);
      toolbox = createClassicMode(connections);
      const c = connections;
      close = () => c.close();
    }

    const turns: TurnFigures[] = [];
    const transcripts: MessageParam[][] = [];
    let answer = "";
    let stopReason = "end_turn";
    let error: string | undefined;
    let mcpToolCalls = 0;
    let modelToolUses = 0;
    const prompts = scenario.prompts(world, mode);
    const started = performance.now();
    for (const [session, prompt] of prompts.entries()) {
      let standIn: MessagesStandIn | undefined;
      if (!live) {
        const step = scenario.script(mode, session, world);
        standIn = await startMessagesStandIn({ script: (body) => step(readConversation(body)), countTokens });
      }
      const client = live
        ? new Anthropic()
        : new Anthropic({ apiKey: "replay", baseURL: standIn!.url, maxRetries: 0 });
      try {
        const result = await createAgent({ client, toolbox, model, maxTurns: 16 }).run(prompt, {
          ...(options.signal ? { signal: options.signal } : {}),
          onEvent: (event) => {
            // codecall's own host tools (`codecall.workspace.*`, `codecall.searchTools`) are not MCP calls.
            if (
              (event.type === "tool-call" && !event.name.startsWith("codecall.")) ||
              (mode === "classic" && event.type === "tool-use")
            )
              mcpToolCalls++;
            options.onEvent?.({ ...event, session });
          },
        });
        answer = result.text;
        stopReason = result.stopReason;
        modelToolUses += result.usage.toolUses;
        if (result.error) error = `${result.error.code}: ${result.error.message}`;
        transcripts.push(result.messages);
        turns.push(...countTurns(toolbox, result.messages, session));
      } catch (failure) {
        // A cancelled run ends here; a failed model request (a live context overflow, say) is a result.
        if (!CodecallError.isInstance(failure) || failure.code === "ABORTED") throw failure;
        error = `${failure.code}: ${failure.message}`;
        stopReason = "error";
        break;
      } finally {
        await standIn?.close();
      }
    }
    const wallMs = performance.now() - started;
    const checked: CheckResult = await scenario
      .check({ answer, mode, world, connections })
      .catch((failure: unknown) => ({
        correct: false,
        expected: "(the check could not run)",
        problem: String(failure),
      }));
    const check = error ? { ...checked, correct: false, problem: error } : checked;
    const context = JSON.stringify(transcripts);
    const raw = (scenario.personalValues?.() ?? personalValues()).filter((v) => context.includes(v)).length;
    return {
      scenario: scenario.id,
      mode,
      live,
      model: live ? model : "replayed",
      answer,
      check,
      turns,
      inputTokens: turns.reduce((n, t) => n + t.inputTokens, 0),
      outputTokens: turns.reduce((n, t) => n + t.outputTokens, 0),
      initialContextTokens: turns[0]?.inputTokens ?? 0,
      roundTrips: turns.length,
      modelToolUses,
      mcpToolCalls,
      wallMs: Math.round(wallMs),
      rawPersonalValuesSeen: raw,
      undiscoveredCalls: mode === "code" ? undiscovered(transcripts) : [],
      stopReason,
      ...(error ? { error } : {}),
    };
  } finally {
    await close();
    await world.close();
  }
}

/** Tokens of the tool definitions and the system text: what every request starts with. */
function baseTokens(toolbox: AgentToolbox): number {
  return (
    toolbox.tools().reduce((n, t) => n + countTokens(JSON.stringify(t)), 0) + countTokens(toolbox.system())
  );
}

/**
 * Per-turn figures from the conversation as sent: request k holds the base plus messages 0..2k; its answer
 * is message 2k+1. Each block is counted once (as JSON, like the stand-in) and summed into every request
 * that carries it.
 */
function countTurns(toolbox: AgentToolbox, messages: MessageParam[], session: number): TurnFigures[] {
  const base = baseTokens(toolbox);
  const blockTokens = messages.map((m) =>
    typeof m.content === "string"
      ? countTokens(m.content)
      : m.content.reduce((n, b) => n + countTokens(JSON.stringify(b)), 0),
  );
  const out: TurnFigures[] = [];
  let prefix = base;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role === "user") {
      prefix += blockTokens[i]!;
      continue;
    }
    const content = typeof message.content === "string" ? [] : message.content;
    const output = content.reduce(
      (n, b) =>
        n + countTokens(b.type === "text" ? b.text : b.type === "tool_use" ? JSON.stringify(b.input) : ""),
      0,
    );
    out.push({
      session,
      turn: out.length + 1,
      inputTokens: prefix,
      outputTokens: output,
      toolUses: content.flatMap((b) => (b.type === "tool_use" ? [b.name] : [])),
    });
    prefix += blockTokens[i]!;
  }
  return out;
}

/** `server.fn(` calls in programs whose name no earlier tool result mentioned. */
function undiscovered(transcripts: MessageParam[][]): string[] {
  const missing = new Set<string>();
  for (const messages of transcripts) {
    let seen = "";
    for (const message of messages) {
      if (typeof message.content === "string") continue;
      for (const block of message.content) {
        if (block.type === "tool_result") seen += JSON.stringify(block.content);
        if (block.type === "tool_use" && block.name === "execute_code") {
          const code = String((block.input as { code?: unknown }).code ?? "");
          for (const [, server, fn] of code.matchAll(/\b([a-z][A-Za-z0-9]*)\.([a-z][A-Za-z0-9_]*)\(/g)) {
            if (!["data", "catalogue", "filesystem", "memory", "everything"].includes(server!)) continue;
            if (!seen.includes(`${server}.${fn}`) && !seen.includes(`${fn}(`)) missing.add(`${server}.${fn}`);
          }
        }
      }
    }
  }
  return [...missing];
}
