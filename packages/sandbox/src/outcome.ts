import { CodecallError, type ErrorCode } from "./errors.js";
import type { JsonValue } from "./json.js";
import type { ExecutionLimits } from "./limits.js";
import type { AdapterRunStatsV1, RunResultV1 } from "./spec-v1.js";
import { mapProgramStack, type ProgramPosition } from "./stack.js";
import type { ExecutionOutcome, LogEntry, ToolCallRecord } from "./types.js";

/** Tool-call error codes a program's uncaught error keeps in the outcome; anything else is PROGRAM_ERROR. */
const TOOL_CODES = new Set<string>([
  "TOOL_NOT_FOUND",
  "TOOL_FAILED",
  "TOOL_ARGS_INVALID",
  "TOOL_RESULT_TOO_LARGE",
  "TOOL_ARGS_TOO_LARGE",
  "TOOL_TIMEOUT",
  "POLICY_DENIED",
  "PRIVACY_VIOLATION",
  "RESULT_NOT_SERIALIZABLE",
  "WORKSPACE_QUOTA",
  "WORKSPACE_PATH_INVALID",
  "WORKSPACE_NOT_FOUND",
  "SKILL_NOT_FOUND",
  "SKILL_INVALID",
]);

/** What a run had gathered when it ended, for the outcome. */
export interface RunRecord {
  backend: string;
  started: number;
  logs: LogEntry[];
  toolCalls: ToolCallRecord[];
  callCount: number;
  outputBytes: number;
  adapterStats?: AdapterRunStatsV1 | undefined;
}

/** The outcome of a run that ended with `error` (or with `value` when there is none). */
export function outcomeOf(
  run: RunRecord,
  error: CodecallError | undefined,
  value?: JsonValue,
): ExecutionOutcome {
  const outcome: ExecutionOutcome = {
    ok: !error,
    logs: run.logs,
    toolCalls: run.toolCalls,
    stats: {
      backend: run.backend,
      wallMs: performance.now() - run.started,
      toolCalls: run.callCount,
      outputBytes: run.outputBytes,
      contextReset: false,
    },
  };
  if (error) outcome.error = error.toJSON();
  else if (value !== undefined) outcome.value = value;
  if (run.adapterStats?.cpuMs !== undefined) outcome.stats.cpuMs = run.adapterStats.cpuMs;
  if (run.adapterStats?.peakMemoryBytes !== undefined)
    outcome.stats.peakMemoryBytes = run.adapterStats.peakMemoryBytes;
  return outcome;
}

/** An execution that failed before its program started. */
export function failedBeforeRun(backend: string, started: number, error: CodecallError): ExecutionOutcome {
  return outcomeOf({ backend, started, logs: [], toolCalls: [], callCount: 0, outputBytes: 0 }, error);
}

/** Maps an adapter's `failed` result to the error the caller sees. */
export function adapterFailure(
  result: Extract<RunResultV1, { kind: "failed" }>,
  backend: string,
  limits: ExecutionLimits,
  position: ProgramPosition,
): CodecallError {
  switch (result.code) {
    case "SANDBOX_CPU_LIMIT":
      return new CodecallError(
        "SANDBOX_CPU_LIMIT",
        `The program used more than its CPU time limit of ${limits.cpuTimeMs} ms.`,
        { details: { limitMs: limits.cpuTimeMs } },
      );
    case "SANDBOX_MEMORY":
      return new CodecallError(
        "SANDBOX_MEMORY",
        `The program used more than its memory limit of ${limits.memoryBytes} bytes.`,
        { details: { limitBytes: limits.memoryBytes } },
      );
    case "SANDBOX_TIMEOUT":
      return wallClockError(limits.wallTimeMs);
    case "PROGRAM_SYNTAX": {
      const line = /program\.js:(\d+)/.exec(result.message);
      return new CodecallError("PROGRAM_SYNTAX", result.message.replace(/\s*at .*program\.js.*$/s, ""), {
        name: "SyntaxError",
        ...(line ? { line: Math.max(1, Number(line[1]) - position.lineOffset) } : {}),
      });
    }
    default:
      return new CodecallError("SANDBOX_CRASHED", `The ${backend} sandbox failed: ${result.message}`);
  }
}

/** What the prelude reports for an error the program did not catch. */
export interface ProgramErrorReport {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  code?: unknown;
  tool?: unknown;
}

/** The program's uncaught error, with its stack mapped back to program lines. */
export function programError(
  report: ProgramErrorReport | undefined,
  position: ProgramPosition,
): CodecallError {
  const name = typeof report?.name === "string" ? report.name : "Error";
  const message = typeof report?.message === "string" ? report.message : "The program failed.";
  const mapped = typeof report?.stack === "string" ? mapProgramStack(report.stack, position) : undefined;
  const code: ErrorCode =
    typeof report?.code === "string" && TOOL_CODES.has(report.code)
      ? (report.code as ErrorCode)
      : "PROGRAM_ERROR";
  return new CodecallError(code, message, {
    name,
    ...(mapped?.line !== undefined ? { line: mapped.line } : {}),
    ...(mapped?.column !== undefined ? { column: mapped.column } : {}),
    ...(mapped?.stack ? { stack: mapped.stack } : {}),
    ...(typeof report?.tool === "string" ? { details: { tool: report.tool } } : {}),
  });
}

/** A failed tool call as the prelude expects its reply. */
export function toolFailureReply(error: CodecallError): string {
  return JSON.stringify({
    ok: false,
    error: { ...error.toJSON(), name: error.code === "TOOL_FAILED" ? "ToolError" : "CodecallError" },
  });
}

export function outputLimitError(limit: number, what: string): CodecallError {
  return new CodecallError(
    "SANDBOX_OUTPUT_LIMIT",
    `The program's ${what} exceeded limits.maxOutputBytes (${limit} bytes).`,
    { details: { limitBytes: limit } },
  );
}

export function abortedError(signal: AbortSignal): CodecallError {
  const reason: unknown = signal.reason;
  return CodecallError.isInstance(reason)
    ? reason
    : new CodecallError(
        "ABORTED",
        `The execution was cancelled${reason instanceof Error ? `: ${reason.message}` : "."}`,
      );
}

export function wallClockError(limitMs: number): CodecallError {
  return new CodecallError("SANDBOX_TIMEOUT", `The program ran past its wall-clock limit of ${limitMs} ms.`, {
    details: { limitMs },
  });
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
