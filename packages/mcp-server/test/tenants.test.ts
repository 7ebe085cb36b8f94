/**
 * Every MCP session of `serveHttp` + `codeModePerSession` is its own tenant: privacy vault, persisted
 * globals, approvals and execution queue are per session, over upstream servers (server-memory, a slow
 * SDK server) that all sessions share.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connectServers, type McpConnections, type Sandbox } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type CallToolResult, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  codeModePerSession,
  createPolicyInterceptor,
  type HttpServing,
  type PerSessionServers,
  SERVER_BUSY,
  serveHttp,
} from "../src/index.js";
import { makeUpstream, type Upstream } from "./servers.js";

const slowServer = fileURLToPath(new URL("./fixtures/slow-server.mjs", import.meta.url));

let upstream: Upstream;
let connections: McpConnections;
let sandbox: Sandbox;
let tenants: PerSessionServers;
let serving: HttpServing;

beforeAll(async () => {
  upstream = await makeUpstream();
  connections = await connectServers({
    mcpServers: {
      memory: upstream.config.mcpServers.memory,
      slow: { command: process.execPath, args: [slowServer] },
    },
  });
  sandbox = quickjs();
  tenants = codeModePerSession({
    connections,
    sandbox,
    persistState: true,
    // Memory may receive real email addresses: a token of this session's vault is opened on the way there.
    privacy: { flows: { "memory.*": ["EMAIL"] } },
    interceptor: createPolicyInterceptor({ ask: ["memory.delete_entities"] }),
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

async function connect(url = serving.url, capabilities = {}): Promise<Client> {
  const client = new Client({ name: "tenant-test", version: "1.0.0" }, { capabilities });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;

async function run(client: Client, code: string): Promise<unknown> {
  const result = await client.callTool({ name: "execute_code", arguments: { code } }, undefined, {
    timeout: 120_000,
  });
  expect(result.isError, text(result)).toBeFalsy();
  return JSON.parse(text(result)).value;
}

/** The entities server-memory itself stored (what the sink received), by name. */
async function stored(): Promise<Map<string, string[]>> {
  const lines = (await readFile(join(upstream.dir, "memory.jsonl"), "utf8")).split("\n").filter(Boolean);
  const out = new Map<string, string[]>();
  for (const line of lines) {
    const item = JSON.parse(line) as { type: string; name?: string; observations?: string[] };
    if (item.type === "entity" && item.name) out.set(item.name, item.observations ?? []);
  }
  return out;
}

describe("one tenant per MCP session", () => {
  it("opens a token only in the session that issued it: B's copy of A's token reaches the sink as text", async () => {
    const a = await connect();
    const b = await connect();
    try {
      await run(
        a,
        `await memory.createEntities({ entities: [{ name: "a-contact", entityType: "person", observations: ["alice.tenant@example.com"] }] });
         return "ok";`,
      );
      // A reads its contact back: the address comes out of the tool as a token of A's vault.
      const seen = (await run(
        a,
        `const g = await memory.searchNodes({ query: "a-contact" }); return g.entities[0].observations[0];`,
      )) as string;
      expect(seen).toMatch(/^\[EMAIL_\d+\]$/);

      // In A's own session the token opens on the way to memory (the control: the vault works).
      await run(
        a,
        `await memory.createEntities({ entities: [{ name: "a-copy", entityType: "note", observations: [${JSON.stringify(seen)}] }] }); return 1;`,
      );
      // From B, the same token text means nothing.
      await run(
        b,
        `await memory.createEntities({ entities: [{ name: "b-copy", entityType: "note", observations: [${JSON.stringify(seen)}] }] }); return 1;`,
      );
      const entities = await stored();
      expect(entities.get("a-copy")).toEqual(["alice.tenant@example.com"]);
      expect(entities.get("b-copy")).toEqual([seen]);
      expect(JSON.stringify(entities.get("b-copy"))).not.toContain("alice");
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("keeps each session's globals to itself", async () => {
    const a = await connect();
    const b = await connect();
    try {
      await run(a, `globalThis.secret = "a-secret"; return 1;`);
      await run(b, `globalThis.secret = "b-secret"; return 1;`);
      expect(await run(a, `return globalThis.secret;`)).toBe("a-secret");
      expect(await run(b, `return globalThis.secret;`)).toBe("b-secret");
      const c = await connect();
      expect(await run(c, `return typeof globalThis.secret;`)).toBe("undefined");
      await c.close();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("asks for approval only on the client whose program made the call", async () => {
    const asked: string[] = [];
    const a = await connect(serving.url, { elicitation: { form: {} } });
    a.setRequestHandler(ElicitRequestSchema, async () => {
      asked.push("a");
      return { action: "accept", content: { approve: true } };
    });
    const b = await connect(serving.url, { elicitation: { form: {} } });
    b.setRequestHandler(ElicitRequestSchema, async () => {
      asked.push("b");
      return { action: "decline" };
    });
    try {
      const result = await b.callTool({
        name: "execute_code",
        arguments: {
          code: `try { await memory.deleteEntities({ entityNames: ["nobody"] }); return "ran"; } catch (e) { return e.code; }`,
        },
      });
      expect(JSON.parse(text(result)).value).toBe("POLICY_DENIED");
      expect(asked).toEqual(["b"]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("does not queue one session's program behind another's slow tool call", async () => {
    const a = await connect();
    const b = await connect();
    try {
      let aDone = false;
      const slow = run(a, `return await slow.wait({ ms: 3000, label: "a" });`).then((v) => {
        aDone = true;
        return v;
      });
      await waitFor(() => tenants.running >= 1);
      expect(await run(b, "return 1 + 1;")).toBe(2);
      // B finished while A's program was still waiting on its tool (A's persisted context is its own queue).
      expect(aDone).toBe(false);
      expect(await slow).toEqual([{ type: "text", text: "a" }]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("frees a session's code mode when the client ends the session", async () => {
    const before = tenants.open;
    const client = await connect();
    const transport = client.transport as StreamableHTTPClientTransport;
    expect(tenants.open).toBe(before + 1);
    await transport.terminateSession();
    await client.close();
    await waitFor(() => tenants.open === before);
    expect(serving.sessions).toBe(before);
  });
});

describe("run records per session", () => {
  it("gives each session's records its own session id, with only that session's tool calls", async () => {
    const records: { session: string; args: unknown[] }[] = [];
    const recorded = codeModePerSession({
      connections,
      sandbox,
      onRecord: (record, session) =>
        records.push({ session: session.id, args: record.toolCalls.map((c) => c.args) }),
    });
    const own = await serveHttp(recorded.create);
    const [a, b] = [await connect(own.url), await connect(own.url)];
    try {
      for (const [client, who] of [
        [a, "A"],
        [b, "B"],
        [a, "A"],
      ] as const)
        await run(client, `return await memory.searchNodes({ query: "${who}" });`);
      expect(records).toHaveLength(3);
      const [first, second, third] = records;
      expect(first!.session).toBe(third!.session);
      expect(second!.session).not.toBe(first!.session);
      expect(first!.args).toEqual([{ query: "A" }]);
      expect(second!.args).toEqual([{ query: "B" }]);
    } finally {
      await a.close();
      await b.close();
      await own.close();
      await recorded.close();
    }
  });
});

describe("limits per server", () => {
  it("refuses sessions past maxSessions with a clear error, and accepts again once one ends", async () => {
    const small = codeModePerSession({ connections, sandbox });
    const limited = await serveHttp(small.create, { maxSessions: 2 });
    const first = await connect(limited.url);
    const second = await connect(limited.url);
    try {
      const error = await connect(limited.url).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/maximum of 2 sessions/);
      await (first.transport as StreamableHTTPClientTransport).terminateSession();
      await first.close();
      const third = await connect(limited.url);
      await third.close();
    } finally {
      await second.close();
      await limited.close();
      await small.close();
    }
  });

  it("refuses programs past maxConcurrentExecutions with the SERVER_BUSY MCP error", async () => {
    const small = codeModePerSession({ connections, sandbox, maxConcurrentExecutions: 1 });
    const limited = await serveHttp(small.create);
    const a = await connect(limited.url);
    const b = await connect(limited.url);
    try {
      const slow = run(a, `return await slow.wait({ ms: 1500, label: "a" });`);
      await waitFor(() => small.running === 1);
      const error = await b.callTool({ name: "execute_code", arguments: { code: "return 1" } }).then(
        () => undefined,
        (e: { code?: number; message: string }) => e,
      );
      expect(error?.code).toBe(SERVER_BUSY);
      expect(error?.message).toMatch(/maximum of 1 programs at once/);
      // search_tools is not a program and stays available.
      const search = await b.callTool({ name: "search_tools", arguments: { query: "wait" } });
      expect(search.isError).toBeFalsy();
      await slow;
      expect(await run(b, "return 1 + 1;")).toBe(2);
    } finally {
      await a.close();
      await b.close();
      await limited.close();
      await small.close();
    }
  });

  it("closes idle sessions after idleTimeoutMs, and the client's next request gets 404", async () => {
    const small = codeModePerSession({ connections, sandbox });
    const limited = await serveHttp(small.create, { idleTimeoutMs: 200 });
    const client = await connect(limited.url);
    try {
      expect(small.open).toBe(1);
      await waitFor(() => small.open === 0 && limited.sessions === 0);
      const error = await client.listTools().then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/404|Session not found/);
    } finally {
      await client.close();
      await limited.close();
      await small.close();
    }
  });

  it("refuses a shared privacy guard or vault, which would let sessions read each other's values", () => {
    expect(() =>
      codeModePerSession({ connections, sandbox, privacy: { beforeCall: () => ({}) } as never }),
    ).toThrow(/sessions must not share one/);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
