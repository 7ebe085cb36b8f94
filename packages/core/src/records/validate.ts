import { readFile } from "node:fs/promises";
import type { ErrorObject, ValidateFunction } from "ajv";
import { CodecallError } from "../errors.js";
import { RECORD_VERSION, type RunRecord } from "./types.js";

const serializedError = {
  type: "object",
  required: ["code", "message"],
  properties: { code: { type: "string" }, message: { type: "string" }, name: { type: "string" } },
};
const numbers = { type: "array", items: { type: "number" } };
const executionRecord = {
  type: "object",
  required: [
    "recordVersion",
    "kind",
    "runId",
    "program",
    "servers",
    "toolCalls",
    "nondeterminism",
    "logs",
    "outcome",
    "limits",
  ],
  properties: {
    recordVersion: { const: RECORD_VERSION },
    kind: { const: "execution" },
    runId: { type: "string" },
    codecallVersion: { type: "string" },
    recordedAt: { type: "string" },
    program: { type: "string" },
    backend: { type: "string" },
    limits: { type: "object", additionalProperties: { type: "number" } },
    typeCheck: { enum: ["off", "warn", "error"] },
    redacted: { type: "boolean" },
    servers: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "tools"],
        properties: {
          name: { type: "string" },
          tools: {
            type: "array",
            items: {
              type: "object",
              required: ["name", "inputSchema"],
              properties: { name: { type: "string" } },
            },
          },
        },
      },
    },
    schemaHashes: { type: "object", additionalProperties: { type: "string" } },
    skills: { type: "object", additionalProperties: { type: "string" } },
    toolCalls: {
      type: "array",
      items: {
        type: "object",
        required: ["step", "name", "ok"],
        properties: {
          step: { type: "integer", minimum: 1 },
          name: { type: "string" },
          ok: { type: "boolean" },
          error: serializedError,
          durationMs: { type: "number" },
        },
      },
    },
    nondeterminism: {
      type: "object",
      required: ["now", "random"],
      properties: { now: numbers, random: numbers, truncated: { type: "boolean" } },
    },
    logs: {
      type: "array",
      items: {
        type: "object",
        required: ["level", "message"],
        properties: {
          level: { enum: ["log", "info", "warn", "error", "debug"] },
          message: { type: "string" },
        },
      },
    },
    outcome: {
      type: "object",
      required: ["ok"],
      properties: { ok: { type: "boolean" }, error: serializedError },
    },
    timing: { type: "object", properties: { wallMs: { type: "number" }, cpuMs: { type: "number" } } },
  },
};
const agentRecord = {
  type: "object",
  required: ["recordVersion", "kind", "task", "mode", "turns", "executions"],
  properties: {
    recordVersion: { const: RECORD_VERSION },
    kind: { const: "agent" },
    runId: { type: "string" },
    task: { type: "string" },
    mode: { enum: ["code", "classic"] },
    model: { type: "string" },
    turns: {
      type: "array",
      items: {
        type: "object",
        required: ["content", "stopReason"],
        properties: { content: { type: "array" }, stopReason: { type: "string" } },
      },
    },
    executions: { type: "array", items: { $ref: "#/$defs/execution" } },
  },
};
const schemas = {
  execution: executionRecord,
  agent: { $defs: { execution: executionRecord }, ...agentRecord },
};

let compiled: Promise<Record<"execution" | "agent", ValidateFunction>> | undefined;

/** Ajv loads on the first validation: records are read rarely, and core's root entry stays light. */
async function validators(): Promise<Record<"execution" | "agent", ValidateFunction>> {
  compiled ??= import("ajv/dist/2020.js").then(({ Ajv2020 }) => {
    const ajv = new Ajv2020({ strict: false, allErrors: false });
    return { execution: ajv.compile(schemas.execution), agent: ajv.compile(schemas.agent) };
  });
  return compiled;
}

function invalid(message: string, details?: Record<string, unknown>): CodecallError {
  return new CodecallError("RECORD_INVALID", message, details ? { details } : {});
}

/**
 * Checks that `value` is a run record this version reads, and returns it typed. Throws RECORD_INVALID
 * naming the first field that is wrong (or the unsupported version).
 */
export async function validateRecord(value: unknown, source = "The record"): Promise<RunRecord> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw invalid(`${source} is not a JSON object.`);
  const version = (value as Record<string, unknown>).recordVersion;
  if (version === undefined) {
    const legacy = (value as Record<string, unknown>).codecall === "run-record";
    throw invalid(
      legacy
        ? `${source} is a model-turns script from an older \`codecall run --record\`, not a run record. Record the run again.`
        : `${source} has no recordVersion: it is not a codecall run record.`,
    );
  }
  if (version !== RECORD_VERSION)
    throw invalid(
      `${source} has recordVersion ${JSON.stringify(version)}; this codecall reads version ${RECORD_VERSION}.`,
    );
  const kind = (value as Record<string, unknown>).kind;
  if (kind !== "execution" && kind !== "agent")
    throw invalid(`${source} has kind ${JSON.stringify(kind)}; a record's kind is "execution" or "agent".`);
  const validate = (await validators())[kind];
  if (!validate(value)) {
    const first = validate.errors?.[0];
    throw invalid(`${source} is malformed: ${describe(first)}.`, { errors: validate.errors ?? [] });
  }
  return value as RunRecord;
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return "it does not match the record format";
  const where = error.instancePath || "the record";
  if (error.keyword === "required")
    return `${where} lacks "${String((error.params as { missingProperty: string }).missingProperty)}"`;
  return `${where} ${error.message ?? "is not valid"}`;
}

/** Parses and validates a record's JSON text (RECORD_INVALID for bad JSON, e.g. a truncated file). */
export async function parseRecord(text: string, source = "The record"): Promise<RunRecord> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(
      `${source} is not valid JSON (${(error as Error).message}); it may be truncated. Record it again.`,
    );
  }
  return validateRecord(value, source);
}

/** Reads, parses and validates a record file. */
export async function readRecord(path: string): Promise<RunRecord> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CodecallError("CONFIG_INVALID", `Cannot read the record ${path}: ${(error as Error).message}`);
  }
  return parseRecord(text, path);
}
