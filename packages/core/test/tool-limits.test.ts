import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CodecallError,
  connectServers,
  createExecutor,
  createToolLimiter,
  type ExecutionEvent,
  type Executor,
  type McpConnections,
  type ToolLimitsConfig,
} from "../src/internal.js";
import { presentBackends } from "./executor-fixtures.js";

const backend = (await presentBackends()).find((b) => !b.skip);
const script = new URL("./fixtures/mcp/limits-server.mjs", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "codecall-limits-"));
let connections: McpConnections;
const executors: Executor[] = [];

interface Stats {
  peak: number;
  starts: number[];
  calls: Record<string, number>;
  cancelled: number;
}

async function executorWith(tools: ToolLimitsConfig): Promise<Executor> {
  const executor = await createExecutor({
    catalogue: connections,
    sandbox: await backend!.create(),
    typeCheck: "error",
    tools,
  });
  executors.push(executor);
  return executor;
}

async function stats(): Promise<Stats> {
  const result = await connections.callTool("limits", "stats", {});
  return result.structuredContent as unknown as Stats;
}

/** The most starts within any `windowMs` (sliding over the observed start times). */
function busiestWindow(starts: number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to++) {
    while (sorted[to]! - sorted[from]! >= windowMs) from++;
    most = Math.max(most, to - from + 1);
  }
  return most;
}

beforeAll(async () => {
  if (!backend) return;
  connections = await connectServers({
    mcpServers: {
      limits: { command: process.execPath, args: [script] },
      crashy: { command: process.execPath, args: [script] },
    },
  });
});

afterAll(async () => {
  for (const executor of executors) {
    await executor.close();
    await executor.sandbox.close();
  }
  await connections?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!backend)(`per-tool limits (${backend?.name ?? "no backend present"})`, () => {
  it("holds a Promise.all of 500 calls to the concurrency limit and the rate, measured at the server", async () => {
    const executor = await executorWith({
      "limits.slow": { concurrency: 8, rate: { calls: 100, perMs: 200 } },
    });
    await connections.callTool("limits", "reset", {});
    const result = await executor.execute(
      "await Promise.all(Array.from({ length: 500 }, () => limits.slow({ ms: 15 })));\nreturn 'done';",
    );
    expect(result.error).toBeUndefined();
    expect(result.value).toBe("done");
    expect(result.toolCalls).toHaveLength(500);
    const seen = await stats();
    expect(seen.calls.slow).toBe(500);
    // Peak in flight equals the limit: reached, never passed.
    expect(seen.peak).toBe(8);
    // 500 starts at 100 per 200 ms span at least 4 full windows. The server sees the starts with
    // transport jitter, so the bounds checked there are a little looser than the rule.
    expect(Math.max(...seen.starts) - Math.min(...seen.starts)).toBeGreaterThanOrEqual(700);
    expect(busiestWindow(seen.starts, 150)).toBeLessThanOrEqual(100);
  }, 60_000);

  it("without limits the same program overlaps far more calls (the check above can fail)", async () => {
    const executor = await executorWith({});
    await connections.callTool("limits", "reset", {});
    const result = await executor.execute(
      "await Promise.all(Array.from({ length: 200 }, () => limits.slow({ ms: 50 })));\nreturn 'done';",
    );
    expect(result.ok).toBe(true);
    expect((await stats()).peak).toBeGreaterThan(8);
  }, 60_000);

  it("shares one rule's budget across the tools its glob matches and across executors sharing a limiter", async () => {
    const limiter = createToolLimiter({ "limits.*": { concurrency: 3 } });
    const make = async () => {
      const executor = await createExecutor({
        catalogue: connections,
        sandbox: await backend!.create(),
        tools: limiter,
      });
      executors.push(executor);
      return executor;
    };
    const [a, b] = [await make(), await make()];
    await connections.callTool("limits", "reset", {});
    const program =
      "await Promise.all(Array.from({ length: 30 }, () => limits.slow({ ms: 20 })));\nreturn 'done';";
    const results = await Promise.all([a.execute(program), b.execute(program)]);
    expect(results.map((r) => r.value)).toEqual(["done", "done"]);
    expect((await stats()).peak).toBe(3);
  }, 60_000);

  it("retries a timed-out call of an idempotent tool, and every attempt shows in events and the log", async () => {
    const executor = await executorWith({
      "limits.flaky*": { timeoutMs: 1_500, retries: { count: 2, minDelayMs: 10, maxDelayMs: 50 } },
    });
    const events: ExecutionEvent[] = [];
    const result = await executor.execute('return await limits.flaky({ key: "retry-1" });', {
      onEvent: (event) => events.push(event),
      runId: "run-retry-1",
    });
    expect(result.error).toBeUndefined();
    // The second call for the key answers: the first one was cancelled at its timeout and sent again.
    expect(result.value).toEqual({ key: "retry-1", call: 2 });
    expect(result.runId).toBe("run-retry-1");
    expect(result.toolCalls).toEqual([
      expect.objectContaining({ name: "limits.flaky", ok: true, attempts: 2 }),
    ]);
    const kinds = events.map((e) => e.type);
    expect(kinds).toEqual(["tool-call", "tool-retry", "tool-result"]);
    const retry = events[1] as Extract<ExecutionEvent, { type: "tool-retry" }>;
    expect(retry).toMatchObject({ id: 1, attempt: 1, error: { code: "TOOL_TIMEOUT" } });
    expect(events[2]).toMatchObject({ type: "tool-result", id: 1, ok: true, attempts: 2 });
    for (const event of events) {
      expect(event.runId).toBe("run-retry-1");
      expect(typeof event.at).toBe("number");
    }
    expect((await stats()).cancelled).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it("never retries a tool that is not idempotent: the program catches TOOL_TIMEOUT", async () => {
    const executor = await executorWith({ "limits.*": { timeoutMs: 500, retries: 3 } });
    const before = (await stats()).calls.flaky_unmarked ?? 0;
    const events: ExecutionEvent[] = [];
    const result = await executor.execute(
      [
        "try {",
        '  await limits.flakyUnmarked({ key: "once-1" });',
        '  return "answered";',
        "} catch (e) {",
        "  return { code: (e as { code?: string }).code, message: (e as Error).message };",
        "}",
      ].join("\n"),
      { onEvent: (event) => events.push(event) },
    );
    expect(result.error).toBeUndefined();
    expect(result.value).toMatchObject({ code: "TOOL_TIMEOUT" });
    expect(String((result.value as { message: string }).message)).toContain("within 500 ms");
    expect(events.filter((e) => e.type === "tool-retry")).toEqual([]);
    expect((await stats()).calls.flaky_unmarked).toBe(before + 1);
  }, 60_000);

  it("retries a tool that configuration marks idempotent", async () => {
    const executor = await executorWith({
      "limits.flaky_unmarked": { timeoutMs: 800, idempotent: true, retries: { count: 1, minDelayMs: 10 } },
    });
    const result = await executor.execute('return await limits.flakyUnmarked({ key: "configured-1" });');
    expect(result.error).toBeUndefined();
    expect(result.value).toEqual({ key: "configured-1", call: 2 });
    expect(result.toolCalls[0]?.attempts).toBe(2);
  }, 60_000);

  it("never retries a tool's own error result, even for an idempotent tool", async () => {
    const executor = await executorWith({ "limits.refuse": { retries: 3 } });
    const before = (await stats()).calls.refuse ?? 0;
    const result = await executor.execute(
      "try { await limits.refuse({}); return 'no'; } catch (e) { return (e as { code?: string }).code; }",
    );
    expect(result.value).toBe("TOOL_FAILED");
    expect(result.toolCalls[0]?.attempts).toBeUndefined();
    expect((await stats()).calls.refuse).toBe(before + 1);
  }, 60_000);

  it("retries an idempotent tool after its server crashed mid-call (a transport failure), by annotation alone", async () => {
    const executor = await executorWith({});
    const marker = join(dir, "crashed-once");
    const events: ExecutionEvent[] = [];
    const result = await executor.execute(
      `return await crashy.crashOnce({ marker: ${JSON.stringify(marker)} });`,
      { onEvent: (event) => events.push(event) },
    );
    expect(existsSync(marker)).toBe(true);
    expect(result.error).toBeUndefined();
    expect(result.value).toEqual({ survived: true });
    expect(events.find((e) => e.type === "tool-retry")).toMatchObject({
      attempt: 1,
      error: { code: "MCP_SERVER_CRASHED" },
    });
  }, 60_000);

  it("stops waiting in the queue when the execution's wall clock runs out", async () => {
    const executor = await executorWith({ "limits.slow": { concurrency: 1 } });
    const result = await executor.execute(
      "await Promise.all(Array.from({ length: 50 }, () => limits.slow({ ms: 100 })));\nreturn 'done';",
      { limits: { wallTimeMs: 600 } },
    );
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe("SANDBOX_TIMEOUT");
    // The queue was dropped: far fewer than 50 calls reached the server.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(result.toolCalls.filter((c) => c.ok).length).toBeLessThan(50);
  }, 60_000);
});

describe("tool limits configuration", () => {
  it.each([
    [{ "memory.*": { concurency: 4 } }, 'tools["memory.*"].concurency is not a known limit'],
    [{ "memory.*": { concurrency: 0 } }, 'tools["memory.*"].concurrency must be a positive whole number'],
    [{ "memory.*": { rate: { calls: 10 } } }, 'tools["memory.*"].rate.perMs must be a positive number'],
    [{ "memory.*": { rate: { calls: 10, per: 5 } } }, 'tools["memory.*"].rate.per is not known'],
    [{ "memory.*": { retries: -1 } }, 'tools["memory.*"].retries must be a whole number from 0 to 10'],
    [{ "memory.*": { retries: { count: 2, delay: 5 } } }, 'tools["memory.*"].retries.delay is not known'],
    [{ "memory.*": { timeoutMs: "5s" } }, 'tools["memory.*"].timeoutMs must be a positive number'],
    [{ "memory.*": { idempotent: "yes" } }, 'tools["memory.*"].idempotent must be true or false'],
    [{ "": { concurrency: 1 } }, 'tools[""] needs a glob'],
    [{ "memory.*": 4 }, 'tools["memory.*"] must be an object'],
  ])("rejects %j with CONFIG_INVALID naming the field", (config, message) => {
    let error: unknown;
    try {
      createToolLimiter(config as unknown as ToolLimitsConfig);
    } catch (e) {
      error = e;
    }
    expect(CodecallError.isInstance(error)).toBe(true);
    expect((error as CodecallError).code).toBe("CONFIG_INVALID");
    expect((error as CodecallError).message).toContain(message);
  });

  it("createExecutor checks its tools option before opening the sandbox", async () => {
    let opened = false;
    const creating = createExecutor({
      servers: [],
      callTool: async () => ({ content: [] }),
      sandbox: async () => {
        opened = true;
        return backend!.create();
      },
      tools: { "*": { rate: { calls: 0, perMs: 1000 } } },
    });
    await expect(creating).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringContaining('tools["*"].rate.calls must be a positive whole number'),
    });
    expect(opened).toBe(false);
  });
});
