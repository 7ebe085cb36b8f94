/**
 * The proof of the tenant model: 2 and 10 MCP SDK clients at once over Streamable HTTP, each with its own
 * data, through the real server-filesystem and server-memory (shared by all sessions, as codecall serve
 * shares upstream connections; server-memory rewrites its whole file on each write, so concurrent writers
 * there would race each other — the per-session data goes to files of its own). Every session's token `[EMAIL_1]` stands for its own address and nobody else's; globals
 * and program logs stay in their session.
 */

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { connectServers, type McpConnections, type Sandbox } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type CallToolResult, LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeModePerSession, type HttpServing, type PerSessionServers, serveHttp } from "../src/index.js";
import { makeUpstream, type Upstream } from "./servers.js";

let upstream: Upstream;
let connections: McpConnections;
let sandbox: Sandbox;
let tenants: PerSessionServers;
let serving: HttpServing;

beforeAll(async () => {
  upstream = await makeUpstream();
  connections = await connectServers(upstream.config);
  sandbox = quickjs();
  tenants = codeModePerSession({
    connections,
    sandbox,
    persistState: true,
    privacy: { flows: { "filesystem.*": ["EMAIL"] } },
  });
  serving = await serveHttp(tenants.create);
});

afterAll(async () => {
  await serving?.close();
  await tenants?.close();
  await sandbox?.close();
  await connections?.close();
  await upstream?.cleanup();
});

interface Tenant {
  client: Client;
  logs: string[];
}

async function open(): Promise<Tenant> {
  const client = new Client({ name: "proof", version: "1.0.0" });
  const logs: string[] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    logs.push(String(n.params.data));
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(serving.url)));
  await client.setLoggingLevel("info");
  return { client, logs };
}

async function run(client: Client, code: string): Promise<unknown> {
  const result = (await client.callTool({ name: "execute_code", arguments: { code } }, undefined, {
    timeout: 300_000,
  })) as CallToolResult;
  const text = (result.content[0] as { text: string }).text;
  if (result.isError) throw new Error(text);
  return JSON.parse(text).value;
}

/** What server-filesystem wrote (what the sink received). */
const written = (name: string) => readFile(join(upstream.dir, `${name}.txt`), "utf8");

describe.each([2, 10])("%i concurrent clients", (n) => {
  it("keep their values, tokens, globals and logs to themselves", { timeout: 600_000 }, async () => {
    const tag = `c${n}`;
    const email = (i: number) => `${tag}-user${i}@tenant.example`;
    const tenants = await Promise.all(Array.from({ length: n }, () => open()));
    try {
      // All at once: each stores its own address, reads it back (a token of its own vault), sets a global.
      const tokens = (await Promise.all(
        tenants.map(({ client }, i) =>
          run(
            client,
            `globalThis.mine = "secret-${tag}-${i}";
             console.log("log-${tag}-${i}");
             await filesystem.writeFile({ path: ${JSON.stringify(upstream.dir)} + "/${tag}-user-${i}.txt", content: "${email(i)}" });
             await memory.readGraph({});
             const file = await filesystem.readTextFile({ path: ${JSON.stringify(upstream.dir)} + "/${tag}-user-${i}.txt" });
             return String(file.content).trim();`,
          ),
        ),
      )) as string[];
      // Each session issued its own first email token.
      expect(new Set(tokens)).toEqual(new Set(["[EMAIL_1]"]));

      // All at once: each sends the token text it got into memory. In its own session it opens to its own
      // address — never to the address another session's identical token stands for.
      await Promise.all(
        tenants.map(({ client }, i) =>
          run(
            client,
            `await filesystem.writeFile({ path: ${JSON.stringify(upstream.dir)} + "/${tag}-cross-${i}.txt", content: ${JSON.stringify(tokens[(i + 1) % n])} }); return 1;`,
          ),
        ),
      );
      for (let i = 0; i < n; i++) expect(await written(`${tag}-cross-${i}`)).toBe(email(i));

      // A session that never saw an address: the same token is only text.
      const stranger = await open();
      await run(
        stranger.client,
        `await filesystem.writeFile({ path: ${JSON.stringify(upstream.dir)} + "/${tag}-stranger.txt", content: "[EMAIL_1]" }); return 1;`,
      );
      expect(await written(`${tag}-stranger`)).toBe("[EMAIL_1]");
      expect(await run(stranger.client, "return typeof globalThis.mine;")).toBe("undefined");
      await stranger.client.close();

      // Globals and logs: each session sees its own only.
      const globals = await Promise.all(tenants.map(({ client }) => run(client, "return globalThis.mine;")));
      expect(globals).toEqual(tenants.map((_, i) => `secret-${tag}-${i}`));
      tenants.forEach(({ logs }, i) => {
        expect(logs).toEqual([`log-${tag}-${i}`]);
      });
    } finally {
      await Promise.all(tenants.map(({ client }) => client.close()));
    }
  });
});
