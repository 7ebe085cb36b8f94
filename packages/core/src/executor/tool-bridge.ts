import type { GeneratedTool } from "@codecall/codegen";
import type { ToolHandler } from "@codecall/sandbox";
import { isStackOverflow, toolResultTooDeep } from "@codecall/sandbox/internal";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import type { Ajv2020 } from "ajv/dist/2020.js";
import { nearestToolNames } from "../discovery/nearest.js";
import { CodecallError } from "../errors.js";
import type { JsonObject } from "../json.js";
import { STDERR_LEAD, toolResultToValue } from "../mcp/result.js";
import type { ExecutionInterceptor, InterceptedCall } from "./interceptor.js";
import type { ToolLimiter } from "./tool-limits.js";

/** Calls one tool on one MCP server. The connection layer's catalogue provides it. */
export type CallToolFunction = (
  server: string,
  tool: string,
  args: JsonObject,
  options: { signal: AbortSignal },
) => Promise<CallToolResult>;

/** How many schema violations one TOOL_ARGS_INVALID message lists. */
const MAX_REPORTED_ERRORS = 3;
/**
 * Arguments holding more values than this get only their first violation reported. Ajv's all-errors mode
 * builds an error object for every violation on the host's thread: 60,000 wrong entities in one 4 MB
 * argument held it for seconds, while the first violation is found as soon as it is reached.
 */
const ALL_ERRORS_UP_TO_VALUES = 10_000;

/** A tool's validators: `first` stops at the first violation; `all` lists them all (compiled on a first failure). */
interface ToolValidators {
  schema: object;
  draft: "draft07" | "draft2020";
  first: ValidateFunction;
  all?: ValidateFunction | null;
}

type Engines = Record<"draft07" | "draft2020", { first: Ajv | Ajv2020; all: Ajv | Ajv2020 }>;

/**
 * Validates tool arguments against input schemas. Validators compile on first use of a tool and are kept;
 * a schema the validator cannot compile is not enforced (the server still checks its own input).
 */
export class ArgumentValidator {
  private readonly cache = new Map<string, ToolValidators | null>();
  /** Ajv loads with the first check: it is a large part of core's import time otherwise. */
  private engines: Promise<Engines> | undefined;
  private loaded: Engines | undefined;

  /** Loads Ajv now (in the background), so the first tool call does not wait for it. */
  warmUp(): void {
    this.#load().catch(() => {
      this.engines = undefined;
    });
  }

  /**
   * Throws TOOL_ARGS_INVALID naming the first fields that do not match `tool`'s input schema. Synchronous
   * once the tool's validator is compiled (a promise only before), so a call does not wait a turn for it.
   */
  check(tool: GeneratedTool, args: JsonObject): void | Promise<void> {
    const validators = this.cache.get(tool.id);
    if (validators === undefined) return this.validator(tool).then((v) => this.#verdict(tool, v, args));
    this.#verdict(tool, validators, args);
  }

  #verdict(tool: GeneratedTool, validators: ToolValidators | null, args: JsonObject): void {
    if (!validators || validators.first(args)) return;
    let errors = validators.first.errors ?? [];
    const huge = hasMoreValuesThan(args, ALL_ERRORS_UP_TO_VALUES);
    if (!huge) {
      const all = this.#allErrors(validators);
      if (all && !all(args)) errors = all.errors ?? errors;
    }
    const described = errors.map(describe);
    const unique = [...new Map(described.map((e) => [`${e.field}|${e.message}`, e])).values()];
    const shown = unique.slice(0, MAX_REPORTED_ERRORS);
    const listed = shown
      .map((e) => (e.field ? `${e.field} ${e.message}` : `the arguments ${e.message}`))
      .join("; ");
    const more = huge
      ? " (the arguments are large: only the first problems found are listed)"
      : unique.length > shown.length
        ? `; and ${unique.length - shown.length} more`
        : "";
    throw new CodecallError("TOOL_ARGS_INVALID", `Invalid arguments for ${tool.id}: ${listed}${more}.`, {
      details: { tool: tool.id, errors: unique },
    });
  }

  /** The tool's all-errors validator, compiled the first time its arguments fail (engines are loaded by then). */
  #allErrors(validators: ToolValidators): ValidateFunction | null {
    if (validators.all === undefined) {
      try {
        validators.all = this.loaded?.[validators.draft].all.compile(validators.schema) ?? null;
      } catch {
        validators.all = null;
      }
    }
    return validators.all;
  }

  #load(): Promise<Engines> {
    this.engines ??= loadEngines().then((engines) => {
      this.loaded = engines;
      return engines;
    });
    return this.engines;
  }

  private async validator(tool: GeneratedTool): Promise<ToolValidators | null> {
    let validators = this.cache.get(tool.id);
    if (validators !== undefined) return validators;
    const engines = await this.#load();
    const schema = tool.definition.inputSchema;
    validators = null;
    if (schema && typeof schema === "object") {
      const { $schema, ...rest } = schema as Record<string, unknown>;
      const draft = typeof $schema === "string" && /draft-0[4-7]/.test($schema) ? "draft07" : "draft2020";
      try {
        validators = { schema: rest, draft, first: engines[draft].first.compile(rest) };
      } catch {
        validators = null;
      }
    }
    this.cache.set(tool.id, validators);
    return validators;
  }
}

/** Whether `value` holds more than `limit` values (objects, arrays and leaves), counted without recursion. */
function hasMoreValuesThan(value: unknown, limit: number): boolean {
  const pending: unknown[] = [value];
  let seen = 1;
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === null || typeof next !== "object") continue;
    const children = Array.isArray(next) ? next : Object.values(next);
    seen += children.length;
    if (seen > limit) return true;
    for (const child of children) pending.push(child);
  }
  return false;
}

async function loadEngines(): Promise<Engines> {
  const [{ Ajv }, { Ajv2020 }] = await Promise.all([import("ajv"), import("ajv/dist/2020.js")]);
  return {
    draft07: { first: newAjv(Ajv, false), all: newAjv(Ajv, true) },
    draft2020: { first: newAjv(Ajv2020, false), all: newAjv(Ajv2020, true) },
  };
}

function newAjv<T>(AjvClass: new (options: object) => T, allErrors: boolean): T {
  return new AjvClass({
    strict: false,
    allErrors,
    validateFormats: false,
    validateSchema: false,
    logger: false,
  });
}

/** One schema violation: the field as the program wrote it (`entities[0].name`) and what is wrong. */
function describe(error: ErrorObject): { field: string; message: string } {
  let field = error.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), "");
  const params = error.params as Record<string, unknown>;
  let message = error.message ?? "is not valid";
  if (error.keyword === "required") {
    field = field ? `${field}.${String(params.missingProperty)}` : String(params.missingProperty);
    message = "is required";
  } else if (error.keyword === "additionalProperties") {
    field = field ? `${field}.${String(params.additionalProperty)}` : String(params.additionalProperty);
    message = "is not an accepted field";
  } else if (error.keyword === "enum" && Array.isArray(params.allowedValues)) {
    message = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return { field, message };
}

/**
 * What a tool call returns to the program, matching the type the generated API declares for it:
 * `structuredContent` for tools with an output schema, the content array otherwise. An `isError` result
 * throws TOOL_FAILED with the tool's own message (see {@link toolResultToValue}).
 */
export function toolResultValue(
  tool: Pick<GeneratedTool, "returns" | "server" | "name">,
  result: CallToolResult,
): unknown {
  const value = toolResultToValue(result, { server: tool.server, tool: tool.name });
  if (tool.returns === "content") return result.content ?? [];
  if (
    result.structuredContent === undefined &&
    result.content?.length === 1 &&
    result.content[0]?.type === "text"
  ) {
    // Servers that predate structured output send the same JSON as text.
    try {
      return JSON.parse(result.content[0].text);
    } catch {
      // Not JSON: the program gets the content as it came.
    }
  }
  return value;
}

export interface ToolBridgeOptions {
  tools: readonly GeneratedTool[];
  callTool: CallToolFunction;
  interceptor?: ExecutionInterceptor | undefined;
  validator?: ArgumentValidator;
  /** Per-tool concurrency, rate, timeouts and retries; default: every call goes straight to `callTool`. */
  limiter?: ToolLimiter | undefined;
}

/**
 * The host side of `codecall.callTool(toolId, args)`: resolves the id to its server and tool, validates
 * the arguments, lets the interceptor restore what it must, calls the tool, and turns the result into the
 * program's value (an `isError` result becomes a TOOL_FAILED error with the tool's own message).
 */
export function createToolHandler(options: ToolBridgeOptions): ToolHandler {
  const byId = new Map(options.tools.map((t) => [t.id, t]));
  const validator = options.validator ?? new ArgumentValidator();
  const interceptor = options.interceptor;
  const limiter = options.limiter;
  return async ({ name, args }, context) => {
    const tool = byId.get(name);
    if (!tool) throw unknownTool(name, byId);
    const input = args ?? {};
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      throw new CodecallError(
        "TOOL_ARGS_INVALID",
        `Invalid arguments for ${tool.id}: pass one object of named arguments.`,
        {
          details: { tool: tool.id },
        },
      );
    }
    const checked = validator.check(tool, input);
    if (checked) await checked;
    // The call as the interceptor's hooks see it: without an interceptor, nothing does.
    const call = interceptor && interceptedCall(tool, input, context);
    const sent = call && interceptor?.beforeCall ? await interceptor.beforeCall(call) : input;
    let value: unknown;
    try {
      const result = limiter
        ? await limiter.call(tool, sent, options.callTool, context)
        : await options.callTool(tool.server, tool.name, sent, { signal: context.signal });
      value = toolResultValue(tool, result);
    } catch (error) {
      throw programFailure(error, tool, interceptor?.redact?.bind(interceptor));
    }
    if (!call || !interceptor?.afterCall) return value;
    try {
      return await interceptor.afterCall(call, value);
    } catch (error) {
      // The interceptor's walk (privacy's scan) overflows the host's stack on a result nested thousands
      // of levels deep: the program gets that typed error, not the host's RangeError.
      if (isStackOverflow(error)) throw toolResultTooDeep(tool.id);
      throw error;
    }
  };
}

function interceptedCall(
  tool: GeneratedTool,
  args: JsonObject,
  context: Parameters<ToolHandler>[1],
): InterceptedCall {
  return {
    id: tool.id,
    server: tool.server,
    tool: tool.name,
    args,
    inputSchema: tool.definition.inputSchema,
    ...(tool.definition.outputSchema !== undefined ? { outputSchema: tool.definition.outputSchema } : {}),
    ...(tool.definition.annotations ? { annotations: tool.definition.annotations } : {}),
    ...(context.pauseClock ? { pauseClock: () => context.pauseClock!() } : {}),
  };
}

/**
 * A failed call's message enters the program, so with a `redact` hook it is redacted there, and the raw
 * content the error may carry in its details is dropped.
 */
/**
 * A tool's failure as the program reads it. The message loses stack frames (a server's or the host's file
 * paths, line numbers and internal modules: nothing a program can act on) and a failed server's stderr (the
 * host keeps it in the server's status and its own error). Details keep the tool's structured error and
 * small figures; with privacy on, only the server and tool, since they are not redacted.
 */
function programFailure(
  error: unknown,
  tool: GeneratedTool,
  redact: ((text: string) => string) | undefined,
): CodecallError {
  const failure = CodecallError.from(error, "TOOL_FAILED");
  const stderrAt = failure.message.indexOf(STDERR_LEAD);
  const message = withoutStackFrames(stderrAt < 0 ? failure.message : failure.message.slice(0, stderrAt));
  const {
    stderrTail: _stderr,
    content: _content,
    ...details
  } = (failure.details ?? {}) as Record<string, unknown>;
  return new CodecallError(failure.code, redact ? redact(message) : message, {
    details: redact
      ? { server: tool.server, tool: tool.name }
      : { ...details, server: tool.server, tool: tool.name },
  });
}

/** Longest line read as a stack frame: the checks stay cheap on a megabyte of one line. */
const MAX_FRAME_LINE = 2_000;
/** `    at f (file:///x.js:1:2)`, `    at node:internal/x:3:4`, `    at f (native)`: a location, not words. */
const V8_FRAME =
  /^\s*at (?:async )?(?:[^()]*\()?(?:eval at |[A-Za-z][\w+.-]*:|\/|\\|[A-Za-z]:\\|internal\/|<anonymous>|native\))/;
const V8_FRAME_END = /(?::\d+:\d+\)?|\(native\)|<anonymous>\)?)\s*$/;
const PY_TRACEBACK = "Traceback (most recent call last):";
const PY_FRAME = /^\s*File "[^"]*", line \d+/;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * The text without the stack frames error texts often carry: V8's `at` lines that name a location, and
 * a Python traceback's head, `File "…", line N` lines and the source line under each. Ordinary lines that
 * start with "at" (`at 10:30`, `at least 3 items`) and a `File "x", line 3` outside a traceback stay.
 */
function withoutStackFrames(text: string): string {
  if (text.indexOf("at ") === -1 && text.indexOf(PY_TRACEBACK) === -1) return text;
  const kept: string[] = [];
  let traceback = false;
  /** The indentation of the last `File` line: its source line, under it, is indented more. */
  let frameIndent = -1;
  for (const line of text.split("\n")) {
    const short = line.length <= MAX_FRAME_LINE;
    if (short && traceback && PY_FRAME.test(line)) {
      frameIndent = indentOf(line);
      continue;
    }
    if (frameIndent >= 0 && short && indentOf(line) > frameIndent && line.trim() !== "") {
      frameIndent = -1;
      continue;
    }
    frameIndent = -1;
    if (short && line.trim() === PY_TRACEBACK) {
      traceback = true;
      continue;
    }
    if (short && V8_FRAME.test(line) && V8_FRAME_END.test(line)) continue;
    kept.push(line);
  }
  const cut = kept.join("\n").trimEnd();
  return cut || "The tool failed without a message.";
}

function unknownTool(name: string, byId: Map<string, GeneratedTool>): CodecallError {
  const close = nearestToolNames(name, byId.keys());
  const hint = close.length
    ? ` Did you mean ${close.join(", ")}?`
    : " Search the catalogue for the right name.";
  return new CodecallError("TOOL_NOT_FOUND", `No tool "${name}".${hint}`, { details: { tool: name } });
}
