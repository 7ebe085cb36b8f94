import { request } from "node:http";
import { type CodeMode, createCodeMode } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  type CallToolResult,
  type LoggingMessageNotification,
  LoggingMessageNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodecallServer, type HttpServing, serveHttp } from "../src/index.js";
import { makeUpstream, type Upstream } from "./servers.js";

let upstream: Upstream;
let codeMode: CodeMode;
let serving: HttpServing;

beforeAll(async () => {
  upstream = await makeUpstream();
  codeMode = await createCodeMode({ servers: upstream.config, sandbox: quickjs() });
  serving = await serveHttp(() => createCodecallServer(codeMode, { version: "test" }));
});

afterAll(async () => {
  await serving?.close();
  await codeMode?.close();
  await upstream?.cleanup();
});

async function connect(): Promise<{ client: Client; logs: LoggingMessageNotification["params"][] }> {
  const client = new Client({ name: "http-test", version: "1.0.0" });
  const logs: LoggingMessageNotification["params"][] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    logs.push(n.params);
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(serving.url)));
  return { client, logs };
}

const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;

describe("code mode over Streamable HTTP with the MCP SDK client", () => {
  it("lists the meta-tools and announces the upstream servers in its instructions", async () => {
    const { client } = await connect();
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(
        ["execute_code", "list_files", "read_file", "search_tools"].sort(),
      );
      expect(client.getInstructions()).toMatch(/memory/);
      expect(client.getServerCapabilities()?.logging).toBeDefined();
    } finally {
      await client.close();
    }
  });

  it("searches the upstream catalogue", async () => {
    const { client } = await connect();
    try {
      const result = await client.callTool({
        name: "search_tools",
        arguments: { query: "create entities in the knowledge graph" },
      });
      expect(result.isError).toBeFalsy();
      expect(text(result)).toMatch(/createEntities|create_entities/);
    } finally {
      await client.close();
    }
  });

  it("runs one program across server-memory and server-filesystem, with logs and progress", async () => {
    const { client, logs } = await connect();
    try {
      await client.setLoggingLevel("info");
      const progress: number[] = [];
      const code = `
        const file = await filesystem.readTextFile({ path: ${JSON.stringify(`${upstream.dir}/notes.txt`)} });
        const words = String(file.content).trim().split("\\n");
        console.log("read", words.length, "words");
        await memory.createEntities({ entities: words.map((w) => ({ name: w, entityType: "word", observations: [] })) });
        const graph = await memory.readGraph({});
        return graph.entities.map((e) => e.name).sort();
      `;
      const result = await client.callTool({ name: "execute_code", arguments: { code } }, undefined, {
        onprogress: (p) => progress.push(p.progress),
      });
      expect(result.isError, text(result)).toBeFalsy();
      expect(JSON.parse(text(result)).value).toEqual(["alpha", "beta", "gamma"]);
      expect(logs.some((l) => l.logger === "program" && String(l.data).includes("read 3 words"))).toBe(true);
      expect(progress.length).toBeGreaterThanOrEqual(3);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    } finally {
      await client.close();
    }
  });

  it("sends progress while a long program runs, between its tool calls too", async () => {
    const quick = await serveHttp(() => createCodecallServer(codeMode, { progressIntervalMs: 5 }));
    const client = new Client({ name: "progress-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(quick.url)));
    try {
      const messages: string[] = [];
      const code =
        "let n = 0; for (let i = 0; i < 40; i++) n += (await memory.readGraph({})).entities.length; return n;";
      const result = await client.callTool({ name: "execute_code", arguments: { code } }, undefined, {
        onprogress: (p) => messages.push(String(p.message)),
      });
      expect(result.isError, text(result)).toBeFalsy();
      expect(messages[0]).toBe("program started");
      expect(messages.filter((m) => m === "calling memory.readGraph")).toHaveLength(40);
      expect(messages.some((m) => /^running for \d+ s$/.test(m))).toBe(true);
    } finally {
      await client.close();
      await quick.close();
    }
  });

  it("drops program logs below the level the client set", async () => {
    const { client, logs } = await connect();
    try {
      await client.setLoggingLevel("error");
      const result = await client.callTool({
        name: "execute_code",
        arguments: { code: 'console.log("quiet"); console.error("loud"); return 1;' },
      });
      expect(result.isError).toBeFalsy();
      expect(logs.map((l) => l.data)).toEqual(["loud"]);
    } finally {
      await client.close();
    }
  });

  it("returns a failing program as a tool error the client can read", async () => {
    const { client } = await connect();
    try {
      const result = await client.callTool({
        name: "execute_code",
        arguments: { code: "throw new Error('boom')" },
      });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/PROGRAM_ERROR/);
    } finally {
      await client.close();
    }
  });

  it("answers a body that is not JSON with a JSON-RPC parse error, and keeps serving", async () => {
    const response = await fetch(serving.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const { client } = await connect();
    expect((await client.listTools()).tools).toHaveLength(4);
    await client.close();
  });

  it("refuses requests whose Host names another site (DNS rebinding)", async () => {
    // fetch may not set Host, so a raw request does.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        serving.url,
        { method: "POST", headers: { host: "evil.example", "content-type": "application/json" } },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }));
    });
    expect(status).toBe(403);
  });
});
