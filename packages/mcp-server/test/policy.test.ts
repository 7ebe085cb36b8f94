import { type CodeMode, createCodeMode } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  type CallToolResult,
  ElicitRequestSchema,
  type ElicitResult,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodecallServer, createPolicyInterceptor, type HttpServing, serveHttp } from "../src/index.js";
import { makeUpstream, type Upstream } from "./servers.js";

// The decisions themselves are tested in core (test/policy-rules.test.ts), where the policy lives.

let upstream: Upstream;
let codeMode: CodeMode;
let serving: HttpServing;

beforeAll(async () => {
  upstream = await makeUpstream();
  codeMode = await createCodeMode({
    servers: upstream.config,
    sandbox: quickjs(),
    privacy: {},
    interceptor: createPolicyInterceptor({
      ask: ["memory.create_entities", "memory.add_observations"],
      deny: ["memory.delete_*"],
    }),
  });
  serving = await serveHttp(() => createCodecallServer(codeMode, { version: "test" }));
});

afterAll(async () => {
  await serving?.close();
  await codeMode?.close();
  await upstream?.cleanup();
});

/** A real SDK client; with `answer`, it declares elicitation and answers every request so. */
async function connect(answer?: ElicitResult): Promise<{ client: Client; asked: string[] }> {
  const asked: string[] = [];
  const client = new Client(
    { name: "policy-test", version: "1.0.0" },
    answer ? { capabilities: { elicitation: {} } } : {},
  );
  if (answer)
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return answer;
    });
  await client.connect(new StreamableHTTPClientTransport(new URL(serving.url)));
  return { client, asked };
}

async function run(client: Client, code: string): Promise<{ ok: boolean; value?: unknown; text: string }> {
  const result = (await client.callTool({ name: "execute_code", arguments: { code } })) as CallToolResult;
  const text = (result.content[0] as { text: string }).text;
  return { ok: !result.isError, text, ...(result.isError ? {} : { value: JSON.parse(text).value }) };
}

/** Creates an entity, catching any error, and reports what happened and what the graph holds. */
const createAndCatch = (name: string) => `
  let outcome;
  try {
    await memory.createEntities({ entities: [{ name: ${JSON.stringify(name)}, entityType: "test", observations: ["x"] }] });
    outcome = "created";
  } catch (e) {
    outcome = e.code + ": " + e.message;
  }
  const graph = await memory.readGraph({});
  return { outcome, names: graph.entities.map((e) => e.name) };
`;

describe("ask approvals through MCP elicitation", () => {
  it("makes an approved call, after showing the user the tool and its arguments", async () => {
    const { client, asked } = await connect({ action: "accept", content: { approve: true } });
    try {
      const result = await run(client, createAndCatch("approved-one"));
      expect(result.value).toMatchObject({ outcome: "created" });
      expect((result.value as { names: string[] }).names).toContain("approved-one");
      expect(asked).toHaveLength(1); // readGraph is not asked about
      expect(asked[0]).toContain('"create_entities"');
      expect(asked[0]).toContain('"memory"');
      expect(asked[0]).toContain('"name": "approved-one"');
    } finally {
      await client.close();
    }
  });

  it("fails a declined call with POLICY_DENIED the program can catch, and makes no call", async () => {
    for (const answer of [
      { action: "decline" },
      { action: "cancel" },
      { action: "accept", content: { approve: false } },
    ] as ElicitResult[]) {
      const { client, asked } = await connect(answer);
      try {
        const result = await run(client, createAndCatch(`declined-${answer.action}`));
        const value = result.value as { outcome: string; names: string[] };
        expect(value.outcome).toMatch(/^POLICY_DENIED: The user did not approve the call to memory\./);
        expect(value.names).not.toContain(`declined-${answer.action}`);
        expect(asked).toHaveLength(1);
      } finally {
        await client.close();
      }
    }
  });

  it("denies ask calls from a client without elicitation, saying how to allow the tool", async () => {
    const { client } = await connect();
    try {
      const result = await run(client, createAndCatch("no-elicitation"));
      const value = result.value as { outcome: string; names: string[] };
      expect(value.outcome).toMatch(/^POLICY_DENIED: .*this MCP client cannot ask the user/);
      expect(value.names).not.toContain("no-elicitation");
      const uncaught = await run(
        client,
        `await memory.createEntities({ entities: [{ name: "n", entityType: "t", observations: [] }] });`,
      );
      expect(uncaught.ok).toBe(false);
      const { error } = JSON.parse(uncaught.text) as { error: { code: string; message: string } };
      expect(error.code).toBe("POLICY_DENIED");
      expect(error.message).toContain('remove the "ask" glob matching "memory.create_entities"');
    } finally {
      await client.close();
    }
  });

  it("never asks about a denied tool", async () => {
    const { client, asked } = await connect({ action: "accept", content: { approve: true } });
    try {
      const result = await run(
        client,
        `try { await memory.deleteEntities({ entityNames: ["approved-one"] }); return "deleted"; }
         catch (e) { return e.code + ": " + e.message; }`,
      );
      expect(result.value).toMatch(/^POLICY_DENIED: The policy denies memory\.deleteEntities/);
      expect(asked).toHaveLength(0);
    } finally {
      await client.close();
    }
  });

  it("asks the client whose request runs the program, when two run at once", async () => {
    const yes = await connect({ action: "accept", content: { approve: true } });
    const no = await connect({ action: "decline" });
    try {
      const [approved, declined] = await Promise.all([
        run(yes.client, createAndCatch("session-yes")),
        run(no.client, createAndCatch("session-no")),
      ]);
      expect(approved.value).toMatchObject({ outcome: "created" });
      expect((declined.value as { outcome: string }).outcome).toMatch(/^POLICY_DENIED/);
      expect(yes.asked.map((m) => m.includes("session-yes"))).toEqual([true]);
      expect(no.asked.map((m) => m.includes("session-no"))).toEqual([true]);
    } finally {
      await yes.client.close();
      await no.client.close();
    }
  });

  it("shows privacy tokens, not the personal data behind them", async () => {
    const { client, asked } = await connect({ action: "accept", content: { approve: true } });
    try {
      // The tool result is tokenized before the program sees it; the program passes the token on.
      const result = await run(
        client,
        `await memory.createEntities({ entities: [{ name: "carol", entityType: "person", observations: ["carol@example.com"] }] });
         const graph = await memory.openNodes({ names: ["carol"] });
         const mail = graph.entities[0].observations[0];
         await memory.addObservations({ observations: [{ entityName: "carol", contents: ["mail " + mail] }] });
         return mail;`,
      );
      expect(result.ok, result.text).toBe(true);
      expect(result.value).toMatch(/^\[EMAIL_\d+\]$/);
      expect(asked).toHaveLength(2);
      expect(asked[1]).toContain(`mail ${result.value as string}`);
      expect(asked[1]).not.toContain("carol@example.com");
    } finally {
      await client.close();
    }
  });
});
