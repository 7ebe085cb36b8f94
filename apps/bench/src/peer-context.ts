/**
 * The context a peer's code mode puts in front of the model for the same catalogue, each built by the
 * peer's own code (pinned versions); only the context is measured, not the executors:
 * - Cloudflare's `@cloudflare/codemode` (0.5.6) gives the model one `codemode` tool whose description is
 *   its template with the TypeScript types of every tool inlined. Its package entries import
 *   `cloudflare:workers`, which Node cannot load, so its type generator and description template are
 *   loaded from their files; the executor needs Workers.
 * - The AI SDK's `@ai-sdk/code-mode` (1.0.42) gives one tool (input `js`) whose description lists every
 *   tool's type and a call example, from `buildCodeModeToolDescription` (loaded from its file: the entry
 *   also loads the QuickJS executor, which needs Node 22).
 * - UTCP's `@utcp/code-mode` (1.2.12) gives the model its `AGENT_PROMPT_TEMPLATE`, and programs read the
 *   tools' TypeScript interfaces from `__interfaces` (what `getAllToolsTypeScriptInterfaces` returns); its
 *   executor needs isolated-vm 6 on Node 22, so the package is linked against this repo's isolated-vm 5
 *   (root `pnpm.peerDependencyRules`) just to load the interface generator.
 * - mcp-use's code mode (1.34.6) gives the model two fixed tools, `execute_code` and `search_tools`, from
 *   its `MCPClient` with `codeMode: true`, plus the code-mode guide it ships for the agent's prompt
 *   (`CODE_MODE_AGENT_PROMPT`, loaded from its file: the `agent` entry needs LangChain). Programs find
 *   tools with `search_tools`, so nothing in it grows with the catalogue.
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

/** The code-mode tool the AI SDK's code mode gives the model for `tools`, as JSON text. */
export async function aiSdkCodeModeContext(tools: Tool[]): Promise<string> {
  const { jsonSchema } = await import("ai");
  const dist = dirname(fileURLToPath(import.meta.resolve("@ai-sdk/code-mode")));
  const { buildCodeModeToolDescription } = (await import(
    pathToFileURL(join(dist, "tool-prompt.js")).href
  )) as { buildCodeModeToolDescription: (tools: Record<string, unknown>) => string };
  const toolSet = Object.fromEntries(
    tools.map((t) => [
      t.name,
      {
        ...(t.description ? { description: t.description } : {}),
        inputSchema: jsonSchema(t.inputSchema as Parameters<typeof jsonSchema>[0]),
        ...(t.outputSchema
          ? { outputSchema: jsonSchema(t.outputSchema as Parameters<typeof jsonSchema>[0]) }
          : {}),
      },
    ]),
  );
  return JSON.stringify({
    name: "code_mode",
    description: buildCodeModeToolDescription(toolSet),
    // The input schema the AI SDK's code-mode tool declares (one `js` string), as the model receives it.
    input_schema: {
      type: "object",
      properties: { js: { type: "string", description: await aiSdkInputDescription(dist) } },
      required: ["js"],
    },
  });
}

/** The description of the `js` input, read from the package's own tool so it is not restated here. */
async function aiSdkInputDescription(dist: string): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const source = await readFile(join(dist, "code-mode-tool.js"), "utf8");
  const match = /js:\s*\{[^}]*?description:\s*("(?:[^"\\]|\\.)*")/s.exec(source);
  if (!match) throw new Error("@ai-sdk/code-mode changed: the `js` input description was not found.");
  return JSON.parse(match[1]!) as string;
}

/**
 * UTCP's code mode for `tools` registered as one manual (`server`): its system prompt template, and the
 * TypeScript interfaces of every tool that a program reads from `__interfaces`. Both as text.
 */
export async function utcpCodeModeContext(
  tools: Tool[],
  server: string,
): Promise<{ prompt: string; interfaces: string }> {
  const { CodeModeUtcpClient } = await import("@utcp/code-mode");
  const client = await CodeModeUtcpClient.create();
  // The tools as UTCP's MCP plugin names them (`manual.tool`); no MCP connection is needed for the text.
  const utcpTools = tools.map((t) => ({
    name: `${server}.${t.name}`,
    description: t.description ?? "",
    tags: [],
    inputs: t.inputSchema,
    outputs: t.outputSchema ?? {},
  }));
  client.getTools = async () => utcpTools as unknown as Awaited<ReturnType<typeof client.getTools>>;
  try {
    return {
      prompt: CodeModeUtcpClient.AGENT_PROMPT_TEMPLATE,
      interfaces: await client.getAllToolsTypeScriptInterfaces(),
    };
  } finally {
    await client.close();
  }
}

/** What the bench uses of mcp-use's `MCPClient`. */
export interface McpUseClient {
  createAllSessions(): Promise<Record<string, { connector: { tools: Tool[] } }>>;
  executeCode(code: string, timeoutMs?: number): Promise<{ result: unknown; error: unknown }>;
  closeAllSessions(): Promise<void>;
}

/**
 * mcp-use's `MCPClient`, from its `client` entry (the root entry imports LangChain, an optional peer), with
 * its telemetry off (no network here).
 */
export async function mcpUseClient(): Promise<new (config: unknown, options?: unknown) => McpUseClient> {
  process.env.MCP_USE_ANONYMIZED_TELEMETRY ??= "false";
  const { MCPClient } = (await import(/* @vite-ignore */ "mcp-use/client")) as {
    MCPClient: new (config: unknown, options?: unknown) => McpUseClient;
  };
  return MCPClient;
}

/**
 * mcp-use's code mode: the tool definitions its code-mode client lists (as the model receives them) and its
 * code-mode guide, both as text. Its client needs no server for them: the list is fixed whatever the catalogue.
 */
export async function mcpUseCodeModeContext(): Promise<{ tools: string; guide: string }> {
  const MCPClient = await mcpUseClient();
  const client = new MCPClient({ mcpServers: {} }, { codeMode: true });
  try {
    const sessions = await client.createAllSessions();
    const tools = sessions.code_mode?.connector.tools;
    if (!tools?.length) throw new Error("mcp-use changed: its code-mode session lists no tools.");
    return {
      tools: JSON.stringify(
        tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema })),
      ),
      guide: await mcpUseGuide(),
    };
  } finally {
    await client.closeAllSessions();
  }
}

/** `CODE_MODE_AGENT_PROMPT`, from the bundle chunk that defines it (the chunk's name carries a content hash). */
async function mcpUseGuide(): Promise<string> {
  const { readdir, readFile } = await import("node:fs/promises");
  // The client entry is dist/src/client.js; the chunks sit in dist/.
  const dist = dirname(dirname(fileURLToPath(import.meta.resolve("mcp-use/client"))));
  for (const file of await readdir(dist)) {
    if (!/^chunk-.*\.js$/.test(file)) continue;
    const path = join(dist, file);
    if (!(await readFile(path, "utf8")).includes("var CODE_MODE_AGENT_PROMPT =")) continue;
    const chunk = (await import(pathToFileURL(path).href)) as { CODE_MODE_AGENT_PROMPT?: unknown };
    if (typeof chunk.CODE_MODE_AGENT_PROMPT === "string") return chunk.CODE_MODE_AGENT_PROMPT;
  }
  throw new Error("mcp-use changed: CODE_MODE_AGENT_PROMPT was not found.");
}
