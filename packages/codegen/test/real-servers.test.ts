/**
 * Generated against the real reference MCP servers over stdio with the MCP SDK client: every tool
 * generates, the sources and declarations compile strictly, and programs using the API type-check (and
 * wrong ones do not).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { typeCheckFiles, typeCheckProgram } from "../src/check.js";
import { type GeneratedApi, generateApi, type ServerDefinition } from "../src/index.js";

const require = createRequire(import.meta.url);
const binOf = (pkg: string) => {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = require(manifest) as { bin: Record<string, string> };
  return join(dirname(manifest), Object.values(bin)[0]!);
};

async function listServer(
  name: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<ServerDefinition> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args,
    env: { ...(process.env as Record<string, string>), ...env },
    stderr: "ignore",
  });
  const client = new Client({ name: "codegen-test", version: "0.0.0" });
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    return { name, tools };
  } finally {
    await client.close();
  }
}

describe("real MCP servers over stdio", () => {
  const dir = mkdtempSync(join(tmpdir(), "codecall-codegen-"));
  let servers: ServerDefinition[];
  let api: GeneratedApi;

  beforeAll(async () => {
    servers = await Promise.all([
      listServer("filesystem", [binOf("@modelcontextprotocol/server-filesystem"), dir]),
      listServer("memory", [binOf("@modelcontextprotocol/server-memory")], {
        MEMORY_FILE_PATH: join(dir, "memory.jsonl"),
      }),
      listServer("everything", [binOf("@modelcontextprotocol/server-everything"), "stdio"]),
    ]);
    api = generateApi(servers);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("generates every tool of the three servers", () => {
    for (const s of servers) expect(s.tools.length).toBeGreaterThan(5);
    expect(api.tools).toHaveLength(servers.reduce((n, s) => n + s.tools.length, 0));
    expect(
      api.tools.filter((t) => t.server === "memory").every((t) => t.returns === "structuredContent"),
    ).toBe(true);
    expect(api.tools.map((t) => t.id)).toContain("memory.readGraph");
  });

  it("compiles the sources and the declarations with strict settings", () => {
    expect(typeCheckFiles(api.files)).toEqual([]);
    expect(typeCheckFiles(api.declarations)).toEqual([]);
  });

  it("type-checks programs through the globals and through imports", () => {
    const viaGlobals = `
      const graph = await memory.readGraph();
      const names: string[] = graph.entities.map((e) => e.name);
      await memory.createEntities({ entities: [{ name: "a", entityType: "t", observations: [] }] });
      const listing = await filesystem.listDirectory({ path: "." });
      const blocks = await everything.echo({ message: "hi" });
      const first = blocks[0];
      const text = first?.type === "text" ? first.text : "";
      export { names, listing, text };`;
    expect(typeCheckProgram(api, viaGlobals)).toEqual([]);
    const viaImports = `
      import * as memory from "./servers/memory";
      import { readGraph } from "./servers/memory/readGraph";
      const a = await memory.readGraph();
      const b = await readGraph();
      export const n: number = a.entities.length + b.relations.length;`;
    expect(typeCheckProgram(api, viaImports)).toEqual([]);
  });

  it("rejects programs that misuse the API", () => {
    const wrong = [
      `await memory.createEntities({ entities: [{ name: 1 }] }); export {};`,
      `await memory.readGraph().then((g) => g.nope.length); export {};`,
      `await memory.noSuchTool(); export {};`,
      `const t: string = (await everything.echo({ message: "x" }))[0].text; export { t };`,
    ];
    for (const program of wrong) expect(typeCheckProgram(api, program).length, program).toBeGreaterThan(0);
  });
});
