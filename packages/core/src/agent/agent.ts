import { randomUUID } from "node:crypto";
import Anthropic from "@anthropic-ai/sdk";
import type {
  ContentBlock,
  Message,
  MessageParam,
  TextBlockParam,
  Tool,
  ToolResultBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import type { EventStamp } from "@codecall/sandbox";
import { CodecallError } from "../errors.js";
import { definedOf, hasPolicy, type PolicyOptions, withPolicy } from "../policy/gate.js";
import { loadTelemetry, type TraceSpan } from "../telemetry/tracer.js";
import type { AgentToolbox, ToolboxEvent } from "./toolbox.js";

/** Tokens and timing of one model round trip. */
export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  wallMs: number;
}

/** Totals for a task. `roundTrips` counts model requests; `toolUses` the tool uses the model made. */
export interface TaskUsage extends TurnUsage {
  roundTrips: number;
  toolUses: number;
}

/**
 * Streamed while an agent works, for UIs. Every event carries `at` (epoch ms); a program's events also
 * carry the execution's `runId`.
 */
export type AgentEvent =
  | (EventStamp &
      (
        | { type: "turn-start"; turn: number }
        | { type: "text-delta"; text: string }
        | { type: "tool-use"; id: string; name: string; input: unknown }
        | { type: "tool-use-result"; id: string; name: string; isError: boolean; content: string }
        | { type: "usage"; turn: number; usage: TurnUsage }
      ))
  | ToolboxEvent;

/**
 * Options of {@link createAgent}. `policy`, `approve` and `approveProgram` (see {@link PolicyOptions}) apply
 * to the programs the agent runs through a code mode toolbox, over that code mode's own.
 */
export interface AgentOptions extends PolicyOptions {
  toolbox: AgentToolbox;
  /** An Anthropic client; default: `new Anthropic()` (reads `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`). */
  client?: Anthropic;
  /** Default: `CODECALL_MODEL` from the environment, else `claude-sonnet-5-5`. */
  model?: string;
  maxTokens?: number;
  /** Model round trips per task before it ends with TURN_LIMIT. Default 12. */
  maxTurns?: number;
  /** Failed programs in a row the model may retry before the task ends. Default 3. */
  maxProgramRetries?: number;
  /** Mark the stable prefix (tools, system) and the conversation for prompt caching. Default true. */
  promptCaching?: boolean;
}

export interface RunOptions {
  signal?: AbortSignal;
  /**
   * Every event carries a timestamp `at` and a `runId`: the agent run's own (this option, or a new UUID)
   * on the agent's events, the execution's on a program's events (as in its run record and spans).
   */
  onEvent?: (event: AgentEvent) => void;
  /** The agent run's id in its events and result. Default: a new UUID. */
  runId?: string;
}

export interface AgentResult {
  /** The agent run's id, as on its events. */
  runId: string;
  /** The model's final text. */
  text: string;
  /** Why the task ended. */
  stopReason:
    | "end_turn"
    | "max_tokens"
    | "turn_limit"
    | "retry_limit"
    | "stop_sequence"
    | "refusal"
    | "other";
  /** The whole conversation as sent to the model, final answer included. */
  messages: MessageParam[];
  turns: TurnUsage[];
  usage: TaskUsage;
  /** Set when the task ended early (turn or retry limit). */
  error?: ReturnType<CodecallError["toJSON"]>;
}

export interface Agent {
  readonly mode: "code" | "classic";
  run(task: string, options?: RunOptions): Promise<AgentResult>;
}

/**
 * An agent on the Messages API: it sends the task with the toolbox's tools, runs every tool use the model
 * makes, feeds the results back, and stops when the model ends its turn or a limit is reached. Errors from
 * programs (type checks, runtime errors) go back to the model so it can fix them, a bounded number of times.
 */
export function createAgent(options: AgentOptions): Agent {
  const client = options.client ?? anthropicClient();
  const model = options.model ?? readEnv("CODECALL_MODEL") ?? "claude-sonnet-5-5";
  const maxTokens = options.maxTokens ?? 4096;
  const maxTurns = options.maxTurns ?? 12;
  const maxProgramRetries = options.maxProgramRetries ?? 3;
  const caching = options.promptCaching ?? true;
  const { toolbox } = options;
  // The agent's policy reaches the code mode's executor around each tool use (withPolicy).
  const policy = hasPolicy(options) ? definedOf(options) : undefined;

  return {
    mode: toolbox.mode,
    async run(task, runOptions = {}) {
      const { signal, onEvent } = runOptions;
      const runId = runOptions.runId ?? randomUUID();
      const telemetry = await loadTelemetry();
      // One span per turn: the model request and the tool uses it asked for (programs' spans nest in it).
      let turnSpan: TraceSpan | undefined;
      const endTurn = (error?: unknown) => {
        if (error !== undefined) turnSpan?.fail(error);
        turnSpan?.end();
        turnSpan = undefined;
      };
      const emit = (event: AgentEvent) => {
        try {
          onEvent?.({ ...event, at: event.at ?? Date.now(), runId: event.runId ?? runId });
        } catch {
          // A listener's failure must not end the task.
        }
      };
      const tools = toolbox.tools().map((t) => ({ ...t }) as Tool);
      if (caching && tools.length > 0)
        tools[tools.length - 1] = { ...tools[tools.length - 1]!, cache_control: { type: "ephemeral" } };
      const system: TextBlockParam[] = [
        {
          type: "text",
          text: toolbox.system(),
          ...(caching ? { cache_control: { type: "ephemeral" as const } } : {}),
        },
      ];
      const messages: MessageParam[] = [{ role: "user", content: task }];
      const turns: TurnUsage[] = [];
      let toolUses = 0;
      let failedPrograms = 0;
      let text = "";

      const finish = (stopReason: AgentResult["stopReason"], error?: CodecallError): AgentResult => {
        turnSpan?.set({ "codecall.agent.stop_reason": stopReason });
        endTurn(error);
        const usage: TaskUsage = {
          inputTokens: 0,
          outputTokens: 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          wallMs: 0,
          roundTrips: turns.length,
          toolUses,
        };
        for (const t of turns) {
          usage.inputTokens += t.inputTokens;
          usage.outputTokens += t.outputTokens;
          usage.cacheReadTokens += t.cacheReadTokens;
          usage.cacheWriteTokens += t.cacheWriteTokens;
          usage.wallMs += t.wallMs;
        }
        return {
          runId,
          text,
          stopReason,
          messages,
          turns,
          usage,
          ...(error ? { error: error.toJSON() } : {}),
        };
      };

      for (let turn = 1; turn <= maxTurns; turn++) {
        endTurn();
        turnSpan = telemetry.start("codecall.agent.turn", {
          "codecall.agent.turn": turn,
          "gen_ai.request.model": model,
        });
        emit({ type: "turn-start", turn });
        const started = performance.now();
        let response: Message;
        try {
          const stream = client.messages.stream(
            {
              model,
              max_tokens: maxTokens,
              system,
              tools,
              messages: caching ? withConversationBreakpoint(messages) : messages,
            },
            { signal },
          );
          stream.on("text", (delta) => emit({ type: "text-delta", text: delta }));
          response = (await stream.finalMessage()) as Message;
        } catch (error) {
          endTurn(new CodecallError(signal?.aborted ? "ABORTED" : "MODEL_ERROR", ""));
          if (signal?.aborted)
            throw new CodecallError("ABORTED", "The agent run was cancelled.", { cause: error });
          throw new CodecallError(
            "MODEL_ERROR",
            `The model request failed: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        const usage: TurnUsage = {
          inputTokens: response.usage.input_tokens,
          outputTokens: response.usage.output_tokens,
          cacheReadTokens: response.usage.cache_read_input_tokens ?? 0,
          cacheWriteTokens: response.usage.cache_creation_input_tokens ?? 0,
          wallMs: performance.now() - started,
        };
        turns.push(usage);
        turnSpan.set({
          "gen_ai.usage.input_tokens": usage.inputTokens,
          "gen_ai.usage.output_tokens": usage.outputTokens,
        });
        emit({ type: "usage", turn, usage });
        messages.push({ role: "assistant", content: response.content as ContentBlock[] });
        text = response.content
          .filter((b): b is Extract<ContentBlock, { type: "text" }> => b.type === "text")
          .map((b) => b.text)
          .join("");

        const uses = response.content.filter(
          (b): b is Extract<ContentBlock, { type: "tool_use" }> => b.type === "tool_use",
        );
        if (response.stop_reason !== "tool_use" || uses.length === 0) {
          const reason = response.stop_reason;
          return finish(
            reason === "end_turn" ||
              reason === "max_tokens" ||
              reason === "stop_sequence" ||
              reason === "refusal"
              ? reason
              : "other",
          );
        }

        const results: ToolResultBlockParam[] = [];
        for (const use of uses) {
          toolUses++;
          emit({ type: "tool-use", id: use.id, name: use.name, input: use.input });
          const span = turnSpan;
          const call = () => toolbox.call(use.name, use.input, { signal, onEvent: emit });
          const result = await telemetry.with(span, () => (policy ? withPolicy(policy, call) : call()));
          emit({
            type: "tool-use-result",
            id: use.id,
            name: use.name,
            isError: result.isError,
            content: result.content,
          });
          results.push({
            type: "tool_result",
            tool_use_id: use.id,
            content: result.content,
            ...(result.isError ? { is_error: true } : {}),
          });
          if (result.program) failedPrograms = result.program.ok ? 0 : failedPrograms + 1;
        }
        messages.push({ role: "user", content: results });
        if (failedPrograms > maxProgramRetries) {
          return finish(
            "retry_limit",
            new CodecallError(
              "TURN_LIMIT",
              `The model's programs failed ${failedPrograms} times in a row (maxProgramRetries is ${maxProgramRetries}).`,
            ),
          );
        }
      }
      return finish(
        "turn_limit",
        new CodecallError("TURN_LIMIT", `The task did not finish within ${maxTurns} model turns.`),
      );
    },
  };
}

/**
 * The conversation with a cache breakpoint on its last block, so each turn reads the previous turns from
 * the cache. The stored conversation is not changed.
 */
function withConversationBreakpoint(messages: MessageParam[]): MessageParam[] {
  const last = messages[messages.length - 1];
  if (!last) return messages;
  const blocks =
    typeof last.content === "string" ? [{ type: "text" as const, text: last.content }] : last.content;
  if (blocks.length === 0) return messages;
  const marked = blocks.map((b, i) =>
    i === blocks.length - 1 ? { ...b, cache_control: { type: "ephemeral" as const } } : b,
  );
  return [...messages.slice(0, -1), { ...last, content: marked } as MessageParam];
}

function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.[name] || undefined;
}

/**
 * `new Anthropic()`, once a key is there to read: without one the SDK would fail on the first turn with a
 * message about authentication headers, after the servers and the sandbox were set up for nothing.
 */
/**
 * The Anthropic client `createAgent` uses by default, from `ANTHROPIC_API_KEY` (or `ANTHROPIC_AUTH_TOKEN`).
 * Call it before `createCodeMode` to fail at once, before any MCP server starts, when the key is missing;
 * then pass it as `createAgent({ client })`.
 *
 * @throws {CodecallError} `MODEL_ERROR` when neither variable is set, saying what to set.
 */
export function anthropicClient(): Anthropic {
  if (!readEnv("ANTHROPIC_API_KEY") && !readEnv("ANTHROPIC_AUTH_TOKEN"))
    throw new CodecallError("MODEL_ERROR", "ANTHROPIC_API_KEY is not set.", {
      hint: "Set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN), or pass `client: new Anthropic({ apiKey })` to createAgent.",
    });
  return new Anthropic();
}
