import type {
  ExecutionLimits,
  JsonValue,
  LogEntry,
  NondeterminismTape,
  SerializedError,
} from "@codecall/sandbox";

/** The record format's version. A reader refuses other versions with RECORD_INVALID. */
export const RECORD_VERSION = 1;

/** One tool call as the program saw it: what it sent and what it got back (tokens, with privacy on). */
export interface RecordedToolCall {
  /** 1-based position among the execution's calls, in the order the program made them. */
  step: number;
  /** The tool id the program called (`memory.read_graph`), or a built-in such as `codecall.searchTools`. */
  name: string;
  /** The arguments as the program passed them; absent when it passed none. */
  args?: JsonValue;
  ok: boolean;
  /** What the call resolved to (absent when it resolved to nothing, or failed). */
  value?: JsonValue;
  /** What the call rejected with. */
  error?: SerializedError;
  durationMs: number;
}

/** A tool as a record keeps it: enough to regenerate the program's typed API offline. */
export interface RecordedTool {
  name: string;
  inputSchema: unknown;
  outputSchema?: unknown;
}

/** A server whose API the program used, with its tools. */
export interface RecordedServer {
  name: string;
  tools: RecordedTool[];
}

/** How one execution ended. */
export interface RecordedOutcome {
  ok: boolean;
  value?: JsonValue;
  error?: SerializedError;
}

/**
 * Everything one execution did, replayable offline with `replayRecord`: the program, the tool calls with
 * their arguments and results in order, the clock and random values it consumed, its logs, limits and
 * outcome. With privacy on, values are what the program saw: tokens, never the raw personal data.
 */
export interface ExecutionRecord {
  recordVersion: typeof RECORD_VERSION;
  kind: "execution";
  /** The execution's id (the executor's `runId` when it has one). */
  runId: string;
  /** The version of `@codecall/core` that recorded it. */
  codecallVersion: string;
  /** When the execution started (ISO 8601). */
  recordedAt: string;
  /** The program's TypeScript source, as given. */
  program: string;
  backend: string;
  limits: ExecutionLimits;
  typeCheck: "off" | "warn" | "error";
  /** An interceptor with `redact` (privacy) was on: values are the program's view (tokens). */
  redacted: boolean;
  /** The servers whose API the program used, for regenerating it offline. */
  servers: RecordedServer[];
  /** `sha256:` hashes of the input and output schemas of every tool in {@link servers}, by tool id. */
  schemaHashes: Record<string, string>;
  /** The sources of the skills the program imported (`skills/<name>.ts`), so a replay links the same code. */
  skills?: Record<string, string>;
  toolCalls: RecordedToolCall[];
  /** What `Date.now()`, `new Date()` and `Math.random()` returned to the program, in order. */
  nondeterminism: NondeterminismTape;
  logs: LogEntry[];
  outcome: RecordedOutcome;
  timing: { wallMs: number; cpuMs?: number };
}

/** One model turn of an agent run (the assistant's message), replayable through the Messages stand-in. */
export interface RecordedTurn {
  content: Array<
    { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: unknown }
  >;
  stopReason: "end_turn" | "tool_use" | "max_tokens";
}

/** An agent run: the task, the model's turns, and the record of every program it ran. */
export interface AgentRecord {
  recordVersion: typeof RECORD_VERSION;
  kind: "agent";
  runId: string;
  codecallVersion: string;
  recordedAt: string;
  task: string;
  mode: "code" | "classic";
  model: string;
  turns: RecordedTurn[];
  /** The records of the programs the model ran, in order. */
  executions: ExecutionRecord[];
  outcome: { text: string; stopReason: string; error?: SerializedError };
}

/** Any record codecall writes. */
export type RunRecord = ExecutionRecord | AgentRecord;

/** Where a replay first differed from its record. */
export interface ReplayDivergence {
  /**
   * `tool`: a different tool was called (or a call too many / too few); `args`: the same tool with other
   * arguments; `result`: a live tool returned something else (with `--live`); `outcome`: the same calls
   * but another value, error or clock/random consumption.
   */
  kind: "tool" | "args" | "result" | "outcome";
  /** The 1-based tool-call step where it differed (`toolCalls.length + 1` for the outcome). */
  step: number;
  /** For an agent record: the 1-based index of the execution that differed. */
  execution?: number;
  expected: unknown;
  actual: unknown;
  /** One line for people. */
  message: string;
}

/** What a replay found. */
export interface ReplayResult {
  ok: boolean;
  divergence?: ReplayDivergence;
  /** How many executions were replayed (1 for an execution record). */
  executions: number;
}
