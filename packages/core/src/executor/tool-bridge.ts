import type { GeneratedTool } from "@codecall/codegen";
import type { ToolHandler } from "@codecall/sandbox";
import { isStackOverflow, toolResultTooDeep } from "@codecall/sandbox/internal";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import type { Ajv2020 } from "ajv/dist/2020.js";
import { nearestToolNames } from "../discovery/nearest.js";
import { CodecallError } from "../errors.js";
import type { JsonObject } from "../json.js";
import { toolResultToValue } from "../mcp/result.js";
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
 * Validates tool arguments against input schemas. Validators compile on first use of a tool and are kept;
 * a schema the validator cannot compile is not enforced (the server still checks its own input).
 */
export class ArgumentValidator {
  private readonly cache = new Map<string, ValidateFunction | null>();
  /** Ajv loads with the first check: it is a large part of core's import time otherwise. */
  private engines: Promise<{ draft07: Ajv; draft2020: Ajv2020 }> | undefined;

  /** Loads Ajv now (in the background), so the first tool call does not wait for it. */
  warmUp(): void {
    this.engines ??= loadEngines();
    this.engines.catch(() => {
      this.engines = undefined;
    });
  }

  /**
   * Throws TOOL_ARGS_INVALID naming the first fields that do not match `tool`'s input schema. Synchronous
   * once the tool's validator is compiled (a promise only before), so a call does not wait a turn for it.
   */
  check(tool: GeneratedTool, args: JsonObject): void | Promise<void> {
    const validate = this.cache.get(tool.id);
    if (validate === undefined) return this.validator(tool).then((v) => this.#verdict(tool, v, args));
    this.#verdict(tool, validate, args);
  }

  #verdict(tool: GeneratedTool, validate: ValidateFunction | null, args: JsonObject): void {
    if (!validate || validate(args)) return;
    const errors = (validate.errors ?? []).map(describe);
    const unique = [...new Map(errors.map((e) => [`${e.field}|${e.message}`, e])).values()];
    const shown = unique.slice(0, MAX_REPORTED_ERRORS);
    const listed = shown
      .map((e) => (e.field ? `${e.field} ${e.message}` : `the arguments ${e.message}`))
      .join("; ");
    const more = unique.length > shown.length ? `; and ${unique.length - shown.length} more` : "";
    throw new CodecallError("TOOL_ARGS_INVALID", `Invalid arguments for ${tool.id}: ${listed}${more}.`, {
      details: { tool: tool.id, errors: unique },
    });
  }

  private async validator(tool: GeneratedTool): Promise<ValidateFunction | null> {
    let validate = this.cache.get(tool.id);
    if (validate !== undefined) return validate;
    this.engines ??= loadEngines();
    const engines = await this.engines;
    const schema = tool.definition.inputSchema;
    validate = null;
    if (schema && typeof schema === "object") {
      const { $schema, ...rest } = schema as Record<string, unknown>;
      const legacy = typeof $schema === "string" && /draft-0[4-7]/.test($schema);
      try {
        validate = (legacy ? engines.draft07 : engines.draft2020).compile(rest);
      } catch {
        validate = null;
      }
    }
    this.cache.set(tool.id, validate);
    return validate;
  }
}

async function loadEngines(): Promise<{ draft07: Ajv; draft2020: Ajv2020 }> {
  const [{ Ajv }, { Ajv2020 }] = await Promise.all([import("ajv"), import("ajv/dist/2020.js")]);
  return { draft07: newAjv(Ajv), draft2020: newAjv(Ajv2020) };
}

function newAjv<T>(AjvClass: new (options: object) => T): T {
  return new AjvClass({
    strict: false,
    allErrors: true,
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
      throw redactError(error, tool, interceptor?.redact?.bind(interceptor));
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
function redactError(
  error: unknown,
  tool: GeneratedTool,
  redact: ((text: string) => string) | undefined,
): unknown {
  if (!redact) return error;
  const failure = CodecallError.from(error, "TOOL_FAILED");
  return new CodecallError(failure.code, redact(failure.message), {
    details: { server: tool.server, tool: tool.name },
  });
}

function unknownTool(name: string, byId: Map<string, GeneratedTool>): CodecallError {
  const close = nearestToolNames(name, byId.keys());
  const hint = close.length
    ? ` Did you mean ${close.join(", ")}?`
    : " Search the catalogue for the right name.";
  return new CodecallError("TOOL_NOT_FOUND", `No tool "${name}".${hint}`, { details: { tool: name } });
}
