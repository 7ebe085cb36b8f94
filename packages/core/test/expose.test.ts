// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} references in an MCP config
/**
 * The surfaces a code mode can offer clients that do not run programs (`exposeCodeMode`): the upstream
 * tools one by one, or `search_tools` + `call_tool`, over real server-memory and server-everything, with
 * the same validation and privacy as a program's calls.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quickjs } from "@codecall/sandbox-quickjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodecallError, type CodeMode, createCodeMode, exposeCodeMode } from "../src/internal.js";
import { serverBin } from "./fixtures/mcp/servers.js";

let dir: string;
let codeMode: CodeMode;
let private_: CodeMode;

const servers = () => ({
  mcpServers: {
    memory: {
      command: process.execPath,
      args: [serverBin("server-memory")],
      env: { MEMORY_FILE_PATH: "${DIR}/memory.jsonl" },
    },
    everything: { command: process.execPath, args: [serverBin("server-everything")] },
  },
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "codecall-expose-"));
  const connect = { env: { ...process.env, DIR: dir } };
  codeMode = await createCodeMode({ servers: servers(), connect, sandbox: quickjs() });
  private_ = await createCodeMode({
    servers: {
      mcpServers: {
        memory: { ...servers().mcpServers.memory, env: { MEMORY_FILE_PATH: "${DIR}/private.jsonl" } },
      },
    },
    connect,
    sandbox: quickjs(),
    privacy: { flows: { "memory.add_observations": ["EMAIL"] } },
  });
}, 120_000);

afterAll(async () => {
  await codeMode?.close();
  await private_?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("exposeCodeMode", () => {
  it("code: the meta-tools, unchanged", () => {
    const toolbox = exposeCodeMode(codeMode, "code");
    expect(toolbox.tools().map((t) => t.name)).toEqual(codeMode.tools().map((t) => t.name));
    expect(toolbox.system()).toBe(codeMode.system());
  });

  it("tools: every upstream tool under server__tool, called through the bridge", async () => {
    const toolbox = exposeCodeMode(codeMode, "tools");
    const names = toolbox.tools().map((t) => t.name);
    expect(names).toContain("memory__create_entities");
    expect(names).toContain("everything__get-tiny-image");
    expect(names).toHaveLength(codeMode.connections.tools().length);
    const created = await toolbox.call(
      "memory__create_entities",
      { entities: [{ name: "Ada", entityType: "person", observations: ["wrote the first program"] }] },
      {},
    );
    expect(created.isError).toBe(false);
    const graph = await toolbox.call("memory__read_graph", {}, {});
    expect(JSON.parse(graph.content).entities.map((e: { name: string }) => e.name)).toContain("Ada");
  });

  it("tools: content blocks pass through as MCP content (an image stays an image)", async () => {
    const toolbox = exposeCodeMode(codeMode, "tools");
    const image = await toolbox.call("everything__get-tiny-image", {}, {});
    expect(image.isError).toBe(false);
    const blocks = image.mcp?.content as Array<{ type: string; mimeType?: string }>;
    expect(blocks.some((b) => b.type === "image" && b.mimeType === "image/png")).toBe(true);
    const structured = await toolbox.call("everything__get-structured-content", { location: "New York" }, {});
    expect(structured.isError).toBe(false);
    expect(structured.mcp?.structuredContent).toEqual(JSON.parse(structured.content));
  });

  it("tools: invalid arguments are refused before the server is called, with the field named", async () => {
    const toolbox = exposeCodeMode(codeMode, "tools");
    const result = await toolbox.call("memory__create_entities", { entities: "Ada" }, {});
    expect(result.isError).toBe(true);
    expect(result.content).toMatch(/^TOOL_ARGS_INVALID: .*entities/);
    const unknown = await toolbox.call("memory__create_entity", {}, {});
    expect(unknown).toMatchObject({ isError: true });
    expect(unknown.content).toMatch(/TOOL_NOT_FOUND.*memory__create_entities/);
  });

  it("tools with bare names: the upstream names as they are", () => {
    const bare = exposeCodeMode(private_, "tools", { names: "bare" });
    expect(bare.tools().map((t) => t.name)).toContain("read_graph");
  });

  it("bare names that collide across servers are a configuration error", async () => {
    const twice = await createCodeMode({
      servers: {
        mcpServers: { a: servers().mcpServers.everything, b: servers().mcpServers.everything },
      },
      sandbox: quickjs(),
    });
    try {
      expect(() => exposeCodeMode(twice, "tools", { names: "bare" })).toThrow(
        expect.objectContaining({ code: "CONFIG_INVALID", message: expect.stringMatching(/"echo"/) }),
      );
      expect(
        exposeCodeMode(twice, "tools")
          .tools()
          .map((t) => t.name),
      ).toContain("b__echo");
    } finally {
      await twice.close();
    }
  });

  it("search: search_tools finds a tool, call_tool calls it by the id it returned", async () => {
    const toolbox = exposeCodeMode(codeMode, "search");
    expect(toolbox.tools().map((t) => t.name)).toEqual(["search_tools", "call_tool"]);
    const hits = await codeMode.search("add two numbers");
    const sum = hits.find((h) => h.name === "get-sum");
    expect(sum).toBeDefined();
    const result = await toolbox.call("call_tool", { tool: sum!.id, arguments: { a: 2, b: 40 } }, {});
    expect(result.isError).toBe(false);
    expect(result.content).toContain("42");
    const wrong = await toolbox.call("call_tool", { tool: "everything.getSums", arguments: {} }, {});
    expect(wrong.isError).toBe(true);
    expect(wrong.content).toMatch(/TOOL_NOT_FOUND.*everything\.getSum/);
  });

  it("both: the meta-tools and the upstream tools side by side", () => {
    const toolbox = exposeCodeMode(codeMode, "both");
    const names = toolbox.tools().map((t) => t.name);
    expect(names).toContain("execute_code");
    expect(names).toContain("memory__read_graph");
  });

  it("with privacy on, results are tokenized and tokens are restored in later calls, as in programs", async () => {
    const toolbox = exposeCodeMode(private_, "tools");
    const created = await toolbox.call(
      "memory__create_entities",
      {
        entities: [{ name: "Grace", entityType: "person", observations: ["mail grace.hopper@navy.example"] }],
      },
      {},
    );
    expect(created.isError, created.content).toBe(false);
    const graph = await toolbox.call("memory__read_graph", {}, {});
    expect(graph.content).not.toContain("grace.hopper@navy.example");
    const token = /\[EMAIL_\d+\]/.exec(graph.content)?.[0];
    expect(token).toBeDefined();
    // The token goes back in to a tool allowed to receive e-mail addresses: the server stores the real one.
    await toolbox.call(
      "memory__add_observations",
      { observations: [{ entityName: "Grace", contents: [`cc ${token}`] }] },
      {},
    );
    const stored = (await private_.connections.callTool("memory", "read_graph", {})) as {
      content: Array<{ text: string }>;
    };
    expect(stored.content[0]!.text).toContain("cc grace.hopper@navy.example");
  });

  it("resources: listed across servers and read through the bridge; an unknown URI is TOOL_NOT_FOUND", async () => {
    const toolbox = exposeCodeMode(codeMode, "tools");
    expect(exposeCodeMode(codeMode, "code").resources).toBeUndefined();
    const listed = await toolbox.resources!.list();
    expect(listed.length).toBeGreaterThan(0);
    const first = listed[0]!;
    const { contents } = await toolbox.resources!.read(first.uri);
    expect(contents[0]).toMatchObject({ uri: first.uri });
    expect(contents[0]!.text ?? contents[0]!.blob).toBeTruthy();
    await expect(toolbox.resources!.read("nowhere://nothing")).rejects.toMatchObject({
      code: "TOOL_NOT_FOUND",
    });
  });

  it("programs list and read upstream resources through typed codecall.listResources / readResource", async () => {
    const result = await codeMode.execute(
      `const listed = await codecall.listResources({ server: "everything" });
const page = await codecall.readResource({ server: "everything", uri: listed[0].uri });
return { count: listed.length, uri: page.uri, hasContent: Boolean(page.text ?? page.blob) };`,
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.ok, result.envelope).toBe(true);
    expect(result.value).toMatchObject({ hasContent: true });
    const wrong = await codeMode.execute(`return await codecall.readResource({ server: "everything" });`);
    expect(wrong.error?.code).toBe("TYPE_CHECK_FAILED");
    expect(wrong.error?.message).toMatch(/uri/);
  });

  it("a code mode's policy and approver decide direct calls as they decide a program's", async () => {
    const asked: string[] = [];
    const guarded = await createCodeMode({
      servers: { mcpServers: { memory: servers().mcpServers.memory } },
      connect: { env: { ...process.env, DIR: dir } },
      sandbox: quickjs(),
      policy: { deny: ["memory.delete_*"], ask: ["memory.create_entities"] },
      approve: (request) => {
        asked.push(request.id);
        return false;
      },
    });
    try {
      const toolbox = exposeCodeMode(guarded, "tools");
      const deleted = await toolbox.call("memory__delete_entities", { entityNames: ["Ada"] }, {});
      expect(deleted).toMatchObject({
        isError: true,
        content: expect.stringMatching(/^POLICY_DENIED: .*deny/),
      });
      const created = await toolbox.call("memory__create_entities", { entities: [] }, {});
      expect(created).toMatchObject({ isError: true, content: expect.stringMatching(/^POLICY_DENIED/) });
      expect(asked).toEqual(["memory.createEntities"]);
      expect((await toolbox.call("memory__read_graph", {}, {})).isError).toBe(false);
    } finally {
      await guarded.close();
    }
  });

  it("an unknown surface is a configuration error", () => {
    expect(() => exposeCodeMode(codeMode, "everything" as never)).toThrow(CodecallError);
  });
});
