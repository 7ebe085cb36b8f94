// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are ${VAR} references in MCP configs
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CatalogueChange,
  type CodecallError,
  connectServers,
  hasErrorCode,
  type McpConnections,
  toolResultToValue,
} from "../src/internal.js";
import { type EverythingServer, isAlive, serverBin, startEverything } from "./fixtures/mcp/servers.js";

describe("stdio: server-memory and server-filesystem", () => {
  let dir: string;
  let mcp: McpConnections;
  const changes: CatalogueChange[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "codecall-mcp-"));
    await writeFile(join(dir, "notes.txt"), "hello from codecall\n");
    mcp = await connectServers(
      {
        mcpServers: {
          memory: {
            command: process.execPath,
            args: [serverBin("server-memory")],
            env: { MEMORY_FILE_PATH: "${CODECALL_TEST_DIR}/memory.jsonl" },
          },
          filesystem: {
            command: process.execPath,
            args: [serverBin("server-filesystem"), "${CODECALL_TEST_DIR}"],
          },
        },
      },
      { env: { ...process.env, CODECALL_TEST_DIR: dir }, connectTimeoutMs: 20_000 },
    );
    mcp.onChange((change) => changes.push(change));
  });

  afterAll(async () => {
    await mcp?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("connects both and reports them ready with their pids", () => {
    const status = mcp.status();
    expect(status.map((s) => [s.name, s.state, s.transport])).toEqual([
      ["memory", "ready", "stdio"],
      ["filesystem", "ready", "stdio"],
    ]);
    for (const s of status) {
      expect(s.pid).toBeGreaterThan(0);
      expect(isAlive(s.pid!)).toBe(true);
    }
  });

  it("builds the catalogue codegen reads, with schemas", () => {
    const servers = mcp.servers();
    expect(servers.map((s) => s.name)).toEqual(["memory", "filesystem"]);
    const memory = servers[0]!.tools.map((t) => t.name);
    expect(memory).toEqual(expect.arrayContaining(["create_entities", "read_graph", "search_nodes"]));
    const readFile = servers[1]!.tools.find((t) => t.name === "read_text_file");
    expect(readFile?.inputSchema).toMatchObject({ type: "object", properties: { path: expect.any(Object) } });
    expect(readFile?.outputSchema).toBeDefined();
    const tools = mcp.tools();
    expect(tools.length).toBe(servers[0]!.tools.length + servers[1]!.tools.length);
    expect(tools.find((t) => t.name === "read_graph")?.server).toBe("memory");
    // One version bump per server that connected.
    expect(mcp.version).toBe(2);
  });

  it("calls tools in sequence and in parallel; the value is structuredContent", async () => {
    const created = await mcp.callTool("memory", "create_entities", {
      entities: [{ name: "Ada", entityType: "person", observations: ["wrote the first program"] }],
    });
    expect(created.isError).toBeFalsy();
    const [graph, file] = await Promise.all([
      mcp.callTool("memory", "read_graph", {}),
      mcp.callTool("filesystem", "read_text_file", { path: join(dir, "notes.txt") }),
    ]);
    expect(toolResultToValue(graph)).toMatchObject({ entities: [{ name: "Ada", entityType: "person" }] });
    expect(toolResultToValue(file)).toMatchObject({ content: "hello from codecall\n" });
  });

  it("turns a tool's isError result into TOOL_FAILED with the tool's own message", async () => {
    const result = await mcp.callTool("filesystem", "read_text_file", { path: join(dir, "missing.txt") });
    expect(result.isError).toBe(true);
    let caught: unknown;
    try {
      toolResultToValue(result, { server: "filesystem", tool: "read_text_file" });
    } catch (error) {
      caught = error;
    }
    expect(hasErrorCode(caught, "TOOL_FAILED")).toBe(true);
    expect((caught as CodecallError).message).toMatch(/ENOENT|no such file/i);
    expect((caught as CodecallError).details).toMatchObject({ server: "filesystem", tool: "read_text_file" });
  });

  it("answers unknown tools and servers with TOOL_NOT_FOUND and close names", async () => {
    const tool = await mcp.callTool("memory", "readGraph", {}).catch((e: unknown) => e);
    expect(hasErrorCode(tool, "TOOL_NOT_FOUND")).toBe(true);
    expect((tool as CodecallError).message).toContain("memory.read_graph");
    const server = await mcp.callTool("memroy", "read_graph", {}).catch((e: unknown) => e);
    expect(hasErrorCode(server, "TOOL_NOT_FOUND")).toBe(true);
    expect((server as CodecallError).message).toContain('Did you mean "memory"');
  });

  it("cancels a call through its AbortSignal", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await mcp
      .callTool("memory", "read_graph", {}, { signal: controller.signal })
      .catch((e) => e);
    expect(hasErrorCode(error, "ABORTED")).toBe(true);
  });

  it("close() leaves no child process behind", async () => {
    const pids = mcp.status().map((s) => s.pid!);
    expect(pids.every(isAlive)).toBe(true);
    await mcp.close();
    expect(pids.filter(isAlive)).toEqual([]);
    const after = await mcp.callTool("memory", "read_graph", {}).catch((e: unknown) => e);
    expect(hasErrorCode(after, "MCP_CONNECT_FAILED")).toBe(true);
    expect(changes).toEqual([]); // no catalogue change after the listener was added
  });
});

describe("remote: server-everything over Streamable HTTP and SSE", () => {
  let http: EverythingServer;
  let sse: EverythingServer;
  let mcp: McpConnections;

  beforeAll(async () => {
    [http, sse] = await Promise.all([startEverything("streamableHttp"), startEverything("sse")]);
    mcp = await connectServers(
      {
        mcpServers: {
          everything: { type: "http", url: http.url, headers: { "X-Codecall-Test": "${TEST_HEADER:-yes}" } },
          // No `type`: Streamable HTTP is tried first, then SSE.
          legacy: { url: sse.url },
        },
      },
      { connectTimeoutMs: 15_000 },
    );
  });

  afterAll(async () => {
    await mcp?.close();
    await Promise.all([http?.stop(), sse?.stop()]);
  });

  it("connects over Streamable HTTP, and falls back to SSE when that is all the server speaks", () => {
    expect(mcp.status().map((s) => [s.name, s.state, s.transport])).toEqual([
      ["everything", "ready", "http"],
      ["legacy", "ready", "sse"],
    ]);
    for (const server of mcp.servers()) {
      expect(server.tools.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "get-sum"]));
    }
  });

  it("calls tools on both transports, in parallel", async () => {
    const [sum, echo] = await Promise.all([
      mcp.callTool("everything", "get-sum", { a: 2, b: 40 }),
      mcp.callTool("legacy", "echo", { message: "over sse" }),
    ]);
    expect(JSON.stringify(toolResultToValue(sum))).toContain("42");
    expect(toolResultToValue(echo)).toEqual([{ type: "text", text: "Echo: over sse" }]);
  });

  it("reports a server's JSON-RPC error for bad arguments as a typed error", async () => {
    const result = await mcp.callTool("everything", "get-sum", { a: "two" }).catch((e: unknown) => e);
    // This server answers invalid arguments with an isError result (a JSON-RPC error would be TOOL_ARGS_INVALID).
    expect(() => toolResultToValue(result as never)).toThrow(
      expect.objectContaining({ code: "TOOL_FAILED", message: expect.stringMatching(/expected number/) }),
    );
  });

  it("refuses a Streamable HTTP result over the cap while it streams in, and keeps the session", async () => {
    const capped = await connectServers({ everything: { url: http.url } }, { maxResultBytes: 1000 });
    try {
      const error = await capped.callTool("everything", "get-tiny-image", {}).catch((e: unknown) => e);
      expect(hasErrorCode(error, "TOOL_RESULT_TOO_LARGE")).toBe(true);
      expect((error as CodecallError).message).toContain("everything.get-tiny-image");
      const ok = await capped.callTool("everything", "echo", { message: "small" });
      expect(toolResultToValue(ok)).toEqual([{ type: "text", text: "Echo: small" }]);
    } finally {
      await capped.close();
    }
  });

  it("a remote server that goes away fails the call, and the rest keep working", async () => {
    await sse.stop();
    const error = await mcp.callTool("legacy", "echo", { message: "x" }, { timeoutMs: 5000 }).catch((e) => e);
    expect(hasErrorCode(error, "MCP_SERVER_CRASHED")).toBe(true);
    expect(error.message).toContain('"legacy"');
    expect(mcp.status()[1]).toMatchObject({ name: "legacy", state: "crashed" });
    // The next use tries to reconnect, and says that the server is not there.
    const again = await mcp.callTool("legacy", "echo", { message: "x" }).catch((e) => e);
    expect(hasErrorCode(again, "MCP_CONNECT_FAILED")).toBe(true);
    expect(again.hint).toContain(sse.url);
    const ok = await mcp.callTool("everything", "echo", { message: "still here" });
    expect(toolResultToValue(ok)).toEqual([{ type: "text", text: "Echo: still here" }]);
  });
});
