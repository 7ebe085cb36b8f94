import { randomUUID } from "node:crypto";
import type { SerializedError } from "@codecall/sandbox";
import { codecallVersion } from "./capture.js";
import { type AgentRecord, type ExecutionRecord, RECORD_VERSION, type RecordedTurn } from "./types.js";

/** What {@link agentRecord} needs of a finished agent run (an `AgentResult` of `@codecall/core/agent` fits). */
export interface AgentRunSummary {
  text: string;
  stopReason: string;
  error?: SerializedError | undefined;
  /** The conversation, in the Messages API's shape. */
  messages: ReadonlyArray<{ role: string; content: unknown }>;
}

/**
 * The record of an agent run: its task, the model's turns (replayable through the Messages stand-in) and
 * the records of the programs it ran (collect them with code mode's `onRecord` option).
 */
export function agentRecord(run: {
  task: string;
  mode: "code" | "classic";
  model: string;
  result: AgentRunSummary;
  executions: ExecutionRecord[];
  startedAt?: Date;
}): AgentRecord {
  return {
    recordVersion: RECORD_VERSION,
    kind: "agent",
    runId: randomUUID(),
    codecallVersion: codecallVersion(),
    recordedAt: (run.startedAt ?? new Date()).toISOString(),
    task: run.task,
    mode: run.mode,
    model: run.model,
    turns: modelTurns(run.result),
    executions: run.executions,
    outcome: {
      text: run.result.text,
      stopReason: run.result.stopReason,
      ...(run.result.error ? { error: run.result.error } : {}),
    },
  };
}

type Block = { type: string; text?: string; id?: string; name?: string; input?: unknown };

/** The assistant turns of a finished run, as the Messages stand-in plays them back. */
export function modelTurns(result: AgentRunSummary): RecordedTurn[] {
  const assistant = result.messages.filter((m) => m.role === "assistant");
  return assistant.map((message, i) => {
    const blocks: Block[] =
      typeof message.content === "string"
        ? [{ type: "text", text: message.content }]
        : (message.content as Block[]);
    const content: RecordedTurn["content"] = [];
    for (const block of blocks) {
      if (block.type === "text") content.push({ type: "text", text: block.text ?? "" });
      else if (block.type === "tool_use")
        content.push({ type: "tool_use", id: block.id ?? "", name: block.name ?? "", input: block.input });
    }
    const last = i === assistant.length - 1;
    const stopReason = content.some((b) => b.type === "tool_use")
      ? "tool_use"
      : last && result.stopReason === "max_tokens"
        ? "max_tokens"
        : "end_turn";
    return { content, stopReason };
  });
}
