/** Locates the project's shared third-party data (`shared/` beside the repository). */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ServerDefinition, ToolDefinition } from "../../src/index.js";

export const sharedData = (path: string) =>
  fileURLToPath(new URL(`../../../../data/${path}`, import.meta.url));

export interface SuiteGroup {
  file: string;
  description: string;
  schema: unknown;
  tests: Array<{ description: string; data: unknown; valid: boolean }>;
}

/**
 * Every group of the JSON Schema Test Suite, dialect 2020-12 or draft-07. Draft-07 schemas get a
 * `$schema` naming their dialect when they have none, as a tool would have to.
 */
export function jsonSchemaSuite(dialect: "2020-12" | "draft-07" = "2020-12"): SuiteGroup[] {
  const dir = sharedData(dialect === "2020-12" ? "json-schema-test-suite" : "json-schema-test-suite-draft7");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .flatMap((file) =>
      (JSON.parse(readFileSync(`${dir}/${file}`, "utf8")) as Omit<SuiteGroup, "file">[]).map((g) => ({
        file,
        ...g,
        schema:
          dialect === "draft-07" &&
          g.schema !== null &&
          typeof g.schema === "object" &&
          !("$schema" in g.schema)
            ? { $schema: "http://json-schema.org/draft-07/schema#", ...g.schema }
            : g.schema,
      })),
    );
}

/** The 527 LiveMCPBench tools, as the servers that list them. */
export function liveMcpBenchServers(): ServerDefinition[] {
  type Entry = { tools: Record<string, { server_name: string; tools: ToolDefinition[] }> };
  const entries = JSON.parse(readFileSync(sharedData("livemcpbench/tools.json"), "utf8")) as Entry[];
  return entries.flatMap((e) => Object.values(e.tools).map((s) => ({ name: s.server_name, tools: s.tools })));
}

/** A JSON value as a TypeScript expression (`__proto__` as a computed key, so it stays a property). */
export function jsonLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonLiteral).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(
      ([k, v]) => `${k === "__proto__" ? `[${JSON.stringify(k)}]` : JSON.stringify(k)}: ${jsonLiteral(v)}`,
    );
    return `{ ${entries.join(", ")} }`;
  }
  return JSON.stringify(value);
}
