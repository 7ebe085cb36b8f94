/**
 * The `"codecall"` settings block beside `"mcpServers"`, as a JSON Schema checked with ajv: a misspelt key
 * is an error naming the nearest known key (`"polcy"` → did you mean `"policy"`?), not a setting that is
 * silently ignored.
 */
import { CodecallError } from "@codecall/core";
import { unknownKeyError } from "@codecall/core/mcp";
import { Ajv, type ErrorObject } from "ajv";

const positive = { type: "number", exclusiveMinimum: 0 } as const;

/** The settings' schema; the limit names are those of `ExecutionLimits`. */
export const SETTINGS_SCHEMA = {
  type: "object",
  properties: {
    sandbox: { enum: ["quickjs", "isolated-vm", "e2b"] },
    typeCheck: { enum: ["off", "warn", "error"] },
    limits: {
      type: "object",
      properties: {
        wallTimeMs: positive,
        cpuTimeMs: positive,
        memoryBytes: positive,
        maxToolCalls: positive,
        maxOutputBytes: positive,
        maxToolResultBytes: positive,
        maxToolArgsBytes: positive,
      },
      additionalProperties: false,
    },
    // Per-tool limits by glob; createToolLimiter checks each rule and names the field.
    tools: { type: "object" },
    // The privacy guard's own options are checked by the guard.
    privacy: { type: ["boolean", "object"] },
    // The lists' contents are checked by validatePolicy, which explains globs; here only the keys.
    policy: {
      type: "object",
      properties: { allow: {}, ask: {}, deny: {} },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;

let validate: ReturnType<Ajv["compile"]> | undefined;

/** Throws CONFIG_INVALID for the first problem in `settings`, naming `where` (the file and key). */
export function checkSettings(settings: unknown, where: string): void {
  validate ??= new Ajv({ allErrors: true, strict: false }).compile(SETTINGS_SCHEMA);
  if (validate(settings)) return;
  const errors = validate.errors ?? [];
  // An unknown key explains the rest best; report it first.
  const error = errors.find((e) => e.keyword === "additionalProperties") ?? errors[0];
  if (error) throw settingsError(error, where);
}

function settingsError(error: ErrorObject, where: string): CodecallError {
  const path = error.instancePath
    .split("/")
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join("");
  const at = `${where}${path}`;
  if (error.keyword === "additionalProperties") {
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    const section =
      path === "" ? SETTINGS_SCHEMA : SETTINGS_SCHEMA.properties[path.slice(1) as "limits" | "policy"];
    return unknownKeyError(at, key, Object.keys(section.properties));
  }
  const expected =
    error.keyword === "enum"
      ? `one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`
      : error.keyword === "type"
        ? `of type ${String((error.params as { type: string | string[] }).type)}`
        : (error.message ?? "valid");
  return new CodecallError("CONFIG_INVALID", `${at} must be ${expected}.`, {
    hint: `Fix ${at} in the configuration file.`,
    details: { field: at },
  });
}
