// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} references in an MCP config
/**
 * Load on one code mode (#15's faults and load; the figures are in the bench's `load` suite): 200
 * concurrent executions against a real server-memory all finish with their own answer, and connect/close
 * cycles leave no child process behind.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quickjs } from "@codecall/sandbox-quickjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectServers, createCodeMode } from "../src/internal.js";
import { isAlive, serverBin } from "./fixtures/mcp/servers.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "codecall-load-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const memory = () => ({
  command: process.execPath,
  args: [serverBin("server-memory")],
  env: { MEMORY_FILE_PATH: join(dir, "memory.jsonl") },
});

describe("load on one code mode", () => {
  it("200 concurrent executions, each calling server-memory, all finish with their own answer", async () => {
    const codeMode = await createCodeMode({
      servers: { mcpServers: { memory: memory() } },
      sandbox: quickjs(),
    });
    try {
      await codeMode.execute(
        'await memory.createEntities({ entities: [{ name: "a", entityType: "t", observations: [] }] });',
      );
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          codeMode.execute(
            `const graph = await memory.readGraph({});\nreturn [${i}, graph.entities.length];`,
          ),
        ),
      );
      expect(results.filter((r) => !r.ok).map((r) => r.error)).toEqual([]);
      expect(results.map((r) => r.value)).toEqual(Array.from({ length: 200 }, (_, i) => [i, 1]));
      // The session still serves a program after the burst.
      expect((await codeMode.execute("return 1 + 1;")).value).toBe(2);
    } finally {
      await codeMode.close();
    }
  }, 300_000);

  it("connect/close cycles leave no child process behind", async () => {
    const pids: number[] = [];
    for (let i = 0; i < 10; i++) {
      const mcp = await connectServers({ mcpServers: { memory: memory() } });
      pids.push(mcp.status()[0]!.pid!);
      await mcp.close();
    }
    expect(new Set(pids).size).toBe(10);
    expect(pids.filter(isAlive)).toEqual([]);
  }, 300_000);
});
