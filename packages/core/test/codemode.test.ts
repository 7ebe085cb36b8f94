// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} references in an MCP config
/**
 * Code mode end to end: real server-memory and server-filesystem over stdio, QuickJS, the meta-tools as a
 * model calls them, discovery from inside a program, and the agent loop in code and classic mode on the
 * same task through the real Anthropic SDK and the local Messages stand-in.
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { quickjs } from "@codecall/sandbox-quickjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CodecallError,
  type CodeMode,
  createAgent,
  createClassicMode,
  createCodeMode,
  exposeCodeMode,
} from "../src/internal.js";
import { type ScriptedTurn, startMessagesStandIn } from "../src/testing/index.js";
import { serverBin } from "./fixtures/mcp/servers.js";

let dir: string;
let codeMode: CodeMode;
const contacts = Array.from(
  { length: 40 },
  (_, i) => `Person ${i},person${i}@${i % 4 === 0 ? "example.com" : "other.org"}`,
);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "codecall-codemode-"));
  await writeFile(join(dir, "contacts.csv"), `name,email\n${contacts.join("\n")}\n`);
  codeMode = await createCodeMode({
    servers: {
      mcpServers: {
        memory: {
          command: process.execPath,
          args: [serverBin("server-memory")],
          env: { MEMORY_FILE_PATH: "${DIR}/memory.jsonl" },
        },
        filesystem: { command: process.execPath, args: [serverBin("server-filesystem"), "${DIR}"] },
      },
    },
    connect: { env: { ...process.env, DIR: dir } },
    sandbox: quickjs(),
  });
});

afterAll(async () => {
  await codeMode?.close();
  await rm(dir, { recursive: true, force: true });
});

const program = (csvPath: string) => `
const text = await filesystem.readTextFile({ path: ${JSON.stringify(csvPath)} });
const rows = text.content.split("\\n").slice(1).filter(Boolean).map((line: string) => line.split(","));
const wanted = rows.filter(([, email]) => email.endsWith("@example.com"));
await memory.createEntities({ entities: wanted.map(([name]) => ({ name, entityType: "contact", observations: ["from csv"] })) });
const graph = await memory.readGraph({});
return { saved: wanted.length, inGraph: graph.entities.length };
`;

describe("code mode meta-tools", () => {
  it("starts with a prompt that names the servers and no tool schema", () => {
    expect(codeMode.tools().map((t) => t.name)).toEqual([
      "search_tools",
      "execute_code",
      "list_files",
      "read_file",
    ]);
    expect(codeMode.system()).toContain("memory");
    expect(codeMode.system()).toContain("filesystem");
    expect(JSON.stringify(codeMode.tools())).not.toContain("create_entities");
  });

  it("search_tools finds a server's tools at each detail level", async () => {
    const names = await codeMode.call(
      "search_tools",
      { query: "create entities in the knowledge graph", detail: "name", limit: 3 },
      {},
    );
    expect(names.isError).toBe(false);
    expect(names.content.split("\n")).toContain("memory.createEntities");
    const full = await codeMode.call(
      "search_tools",
      { query: "read a text file", detail: "full", limit: 1 },
      {},
    );
    expect(full.content).toContain("readTextFile");
    expect(full.content).toMatch(/path: string/);
  });

  it("list_files and read_file browse the generated API", async () => {
    const servers = await codeMode.call("list_files", { path: "servers" }, {});
    expect(servers.content.split("\n")).toEqual(
      expect.arrayContaining(["servers/filesystem/", "servers/memory/"]),
    );
    const file = await codeMode.call("read_file", { path: "servers/memory/readGraph.ts" }, {});
    expect(file.isError).toBe(false);
    expect(file.content).toContain("export async function readGraph");
    const missing = await codeMode.call("read_file", { path: "servers/nope.ts" }, {});
    expect(missing.isError).toBe(true);
  });

  it("execute_code runs a typed program across two servers and returns only its small result", async () => {
    const result = await codeMode.call("execute_code", { code: program(join(dir, "contacts.csv")) }, {});
    expect(result.isError).toBe(false);
    expect(JSON.parse(result.content)).toMatchObject({ ok: true, value: { saved: 10, inGraph: 10 } });
    // The CSV never reaches the model: only the count does.
    expect(result.content).not.toContain("person4@example.com");
  });

  it("a program that does not type-check is sent back with its line, and nothing runs", async () => {
    const result = await codeMode.call(
      "execute_code",
      { code: "const g = await memory.readGraph({});\nreturn g.entitiez;" },
      {},
    );
    expect(result.isError).toBe(true);
    expect(result.content).toContain("TYPE_CHECK_FAILED");
    expect(result.content).toMatch(/line 2|:2/);
    expect(result.program).toMatchObject({ ok: false, errorCode: "TYPE_CHECK_FAILED" });
  });

  it("a program searches the catalogue and calls what it found without the results passing through the model", async () => {
    const result = await codeMode.execute(`
      const hits = (await codecall.callTool("codecall.searchTools", { query: "read the whole knowledge graph", limit: 3 })) as Array<{ id: string }>;
      const graph = (await codecall.callTool(hits.find((h) => h.id === "memory.readGraph")!.id, {})) as { entities: unknown[] };
      return graph.entities.length >= 0;
    `);
    expect(result.error).toBeUndefined();
    expect(result.value).toBe(true);
    expect(result.toolCalls.map((c) => c.name)).toEqual(["codecall.searchTools", "memory.readGraph"]);
  });

  it("unknown meta-tools fail with a clear error", async () => {
    const result = await codeMode.call("run_everything", {}, {});
    expect(result).toMatchObject({ isError: true });
    expect(result.content).toContain("TOOL_NOT_FOUND");
  });

  it("execute_code without a string `code` fails with TOOL_ARGS_INVALID instead of running nothing", async () => {
    for (const args of [{}, { program: "return 1" }, { code: 42 }]) {
      const result = await codeMode.call("execute_code", args, {});
      expect(result).toMatchObject({ isError: true });
      expect(result.content).toMatch(/^TOOL_ARGS_INVALID: execute_code needs "code"/);
    }
  });
});

describe("code mode with a policy hook", () => {
  it("denies a destructive tool with POLICY_DENIED, catchable in the program, and lets the rest through", async () => {
    const seen: string[] = [];
    const guarded = await createCodeMode({
      servers: codeMode.connections,
      sandbox: quickjs(),
      interceptor: {
        beforeCall(call) {
          seen.push(call.id);
          if (call.tool.startsWith("delete_"))
            throw new CodecallError("POLICY_DENIED", `${call.id} needs approval.`);
          return call.args;
        },
      },
    });
    try {
      const result = await guarded.execute(`
        let denied = "";
        try { await memory.deleteEntities({ entityNames: ["Person 0"] }); } catch (e) { denied = (e as Error).message; }
        const graph = await memory.readGraph({});
        return { denied, entities: graph.entities.length };
      `);
      expect(result.error).toBeUndefined();
      expect(result.value).toMatchObject({ denied: "memory.deleteEntities needs approval." });
      expect((result.value as { entities: number }).entities).toBeGreaterThan(0);
      expect(seen).toEqual(["memory.deleteEntities", "memory.readGraph"]);
    } finally {
      await guarded.close();
    }
    // Connections passed in stay open for their owner.
    expect(codeMode.connections.status().every((s) => s.state === "ready")).toBe(true);
  });
});

describe("a closed code mode", () => {
  it("refuses search, the file view and programs with SANDBOX_DISPOSED", async () => {
    const closed = await createCodeMode({ servers: codeMode.connections, sandbox: quickjs() });
    expect((await closed.search("read graph")).length).toBeGreaterThan(0);
    await closed.close();
    await expect(closed.search("read graph")).rejects.toMatchObject({ code: "SANDBOX_DISPOSED" });
    for (const [tool, args] of [
      ["search_tools", { query: "read graph" }],
      ["list_files", { path: "servers" }],
      ["execute_code", { code: "return 1" }],
    ] as const) {
      const result = await closed.call(tool, args, {});
      expect(result, tool).toMatchObject({ isError: true });
      expect(result.content, tool).toMatch(/SANDBOX_DISPOSED/);
    }
    // The upstream tools exposed one by one, or by id through search, answer the same error as a result.
    const exposed = exposeCodeMode(closed, "tools")
      .tools()
      .map((t) => t.name);
    expect(exposed.length).toBeGreaterThan(0);
    for (const [surface, name, args] of [
      ["tools", exposed[0]!, {}],
      ["search", "call_tool", { tool: "memory.read_graph", arguments: {} }],
    ] as const) {
      const result = await exposeCodeMode(closed, surface).call(name, args, {});
      expect(result, surface).toMatchObject({ isError: true });
      expect(result.content, surface).toMatch(/SANDBOX_DISPOSED/);
    }
  });
});

describe("agent: code mode vs classic mode on the same task", () => {
  it("both finish; code mode keeps the CSV out of the model's context", async () => {
    const csv = join(dir, "contacts.csv");
    const codeScript: ScriptedTurn[] = [
      {
        content: [
          {
            type: "tool_use",
            name: "search_tools",
            input: { query: "read file and create entities", detail: "summary" },
          },
        ],
      },
      { content: [{ type: "tool_use", name: "execute_code", input: { code: program(csv) } }] },
      { content: [{ type: "text", text: "Saved the example.com contacts." }] },
    ];
    const classicScript: ScriptedTurn[] = [
      { content: [{ type: "tool_use", name: "filesystem__read_text_file", input: { path: csv } }] },
      { content: [{ type: "tool_use", name: "memory__read_graph", input: {} }] },
      { content: [{ type: "text", text: "Saved the example.com contacts." }] },
    ];
    const runs = [];
    for (const [toolbox, script] of [
      [codeMode, codeScript],
      [createClassicMode(codeMode.connections), classicScript],
    ] as const) {
      const standIn = await startMessagesStandIn({ script: [...script] });
      try {
        const client = new Anthropic({ apiKey: "k", baseURL: standIn.url, maxRetries: 0 });
        const result = await createAgent({ client, toolbox, model: "claude-test" }).run(
          "Save the example.com contacts from contacts.csv to memory.",
        );
        runs.push({ result, requests: standIn.requests });
      } finally {
        await standIn.close();
      }
    }
    const [code, classic] = runs;
    expect(code!.result.stopReason).toBe("end_turn");
    expect(classic!.result.stopReason).toBe("end_turn");
    expect(JSON.stringify(code!.requests.map((r) => r.body.messages))).not.toContain("person1@other.org");
    expect(JSON.stringify(classic!.requests.map((r) => r.body.messages))).toContain("person1@other.org");
    // Classic mode sends every tool schema with every request; code mode sends four meta-tools.
    expect(classic!.requests[0]!.body.tools!.length).toBeGreaterThan(15);
    expect(code!.requests[0]!.body.tools).toHaveLength(4);
  });
});
