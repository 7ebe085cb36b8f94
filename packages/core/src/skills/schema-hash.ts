/** A stable fingerprint of a tool's schemas, recorded with each skill to notice when a tool changes. */
import { createHash } from "node:crypto";
import type { GeneratedTool } from "@codecall/codegen";

/**
 * The first 16 hex digits of the SHA-256 of the tool's `inputSchema` and `outputSchema` as canonical JSON
 * (object keys sorted), so the same schemas hash the same whatever the key order a server sends.
 */
export function toolSchemaHash(tool: Pick<GeneratedTool, "definition">): string {
  const { inputSchema, outputSchema } = tool.definition;
  return createHash("sha256")
    .update(canonicalJson({ inputSchema: inputSchema ?? null, outputSchema: outputSchema ?? null }))
    .digest("hex")
    .slice(0, 16);
}

/** The tool's one-line TypeScript signature (`memory.readGraph(input: {...}): Promise<...>`): what a drift report shows. */
export function toolSignature(tool: Pick<GeneratedTool, "renderings">): string {
  return tool.renderings.summary.split(" — ")[0]!.trim();
}

// Written here rather than taken from a library: a dozen lines, and the hash must never change with a
// dependency's release.
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
