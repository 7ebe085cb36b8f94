/**
 * The context a peer's code mode puts in front of the model for the same catalogue. Cloudflare's
 * `@cloudflare/codemode` (0.5.6) gives the model one `codemode` tool whose description is its template with
 * the TypeScript types of every tool inlined. Its package entries import `cloudflare:workers`, which Node
 * cannot load, so its own type generator and description template are loaded from their files (pinned to
 * this exact version); the executor, which needs Workers, is not used: only the context is measured.
 */
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";

type Descriptors = Record<string, { description?: string; inputSchema: unknown }>;

async function cloudflareParts(): Promise<{ generate: (tools: Descriptors) => string; template: string }> {
  const dist = dirname(fileURLToPath(import.meta.resolve("@cloudflare/codemode")));
  const types = (await import(pathToFileURL(join(dist, "json-schema-types-D_m9tVnI.js")).href)) as {
    t: (tools: Descriptors) => string;
  };
  const shared = (await import(pathToFileURL(join(dist, "shared-SMjV5yN4.js")).href)) as { t: string };
  return { generate: types.t, template: shared.t };
}

/** The `codemode` tool definition Cloudflare's code mode gives the model for `tools`, as JSON text. */
export async function cloudflareCodemodeContext(tools: Tool[]): Promise<string> {
  const { generate, template } = await cloudflareParts();
  const descriptors: Descriptors = Object.fromEntries(
    tools.map((t) => [
      t.name,
      { ...(t.description ? { description: t.description } : {}), inputSchema: t.inputSchema },
    ]),
  );
  return JSON.stringify({
    name: "codemode",
    description: template.replace("{{types}}", generate(descriptors)),
    input_schema: { type: "object", properties: { code: { type: "string" } }, required: ["code"] },
  });
}
