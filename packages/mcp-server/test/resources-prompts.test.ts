/**
 * Upstream resources and prompts, with the real server-everything (which offers both) behind
 * `codeModePerSession` over Streamable HTTP: programs list and read a server's resources through the
 * built-in `codecall.listResources` / `codecall.readResource` tools (under the policy, like tool calls),
 * and the served MCP server passes upstream prompts through as `<server>.<prompt>`.
 */
import { connectServers, type McpConnections, type Sandbox } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type CallToolResult, ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  codeModePerSession,
  createPolicyInterceptor,
  type HttpServing,
  type PerSessionServers,
  serveHttp,
} from "../src/index.js";
import { makeUpstream, serverBin, type Upstream } from "./servers.js";

let upstream: Upstream;
let connections: McpConnections;
let sandbox: Sandbox;
let tenants: PerSessionServers;
let serving: HttpServing;
let client: Client;

beforeAll(async () => {
  upstream = await makeUpstream();
  connections = await connectServers({
    mcpServers: {
      everything: { command: process.execPath, args: [serverBin("server-everything"), "stdio"] },
      memory: upstream.config.mcpServers.memory,
    },
  });
  sandbox = quickjs();
  tenants = codeModePerSession({
    connections,
    sandbox,
    interceptor: createPolicyInterceptor({ deny: ["memory.*"] }),
  });
  serving = await serveHttp(tenants.create);
  client = new Client({ name: "resources-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(serving.url)));
});

afterAll(async () => {
  await client?.close();
  await serving?.close();
  await tenants?.close();
  await sandbox?.close();
  await connections?.close();
  await upstream?.cleanup();
});

async function run(code: string): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> {
  const result = (await client.callTool({ name: "execute_code", arguments: { code } })) as CallToolResult;
  return JSON.parse((result.content[0] as { text: string }).text);
}

describe("upstream resources in programs", () => {
  it("lists a server's resources and reads one, in the program", async () => {
    const out = await run(`
      const list = await codecall.callTool("codecall.listResources", { server: "everything" });
      const doc = list.find((r) => r.name === "architecture.md");
      const page = await codecall.callTool("codecall.readResource", { server: "everything", uri: doc.uri });
      return { count: list.length, mimeType: page.mimeType, title: page.text.split("\\n")[0] };
    `);
    expect(out.ok, JSON.stringify(out)).toBe(true);
    const value = out.value as { count: number; mimeType: string; title: string };
    expect(value.count).toBeGreaterThan(0);
    expect(value.mimeType).toBe("text/markdown");
    expect(value.title).toMatch(/^# Everything Server/);
  });

  it("names an unknown server and a missing uri with typed errors", async () => {
    const empty = await run(
      `return await codecall.callTool("codecall.listResources", { server: "filesystem" }).catch((e) => e.code);`,
    );
    expect(empty.value).toBe("TOOL_NOT_FOUND");
    const missing = await run(
      `return await codecall.callTool("codecall.readResource", { server: "everything" }).catch((e) => e.code);`,
    );
    expect(missing.value).toBe("TOOL_ARGS_INVALID");
  });

  it("puts resource reads under the policy, like tool calls", async () => {
    const out = await run(
      `return await codecall.callTool("codecall.listResources", { server: "memory" }).catch((e) => e.code);`,
    );
    expect(out.value).toBe("POLICY_DENIED");
  });
});

describe("upstream prompts through serve", () => {
  it("lists upstream prompts named <server>.<prompt> and gets one with its arguments", async () => {
    expect(client.getServerCapabilities()?.prompts).toBeDefined();
    const { prompts } = await client.listPrompts();
    const names = prompts.map((p) => p.name);
    expect(names).toContain("everything.simple-prompt");
    expect(names).toContain("everything.args-prompt");
    const args = prompts.find((p) => p.name === "everything.args-prompt");
    expect(args?.arguments?.find((a) => a.name === "city")?.required).toBe(true);

    const simple = await client.getPrompt({ name: "everything.simple-prompt" });
    expect(simple.messages[0]?.content).toEqual({
      type: "text",
      text: "This is a simple prompt without arguments.",
    });
    const filled = await client.getPrompt({ name: "everything.args-prompt", arguments: { city: "Lyon" } });
    expect(JSON.stringify(filled.messages)).toContain("Lyon");
    await expect(client.getPrompt({ name: "everything.no-such-prompt" })).rejects.toThrow(
      /No prompt is named/,
    );
  });

  it("completes a prompt's argument through its server, with the context of the others", async () => {
    const ref = { type: "ref/prompt" as const, name: "everything.completable-prompt" };
    const departments = await client.complete({ ref, argument: { name: "department", value: "S" } });
    expect(departments.completion.values).toEqual(["Sales", "Support"]);
    const leads = await client.complete({
      ref,
      argument: { name: "name", value: "" },
      context: { arguments: { department: "Engineering" } },
    });
    expect(leads.completion.values).toEqual(["Alice", "Bob", "Charlie"]);
    const unknown = await client.complete({
      ref: { type: "ref/prompt", name: "everything.no-such-prompt" },
      argument: { name: "x", value: "" },
    });
    expect(unknown.completion.values).toEqual([]);
  });
});

describe("upstream resource subscriptions through serve (--expose both)", () => {
  it("passes resources/updated of a subscribed resource to the session, and stops after unsubscribe", {
    timeout: 90_000,
  }, async () => {
    const both = codeModePerSession({ connections, sandbox, expose: "both" });
    const served = await serveHttp(both.create);
    const subscriber = new Client({ name: "subscriber", version: "1.0.0" });
    const updates: string[] = [];
    subscriber.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
    try {
      await subscriber.connect(new StreamableHTTPClientTransport(new URL(served.url)));
      expect(subscriber.getServerCapabilities()?.resources?.subscribe).toBe(true);
      const { resources } = await subscriber.listResources();
      const uri = resources[0]!.uri;
      await subscriber.subscribeResource({ uri });
      // server-everything sends updates of subscribed resources every 5 s once this tool switches them on.
      await subscriber.callTool({ name: "everything__toggle-subscriber-updates", arguments: {} });
      const started = Date.now();
      while (!updates.includes(uri) && Date.now() - started < 60_000)
        await new Promise((r) => setTimeout(r, 100));
      expect(updates).toContain(uri);
      await subscriber.unsubscribeResource({ uri });
      // The upstream subscription ended with the last listener: no update for a full 5 s period and more.
      const seen = updates.length;
      await new Promise((r) => setTimeout(r, 6_500));
      expect(updates.length).toBe(seen);
      await expect(subscriber.subscribeResource({ uri: "demo://no/such/resource" })).rejects.toThrow(
        /No upstream server offers the resource/,
      );
    } finally {
      await subscriber
        .callTool({ name: "everything__toggle-subscriber-updates", arguments: {} })
        .catch(() => {});
      await subscriber.close();
      await served.close();
      await both.close();
    }
  });
});
