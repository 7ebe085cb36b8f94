import type { ServerDefinition } from "@codecall/codegen";
import type { ToolHandler } from "@codecall/sandbox";
import { CodecallError } from "../errors.js";
import type { SandboxChoice } from "../executor/backend.js";
import { createExecutor, type ExecutionResult, type ExecutorCatalogue } from "../executor/executor.js";
import type { ExecutionInterceptor } from "../executor/interceptor.js";
import { canonicalJson } from "./capture.js";
import type {
  ExecutionRecord,
  RecordedOutcome,
  RecordedToolCall,
  ReplayDivergence,
  ReplayResult,
  RunRecord,
} from "./types.js";

/** Options of {@link replayRecord}. */
export interface ReplayOptions {
  /** The backend to run the recorded programs on (closed by the replay when it is a factory). */
  sandbox: SandboxChoice;
  /**
   * Re-run against these live tools on purpose instead of serving the record's results: each call goes
   * to the tool, and a result that differs from the recorded one is a `result` divergence. The
   * interceptor (privacy) should be the one the record was made with, so results compare as tokens.
   */
  live?: { catalogue: ExecutorCatalogue; interceptor?: ExecutionInterceptor };
}

/**
 * Replays a record: runs each recorded program again with its recorded clock and random values, serving
 * the recorded tool results in order (no server is started or called), and compares every tool call and
 * the outcome with the record. The first difference is returned as the divergence; the program is
 * stopped there.
 *
 * @example
 * ```ts
 * const result = await replayRecord(await readRecord("run.json"), { sandbox: quickjs() });
 * if (!result.ok) console.error(result.divergence?.message);
 * ```
 */
export async function replayRecord(record: RunRecord, options: ReplayOptions): Promise<ReplayResult> {
  const executions = record.kind === "agent" ? record.executions : [record];
  for (const [i, execution] of executions.entries()) {
    const divergence = await replayExecution(execution, options);
    if (divergence) {
      if (record.kind === "agent") {
        divergence.execution = i + 1;
        divergence.message = `execution ${i + 1}: ${divergence.message}`;
      }
      return { ok: false, divergence, executions: i + 1 };
    }
  }
  return { ok: true, executions: executions.length };
}

async function replayExecution(
  record: ExecutionRecord,
  options: ReplayOptions,
): Promise<ReplayDivergence | undefined> {
  const recorded = record.toolCalls;
  const controller = new AbortController();
  let divergence: ReplayDivergence | undefined;
  let calls = 0;
  const diverge = (found: ReplayDivergence): never => {
    divergence ??= found;
    controller.abort(new CodecallError("ABORTED", `The replay diverged: ${found.message}`));
    throw new CodecallError("ABORTED", `The replay diverged: ${found.message}`);
  };
  // Serves (or, live, checks) each call in the order the program makes it.
  const replayHandler =
    (live: ToolHandler | undefined): ToolHandler =>
    async (call, context) => {
      const step = ++calls;
      const expected = recorded[step - 1];
      if (!expected)
        diverge({
          kind: "tool",
          step,
          expected: null,
          actual: call.name,
          message: `step ${step}: the program called ${call.name}, but the record has only ${recorded.length} tool call${recorded.length === 1 ? "" : "s"}`,
        });
      else if (expected.name !== call.name)
        diverge({
          kind: "tool",
          step,
          expected: expected.name,
          actual: call.name,
          message: `step ${step}: the program called ${call.name}, the record has ${expected.name}`,
        });
      else if (canonicalJson(expected.args ?? null) !== canonicalJson(call.args ?? null))
        diverge({
          kind: "args",
          step,
          expected: expected.args ?? null,
          actual: call.args ?? null,
          message: `step ${step}: ${call.name} was called with ${preview(call.args)}, the record has ${preview(expected.args)}`,
        });
      const want = expected as RecordedToolCall;
      if (!live) return serve(want);
      let value: unknown;
      let error: CodecallError | undefined;
      try {
        value = await live(call, context);
      } catch (e) {
        error = CodecallError.from(e, "TOOL_FAILED");
      }
      const got = error ? { ok: false, error: error.code } : { ok: true, value: jsonOf(value) };
      const had = want.ok ? { ok: true, value: want.value ?? null } : { ok: false, error: want.error?.code };
      if (canonicalJson(got) !== canonicalJson(had))
        diverge({
          kind: "result",
          step,
          expected: had,
          actual: got,
          message: `step ${step}: ${call.name} now returns ${preview(got)}, the record has ${preview(had)}`,
        });
      if (error) throw error;
      return value;
    };

  const executor = await createExecutor({
    ...(options.live
      ? {
          catalogue: options.live.catalogue,
          ...(options.live.interceptor ? { interceptor: options.live.interceptor } : {}),
        }
      : { servers: serversOf(record), callTool: offline }),
    sandbox: options.sandbox,
    // The `workspace` and `skills` globals exist when the program may use them; their calls are served
    // from the record like any tool's.
    ...(/\b(workspace|skills)\b/.test(record.program) ? { workspace: {} } : {}),
    // A program that type-checked when recorded checks the same against the recorded schemas: replay runs
    // it unchecked. One that failed the check is checked again, so its outcome can match.
    typeCheck: record.outcome.error?.code === "TYPE_CHECK_FAILED" ? "error" : "off",
    limits: record.limits,
    programTools: (catalogueTools) => replayHandler(options.live ? catalogueTools : undefined),
  });
  let result: ExecutionResult;
  try {
    // The skills as they were when recorded: linked from the record, whatever today's workspace holds.
    for (const [path, code] of Object.entries(record.skills ?? {}))
      await executor.workspace?.writeFile(path, code);
    result = await executor.execute(record.program, {
      signal: controller.signal,
      nondeterminism: { now: record.nondeterminism.now, random: record.nondeterminism.random },
    });
  } finally {
    await executor.close();
  }
  if (divergence) return divergence;
  if (calls < recorded.length)
    return {
      kind: "tool",
      step: calls + 1,
      expected: recorded[calls]!.name,
      actual: null,
      message: `step ${calls + 1}: the record calls ${recorded[calls]!.name}, the program made no more calls`,
    };
  return compareOutcome(record, result);
}

/** A recorded result, as the program got it: the value, or the error it rejected with. */
function serve(call: RecordedToolCall): unknown {
  if (call.ok) return call.value;
  const error = call.error ?? { code: "TOOL_FAILED", message: `${call.name} failed.` };
  throw new CodecallError(error.code, error.message, {
    ...(error.details ? { details: error.details } : {}),
  });
}

/** Offline, no tool is ever called: the replay handler answers every call from the record. */
const offline = async (): Promise<never> => {
  throw new CodecallError("TOOL_FAILED", "A replay does not call live tools.");
};

function serversOf(record: ExecutionRecord): ServerDefinition[] {
  return record.servers.map((server) => ({
    name: server.name,
    tools: server.tools.map((tool) => ({
      name: tool.name,
      inputSchema: tool.inputSchema,
      ...(tool.outputSchema !== undefined ? { outputSchema: tool.outputSchema } : {}),
    })),
  }));
}

function compareOutcome(record: ExecutionRecord, result: ExecutionResult): ReplayDivergence | undefined {
  const step = record.toolCalls.length + 1;
  const actual: RecordedOutcome = { ok: result.ok };
  if (result.value !== undefined) actual.value = result.value;
  if (result.error) actual.error = result.error;
  const summary = (o: RecordedOutcome) =>
    o.ok
      ? { ok: true, value: o.value ?? null }
      : { ok: false, code: o.error?.code, message: o.error?.message };
  const want = summary(record.outcome);
  const got = summary(actual);
  if (canonicalJson(want) !== canonicalJson(got))
    return {
      kind: "outcome",
      step,
      expected: want,
      actual: got,
      message: `the outcome differs: the record has ${preview(want)}, the replay ${preview(got)}`,
    };
  if (canonicalJson(record.logs) !== canonicalJson(result.logs))
    return {
      kind: "outcome",
      step,
      expected: record.logs,
      actual: result.logs,
      message: `the logs differ: the record has ${preview(record.logs)}, the replay ${preview(result.logs)}`,
    };
  const tape = record.nondeterminism;
  const used = result.nondeterminism;
  if (!tape.truncated && used)
    for (const kind of ["now", "random"] as const)
      if (used[kind].length !== tape[kind].length)
        return {
          kind: "outcome",
          step,
          expected: { [kind]: tape[kind].length },
          actual: { [kind]: used[kind].length },
          message: `the program read ${kind === "now" ? "the clock" : "Math.random()"} ${used[kind].length} times, the record ${tape[kind].length}`,
        };
  return undefined;
}

function jsonOf(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

/** A value in one short line. */
function preview(value: unknown): string {
  const text = value === undefined ? "no arguments" : (JSON.stringify(value) ?? String(value));
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
