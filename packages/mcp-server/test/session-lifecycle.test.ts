/**
 * Sessions end cleanly: 500 MCP sessions, each running a program against server-memory, are opened and
 * ended; the process's memory and open handles come back to where they were.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { connectServers, type McpConnections, type Sandbox } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeModePerSession, type HttpServing, type PerSessionServers, serveHttp } from "../src/index.js";
import { makeUpstream, type Upstream } from "./servers.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let upstream: Upstream;
let connections: McpConnections;
let sandbox: Sandbox;
let tenants: PerSessionServers;
let serving: HttpServing;

beforeAll(async () => {
  upstream = await makeUpstream();
  connections = await connectServers({ mcpServers: { memory: upstream.config.mcpServers.memory } });
  // The default backend, as `serve` runs it: QuickJS in worker threads, type-checks in the checker's
  // worker (sessions with the same upstream tools share one checker there).
  sandbox = quickjs();
  tenants = codeModePerSession({ connections, sandbox, persistState: true, privacy: {} });
  serving = await serveHttp(tenants.create, { maxSessions: 1000 });
});

afterAll(async () => {
  await serving?.close();
  await tenants?.close();
  await sandbox?.close();
  await connections?.close();
  await upstream?.cleanup();
});

/** One whole session: connect, run a program that sets a global and calls a tool, end the session. */
async function oneSession(n: number): Promise<void> {
  const client = new Client({ name: `lifecycle-${n}`, version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(serving.url));
  await client.connect(transport);
  const result = (await client.callTool({
    name: "execute_code",
    arguments: {
      code: `globalThis.n = ${n}; const g = await memory.readGraph({}); return [globalThis.n, g.entities.length];`,
    },
  })) as CallToolResult;
  const value = JSON.parse((result.content[0] as { text: string }).text).value;
  if (value?.[0] !== n) throw new Error(`session ${n} ran wrongly: ${JSON.stringify(result.content)}`);
  await transport.terminateSession();
  await client.close();
}

async function sessions(count: number, parallel: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) await oneSession(next++);
    }),
  );
}

async function settle(): Promise<{ rss: number; handles: number }> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 50));
    gc();
  }
  return { rss: process.memoryUsage().rss, handles: process.getActiveResourcesInfo().length };
}

describe("session lifecycle", () => {
  it("frees 500 sessions' contexts, vaults and queues: memory and handles return to baseline", {
    timeout: 600_000,
  }, async () => {
    // Warm up: the engine pool, the compiled WebAssembly, TypeScript's library files, the JIT and the
    // checker worker's heap (its garbage is collected when V8 sees fit, and RSS counts it until then).
    await sessions(100, 5);
    const before = await settle();
    await sessions(500, 5);
    expect(tenants.open).toBe(0);
    expect(serving.sessions).toBe(0);
    const after = await settle();
    const mb = (b: number) => Math.round(b / 1024 / 1024);
    console.info(
      `500 sessions: rss ${mb(before.rss)} -> ${mb(after.rss)} MB, handles ${before.handles} -> ${after.handles}`,
    );
    // RSS after collection still moves with the machine's load (+7 to +16 MB alone, +35 MB once with
    // four busy loops beside the whole suite). A leak per session is far more: each session's context is
    // a worker thread with its own WebAssembly instance, megabytes each.
    expect(Math.abs(after.rss - before.rss)).toBeLessThanOrEqual(48 * 1024 * 1024);
    // Keep-alive sockets of the client's fetch may linger a moment; no per-session handle may stay.
    expect(after.handles).toBeLessThanOrEqual(before.handles + 8);
  });
});
