/**
 * Every error codecall produces is a {@link CodecallError} with a stable string `code`. Codes never change
 * meaning; new ones may be added. Messages say what happened and what to do next.
 */

/** The stable error codes, with the default advice attached to each. */
export const ERROR_HINTS = {
  // Sandbox and execution
  SANDBOX_TIMEOUT:
    "The program ran past its wall-clock limit (waiting on tools counts). Do less per run, or raise limits.wallTimeMs.",
  SANDBOX_CPU_LIMIT:
    "The program used more CPU time than allowed. Look for an endless loop, or raise limits.cpuTimeMs.",
  SANDBOX_MEMORY:
    "The program used more memory than allowed. Process data in smaller pieces, or raise limits.memoryBytes.",
  SANDBOX_OUTPUT_LIMIT:
    "The program returned or logged more than limits.maxOutputBytes. Filter or summarise in code and return less.",
  SANDBOX_CRASHED: "The sandbox engine failed. The session was reset; run the program again.",
  SANDBOX_DISPOSED: "This sandbox session was disposed. Create a new session.",
  SANDBOX_NOT_INSTALLED: "Install the sandbox package named in the message, or pick another backend.",
  SANDBOX_UNAVAILABLE: "The sandbox could not be created. Check the backend's configuration and credentials.",
  PROGRAM_ERROR: "The program threw. Fix the program using the message and line number.",
  PROGRAM_SYNTAX: "The program does not parse. Fix the syntax at the reported line.",
  RESULT_NOT_SERIALIZABLE:
    "The program must return JSON data (objects, arrays, strings, numbers, booleans, null).",
  ABORTED: "The execution was cancelled by its caller.",
  // Tools
  TOOL_NOT_FOUND: "No tool has that name. Search the catalogue for the right name.",
  TOOL_FAILED: "The tool reported an error. Read its message; retry with other arguments if it says so.",
  TOOL_ARGS_INVALID:
    "The arguments do not match the tool's input schema. Fix the field named in the message.",
  TOOL_CALL_LIMIT:
    "The program made more tool calls than limits.maxToolCalls. Batch work, or raise the limit.",
  TOOL_RESULT_TOO_LARGE:
    "A tool result was larger than limits.maxToolResultBytes. Ask the tool for less (filters, pagination).",
  TOOL_ARGS_TOO_LARGE:
    "The arguments of a tool call were larger than limits.maxToolArgsBytes. Send less per call.",
  TOOL_TIMEOUT: "The tool did not answer in time. Retry later or raise the tool timeout.",
  // Type checking and code generation
  TYPE_CHECK_FAILED: "The program does not type-check against the tool API. Fix the reported lines.",
  TYPE_CHECK_LIMIT:
    "The program was too large or its types too complex to check within the type-checker's time and memory budget. Simplify it: shorter code, plain types, no deeply recursive or combinatorial type-level code.",
  CODEGEN_FAILED: "Code generation failed for the named tool. Check its schema.",
  // MCP connections and configuration
  MCP_CONNECT_FAILED:
    "The MCP server did not start or answer. Check its command, arguments, URL and credentials.",
  MCP_SERVER_CRASHED:
    "The MCP server exited. It is restarted on next use; check its stderr if it keeps failing.",
  MCP_PROTOCOL_ERROR: "The MCP server sent something that is not valid MCP. Check the server's version.",
  MCP_TIMEOUT: "The MCP server did not answer in time. Check that it is healthy, or raise the timeout.",
  CONFIG_INVALID: "The configuration is not valid. Fix the field named in the message.",
  // Policy and privacy
  POLICY_DENIED: "Policy does not allow this tool call. Ask the operator to allow it, or use another tool.",
  PRIVACY_VIOLATION:
    "Personal data may not flow to this tool. Send the token only to tools allowed to receive it.",
  // Workspace and skills
  WORKSPACE_QUOTA:
    "The workspace is full (its byte or file quota). Remove files you no longer need, or ask for a larger quota.",
  WORKSPACE_PATH_INVALID:
    "Use a relative path such as `data/report.csv`: no `..`, no leading `/`, no `:`, `?`, `\\` or NUL.",
  WORKSPACE_NOT_FOUND: "No workspace file has that path. List the workspace to see what exists.",
  SKILL_NOT_FOUND: "No skill has that name. List the skills (`skills/` in the workspace) to see what exists.",
  SKILL_INVALID:
    "The skill could not be saved: fix its name (letters, digits, `-`, `_`), description or code as the message says.",
  // Agent
  MODEL_ERROR: "The model API returned an error. Check the API key, model name and rate limits.",
  TURN_LIMIT: "The agent reached its turn limit before finishing. Raise maxTurns or simplify the task.",
  // Run records
  RECORD_INVALID:
    "The run record is malformed, truncated or of another version. Record the run again with this codecall.",
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_HINTS;

/** The JSON form of an error: what crosses process and sandbox boundaries and what the model reads. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  /** What to do next. */
  hint?: string;
  /** The JavaScript error name inside the program (`TypeError`, `ToolError`, ...), when there is one. */
  name?: string;
  /** 1-based line (and column) in the program's own source, when known. */
  line?: number;
  column?: number;
  /** The program's stack, already mapped to the program's own line numbers. */
  stack?: string;
  /** Extra machine-readable detail (the tool name, the limit that was hit, ...). */
  details?: Record<string, unknown>;
}

const BRAND = Symbol.for("codecall.error");

export interface CodecallErrorOptions {
  hint?: string;
  cause?: unknown;
  details?: Record<string, unknown>;
  name?: string;
  line?: number;
  column?: number;
  stack?: string;
}

/** The one base error class. Use {@link CodecallError.isInstance} rather than `instanceof`. */
export class CodecallError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly details: Record<string, unknown> | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** The error name inside the program, when the error came from a program. */
  readonly programErrorName: string | undefined;
  readonly programStack: string | undefined;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options: CodecallErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CodecallError";
    this.code = code;
    this.hint = options.hint ?? ERROR_HINTS[code];
    this.details = options.details;
    this.line = options.line;
    this.column = options.column;
    this.programErrorName = options.name;
    this.programStack = options.stack;
  }

  /** True for a CodecallError from any copy of this package (duplicated installs included). */
  static isInstance(value: unknown): value is CodecallError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** Wraps anything thrown into a CodecallError, keeping one that already is. */
  static from(error: unknown, code: ErrorCode, message?: string): CodecallError {
    if (CodecallError.isInstance(error)) return error;
    const text = message ?? (error instanceof Error ? error.message : String(error));
    return new CodecallError(code, text, { cause: error });
  }

  /** Rebuilds an error from its JSON form. */
  static fromJSON(json: SerializedError): CodecallError {
    const code = json.code in ERROR_HINTS ? json.code : "PROGRAM_ERROR";
    return new CodecallError(code, json.message, {
      hint: json.hint,
      details: json.details,
      name: json.name,
      line: json.line,
      column: json.column,
      stack: json.stack,
    });
  }

  toJSON(): SerializedError {
    const out: SerializedError = { code: this.code, message: this.message, hint: this.hint };
    if (this.programErrorName !== undefined) out.name = this.programErrorName;
    if (this.line !== undefined) out.line = this.line;
    if (this.column !== undefined) out.column = this.column;
    if (this.programStack !== undefined) out.stack = this.programStack;
    if (this.details !== undefined) out.details = this.details;
    return out;
  }
}

/** True when `value` is a CodecallError with the given code. */
export function hasErrorCode(value: unknown, code: ErrorCode): value is CodecallError {
  return CodecallError.isInstance(value) && value.code === code;
}
