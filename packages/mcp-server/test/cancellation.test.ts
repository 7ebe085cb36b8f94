/**
 * An MCP client's cancellation (`notifications/cancelled`, which the SDK client sends when the call's
 * signal aborts) stops the session's program, computing or waiting, so the session's next call runs at
 * once instead of queueing behind a program that would run to its two-minute limits.
 */
import { connectServers, type McpConnections, type Sandbox } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeModePerSession, type HttpServing, type PerSessionServers, serveHttp } from "../src/index.js";

let connections: McpConnections;
let sandbox: Sandbox;
let tenants: PerSessionServers;
let serving: HttpServing;
let client: Client;

beforeAll(async () => {
  connections = await connectServers({ mcpServers: {} });
  sandbox = quickjs();
  // Limits far beyond the test's waits: only the cancellation can end these programs in time.
  tenants = codeModePerSession({
    connections,
    sandbox,
    persistState: true,
    limits: { cpuTimeMs: 120_000, wallTimeMs: 120_000 },
  });
  serving = await serveHttp(tenants.create, {});
  client = new Client({ name: "cancelling", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(serving.url)));
});

afterAll(async () => {
  await client?.close();
  await serving?.close();
  await tenants?.close();
  await sandbox?.close();
  await connections?.close();
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("notifications/cancelled", () => {
  it.each([
    ["computing", "for (;;) {}"],
    ["waiting", "await new Promise(() => {});"],
  ])(
    "stops a program that is %s, and the session's next call runs",
    async (_, code) => {
      const controller = new AbortController();
      const call = client.callTool({ name: "execute_code", arguments: { code } }, undefined, {
        signal: controller.signal,
        timeout: 200_000,
      });
      await until(() => tenants.running === 1, "the program runs");
      controller.abort();
      await expect(call).rejects.toThrow();
      await until(() => tenants.running === 0, "the cancelled program has stopped");

      // The session runs one program at a time: this one would wait for the two-minute limit otherwise.
      const next = (await client.callTool(
        { name: "execute_code", arguments: { code: "return 'next';" } },
        undefined,
        {
          timeout: 30_000,
        },
      )) as CallToolResult;
      expect(JSON.parse((next.content[0] as { text: string }).text)).toMatchObject({ value: "next" });
    },
    90_000,
  );
});
