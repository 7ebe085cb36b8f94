import type { ToolAnnotations } from "@codecall/codegen";
import type { JsonObject } from "../json.js";

/** One tool call as the host side of the bridge sees it, after the id was resolved to its server and tool. */
export interface InterceptedCall {
  /** The id the program called: `<serverIdent>.<toolIdent>`. */
  id: string;
  /** The MCP server's configured name. */
  server: string;
  /** The tool's MCP name. */
  tool: string;
  /** The arguments as the program sent them (after schema validation). */
  args: JsonObject;
  /** The tool's input schema. */
  inputSchema?: unknown;
  /** The tool's output schema, when it declares one (for schema-driven detection of sensitive fields). */
  outputSchema?: unknown;
  /** The tool's MCP annotations (`destructiveHint`, `readOnlyHint`, ...), when it declares them. */
  annotations?: ToolAnnotations;
  /**
   * Stops the execution's wall clock until the returned function is called: for a hook that waits on a
   * person (an approval prompt). Absent when the handler runs outside a sandbox.
   */
  pauseClock?: () => () => void;
}

/**
 * A hook on the host side of the sandbox bridge, for privacy and policy layers. Every method is optional;
 * a missing one is the identity. Methods may be async and may throw a {@link CodecallError} (such as
 * `PRIVACY_VIOLATION` or `POLICY_DENIED`) to fail the call; the program sees a catchable error.
 */
export interface ExecutionInterceptor {
  /** Returns the arguments actually sent to the tool (for example with tokens restored to real values). */
  beforeCall?(call: InterceptedCall): JsonObject | Promise<JsonObject>;
  /** Returns the value the program receives (for example with personal data replaced by tokens). */
  afterCall?(call: InterceptedCall, value: unknown): unknown;
  /** Rewrites text that leaves the execution: console output, error messages, strings in the envelope. */
  redact?(text: string): string;
}

/**
 * Chains two interceptors: `outer` sees the program's view, `inner` sits next to the tool. Arguments pass
 * `outer` first and `inner` last, results the other way round, text `inner` first.
 */
export function composeInterceptors(
  outer: ExecutionInterceptor | undefined,
  inner: ExecutionInterceptor | undefined,
): ExecutionInterceptor | undefined {
  if (!outer || !inner) return outer ?? inner;
  // Only the hooks either side has: a `redact` hook makes the executor walk every result.
  const chained: ExecutionInterceptor = {};
  if (outer.beforeCall || inner.beforeCall)
    chained.beforeCall = async (call) => {
      const args = outer.beforeCall ? await outer.beforeCall(call) : call.args;
      return inner.beforeCall ? inner.beforeCall({ ...call, args }) : args;
    };
  if (outer.afterCall || inner.afterCall)
    chained.afterCall = async (call, value) => {
      const seen = inner.afterCall ? await inner.afterCall(call, value) : value;
      return outer.afterCall ? outer.afterCall(call, seen) : seen;
    };
  if (outer.redact || inner.redact)
    chained.redact = (text) => {
      const once = inner.redact ? inner.redact(text) : text;
      return outer.redact ? outer.redact(once) : once;
    };
  return chained;
}

/** Applies `redact` to every string (keys included) of a JSON-like value. */
export function redactValue<T>(value: T, redact: ((text: string) => string) | undefined): T {
  if (!redact) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[redact(k)] = walk(x);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
