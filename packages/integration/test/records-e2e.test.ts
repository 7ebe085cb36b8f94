/**
 * Run records on every backend (QuickJS, isolated-vm, E2B through its local stand-in): a program over the
 * real server-memory, server-filesystem (stdio) and server-everything (HTTP), with parallel calls and
 * clock and random reads, is recorded; the servers are closed; the record replays offline on the same
 * backend and matches, and an edited record diverges at the step where it was edited.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectServers, createExecutor, type Sandbox } from "@codecall/core";
import { type ExecutionRecord, parseRecord, replayRecord } from "@codecall/core/records";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allBackends, serverScript, startEverythingHttp } from "./fixtures.js";

const backends = allBackends();
const dir = mkdtempSync(join(tmpdir(), "codecall-records-"));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const program = (entity: string) => `
const t0 = Date.now();
const seed = Math.random();
await memory.createEntities({ entities: [{ name: ${JSON.stringify(entity)}, entityType: "run", observations: ["seed " + seed] }] });
const [nodes, sum, text] = await Promise.all([
  memory.openNodes({ names: [${JSON.stringify(entity)}] }),
  everything.getSum({ a: 2, b: 40 }),
  filesystem.readTextFile({ path: ${JSON.stringify(join(dir, "small.txt"))} }),
]);
console.log("took", Date.now() - t0 >= 0, new Date(t0).toISOString());
return { observations: nodes.entities[0].observations, sum, text: text.content, seed, t0, roll: Math.floor(Math.random() * 6) + 1 };`;

describe.each(backends)("run records on $name", (backend) => {
  let sandbox: Sandbox;
  let record: ExecutionRecord;

  beforeAll(async () => {
    writeFileSync(join(dir, "small.txt"), "hello");
    sandbox = await backend.create();
    const everything = await startEverythingHttp();
    const connections = await connectServers({
      mcpServers: {
        memory: {
          command: process.execPath,
          args: [serverScript("server-memory")],
          env: { MEMORY_FILE_PATH: join(dir, `memory-${backend.name}.jsonl`) },
        },
        filesystem: { command: process.execPath, args: [serverScript("server-filesystem"), dir] },
        everything: { url: everything.url },
      },
    });
    try {
      const executor = await createExecutor({ catalogue: connections, sandbox });
      const result = await executor.execute(program(`run-${backend.name}`), { record: true });
      await executor.close();
      expect(result.error).toBeUndefined();
      record = (await parseRecord(JSON.stringify(result.record))) as ExecutionRecord;
    } finally {
      // No server outlives the recording: every replay below is offline.
      await connections.close();
      await everything.close();
    }
  }, 120_000);

  afterAll(async () => {
    await sandbox?.close();
    await backend.teardown?.();
  });

  it("records the calls in the order the program made them, and its clock and random values", () => {
    expect(record.toolCalls.map((c) => c.name)).toEqual([
      "memory.createEntities",
      "memory.openNodes",
      "everything.getSum",
      "filesystem.readTextFile",
    ]);
    const value = record.outcome.value as { seed: number; t0: number; roll: number };
    expect(record.nondeterminism.random[0]).toBe(value.seed);
    expect(record.nondeterminism.random).toHaveLength(2);
    expect(record.nondeterminism.now[0]).toBe(value.t0);
    expect(record.backend).toBe(sandbox.name);
  });

  it("replays offline and matches", async () => {
    expect(await replayRecord(record, { sandbox })).toEqual({ ok: true, executions: 1 });
  }, 60_000);

  it("diverges at the edited step, and on an edited random value", async () => {
    const edited = { ...record, program: record.program.replace("b: 40", "b: 41") };
    const result = await replayRecord(edited, { sandbox });
    expect(result.divergence).toMatchObject({ kind: "args", step: 3, actual: { a: 2, b: 41 } });
    // The seed flows into createEntities' arguments: another taped value shows at step 1.
    const reseeded = {
      ...record,
      nondeterminism: { ...record.nondeterminism, random: [0.125, ...record.nondeterminism.random.slice(1)] },
    };
    const seeded = await replayRecord(reseeded, { sandbox });
    expect(seeded.divergence).toMatchObject({ kind: "args", step: 1 });
    expect(JSON.stringify(seeded.divergence!.actual)).toContain("seed 0.125");
  }, 60_000);
});
