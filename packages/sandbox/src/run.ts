import { setMaxListeners } from "node:events";
import { AnswerFlow, nextTurn, UNITS_PER_TURN } from "./answer-flow.js";
import { isRawAnswer, jsonStringBytes, okAnswer } from "./answer-json.js";
import type { Deadline, Deadlines } from "./deadlines.js";
import { CodecallError } from "./errors.js";
import {
  isStackOverflow,
  type JsonValue,
  jsonDeeperThan,
  MAX_TOOL_NAME_LENGTH,
  MAX_VALUE_DEPTH,
  requestName,
  toolResultTooDeep,
  utf8Length,
} from "./json.js";
import type { ExecutionLimits } from "./limits.js";
import {
  adapterFailure,
  errorText,
  outcomeOf,
  outputLimitError,
  type ProgramErrorReport,
  programError,
  type RunRecord,
  toolFailureReply,
  wallClockError,
} from "./outcome.js";
import { TAPE_MAX } from "./prelude.js";
import type { AdapterRunStatsV1, HostBridgeV1, RunControlV1, RunResultV1 } from "./spec-v1.js";
import type { ProgramPosition } from "./stack.js";
import type {
  ExecuteRequest,
  ExecutionEvent,
  ExecutionOutcome,
  LogEntry,
  LogLevel,
  NondeterminismTape,
  ToolCallRecord,
} from "./types.js";

/** How long core waits for an adapter to settle after aborting it, before reporting anyway. */
const ABORT_GRACE_MS = 2_000;
/**
 * Bytes of arguments one execution may have in flight (calls sent, not yet answered), as a multiple of
 * `limits.maxToolArgsBytes`: thousands of parallel calls each just under the per-call cap would otherwise
 * hold gigabytes on the host while the tools work.
 */
export const ARGS_IN_FLIGHT_FACTOR = 4;
/** What to do about a value nested past {@link MAX_VALUE_DEPTH} (JSON, but deeper than the host follows). */
const FLATTER_VALUE_HINT = `Return or send a flatter value: at most ${MAX_VALUE_DEPTH} levels of nested arrays and objects.`;
/** What an answer adds around its value's JSON: `{"ok":true,"value":` and `}`. */
const ANSWER_ENVELOPE_UNITS = '{"ok":true,"value":}'.length;
/** Room in a report beyond the output limit for its JSON envelope and an error's name and stack. */
const REPORT_SLACK_BYTES = 64 * 1024;
/** Room for a full nondeterminism tape: two kinds of {@link TAPE_MAX} numbers of at most 24 characters. */
const TAPE_SLACK_BYTES = 2 * TAPE_MAX * 25;

/**
 * The abort signals of one session's runs. Runs run one at a time, and a run that was not stopped leaves
 * its signal unaborted, so the next run reuses it: a new AbortSignal costs several microseconds of CPU
 * and garbage collection, as much as the rest of a warm execution. Adapters and tools remove their
 * listeners when their run or call ends; a stopped run's signal is never handed out again.
 */
export class SignalSource {
  private current: AbortController | undefined;

  take(): AbortController {
    if (!this.current) {
      this.current = new AbortController();
      // Every tool call in flight may listen on it (an MCP request does); that is not a leak.
      setMaxListeners(0, this.current.signal);
    }
    return this.current;
  }

  drop(controller: AbortController): void {
    if (this.current === controller) this.current = undefined;
  }
}

/** Everything a run needs, known before it starts. */
export interface RunInit {
  backend: string;
  request: ExecuteRequest;
  started: number;
  limits: ExecutionLimits;
  /** Where the program's line 1 sits in the evaluated script. */
  position: ProgramPosition;
  signals: SignalSource;
  /** Where the run's deadline is registered, so a paused clock can take it out and put it back later. */
  deadlines?: Deadlines;
  /** The adapter reports the answers its engine took ({@link SandboxCapabilitiesV1.acknowledgesAnswers}). */
  acknowledgesAnswers?: boolean;
  /** The adapter may get a long string result as itself ({@link SandboxCapabilitiesV1.rawStringAnswers}). */
  rawStringAnswers?: boolean;
}

const noop = () => {};
/** The reason in a late answer's reply, which no program reads: its run ended before the tool answered. */
const RUN_ENDED = new CodecallError("TOOL_FAILED", "The execution ended before the tool answered.");

/**
 * One execution in flight: the bridge the program talks to, its logs, tool calls and byte budgets, the
 * wall-clock deadline, and the one promise ({@link result}) that settles when the adapter reports or,
 * once the run is stopped, when the grace period ends.
 */
export class Run implements Deadline {
  /**
   * When the wall clock stops the run: its limit from now (preparing the context does not count), moved
   * later by the time the clock was paused.
   */
  at: number;
  /** What the adapter and every tool handler get: the limits and the signal, nothing to steer the run. */
  readonly control: RunControlV1;
  readonly limits: ExecutionLimits;
  readonly result: Promise<RunResultV1 | undefined>;
  /** Why the run was stopped (a limit, the caller, disposal); undefined while it runs its course. */
  stopReason: CodecallError | undefined;
  private readonly record: RunRecord;
  private readonly request: ExecuteRequest;
  private readonly position: ProgramPosition;
  private readonly signals: SignalSource;
  private settleResult!: (result: RunResultV1 | undefined) => void;
  private grace: ReturnType<typeof setTimeout> | undefined;
  /** The controller this run's signal came from, once read or aborted. */
  private controller: AbortController | undefined;
  private ended = false;
  /** The program's nondeterminism tape, from its report. */
  private tape: NondeterminismTape | undefined;
  /** Bytes of tool-call requests sent and not yet answered. */
  private argsInFlight = 0;
  /** The pace at which answers leave the host (see answer-flow.ts). */
  private readonly answers: AnswerFlow;
  /** Long string results go to the adapter as themselves (see answer-json.ts). */
  private readonly rawStrings: boolean;
  private readonly deadlines: Deadlines | undefined;
  /** The limits the adapter sees: `wallTimeMs` grows by the time paused (engines check it themselves). */
  adapterLimits: ExecutionLimits;
  /** Pauses in progress, when the first of them began, and the total time paused so far. */
  private pauses = 0;
  private pausedAt = 0;
  private pausedMs = 0;
  /** The session is done with the run: its deadline is no longer registered and must not be again. */
  private released = false;

  constructor(init: RunInit) {
    this.request = init.request;
    this.limits = init.limits;
    this.position = init.position;
    this.signals = init.signals;
    this.deadlines = init.deadlines;
    this.adapterLimits = init.limits;
    this.at = performance.now() + init.limits.wallTimeMs;
    this.rawStrings = init.rawStringAnswers === true;
    // The host holds an answer waiting for the engine at most twice (the answer, and the message the
    // adapter sends it in), at up to 2 bytes a UTF-16 unit: a quarter of the memory limit in units keeps
    // that within the limit. One answer always fits.
    this.answers = new AnswerFlow(
      init.acknowledgesAnswers
        ? Math.max(init.limits.memoryBytes / 4, init.limits.maxToolResultBytes + REPORT_SLACK_BYTES)
        : undefined,
    );
    this.control = new RunView(this);
    this.record = {
      backend: init.backend,
      started: init.started,
      logs: [],
      toolCalls: [],
      callCount: 0,
      outputBytes: 0,
    };
    this.result = new Promise((resolve) => {
      this.settleResult = resolve;
    });
  }

  /** The run's abort signal, made on first read. */
  get signal(): AbortSignal {
    // A tool that first reads it after the run ended must not get a later run's signal.
    this.controller ??= this.ended ? new AbortController() : this.signals.take();
    return this.controller.signal;
  }

  /** The adapter's answer. */
  complete(result: RunResultV1): void {
    this.settleResult(result);
  }

  /** The adapter's run rejected: the engine failed. */
  crash(error: unknown): void {
    this.settleResult({ kind: "failed", code: "SANDBOX_CRASHED", message: errorText(error) });
  }

  /** Ends the run with `error`: aborts its signal, and reports after a grace period if the adapter does not. */
  stop(error: CodecallError): void {
    // A run the session is done with never takes a signal again: a later run may be using it.
    if (this.stopReason || this.released) return;
    this.stopReason = error;
    this.answers.close();
    this.controller ??= this.signals.take();
    this.controller.abort(error);
    this.signals.drop(this.controller);
    this.grace = setTimeout(this.settleResult, ABORT_GRACE_MS, undefined);
  }

  expire(): void {
    this.stop(wallClockError(this.limits.wallTimeMs));
  }

  /** Called once the run's result is in: clears the grace timer. */
  release(): void {
    this.released = true;
    this.answers.close();
    if (this.grace) clearTimeout(this.grace);
  }

  /**
   * Stops the wall clock until the returned function is called: the deadline leaves the timer, and the
   * adapter's own wall-clock check (QuickJS has one) sees no limit meanwhile. On resume the deadline and
   * the adapter's limit move later by the time paused.
   */
  pauseClock(): () => void {
    if (this.released || this.stopReason) return noop;
    if (this.pauses++ === 0) {
      this.pausedAt = performance.now();
      this.deadlines?.delete(this);
      this.adapterLimits = { ...this.limits, wallTimeMs: Number.MAX_SAFE_INTEGER };
    }
    let resumed = false;
    return () => {
      if (resumed) return;
      resumed = true;
      if (--this.pauses > 0) return;
      const paused = performance.now() - this.pausedAt;
      this.pausedMs += paused;
      this.at += paused;
      this.adapterLimits = { ...this.limits, wallTimeMs: this.limits.wallTimeMs + this.pausedMs };
      if (!this.released && !this.stopReason) this.deadlines?.add(this);
    };
  }

  bridge(): HostBridgeV1 {
    return {
      log: (level, text) => this.log(level, text),
      call: (requestJson) => this.call(requestJson),
      answerTaken: (length) => this.answers.taken(length),
    };
  }

  private log(level: string, text: unknown): void {
    if (this.stopReason) return;
    const message = typeof text === "string" ? text : String(text);
    const lvl: LogLevel = isLogLevel(level) ? level : "log";
    this.record.outputBytes += utf8Length(message) + 1;
    if (this.record.outputBytes > this.limits.maxOutputBytes) {
      this.stop(outputLimitError(this.limits.maxOutputBytes, "console output"));
      return;
    }
    const entry: LogEntry = { level: lvl, message };
    this.record.logs.push(entry);
    this.emit({ type: "log", level: lvl, message });
  }

  private async call(requestJson: string): Promise<string> {
    if (typeof requestJson !== "string")
      return this.refuse(new CodecallError("TOOL_ARGS_INVALID", "Malformed tool call from the sandbox."));
    const requestBytes = utf8Length(requestJson);
    // Arguments over the limit are not parsed: the call's name is read from the start of its text.
    const oversized = requestBytes > this.limits.maxToolArgsBytes + 1024;
    let name: string;
    let args: JsonValue | undefined;
    /** A backend that refused the call before it crossed sends a stand-in (see {@link standInRequest}). */
    let refused: unknown;
    if (oversized) name = requestName(requestJson);
    else {
      let parsed: { name?: unknown; args?: unknown; refused?: unknown };
      try {
        parsed = JSON.parse(requestJson) as { name?: unknown; args?: unknown };
      } catch {
        return this.refuse(new CodecallError("TOOL_ARGS_INVALID", "Malformed tool call from the sandbox."));
      }
      if (typeof parsed !== "object" || parsed === null || typeof parsed.name !== "string") {
        return this.refuse(new CodecallError("TOOL_ARGS_INVALID", "A tool call needs a tool name."));
      }
      name = parsed.name;
      args = parsed.args as JsonValue | undefined;
      refused = parsed.refused;
    }
    if (this.stopReason) return this.refuse(this.stopReason);
    const id = ++this.record.callCount;
    if (id > this.limits.maxToolCalls) {
      const error = new CodecallError(
        "TOOL_CALL_LIMIT",
        `The program made more than ${this.limits.maxToolCalls} tool calls (limits.maxToolCalls).`,
        { details: { limit: this.limits.maxToolCalls } },
      );
      this.stop(error);
      return this.refuse(error);
    }
    // Every refusal below counts as a call and leaves a record with its error code: refused at once and
    // uncounted, a loop of them would be bounded only by the run's time. Records stay bounded: at most
    // maxToolCalls of them, each with a name of at most MAX_TOOL_NAME_LENGTH characters (64 for a name
    // refused as too long).
    if (oversized || refused === "call") {
      return this.refuseCall(
        name,
        new CodecallError(
          "TOOL_ARGS_TOO_LARGE",
          `The tool call's arguments exceed limits.maxToolArgsBytes (${this.limits.maxToolArgsBytes} bytes).`,
        ),
      );
    }
    // Each call's record keeps its name for the outcome: names of megabytes, called again and again, would
    // grow the host by up to maxToolCalls x maxToolArgsBytes and leave an outcome too long to serialize.
    if (name.length > MAX_TOOL_NAME_LENGTH) {
      return this.refuseCall(
        `${name.slice(0, 64)}...`,
        new CodecallError(
          "TOOL_NOT_FOUND",
          `No tool has a name of ${name.length} characters (at most ${MAX_TOOL_NAME_LENGTH}).`,
        ),
      );
    }
    // The request's object holds the arguments: one level more.
    if (jsonDeeperThan(requestJson, MAX_VALUE_DEPTH + 1)) {
      return this.refuseCall(
        name,
        new CodecallError(
          "TOOL_ARGS_INVALID",
          `The arguments of ${name} nest arrays and objects more than ${MAX_VALUE_DEPTH} levels deep.`,
          { hint: FLATTER_VALUE_HINT },
        ),
      );
    }
    const inFlightLimit = ARGS_IN_FLIGHT_FACTOR * this.limits.maxToolArgsBytes;
    if (refused === "inFlight" || this.argsInFlight + requestBytes > inFlightLimit) {
      return this.refuseCall(
        name,
        new CodecallError(
          "TOOL_ARGS_TOO_LARGE",
          `The program's tool calls in flight carry more than ${inFlightLimit} bytes of arguments (${ARGS_IN_FLIGHT_FACTOR}x limits.maxToolArgsBytes). Await earlier calls before sending more.`,
          { details: { tool: name, limit: inFlightLimit } },
        ),
      );
    }
    this.argsInFlight += requestBytes;
    const callStarted = performance.now();
    this.emit({ type: "tool-call", id, name, args });
    let value: unknown;
    let failure: CodecallError | undefined;
    try {
      if (!this.request.tools)
        throw new CodecallError(
          "TOOL_NOT_FOUND",
          `No tools are available to this program (called "${name}").`,
        );
      value = await this.request.tools({ name, args }, this.control);
    } catch (error) {
      failure = CodecallError.from(error, "TOOL_FAILED");
    }
    this.argsInFlight -= requestBytes;
    const durationMs = performance.now() - callStarted;
    for (let wait = this.answers.wait(); wait; wait = this.answers.wait()) await wait;
    // From here to `reply` no other answer is made: nothing waits, or (a large answer) the flow is held.
    let answer: string;
    let release: (() => void) | undefined;
    if (this.stopReason || this.released) {
      // The program never reads it: the answer is not made.
      answer = toolFailureReply(this.stopReason ?? RUN_ENDED);
    } else if (failure) {
      answer = this.failureAnswer(failure);
    } else {
      try {
        answer = okAnswer(value, this.rawStrings);
        if (answer.length > UNITS_PER_TURN) {
          // Stringifying, measuring and handing over a 6 MiB answer can each cost the host's thread
          // 20-30 ms: each gets a turn of its own, so timers and I/O run between them.
          release = this.answers.hold();
          await nextTurn();
        }
        this.checkAnswerSize(name, answer);
        if (release) await nextTurn();
      } catch (error) {
        // A result nested past what the host's JSON.stringify can follow overflows the host's stack.
        failure = isStackOverflow(error) ? toolResultTooDeep(name) : CodecallError.from(error, "TOOL_FAILED");
        answer = this.failureAnswer(failure);
      }
      // The run may have ended while a large answer was made over turns: it is not handed over then.
      if (this.stopReason || this.released) answer = toolFailureReply(this.stopReason ?? RUN_ENDED);
    }
    const reply = this.reply(answer);
    release?.();
    const record: ToolCallRecord = { name, ok: !failure, durationMs };
    if (failure) record.error = failure.code;
    this.record.toolCalls.push(record);
    this.emit({
      type: "tool-result",
      id,
      name,
      ok: !failure,
      durationMs,
      ...(failure ? { error: failure.toJSON() } : {}),
    });
    return reply;
  }

  /** A call refused before it reached a tool. */
  private refuse(error: CodecallError): string {
    return this.reply(toolFailureReply(error));
  }

  /** A counted call refused before it reached a tool: it leaves a record with its error code. */
  private refuseCall(name: string, error: CodecallError): string {
    // Bounded here too: a backend's stand-in for a refused call carries the name as the program wrote it.
    const shown = name.length > MAX_TOOL_NAME_LENGTH ? `${name.slice(0, 64)}...` : name;
    this.record.toolCalls.push({ name: shown, ok: false, durationMs: 0, error: error.code });
    return this.refuse(error);
  }

  /** Every string `call` resolves with goes through here: the answer flow counts what the adapter gets. */
  private reply(answer: string): string {
    this.answers.made(answer.length);
    return answer;
  }

  /** A failed call's answer, its message and details held to `limits.maxToolResultBytes` as a result is. */
  private failureAnswer(error: CodecallError): string {
    const answer = toolFailureReply(error);
    const limit = this.limits.maxToolResultBytes;
    if (utf8Length(answer) <= limit + REPORT_SLACK_BYTES) return answer;
    return toolFailureReply(
      new CodecallError(
        error.code,
        `${error.message.slice(0, Math.floor(limit / 4))}... (cut: the error was over limits.maxToolResultBytes, ${limit} bytes)`,
      ),
    );
  }

  /**
   * Throws TOOL_RESULT_TOO_LARGE unless `answer`'s value is within `limits.maxToolResultBytes`: its JSON's
   * bytes, whether it goes to the engine as JSON or (a long string) as itself (see answer-json.ts).
   */
  private checkAnswerSize(name: string, answer: string): void {
    // `{"ok":true}` alone when the value has no JSON (undefined, a function).
    const bytes = isRawAnswer(answer)
      ? jsonStringBytes(answer)
      : Math.max(0, utf8Length(answer) - ANSWER_ENVELOPE_UNITS);
    if (bytes > this.limits.maxToolResultBytes) {
      throw new CodecallError(
        "TOOL_RESULT_TOO_LARGE",
        `The result of ${name} is ${bytes} bytes, over limits.maxToolResultBytes (${this.limits.maxToolResultBytes}). Ask the tool for less: filters, pagination, smaller pages.`,
        { details: { tool: name, bytes, limit: this.limits.maxToolResultBytes } },
      );
    }
  }

  private emit(event: ExecutionEvent): void {
    try {
      this.request.onEvent?.(event);
    } catch {
      // A listener's failure must not break the program.
    }
  }

  /** The outcome, from what the adapter reported (`undefined`: it never answered). */
  outcome(result: RunResultV1 | undefined): ExecutionOutcome {
    const stats: AdapterRunStatsV1 | undefined = result?.stats;
    if (stats) this.record.adapterStats = stats;
    if (this.stopReason) return this.finish(this.stopReason);
    if (!result) return this.finish(new CodecallError("SANDBOX_CRASHED", "The sandbox did not respond."));
    if (result.kind === "failed")
      return this.finish(adapterFailure(result, this.record.backend, this.limits, this.position));
    // A report far over the output limit is refused before parsing: parsing it would cost the host its
    // size again in memory and time (a string of n units is at least n bytes).
    const slack = REPORT_SLACK_BYTES + (this.request.nondeterminism ? TAPE_SLACK_BYTES : 0);
    if (result.report.length > this.limits.maxOutputBytes + slack)
      return this.finish(
        outputLimitError(
          this.limits.maxOutputBytes,
          result.report.startsWith('{"ok":false,"error"') ? "uncaught error" : "return value",
        ),
      );
    let report: {
      ok?: unknown;
      value?: JsonValue;
      undefined?: boolean;
      tooLarge?: boolean | "error";
      error?: ProgramErrorReport;
      tape?: unknown;
    };
    try {
      report = JSON.parse(result.report);
    } catch {
      return this.finish(new CodecallError("SANDBOX_CRASHED", "The sandbox returned a malformed report."));
    }
    if (this.request.nondeterminism) this.tape = tapeOf(report.tape);
    if (report.tooLarge === true || report.tooLarge === "error")
      return this.finish(
        outputLimitError(
          this.limits.maxOutputBytes,
          report.tooLarge === "error" ? "uncaught error" : "return value",
        ),
      );
    if (report.ok === true) {
      // Handed over, a value nested deeper would break the host's JSON.stringify (a RangeError) wherever
      // the caller serializes the outcome.
      // The report's object holds the value: one level more.
      if (jsonDeeperThan(result.report, MAX_VALUE_DEPTH + 1))
        return this.finish(
          new CodecallError(
            "RESULT_NOT_SERIALIZABLE",
            `The return value nests arrays and objects more than ${MAX_VALUE_DEPTH} levels deep.`,
            { hint: FLATTER_VALUE_HINT },
          ),
        );
      // The tape is the host's bookkeeping, not the program's output.
      const tapeBytes = report.tape === undefined ? 0 : utf8Length(JSON.stringify(report.tape)) + 8;
      this.record.outputBytes += utf8Length(result.report) - tapeBytes;
      if (this.record.outputBytes > this.limits.maxOutputBytes)
        return this.finish(outputLimitError(this.limits.maxOutputBytes, "return value"));
      return this.finish(undefined, report.undefined ? undefined : report.value);
    }
    // An error's text counts in UTF-8 bytes, as a return value's does (its UTF-16 units can be a third of them).
    if (errorBytes(report.error) > this.limits.maxOutputBytes)
      return this.finish(outputLimitError(this.limits.maxOutputBytes, "uncaught error"));
    return this.finish(programError(report.error, this.position));
  }

  private finish(error: CodecallError | undefined, value?: JsonValue): ExecutionOutcome {
    this.ended = true;
    const outcome = outcomeOf(this.record, error, value);
    if (this.request.nondeterminism) outcome.nondeterminism = this.tape ?? { now: [], random: [] };
    return outcome;
  }
}

/** The UTF-8 bytes of an error report's texts, as the prelude counts them before sending it. */
function errorBytes(error: ProgramErrorReport | undefined): number {
  if (error === null || typeof error !== "object") return 0;
  let bytes = 0;
  for (const text of [error.name, error.message, error.stack, error.code, error.tool])
    if (typeof text === "string") bytes += utf8Length(text);
  return bytes;
}

/** The tape in a report, as the host trusts it: finite numbers only. */
function tapeOf(tape: unknown): NondeterminismTape | undefined {
  if (tape === null || typeof tape !== "object") return undefined;
  const { now, random, truncated } = tape as Record<string, unknown>;
  const numbers = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is number => typeof x === "number" && Number.isFinite(x)) : [];
  return { now: numbers(now), random: numbers(random), ...(truncated === true ? { truncated: true } : {}) };
}

/** A run's limits and signal, read on demand (a class: a getter on the prototype costs nothing per run). */
class RunView implements RunControlV1 {
  constructor(private readonly run: Run) {}

  get limits(): ExecutionLimits {
    return this.run.adapterLimits;
  }

  get signal(): AbortSignal {
    return this.run.signal;
  }

  pauseClock(): () => void {
    return this.run.pauseClock();
  }
}

function isLogLevel(level: string): level is LogLevel {
  return level === "log" || level === "info" || level === "warn" || level === "error" || level === "debug";
}
