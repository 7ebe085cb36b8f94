import { getEventListeners } from "node:events";
import { quickjs } from "@codecall/sandbox-quickjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecutor, type Executor } from "../src/executor/index.js";
import { connectServers, type McpConnections } from "../src/internal.js";
import { faultServer } from "./fixtures/mcp/servers.js";

describe("a long persistState session over a real MCP server", () => {
  let mcp: McpConnections;
  let executor: Executor;
  const signals = new Set<AbortSignal>();

  beforeAll(async () => {
    mcp = await connectServers(
      { faulty: { command: process.execPath, args: [faultServer] } },
      { connectTimeoutMs: 30_000 },
    );
    executor = await createExecutor({
      // The connections, with every signal a tool call gets remembered so the test can count its listeners.
      catalogue: {
        servers: () => mcp.servers(),
        callTool: (server, tool, args, call) => {
          signals.add(call.signal);
          return mcp.callTool(server, tool, args, call);
        },
        get version() {
          return mcp.version;
        },
      },
      sandbox: quickjs(),
      persistState: true,
      typeCheck: "off",
    });
  });
  afterAll(async () => {
    await executor?.close();
    await mcp?.close();
  });

  it("keeps the abort signal's listeners bounded over 1,000 tool calls, and an abort cancels only the call in flight", async () => {
    for (let i = 0; i < 1_000; i++) {
      const result = await executor.execute(`return (await faulty.echo({ text: "n${i}" }))[0].text;`);
      expect(result.value).toBe(`n${i}`);
    }
    // The session reuses its signal between runs: it must not collect one listener per call.
    expect(signals.size).toBeGreaterThan(0);
    for (const signal of signals) expect(getEventListeners(signal, "abort").length).toBeLessThan(5);

    const controller = new AbortController();
    let called!: () => void;
    const inFlight = new Promise<void>((resolve) => {
      called = resolve;
    });
    const hanging = executor.execute("return await faulty.hang({});", {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === "tool-call") called();
      },
    });
    await inFlight;
    // The request is written to the server as the call starts; a moment more lets it get there.
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    expect((await hanging).error?.code).toBe("ABORTED");
    // The server was told about one request only: the hanging one, not the thousand answered before it.
    const cancelled = await executor.execute("return (await faulty.cancellations({}))[0].text.split(',');");
    expect(cancelled.value).toHaveLength(1);
  });
});
