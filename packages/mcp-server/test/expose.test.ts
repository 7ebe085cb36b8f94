/**
 * `expose`: a served session offers the upstream tools as they are (for MCP clients that cannot run
 * programs), through the same bridge as programs: a real MCP SDK client over Streamable HTTP, in front of
 * real server-memory and server-everything.
 */
import { connectServers, type McpConnections, type Sandbox } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeModePerSession, createPolicyInterceptor, type HttpServing, serveHttp } from "../src/index.js";
import { makeUpstream, serverBin, type Upstream } from "./servers.js";

let upstream: Upstream;
let connections: McpConnections;
let sandbox: Sandbox;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  upstream = await makeUpstream();
  connections = await connectServers({
    mcpServers: {
      memory: upstream.config.mcpServers.memory,
      everything: { command: process.execPath, args: [serverBin("server-everything")] },
    },
  });
  sandbox = quickjs();
}, 120_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await sandbox?.close();
  await connections?.close();
  await upstream?.cleanup();
});

async function serve(options: Partial<Parameters<typeof codeModePerSession>[0]>): Promise<Client> {
  const tenants = codeModePerSession({ connections, sandbox, ...options });
  const serving: HttpServing = await serveHttp(tenants.create, {});
  const client = new Client({ name: "expose-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(serving.url)));
  closers.push(
    () => tenants.close(),
    () => serving.close(),
    () => client.close(),
  );
  return client;
}

describe("serving the upstream tools (expose: tools)", () => {
  it("lists every upstream tool namespaced, and passes an image and structured content through", async () => {
    const client = await serve({ expose: "tools" });
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain("memory__read_graph");
    expect(names).toContain("everything__get-tiny-image");
    expect(names).not.toContain("execute_code");

    const image = (await client.callTool({
      name: "everything__get-tiny-image",
      arguments: {},
    })) as CallToolResult;
    expect(image.isError).toBeFalsy();
    expect(image.content.some((b) => b.type === "image" && b.mimeType === "image/png")).toBe(true);

    const structured = (await client.callTool({
      name: "everything__get-structured-content",
      arguments: { location: "Chicago" },
    })) as CallToolResult;
    expect(structured.structuredContent).toMatchObject({ temperature: expect.any(Number) });
  });

  it("applies the policy to a direct call as to a program's", async () => {
    const client = await serve({
      expose: "tools",
      interceptor: createPolicyInterceptor({ deny: ["memory.delete_*"] }),
    });
    const result = (await client.callTool({
      name: "memory__delete_entities",
      arguments: { entityNames: ["x"] },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toMatch(/^POLICY_DENIED/);
  });

  it("search: search_tools and call_tool only; both: code mode and the upstream tools", async () => {
    const search = await serve({ expose: "search" });
    expect((await search.listTools()).tools.map((t) => t.name)).toEqual(["search_tools", "call_tool"]);
    const sum = (await search.callTool({
      name: "call_tool",
      arguments: { tool: "everything.getSum", arguments: { a: 1, b: 2 } },
    })) as CallToolResult;
    expect((sum.content[0] as { text: string }).text).toContain("3");

    const both = await serve({ expose: "both" });
    const names = (await both.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["execute_code", "search_tools", "memory__read_graph"]));
  });

  it("refuses an unknown surface when the sessions are set up", () => {
    expect(() => codeModePerSession({ connections, sandbox, expose: "all" as never })).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID" }),
    );
  });
});
