import { createHash, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type { GeneratedApi, GeneratedTool } from "@codecall/codegen";
import type { ExecutionLimits, ExecutionOutcome, JsonValue, ToolHandler } from "@codecall/sandbox";
import { CodecallError } from "../errors.js";
import { type ExecutionRecord, RECORD_VERSION, type RecordedServer, type RecordedToolCall } from "./types.js";

let version: string | undefined;

/** The version of `@codecall/core` (its own package.json, found through the package's exports). */
export function codecallVersion(): string {
  if (version === undefined) {
    try {
      version = (createRequire(import.meta.url)("@codecall/core/package.json") as { version: string })
        .version;
    } catch {
      version = "unknown";
    }
  }
  return version;
}

/**
 * JSON with object keys sorted, so equal schemas hash equal whatever order a server lists their keys in.
 * Hand-written: a few lines, and no dependency of core provides it.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** `sha256:<hex>` of a tool's input and output schemas: changes exactly when what the tool accepts or returns does. */
export function toolSchemaHash(tool: { inputSchema: unknown; outputSchema?: unknown }): string {
  const text = canonicalJson({ inputSchema: tool.inputSchema, outputSchema: tool.outputSchema });
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

/** What the executor knows when an execution starts. */
export interface RecordingStart {
  program: string;
  backend: string;
  limits: ExecutionLimits;
  typeCheck: "off" | "warn" | "error";
  redacted: boolean;
}

/**
 * Collects one execution's record: wraps the program's tool handler to note each call's arguments and
 * what the program got back, and assembles the record from the finished result.
 */
export class ExecutionRecorder {
  private readonly startedAt = new Date();
  private readonly calls: RecordedToolCall[] = [];
  private servers: RecordedServer[] = [];
  private skills: Record<string, string> | undefined;
  private schemaHashes: Record<string, string> = {};

  constructor(private readonly start: RecordingStart) {}

  /** The handler the program talks to, noting every call in the order the program made it. */
  wrap(handler: ToolHandler): ToolHandler {
    return async (call, context) => {
      const entry: RecordedToolCall = {
        step: this.calls.length + 1,
        name: call.name,
        ...(call.args !== undefined ? { args: structuredClone(call.args) } : {}),
        ok: false,
        durationMs: 0,
      };
      this.calls.push(entry);
      const started = performance.now();
      try {
        const value = await handler(call, context);
        entry.ok = true;
        // What crosses the bridge is JSON: the program sees exactly this.
        const json = value === undefined ? undefined : JSON.stringify(value);
        if (json !== undefined) entry.value = JSON.parse(json) as JsonValue;
        return value;
      } catch (error) {
        entry.error = CodecallError.from(error, "TOOL_FAILED").toJSON();
        throw error;
      } finally {
        entry.durationMs = performance.now() - started;
      }
    };
  }

  /** The API the program ran against and the servers it mentions: kept to regenerate the API offline. */
  useApi(api: GeneratedApi, serverIdents: readonly string[]): void {
    const wanted = new Set(serverIdents);
    const servers = new Map<string, RecordedServer>();
    for (const tool of api.tools) {
      if (!wanted.has(tool.serverIdent)) continue;
      const server = servers.get(tool.server) ?? { name: tool.server, tools: [] };
      servers.set(tool.server, server);
      server.tools.push(recordedTool(tool));
      this.schemaHashes[tool.id] = toolSchemaHash(tool.definition);
    }
    this.servers = [...servers.values()];
  }

  /** The skills the program imported, by path: replayed from the record, not from today's workspace. */
  useSkills(files: Record<string, string>): void {
    this.skills = { ...files };
  }

  /** The record of the finished execution (`runId`: the executor's, or a new one). */
  finish(result: ExecutionOutcome & { runId?: string }): ExecutionRecord {
    const outcome: ExecutionRecord["outcome"] = { ok: result.ok };
    if (result.value !== undefined) outcome.value = result.value;
    if (result.error) outcome.error = result.error;
    return {
      recordVersion: RECORD_VERSION,
      kind: "execution",
      runId: typeof result.runId === "string" ? result.runId : randomUUID(),
      codecallVersion: codecallVersion(),
      recordedAt: this.startedAt.toISOString(),
      program: this.start.program,
      backend: this.start.backend,
      limits: this.start.limits,
      typeCheck: this.start.typeCheck,
      redacted: this.start.redacted,
      servers: this.servers,
      schemaHashes: this.schemaHashes,
      ...(this.skills ? { skills: this.skills } : {}),
      toolCalls: this.calls,
      nondeterminism: result.nondeterminism ?? { now: [], random: [] },
      logs: result.logs,
      outcome,
      timing: {
        wallMs: result.stats.wallMs,
        ...(result.stats.cpuMs !== undefined ? { cpuMs: result.stats.cpuMs } : {}),
      },
    };
  }
}

function recordedTool(tool: GeneratedTool): RecordedServer["tools"][number] {
  const { name, inputSchema, outputSchema } = tool.definition;
  return { name, inputSchema, ...(outputSchema !== undefined ? { outputSchema } : {}) };
}
