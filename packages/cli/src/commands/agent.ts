import Anthropic from "@anthropic-ai/sdk";
import { type AgentToolbox, createClassicMode, createCodeMode } from "@codecall/core";
import { type AgentEvent, type AgentResult, createAgent } from "@codecall/core/agent";
import { agentRecord, type ExecutionRecord, modelTurns } from "@codecall/core/records";
import { type ScriptedTurn, startMessagesStandIn } from "@codecall/core/testing";
import type { Command } from "commander";
import { terminalApprovals } from "../approvals.js";
import { type CliIo, EXIT_CODES, ExitWith, progress, usageError } from "../io.js";
import { aiSdkModel, chooseModel, type ModelChoice, modelError } from "../models.js";
import { codeModeOptions, type ServerFlags, withConnections } from "../setup.js";
import { type ReplayFlags, replayAction, writeRecordFile } from "./replay.js";

interface AgentFlags extends ServerFlags {
  mode: string;
  yes?: boolean;
  model?: string;
  maxTurns?: string;
  json?: boolean;
}

interface RunFlags extends AgentFlags {
  record?: string;
  baseUrl?: string;
}

/**
 * The model-turns script earlier versions of `codecall run --record` wrote.
 * @deprecated `codecall run --record` now writes a run record (`AgentRecord` of `@codecall/core/records`:
 * the turns plus the record of every program). `codecall replay --live` still plays these scripts.
 */
export interface RunRecord {
  codecall: "run-record";
  version: 1;
  task: string;
  mode: "code" | "classic";
  model: string;
  turns: ScriptedTurn[];
}

const agentOptions = (command: Command) =>
  command
    .option(
      "--mode <mode>",
      "code (meta-tools and programs) or classic (every tool given to the model)",
      "code",
    )
    .option(
      "--model <model>",
      "a Claude model, or provider:model with anthropic, openai, google or openai-compatible (default: CODECALL_MODEL, else Claude's default)",
    )
    .option("--max-turns <n>", "model round trips before the task ends", "12")
    .option("--json", "print the answer, stop reason, usage and error as JSON")
    .option("-y, --yes", "approve every program and tool call that needs approval, without asking");

/** `codecall run "<task>"` and `codecall replay <record.json>`: the agent, live with Claude or replayed. */
export function agentCommands(program: Command, io: CliIo): void {
  agentOptions(
    program
      .command("run")
      .description(
        "Run a task with a model over the configured servers (Claude by default: needs ANTHROPIC_API_KEY)",
      )
      .argument("<task>", "what to do, in words")
      .option(
        "--base-url <url>",
        "the model API's URL (needed with openai-compatible, e.g. http://localhost:11434/v1 for Ollama)",
      )
      .option(
        "--record <file>",
        "save a run record (the model's turns and every program's tool calls) that `codecall replay` replays offline (Claude only)",
      ),
  ).action(async (task: string, flags: RunFlags) => {
    // The model and its key are checked before any server starts.
    const choice = chooseModel(flags.model, flags.baseUrl, io);
    if (choice.provider !== "anthropic") {
      if (flags.record)
        throw usageError(
          "--record works with Claude models only.",
          "Drop --record, or use --model anthropic:<model>.",
        );
      reportAiSdk(await runAiSdk(task, flags, io, choice), flags, io);
      return;
    }
    const client = new Anthropic({
      apiKey: choice.apiKey,
      ...((flags.baseUrl ?? io.env.ANTHROPIC_BASE_URL)
        ? { baseURL: flags.baseUrl ?? io.env.ANTHROPIC_BASE_URL }
        : {}),
    });
    const model = choice.model;
    const executions: ExecutionRecord[] = [];
    const startedAt = new Date();
    const onRecord = flags.record ? (r: ExecutionRecord) => executions.push(r) : undefined;
    const result = await runAgent(task, flags, io, client, model, onRecord);
    if (flags.record) {
      const record = agentRecord({
        task,
        mode: mode(flags),
        model: model ?? "default",
        result,
        executions,
        startedAt,
      });
      await writeRecordFile(flags.record, record, io);
      progress(
        io,
        flags.quiet,
      )(
        `recorded ${record.turns.length} model turns and ${executions.length} program${executions.length === 1 ? "" : "s"} to ${flags.record}`,
      );
    }
    report(result, flags, io);
  });

  agentOptions(
    program
      .command("replay")
      .description(
        "Replay a run record offline: tool results, Date.now() and Math.random() come from the record; exits 1 at the first divergence",
      )
      .argument("<record>", "a file written by `codecall exec --record` or `codecall run --record`")
      .option(
        "--live",
        "re-run against the configured servers on purpose (an agent record replays its model turns through a local stand-in)",
      )
      .option(
        "--emit-test <file>",
        "write a vitest test that replays the record offline, instead of replaying",
      ),
  ).action(async (file: string, flags: AgentFlags & ReplayFlags, command: Command) => {
    await replayAction(file, flags, io, async (recorded) => {
      const record = recorded as {
        task: string;
        mode: "code" | "classic";
        model: string;
        turns: ScriptedTurn[];
      };
      // The recorded mode applies unless the user named one.
      const modeSource = command.getOptionValueSource("mode");
      const replayFlags = { ...flags, mode: modeSource === "cli" ? flags.mode : record.mode };
      const standIn = await startMessagesStandIn({ script: record.turns });
      try {
        const client = new Anthropic({ apiKey: "replay", baseURL: standIn.url, maxRetries: 0 });
        const model = flags.model ?? (record.model === "default" ? undefined : record.model);
        report(await runAgent(record.task, replayFlags, io, client, model), flags, io);
      } finally {
        await standIn.close();
      }
    });
  });
}

function mode(flags: AgentFlags): "code" | "classic" {
  if (flags.mode !== "code" && flags.mode !== "classic")
    throw usageError(`Unknown mode "${flags.mode}".`, "Pass --mode code or --mode classic.");
  return flags.mode;
}

async function runAgent(
  task: string,
  flags: AgentFlags,
  io: CliIo,
  client: Anthropic,
  model: string | undefined,
  onRecord?: (record: ExecutionRecord) => void,
): Promise<AgentResult> {
  const chosen = mode(flags);
  const maxTurns = turnLimit(flags);
  const note = progress(io, flags.quiet);
  // Programs the model writes are approved on the terminal (classic mode calls tools without programs).
  const approvals = terminalApprovals(io, flags);
  return withConnections(
    flags,
    io,
    note,
    async (connections, settings) => {
      const codeMode =
        chosen === "code"
          ? await createCodeMode({
              ...(await codeModeOptions(connections, settings, approvals)),
              ...(onRecord ? { onRecord } : {}),
            })
          : undefined;
      const toolbox: AgentToolbox = codeMode ?? createClassicMode(connections);
      try {
        const agent = createAgent({ toolbox, client, maxTurns, ...(model ? { model } : {}) });
        note(`running the task in ${chosen} mode`);
        const controller = new AbortController();
        const abort = () => controller.abort();
        process.once("SIGINT", abort);
        try {
          return await agent.run(task, { signal: controller.signal, onEvent: (e) => noteEvent(e, note) });
        } finally {
          process.off("SIGINT", abort);
        }
      } finally {
        await codeMode?.close();
      }
    },
    // Classic mode runs no program: it needs no sandbox (nor its key).
    { runsPrograms: chosen === "code" },
  ).finally(() => approvals.close());
}

/** What a run through the AI SDK produced, in the shape `report` prints. */
interface AiSdkRun {
  text: string;
  stopReason: string;
  usage: { inputTokens: number; outputTokens: number; roundTrips: number; toolUses: number };
  error?: { code: string; message: string; hint?: string };
}

/** `codecall run --model openai:...` (or google, openai-compatible): code mode as AI SDK tools, one agent loop. */
async function runAiSdk(task: string, flags: RunFlags, io: CliIo, choice: ModelChoice): Promise<AiSdkRun> {
  const chosen = mode(flags);
  const maxTurns = turnLimit(flags);
  const [{ generateText, stepCountIs }, { toolboxTools }, model] = await Promise.all([
    import("ai"),
    import("@codecall/ai-sdk"),
    aiSdkModel(choice),
  ]);
  const note = progress(io, flags.quiet);
  // Programs the model writes are approved on the terminal (classic mode calls tools without programs).
  const approvals = terminalApprovals(io, flags);
  return withConnections(
    flags,
    io,
    note,
    async (connections, settings) => {
      const codeMode =
        chosen === "code"
          ? await createCodeMode(await codeModeOptions(connections, settings, approvals))
          : undefined;
      const toolbox: AgentToolbox = codeMode ?? createClassicMode(connections);
      // The same progress lines as the Anthropic agent: each tool use and what a program does.
      const noted: AgentToolbox = {
        mode: toolbox.mode,
        system: () => toolbox.system(),
        tools: () => toolbox.tools(),
        call: (name, input, context) => {
          note(`model uses ${name}`);
          return toolbox.call(name, input, {
            ...context,
            onEvent: (e) => noteEvent(e as AgentEvent, note),
          });
        },
      };
      const controller = new AbortController();
      const abort = () => controller.abort();
      process.once("SIGINT", abort);
      try {
        note(`running the task in ${chosen} mode with ${choice.provider}:${choice.model}`);
        let turn = 0;
        note(`model turn ${++turn}`);
        const result = await generateText({
          model,
          system: toolbox.system(),
          tools: toolboxTools(noted, { events: false }),
          stopWhen: stepCountIs(maxTurns),
          prompt: task,
          abortSignal: controller.signal,
          maxRetries: 1,
          onStepFinish: (step) => {
            if (step.finishReason === "tool-calls") note(`model turn ${++turn}`);
          },
        }).catch((error: unknown) => {
          throw modelError(error, choice);
        });
        const toolUses = result.steps.reduce((n, s) => n + s.toolCalls.length, 0);
        const hitLimit = result.finishReason === "tool-calls";
        return {
          text: result.text,
          stopReason: result.finishReason,
          usage: {
            inputTokens: result.totalUsage.inputTokens ?? 0,
            outputTokens: result.totalUsage.outputTokens ?? 0,
            roundTrips: result.steps.length,
            toolUses,
          },
          ...(hitLimit
            ? {
                error: {
                  code: "TURN_LIMIT",
                  message: `The task was not finished after ${maxTurns} model turns.`,
                  hint: "Raise --max-turns or simplify the task.",
                },
              }
            : {}),
        };
      } finally {
        process.off("SIGINT", abort);
        await codeMode?.close();
      }
    },
    { runsPrograms: chosen === "code" },
  );
}

function reportAiSdk(result: AiSdkRun, flags: AgentFlags, io: CliIo): void {
  const failed = result.error !== undefined || !["stop", "tool-calls"].includes(result.stopReason);
  if (flags.json) {
    const { text, stopReason, usage, error } = result;
    io.stdout(
      `${JSON.stringify({ ok: !failed, text, stopReason, usage, ...(error ? { error } : {}) }, null, 2)}\n`,
    );
  } else io.stdout(`${result.text}\n`);
  if (result.error)
    io.stderr(
      `codecall: ${result.error.code}: ${result.error.message}\n  hint: ${result.error.hint ?? ""}\n`,
    );
  if (failed) throw new ExitWith(EXIT_CODES.failed);
}

function turnLimit(flags: AgentFlags): number {
  const maxTurns = Number(flags.maxTurns ?? 12);
  if (!(Number.isInteger(maxTurns) && maxTurns > 0))
    throw usageError(
      `--max-turns must be a positive integer, got "${flags.maxTurns}".`,
      "Pass e.g. --max-turns 12.",
    );
  return maxTurns;
}

function noteEvent(event: AgentEvent, note: (line: string) => void): void {
  if (event.type === "turn-start") note(`model turn ${event.turn}`);
  else if (event.type === "tool-use") note(`model uses ${event.name}`);
  else if (event.type === "tool-call") note(`  program calls ${event.name}`);
  else if (event.type === "log") note(`  program: ${event.message}`);
  else if (event.type === "tool-use-result" && event.isError) note(`  ${event.name} failed`);
}

function report(result: AgentResult, flags: AgentFlags, io: CliIo): void {
  const failed =
    result.error !== undefined || result.stopReason === "refusal" || result.stopReason === "max_tokens";
  if (flags.json) {
    const { text, stopReason, usage, error } = result;
    io.stdout(
      `${JSON.stringify({ ok: !failed, text, stopReason, usage, ...(error ? { error } : {}) }, null, 2)}\n`,
    );
  } else io.stdout(`${result.text}\n`);
  if (result.error)
    io.stderr(
      `codecall: ${result.error.code}: ${result.error.message}\n  hint: ${result.error.hint ?? ""}\n`,
    );
  if (failed) throw new ExitWith(EXIT_CODES.failed);
}

/**
 * The assistant turns of a finished run, as a stand-in script.
 * @deprecated Use `modelTurns` (or `agentRecord`) from `@codecall/core/records`.
 */
export function recordedTurns(result: AgentResult): ScriptedTurn[] {
  return modelTurns(result) as ScriptedTurn[];
}
