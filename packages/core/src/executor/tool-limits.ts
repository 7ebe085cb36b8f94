/**
 * Per-tool limits at the host side of the bridge: how many calls of a tool may be in flight at once, how
 * many may start per interval, how long one attempt may take, and retries for idempotent tools. Queues and
 * backoff come from p-queue and p-retry; this module holds codecall's own rules: which calls a rule
 * covers, which failures are safe to retry, and the typed errors a program sees.
 */
import type { GeneratedTool } from "@codecall/codegen";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type PQueue from "p-queue";
import type picomatch from "picomatch";
import { CodecallError, type ErrorCode } from "../errors.js";
import type { JsonObject } from "../json.js";
import { callTraceOf } from "../telemetry/execution-trace.js";
import type { CallToolFunction } from "./tool-bridge.js";

/** How a retried call waits between attempts: exponential backoff from `minDelayMs`, with jitter. */
export interface RetryOptions {
  /** Attempts after the first. */
  count: number;
  /** Wait before the first retry. Default 100 ms. */
  minDelayMs?: number;
  /** Longest wait between attempts. Default 2,000 ms. */
  maxDelayMs?: number;
}

/** Limits for the tools one glob matches. Every field is optional. */
export interface ToolLimitRule {
  /**
   * Most calls in flight at once, across every tool the glob matches (one shared budget per rule, so
   * `"github.*": { concurrency: 4 }` caps the server, not each tool).
   */
  concurrency?: number;
  /** Most calls started per interval across the matched tools, as a sliding window: `{ calls: 10, perMs: 1000 }`. */
  rate?: { calls: number; perMs: number };
  /** Longest one attempt may take; past it the call fails with TOOL_TIMEOUT (catchable in the program). */
  timeoutMs?: number;
  /**
   * Retries after a transport failure or a timeout (never after the tool's own error result), for tools
   * that are idempotent. A number is the retry count. Default 2 for idempotent tools.
   */
  retries?: number | RetryOptions;
  /** Overrides the tool's `idempotentHint` annotation: whether a failed attempt may be sent again. */
  idempotent?: boolean;
}

/**
 * Per-tool limits keyed by a glob over `server.tool` (server as configured, tool as the server names it;
 * picomatch syntax, e.g. `"memory.*"`, `"*.search_*"`, `"*"`). A call passes the concurrency and rate
 * budget of every rule that matches it; for `timeoutMs`, `retries` and `idempotent` a later matching rule
 * overrides an earlier one, so write general rules first.
 */
export type ToolLimitsConfig = Record<string, ToolLimitRule>;

const RULE_KEYS = ["concurrency", "rate", "timeoutMs", "retries", "idempotent"] as const;
/** Retries for idempotent tools when no rule sets a count. */
const DEFAULT_RETRIES = 2;
const DEFAULT_MIN_DELAY_MS = 100;
const DEFAULT_MAX_DELAY_MS = 2_000;
/** More retries than this is a configuration mistake, not resilience: a program's wall clock runs meanwhile. */
const MAX_RETRIES = 10;

/**
 * The failures a retry may fix: the call never got an answer (timeouts) or the connection broke. A
 * tool's `isError` result is a result, never thrown here; a JSON-RPC error from the server is its answer.
 */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "TOOL_TIMEOUT",
  "MCP_TIMEOUT",
  "MCP_SERVER_CRASHED",
  "MCP_CONNECT_FAILED",
]);

/** What applies to one tool, resolved once from the rules. */
interface CallPlan {
  queues: PQueue[];
  timeoutMs: number | undefined;
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
}

interface CompiledRule {
  matches: (name: string) => boolean;
  rule: ToolLimitRule;
  queue: PQueue | undefined;
}

type Libraries = {
  PQueue: typeof PQueue;
  pRetry: typeof import("p-retry").default;
  picomatch: typeof picomatch;
};

/**
 * Applies {@link ToolLimitsConfig} to tool calls. One limiter holds the queues, so executors that share one
 * (several sessions of `codecall serve`, say) share each rule's budget. Create it with
 * {@link createToolLimiter}.
 */
export class ToolLimiter {
  readonly #rules: ReadonlyArray<readonly [string, ToolLimitRule]>;
  #compiled: Promise<{ libs: Libraries; rules: CompiledRule[] }> | undefined;
  /** By tool object: a catalogue change brings new tool objects (and maybe new annotations), so new plans. */
  readonly #plans = new WeakMap<GeneratedTool, CallPlan | null>();
  /** The libraries once loaded, so calls after the first do not wait a turn for them. */
  #libs: Libraries | undefined;

  /** @internal Use {@link createToolLimiter}, which validates the configuration. */
  constructor(rules: ReadonlyArray<readonly [string, ToolLimitRule]>) {
    this.#rules = rules;
  }

  /**
   * Calls `tool` through its limits: waits for a slot in each matching rule's queue, bounds each attempt
   * by the tool's timeout, and retries transport failures of idempotent tools with backoff. Attempts are
   * reported to the execution's trace (events and spans) found in `context`.
   */
  async call(
    tool: GeneratedTool,
    args: JsonObject,
    callTool: CallToolFunction,
    context: { readonly signal: AbortSignal },
  ): Promise<CallToolResult> {
    const signal = context.signal;
    const cached = this.#plans.get(tool);
    const plan = cached === undefined ? await this.#plan(tool) : cached;
    if (!plan) return callTool(tool.server, tool.name, args, { signal });
    this.#compiled ??= this.#compile();
    const libs = this.#libs ?? (await this.#compiled).libs;
    // Without queues or a timeout an attempt is the call itself (no wrappers to pass through per call).
    const direct = plan.queues.length === 0 && plan.timeoutMs === undefined;
    const once = direct
      ? () => callTool(tool.server, tool.name, args, { signal })
      : () => queued(plan.queues, signal, () => attempt(tool, args, callTool, signal, plan.timeoutMs));
    if (plan.retries === 0) return once();
    // The first attempt goes straight through: most calls succeed, and p-retry's set-up costs about as
    // much as the rest of the host's work on a call. Only a failure that may be retried hands over to it,
    // as its own first attempt, so backoff and reporting are what they would have been.
    if (signal.aborted) throw asCodecallError(signal.reason, signal);
    let first: unknown;
    try {
      return await once();
    } catch (error) {
      if (!retryable(error, signal)) throw asCodecallError(error, signal);
      first = error;
    }
    const trace = callTraceOf(context);
    try {
      return await libs.pRetry((attemptNumber) => (attemptNumber === 1 ? Promise.reject(first) : once()), {
        retries: plan.retries,
        minTimeout: plan.minDelayMs,
        maxTimeout: plan.maxDelayMs,
        factor: 2,
        randomize: true,
        signal,
        // onFailedAttempt runs before shouldRetry, so it applies the same test before reporting a retry.
        shouldRetry: ({ error }) => retryable(error, signal),
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft > 0 && retryable(error, signal))
            trace?.retried(attemptNumber, asCodecallError(error));
        },
      });
    } catch (error) {
      throw asCodecallError(error, signal);
    }
  }

  /** The plan for `tool`, or null when nothing applies (the call goes straight through). */
  async #plan(tool: GeneratedTool): Promise<CallPlan | null> {
    let timeoutMs: number | undefined;
    let retries: number | RetryOptions | undefined;
    let idempotent = tool.definition.annotations?.idempotentHint === true;
    const queues: PQueue[] = [];
    // Without rules nothing needs loading to decide; the libraries load once a call needs them.
    if (this.#rules.length > 0) this.#compiled ??= this.#compile();
    const rules = this.#compiled ? (await this.#compiled).rules : [];
    const key = `${tool.server}.${tool.name}`;
    for (const compiled of rules) {
      if (!compiled.matches(key)) continue;
      const { rule } = compiled;
      if (compiled.queue) queues.push(compiled.queue);
      if (rule.timeoutMs !== undefined) timeoutMs = rule.timeoutMs;
      if (rule.retries !== undefined) retries = rule.retries;
      if (rule.idempotent !== undefined) idempotent = rule.idempotent;
    }
    const retry = typeof retries === "number" ? { count: retries } : (retries ?? { count: DEFAULT_RETRIES });
    const plan: CallPlan = {
      queues,
      timeoutMs,
      retries: idempotent ? retry.count : 0,
      minDelayMs: retry.minDelayMs ?? DEFAULT_MIN_DELAY_MS,
      maxDelayMs: retry.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
    };
    const result = queues.length === 0 && timeoutMs === undefined && plan.retries === 0 ? null : plan;
    this.#plans.set(tool, result);
    return result;
  }

  /** Loads the libraries on first use (none of them weighs on importing core) and builds each rule's queue. */
  async #compile(): Promise<{ libs: Libraries; rules: CompiledRule[] }> {
    const [{ default: PQueueClass }, { default: pRetry }, picomatchModule] = await Promise.all([
      import("p-queue"),
      import("p-retry"),
      import("picomatch"),
    ]);
    const libs: Libraries = {
      PQueue: PQueueClass,
      pRetry,
      picomatch: (picomatchModule as { default?: typeof picomatch }).default ?? (picomatchModule as never),
    };
    const rules = this.#rules.map(([glob, rule]): CompiledRule => {
      const limited = rule.concurrency !== undefined || rule.rate !== undefined;
      const queue = limited
        ? new libs.PQueue({
            concurrency: rule.concurrency ?? Number.POSITIVE_INFINITY,
            ...(rule.rate ? { intervalCap: rule.rate.calls, interval: rule.rate.perMs, strict: true } : {}),
          })
        : undefined;
      return { matches: libs.picomatch(glob, MATCH_OPTIONS), rule, queue };
    });
    this.#libs = libs;
    return { libs, rules };
  }
}

/** `*` stays within a segment; names with dots in them (a tool called `a.b`) match `server.*` all the same. */
const MATCH_OPTIONS: picomatch.PicomatchOptions = { dot: true };

/** Runs `run` once a slot is free in every queue, taken in the rules' order (so waits cannot deadlock). */
function queued<T>(queues: PQueue[], signal: AbortSignal, run: () => Promise<T>): Promise<T> {
  const enter = async (i: number): Promise<T> => {
    if (i === queues.length) return run();
    try {
      return await queues[i]!.add(() => enter(i + 1), { signal });
    } catch (error) {
      throw signal.aborted ? stopped(signal) : error;
    }
  };
  return enter(0);
}

/** One attempt, failing with TOOL_TIMEOUT after `timeoutMs` (the request is cancelled through its signal). */
async function attempt(
  tool: GeneratedTool,
  args: JsonObject,
  callTool: CallToolFunction,
  signal: AbortSignal,
  timeoutMs: number | undefined,
): Promise<CallToolResult> {
  if (timeoutMs === undefined) return callTool(tool.server, tool.name, args, { signal });
  // The call gets a signal of its own: aborted when the run stops or when this attempt times out.
  const own = new AbortController();
  const forward = () => own.abort(signal.reason);
  signal.addEventListener("abort", forward, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new CodecallError(
        "TOOL_TIMEOUT",
        `${tool.server}.${tool.name} did not answer within ${timeoutMs} ms; the call was cancelled.`,
        { details: { server: tool.server, tool: tool.name, timeoutMs } },
      );
      own.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    const call = callTool(tool.server, tool.name, args, { signal: own.signal });
    call.catch(() => {}); // The timeout may win the race; the cancelled call's rejection is expected.
    return await Promise.race([call, timedOut]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", forward);
  }
}

function retryable(error: unknown, signal: AbortSignal): boolean {
  return !signal.aborted && CodecallError.isInstance(error) && RETRYABLE.has(error.code);
}

/** The run's stop reason (a wall-clock limit, the caller's cancellation) as the program should see it. */
function stopped(signal: AbortSignal): CodecallError {
  return CodecallError.isInstance(signal.reason)
    ? signal.reason
    : new CodecallError("ABORTED", "The execution was stopped while the tool call waited.");
}

function asCodecallError(error: unknown, signal?: AbortSignal): CodecallError {
  if (signal?.aborted && !CodecallError.isInstance(error)) return stopped(signal);
  return CodecallError.from(error, "TOOL_FAILED");
}

/**
 * Validates `config` and returns a limiter for it (CONFIG_INVALID naming the field on a mistake). Share one
 * limiter between executors to share its budgets; without configuration it still retries the transport
 * failures of tools annotated `idempotentHint: true`.
 *
 * @param config - Rules by glob over `server.tool`.
 * @param where - How error messages name the configuration (`"tools"`, or a file and key).
 */
export function createToolLimiter(config: ToolLimitsConfig = {}, where = "tools"): ToolLimiter {
  if (config === null || typeof config !== "object" || Array.isArray(config))
    throw invalid(where, 'must be an object of globs, e.g. { "memory.*": { "concurrency": 4 } }');
  const rules: Array<readonly [string, ToolLimitRule]> = [];
  for (const [glob, rule] of Object.entries(config)) {
    const at = `${where}[${JSON.stringify(glob)}]`;
    if (glob.trim() === "") throw invalid(at, 'needs a glob over "server.tool", e.g. "memory.*"');
    if (rule === null || typeof rule !== "object" || Array.isArray(rule))
      throw invalid(at, "must be an object with concurrency, rate, timeoutMs, retries or idempotent");
    for (const key of Object.keys(rule)) {
      if (!(RULE_KEYS as readonly string[]).includes(key))
        throw invalid(`${at}.${key}`, `is not a known limit; use one of ${RULE_KEYS.join(", ")}`);
    }
    if (rule.concurrency !== undefined) positiveInteger(rule.concurrency, `${at}.concurrency`);
    if (rule.rate !== undefined) {
      const rate = rule.rate as unknown;
      if (rate === null || typeof rate !== "object" || Array.isArray(rate))
        throw invalid(`${at}.rate`, "must be { calls, perMs }, e.g. { calls: 10, perMs: 1000 }");
      for (const key of Object.keys(rate))
        if (key !== "calls" && key !== "perMs")
          throw invalid(`${at}.rate.${key}`, "is not known; rate takes calls and perMs");
      positiveInteger(rule.rate.calls, `${at}.rate.calls`);
      positiveNumber(rule.rate.perMs, `${at}.rate.perMs`);
    }
    if (rule.timeoutMs !== undefined) positiveNumber(rule.timeoutMs, `${at}.timeoutMs`);
    if (rule.idempotent !== undefined && typeof rule.idempotent !== "boolean")
      throw invalid(`${at}.idempotent`, "must be true or false");
    if (rule.retries !== undefined) checkRetries(rule.retries, `${at}.retries`);
    rules.push([glob, rule]);
  }
  return new ToolLimiter(rules);
}

function checkRetries(retries: unknown, at: string): void {
  if (typeof retries === "number") {
    retryCount(retries, at);
    return;
  }
  if (retries === null || typeof retries !== "object" || Array.isArray(retries))
    throw invalid(at, "must be a number of retries or { count, minDelayMs, maxDelayMs }");
  const r = retries as Record<string, unknown>;
  for (const key of Object.keys(r))
    if (!["count", "minDelayMs", "maxDelayMs"].includes(key))
      throw invalid(`${at}.${key}`, "is not known; retries takes count, minDelayMs and maxDelayMs");
  retryCount(r.count, `${at}.count`);
  if (r.minDelayMs !== undefined) positiveNumber(r.minDelayMs, `${at}.minDelayMs`);
  if (r.maxDelayMs !== undefined) positiveNumber(r.maxDelayMs, `${at}.maxDelayMs`);
}

function retryCount(value: unknown, at: string): void {
  if (!(Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_RETRIES))
    throw invalid(at, `must be a whole number from 0 to ${MAX_RETRIES}, got ${JSON.stringify(value)}`);
}

function positiveInteger(value: unknown, at: string): void {
  if (!(Number.isInteger(value) && (value as number) > 0))
    throw invalid(at, `must be a positive whole number, got ${JSON.stringify(value)}`);
}

function positiveNumber(value: unknown, at: string): void {
  if (!(typeof value === "number" && Number.isFinite(value) && value > 0))
    throw invalid(at, `must be a positive number of milliseconds, got ${JSON.stringify(value)}`);
}

function invalid(at: string, what: string): CodecallError {
  return new CodecallError("CONFIG_INVALID", `${at} ${what}.`, { details: { field: at } });
}
