/**
 * The privacy guard: what the executor calls on the host side of the tool-call bridge. Results are
 * tokenized before the program sees them; arguments are untokenized only for the types the flow policy
 * lets the called tool receive; text for people and models is redacted.
 */
import { CodecallError } from "../errors.js";
import type { JsonValue } from "../json.js";
import {
  type CustomDetectorOptions,
  customDetector,
  type Detector,
  defaultDetectors,
  type NameFinder,
  nameDetector,
  type PhoneDetectorOptions,
} from "./detectors.js";
import { compileFlowPolicy, type FlowPolicy, mayReceive } from "./policy.js";
import { redact, type ScanOptions, tokenize, untokenize } from "./tokenize.js";
import { ESCAPE_TYPE } from "./tokens.js";
import { Vault } from "./vault.js";

/**
 * One tool call as the guard sees it. Structurally compatible with the executor's `InterceptedCall`
 * (`id`, `server`, `tool`, `args`); the schemas are used when the caller passes them.
 */
export interface GuardedToolCall {
  /** The MCP server's name in the configuration. */
  server: string;
  /** The tool's name on that server. */
  tool: string;
  /** The tool's id in the catalogue, used in messages (the executor calls it `id`). */
  toolId?: string;
  id?: string;
  /** The arguments the program sent (may contain tokens). */
  args: JsonValue;
  inputSchema?: unknown;
  /** The tool's output schema, for schema-driven fields (`format: "email"`). */
  outputSchema?: unknown;
}

/** Options of {@link createPrivacyGuard}. */
export interface PrivacyGuardOptions {
  /** Which types each `server.tool` glob may receive as raw values. Default: none anywhere. */
  flows?: FlowPolicy;
  /**
   * What happens when a program sends a token to a tool that may not receive its type: `"keep"` sends the
   * token text unchanged (default), `"error"` fails the call with `PRIVACY_VIOLATION`.
   */
  onViolation?: "keep" | "error";
  /** The session's vault. Pass your own to inspect it or share it across guards of one session. */
  vault?: Vault;
  /** Replaces the built-in detectors entirely (priority order). */
  detectors?: readonly Detector[];
  /** Built-in types to switch off, such as `["IPV4", "IPV6"]`. */
  disable?: readonly string[];
  /** Extra detectors, run before the built-ins (they win overlaps). */
  custom?: readonly (Detector | CustomDetectorOptions)[];
  /** Options of the phone detector (the regions whose national formats count). */
  phone?: PhoneDetectorOptions;
  /** Ignore detectors below this confidence. Default 0. */
  minConfidence?: number;
  /** Schema-driven detection (field names, `format`, CSV headers, sheet header rows). Default true. */
  fields?: boolean;
  /**
   * Finds person names in free text (`"please call Maria Schmidt tomorrow"`), such as a wrapper around
   * an NER model. Off by default: names in named fields, sheet columns and mail headers are found
   * without it. Its matches rank below every built-in (an email stays an email).
   */
  nameDetector?: NameFinder;
}

/** The interceptor the executor calls around every tool call. */
export interface PrivacyGuard {
  /** The arguments to send to the tool: tokens restored where the flow policy allows. */
  beforeCall<A extends JsonValue>(call: GuardedToolCall & { args: A }): A;
  /**
   * The result the program may see: every detected value replaced by its token. Takes any JSON value
   * (structured content, a content array, a whole `CallToolResult`); anything else passes unchanged.
   */
  afterCall(call: GuardedToolCall, value: unknown): unknown;
  /** Text safe for logs, errors, the result envelope and run records. */
  redact(text: string): string;
}

const isJson = (v: unknown): v is JsonValue =>
  v === null || ["string", "number", "boolean", "object"].includes(typeof v);

const isDetector = (d: Detector | CustomDetectorOptions): d is Detector =>
  typeof (d as Detector).find === "function";

/** Resolves guard options into scan options (detectors built once). */
export function scanOptions(options: PrivacyGuardOptions = {}): ScanOptions {
  const builtins = options.detectors ?? defaultDetectors({ disable: options.disable, phone: options.phone });
  const custom = (options.custom ?? []).map((d) => (isDetector(d) ? d : customDetector(d)));
  const names = options.nameDetector ? [nameDetector(options.nameDetector)] : [];
  return {
    detectors: [...custom, ...builtins, ...names],
    minConfidence: options.minConfidence,
    fields: options.fields,
  };
}

/**
 * Creates the guard for one session. Example:
 *
 * ```ts
 * const guard = createPrivacyGuard({ flows: { "crm.*": ["EMAIL", "PHONE", "NAME"] }, onViolation: "error" });
 * const seen = guard.afterCall(call, result);   // {"email": "[EMAIL_1]"}
 * const args = guard.beforeCall(nextCall);      // crm.* gets the real address back
 * ```
 */
export function createPrivacyGuard(options: PrivacyGuardOptions = {}): PrivacyGuard {
  const vault = options.vault ?? new Vault();
  const scan = scanOptions(options);
  const flows = compileFlowPolicy(options.flows);
  const strict = options.onViolation === "error";
  return {
    beforeCall<A extends JsonValue>(call: GuardedToolCall & { args: A }): A {
      const types = flows(call.server, call.tool);
      const { value, refused } = untokenize(
        call.args,
        vault,
        (e) => e.type === ESCAPE_TYPE || mayReceive(types, e.type),
      );
      if (strict && refused.length > 0) {
        const kinds = [...new Set(refused.map((e) => e.type))];
        const tokens = [...new Set(refused.map((e) => e.token))];
        const toolId = call.toolId ?? call.id ?? `${call.server}.${call.tool}`;
        throw new CodecallError(
          "PRIVACY_VIOLATION",
          `Tool ${toolId} may not receive ${kinds.join(", ")} values, but its arguments contain ${tokens.slice(0, 5).join(", ")}${tokens.length > 5 ? ", ..." : ""}.`,
          { details: { tool: toolId, types: kinds, tokens } },
        );
      }
      return value as A;
    },
    afterCall(call, value) {
      if (!isJson(value)) return value;
      return tokenize(value, vault, { ...scan, schema: call.outputSchema });
    },
    redact(text) {
      return redact(text, vault, scan);
    },
  };
}
