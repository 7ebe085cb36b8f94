/**
 * The workspace in `serve`'s tenant model, through real MCP SDK clients over Streamable HTTP: without auth
 * each session has a scope of its own; with auth a user's scope outlives the session, so a later session
 * of the same user (here: the one principal of a static token) reads what an earlier one wrote.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectServers, type McpConnections, type Sandbox } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  codeModePerSession,
  type HttpServing,
  type PerSessionServers,
  serveHttp,
  staticTokenVerifier,
} from "../src/index.js";
import { makeUpstream, type Upstream } from "./servers.js";

let upstream: Upstream;
let connections: McpConnections;
let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  upstream = await makeUpstream();
  connections = await connectServers(upstream.config);
  sandbox = quickjs();
  dir = await mkdtemp(join(tmpdir(), "codecall-serve-ws-"));
});
afterAll(async () => {
  await sandbox?.close();
  await connections?.close();
  await upstream?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

async function session(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: "ws", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      ...(token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {}),
    }),
  );
  return client;
}

async function run(client: Client, code: string): Promise<{ value?: unknown; error?: { code: string } }> {
  const result = (await client.callTool({ name: "execute_code", arguments: { code } }, undefined, {
    timeout: 300_000,
  })) as CallToolResult;
  return JSON.parse((result.content[0] as { text: string }).text);
}

const WRITE = `await workspace.writeFile("mine.txt", "kept"); return "ok";`;
const READ = `return await workspace.readFile("mine.txt");`;

describe("workspace scopes in serve", () => {
  let tenants: PerSessionServers;
  let serving: HttpServing;
  afterAll(async () => {
    await serving?.close();
    await tenants?.close();
  });

  it("gives each session without auth a scope of its own", async () => {
    tenants = codeModePerSession({
      connections,
      sandbox,
      workspace: { storage: { directory: join(dir, "anon") } },
    });
    serving = await serveHttp(tenants.create);
    const a = await session(serving.url);
    const b = await session(serving.url);
    expect((await run(a, WRITE)).value).toBe("ok");
    expect((await run(a, READ)).value).toBe("kept");
    expect((await run(b, READ)).error?.code).toBe("WORKSPACE_NOT_FOUND");
    await a.close();
    await b.close();
    await serving.close();
    await tenants.close();
  });

  it("keeps an authenticated user's scope across sessions", async () => {
    const secret = "workspace-static-token-0123456789";
    tenants = codeModePerSession({
      connections,
      sandbox,
      workspace: { storage: { directory: join(dir, "auth") } },
    });
    serving = await serveHttp(tenants.create, { auth: { verifier: staticTokenVerifier(secret) } });
    const first = await session(serving.url, secret);
    expect((await run(first, WRITE)).value).toBe("ok");
    await first.close();
    const later = await session(serving.url, secret);
    expect((await run(later, READ)).value).toBe("kept");
    await later.close();
  });
});
