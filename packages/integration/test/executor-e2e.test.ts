import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  connectServers,
  createExecutor,
  type ExecutionEvent,
  type Executor,
  type McpConnections,
} from "@codecall/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allBackends, serverScript, startEverythingHttp } from "./fixtures.js";

const backends = allBackends();
const dir = mkdtempSync(join(tmpdir(), "codecall-executor-"));
let connections: McpConnections;
let everything: Awaited<ReturnType<typeof startEverythingHttp>>;

beforeAll(async () => {
  // A large file: 4000 lines, one in ten an error. The program filters it down to a count and three lines.
  const lines = Array.from({ length: 4_000 }, (_, i) =>
    i % 10 === 3 ? `ERROR ${i}: disk ${i % 7} failed` : `INFO ${i}: ok ${"·".repeat(40)}`,
  );
  writeFileSync(join(dir, "big.log"), lines.join("\n"));
  writeFileSync(join(dir, "small.txt"), "hello");
  everything = await startEverythingHttp();
  connections = await connectServers({
    mcpServers: {
      memory: {
        command: process.execPath,
        args: [serverScript("server-memory")],
        env: { MEMORY_FILE_PATH: join(dir, "memory.jsonl") },
      },
      filesystem: { command: process.execPath, args: [serverScript("server-filesystem"), dir] },
      everything: { url: everything.url },
    },
  });
  expect(connections.failures()).toEqual(new Map());
});

afterAll(async () => {
  await connections?.close();
  await everything?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sequence, parallel calls over stdio and HTTP, a large result filtered in the program, a small return. */
const program = (
  entity: string,
  style: "import" | "global",
) => `${style === "import" ? 'import * as memory from "./servers/memory";\nimport { readTextFile } from "./servers/filesystem";\n' : ""}
const dir = ${JSON.stringify(dir)};
await memory.createEntities({ entities: [{ name: "${entity}", entityType: "person", observations: ["likes tea"] }] });
await memory.addObservations({ observations: [{ entityName: "${entity}", contents: ["reads logs"] }] });
const [graph, sum, log] = await Promise.all([
  memory.openNodes({ names: ["${entity}"] }),
  everything.getSum({ a: 2, b: 40 }),
  ${style === "import" ? "readTextFile" : "filesystem.readTextFile"}({ path: dir + "/big.log" }),
]);
const errors: string[] = log.content.split("\\n").filter((line) => line.startsWith("ERROR"));
console.log("errors found:", errors.length);
const first = sum[0];
return {
  observations: graph.entities[0].observations,
  sum: first.type === "text" ? first.text : null,
  errorCount: errors.length,
  firstErrors: errors.slice(0, 3),
  logBytes: log.content.length,
};`;

describe.each(backends)("executor end to end on $name", (backend) => {
  let executor: Executor;
  beforeAll(async () => {
    executor = await createExecutor({
      catalogue: connections,
      sandbox: await backend.create(),
      typeCheck: "error",
    });
  });
  afterAll(async () => {
    await executor?.close();
    await executor?.sandbox.close();
    await backend.teardown?.();
  });

  for (const style of ["import", "global"] as const) {
    it(`runs a program using tools by ${style}`, async () => {
      const events: ExecutionEvent[] = [];
      const entity = `${backend.name}-${style}`;
      const result = await executor.execute(program(entity, style), { onEvent: (e) => events.push(e) });
      expect(result.error).toBeUndefined();
      expect(result.diagnostics).toEqual([]);
      expect(result.value).toEqual({
        observations: ["likes tea", "reads logs"],
        sum: "The sum of 2 and 40 is 42.",
        errorCount: 400,
        firstErrors: ["ERROR 3: disk 3 failed", "ERROR 13: disk 6 failed", "ERROR 23: disk 2 failed"],
        logBytes: expect.any(Number),
      });
      expect((result.value as { logBytes: number }).logBytes).toBeGreaterThan(150_000);
      const calls = result.toolCalls.map((c) => c.name);
      expect(calls.slice(0, 2)).toEqual(["memory.createEntities", "memory.addObservations"]);
      expect(calls.slice(2).sort()).toEqual([
        "everything.getSum",
        "filesystem.readTextFile",
        "memory.openNodes",
      ]);
      // In parallel: at some point more than one call was in flight (in sequence there never is).
      let inFlight = 0;
      let most = 0;
      for (const e of events) {
        if (e.type === "tool-call") most = Math.max(most, ++inFlight);
        if (e.type === "tool-result") inFlight--;
      }
      expect(most).toBeGreaterThanOrEqual(2);
      expect(events.filter((e) => e.type === "tool-call")).toHaveLength(5);
      // Streamed events carry the execution's run id and a timestamp.
      expect(events).toContainEqual({
        type: "log",
        level: "log",
        message: "errors found: 400",
        runId: result.runId,
        at: expect.any(Number),
      });
      // The envelope is small: the 200 KB file never reached it.
      expect(result.envelope.length).toBeLessThan(1_000);
      expect(JSON.parse(result.envelope)).toMatchObject({ ok: true, logs: ["errors found: 400"] });
    });
  }

  it("cancels a running program and its pending HTTP tool call", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    const result = await executor.execute(
      "await everything.triggerLongRunningOperation({ duration: 20, steps: 2 });\nreturn 'finished';",
      {
        signal: controller.signal,
      },
    );
    expect(result.error?.code).toBe("ABORTED");
    expect(performance.now() - started).toBeLessThan(10_000);
    // The executor and the server connection keep working.
    expect(
      (await executor.execute("return (await everything.getSum({ a: 1, b: 2 }))[0];")).value,
    ).toMatchObject({ type: "text" });
  });
});
