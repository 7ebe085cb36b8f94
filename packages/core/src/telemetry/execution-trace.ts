/**
 * One execution's identity and trace: its run id, the `codecall.execute` span with its `codecall.type_check`
 * and `codecall.run` children, one span per tool call, and the events streamed to the caller (each stamped
 * with the run id and a timestamp; retried calls reported attempt by attempt).
 */
import type { GeneratedApi } from "@codecall/codegen";
import type { ExecutionEvent, ExecutionOutcome, ToolHandler } from "@codecall/sandbox";
import { CodecallError, type ErrorCode } from "../errors.js";
import type { Telemetry, TraceSpan } from "./tracer.js";

/** What a tool-call span records beside its name: never arguments or results, only their sizes. */
const ATTR = {
  runId: "codecall.run_id",
  sessionId: "mcp.session.id",
  method: "mcp.method.name",
  toolName: "gen_ai.tool.name",
  server: "codecall.tool.server",
  tool: "codecall.tool.name",
  outcome: "codecall.tool.outcome",
  argsBytes: "codecall.tool.args_bytes",
  resultBytes: "codecall.tool.result_bytes",
  attempts: "codecall.tool.attempts",
} as const;

/** Where the per-call trace rides on a tool handler's context (see {@link ExecutionTrace.tools}). */
const CALL = Symbol("codecall.callTrace");

/** One tool call of an execution, as the limiter reports its attempts to it. */
export interface CallTrace {
  /** Attempt `attempt` (from 1) failed with `error` and the call is sent again. */
  retried(attempt: number, error: CodecallError): void;
}

/** The call's trace, when the handler runs inside a traced execution. */
export function callTraceOf(context: object): CallTrace | undefined {
  return (context as { [CALL]?: CallTrace })[CALL];
}

export interface ExecutionTraceOptions {
  runId: string;
  /** The MCP session the program came in through (`codecall serve`), when known. */
  sessionId?: string | undefined;
  backend: string;
  /** The caller's listener; events reach it stamped. */
  onEvent?: ((event: ExecutionEvent) => void) | undefined;
}

/** `server.tool` names by program-facing id, per generated API (built once, on the first recorded span). */
const namesByApi = new WeakMap<GeneratedApi, Map<string, { server: string; tool: string }>>();

function toolNames(api: GeneratedApi | undefined, id: string): { server: string; tool: string } {
  let names = api && namesByApi.get(api);
  if (api && !names) {
    names = new Map(api.tools.map((t) => [t.id, { server: t.server, tool: t.name }]));
    namesByApi.set(api, names);
  }
  // Built-in program tools (codecall.searchTools, resources) are not in the generated API.
  return names?.get(id) ?? { server: id.split(".")[0] ?? id, tool: id.split(".").slice(1).join(".") || id };
}

/** The span outcome for an error code: the few a dashboard should tell apart, then `error`. */
function outcomeOf(code: ErrorCode): string {
  if (code === "POLICY_DENIED" || code === "PRIVACY_VIOLATION") return "denied";
  if (code === "TOOL_TIMEOUT" || code === "MCP_TIMEOUT") return "timeout";
  return "error";
}

function jsonBytes(value: unknown): number {
  if (value === undefined) return 0;
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
  } catch {
    return 0;
  }
}

/** One execution's run id, spans and event stream. */
export class ExecutionTrace {
  readonly runId: string;
  readonly #telemetry: Telemetry;
  readonly #options: ExecutionTraceOptions;
  readonly #span: TraceSpan;
  #run: TraceSpan | undefined;
  /** The id of the last `tool-call` event: the sandbox emits it just before it calls the handler. */
  #lastCallId = 0;
  /** Attempts of calls that were retried, by call id. */
  readonly #attempts = new Map<number, number>();
  /** Attempts in the order tool results arrived, matching the outcome's `toolCalls`. */
  readonly #resultAttempts: Array<number | undefined> = [];

  constructor(telemetry: Telemetry, options: ExecutionTraceOptions) {
    this.#telemetry = telemetry;
    this.#options = options;
    this.runId = options.runId;
    this.#span = telemetry.start("codecall.execute", {
      [ATTR.runId]: options.runId,
      "codecall.backend": options.backend,
      ...(options.sessionId ? { [ATTR.sessionId]: options.sessionId } : {}),
    });
  }

  /** Runs one phase of the execution (`codecall.type_check`, `codecall.run`) in a child span. */
  async phase<T>(name: string, work: () => Promise<T>): Promise<T> {
    const span = this.#telemetry.start(name, { [ATTR.runId]: this.runId }, this.#span.context);
    if (name === "codecall.run") this.#run = span;
    try {
      return await this.#telemetry.with(span, work);
    } catch (error) {
      span.fail(error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** Receives the sandbox's events: tracks call ids and attempts, stamps them, and forwards them. */
  readonly onEvent = (event: ExecutionEvent): void => {
    if (event.type === "tool-call") this.#lastCallId = event.id;
    let out = event;
    if (event.type === "tool-result") {
      const attempts = this.#attempts.get(event.id);
      this.#resultAttempts.push(attempts);
      if (attempts !== undefined) {
        this.#attempts.delete(event.id);
        out = { ...event, attempts };
      }
    }
    this.#emit(out);
  };

  #emit(event: ExecutionEvent): void {
    const listener = this.#options.onEvent;
    if (!listener) return;
    try {
      listener({ ...event, runId: this.runId, at: Date.now() });
    } catch {
      // A listener's failure must not break the program.
    }
  }

  /**
   * The handler programs call, around `handler`: each call gets a span (a child of `codecall.run`) and
   * carries its {@link CallTrace} on the context, where the limiter reports retries.
   */
  tools(handler: ToolHandler, api: GeneratedApi | undefined): ToolHandler {
    return async (call, context) => {
      // Read before the first await: the sandbox emitted this call's `tool-call` event just now.
      const id = this.#lastCallId;
      const parent = this.#run ?? this.#span;
      const span = this.#telemetry.start(`tools/call ${call.name}`, undefined, parent.context);
      if (span.recording) {
        const { server, tool } = toolNames(api, call.name);
        span.set({
          [ATTR.runId]: this.runId,
          [ATTR.method]: "tools/call",
          [ATTR.toolName]: tool,
          [ATTR.server]: server,
          [ATTR.tool]: tool,
          [ATTR.argsBytes]: jsonBytes(call.args),
          ...(this.#options.sessionId ? { [ATTR.sessionId]: this.#options.sessionId } : {}),
        });
      }
      const trace: CallTrace = {
        retried: (attempt, error) => {
          this.#attempts.set(id, attempt + 1);
          span.event("codecall.tool.retry", { "codecall.tool.attempt": attempt, "error.type": error.code });
          this.#emit({ type: "tool-retry", id, name: call.name, attempt, error: error.toJSON() });
        },
      };
      const traced = Object.create(context) as typeof context & { [CALL]: CallTrace };
      traced[CALL] = trace;
      try {
        const value = await handler(call, traced);
        if (span.recording) span.set({ [ATTR.outcome]: "ok", [ATTR.resultBytes]: jsonBytes(value) });
        return value;
      } catch (error) {
        const code = CodecallError.isInstance(error) ? error.code : "TOOL_FAILED";
        span.set({ [ATTR.outcome]: outcomeOf(code) });
        span.fail(error);
        throw error;
      } finally {
        const attempts = this.#attempts.get(id);
        if (attempts !== undefined) span.set({ [ATTR.attempts]: attempts });
        span.end();
      }
    };
  }

  /** Ends the execution's span with the outcome, and adds each retried call's attempts to its record. */
  finish<T extends ExecutionOutcome>(outcome: T): T & { runId: string } {
    outcome.toolCalls.forEach((record, i) => {
      const attempts = this.#resultAttempts[i];
      if (attempts !== undefined) record.attempts = attempts;
    });
    this.#span.set({
      "codecall.ok": outcome.ok,
      "codecall.tool_calls": outcome.stats.toolCalls,
    });
    if (outcome.error) this.#span.fail(new CodecallError(outcome.error.code, ""));
    this.#span.end();
    return Object.assign(outcome, { runId: this.runId });
  }
}
