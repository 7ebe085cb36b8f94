/**
 * Code mode and classic mode as LangChain.js tools, invoked the ways LangChain invokes them (with a tool
 * call, as agents and ToolNode do; with plain arguments; through streamEvents), against a real
 * server-memory over stdio and the QuickJS sandbox.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { quickjs } from "@codecall/sandbox-quickjs";
import { ToolMessage } from "@langchain/core/messages";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CODECALL_EVENT,
  type CodeModeLangChainTools,
  createClassicModeTools,
  createCodeModeTools,
} from "../src/index.js";

const memoryBin = fileURLToPath(
  new URL("../node_modules/@modelcontextprotocol/server-memory/dist/index.js", import.meta.url),
);
const memoryConfig = (file: string) => ({
  mcpServers: { memory: { command: process.execPath, args: [memoryBin], env: { MEMORY_FILE_PATH: file } } },
});

let dir: string;
let codecall: CodeModeLangChainTools;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "codecall-langchain-"));
  codecall = await createCodeModeTools({
    servers: memoryConfig(join(dir, "memory.jsonl")),
    sandbox: quickjs(),
  });
});

afterAll(async () => {
  await codecall?.close();
  await rm(dir, { recursive: true, force: true });
});

const tool = (name: string) => {
  const found = codecall.tools.find((t) => t.name === name);
  if (!found) throw new Error(`no tool ${name}`);
  return found;
};

const program = `
await memory.createEntities({ entities: [{ name: "Ada", entityType: "person", observations: ["first program"] }] });
console.log("saved");
return (await memory.readGraph({})).entities.map((e) => e.name);
`;

describe("code mode as LangChain tools", () => {
  it("offers the meta-tools, with their JSON Schemas as a model provider receives them", () => {
    expect(codecall.tools.map((t) => t.name).sort()).toEqual([
      "execute_code",
      "list_files",
      "read_file",
      "search_tools",
    ]);
    const definition = codecall.codeMode.tools().find((t) => t.name === "execute_code")!;
    const openai = convertToOpenAITool(tool("execute_code"));
    expect(openai.function.description).toBe(definition.description);
    expect(openai.function.parameters).toMatchObject({
      type: "object",
      properties: { code: { type: "string" } },
      required: ["code"],
    });
  });

  it("answers a tool call with a ToolMessage carrying the program's envelope", async () => {
    const message = await tool("execute_code").invoke({
      type: "tool_call",
      id: "call_1",
      name: "execute_code",
      args: { code: program },
    });
    expect(message).toBeInstanceOf(ToolMessage);
    const m = message as ToolMessage;
    expect(m.tool_call_id).toBe("call_1");
    expect(m.status).toBe("success");
    expect(JSON.parse(String(m.content))).toMatchObject({ ok: true, value: ["Ada"], logs: ["saved"] });
    expect(m.artifact).toMatchObject({ isError: false, program: { ok: true } });
  });

  it("marks a failed program with status error, and the model reads why", async () => {
    const m = (await tool("execute_code").invoke({
      type: "tool_call",
      id: "call_2",
      name: "execute_code",
      args: { code: "return memory.noSuchTool({});" },
    })) as ToolMessage;
    expect(m.status).toBe("error");
    expect(String(m.content)).toContain("TYPE_CHECK_FAILED");
    expect(m.artifact).toMatchObject({
      isError: true,
      program: { ok: false, errorCode: "TYPE_CHECK_FAILED" },
    });
  });

  it("returns the text when invoked with plain arguments", async () => {
    const text = await tool("search_tools").invoke({ query: "read the whole knowledge graph" });
    expect(typeof text).toBe("string");
    expect(text).toContain("readGraph");
    const listing = await tool("list_files").invoke({ path: "servers/" });
    expect(listing).toContain("servers/memory");
  });

  it("dispatches the program's events as custom events in streamEvents", async () => {
    const seen: Array<{ type: string; name?: string }> = [];
    const stream = tool("execute_code").streamEvents(
      { type: "tool_call", id: "call_3", name: "execute_code", args: { code: program } },
      { version: "v2" },
    );
    for await (const event of stream) {
      if (event.event === "on_custom_event" && event.name === CODECALL_EVENT)
        seen.push(event.data as { type: string; name?: string });
    }
    const kinds = seen.map((e) => (e.type === "tool-call" ? `call ${e.name}` : e.type));
    expect(kinds[0]).toBe("program-start");
    expect(kinds).toContain("call memory.createEntities");
    expect(kinds).toContain("log");
  });

  it("stops a program when the run is aborted", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const outcome = await tool("execute_code")
      .invoke(
        {
          type: "tool_call",
          id: "call_4",
          name: "execute_code",
          args: { code: "for (;;) await memory.readGraph({});" },
        },
        { signal: controller.signal },
      )
      .then(
        (m) => (m as ToolMessage).status,
        (error: Error) => error.name,
      );
    // LangChain rejects an aborted run itself; either way the program does not run on.
    expect(["error", "AbortError"]).toContain(outcome);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe("classic mode as LangChain tools", () => {
  it("gives every MCP tool as a LangChain tool", async () => {
    const classic = await createClassicModeTools({ servers: memoryConfig(join(dir, "classic.jsonl")) });
    try {
      expect(classic.tools).toHaveLength(9);
      const create = classic.tools.find((t) => t.name === "memory__create_entities")!;
      const m = (await create.invoke({
        type: "tool_call",
        id: "c1",
        name: create.name,
        args: { entities: [{ name: "Linus", entityType: "person", observations: [] }] },
      })) as ToolMessage;
      expect(m.status).toBe("success");
      expect(String(m.content)).toContain("Linus");
    } finally {
      await classic.close();
    }
  });
});
