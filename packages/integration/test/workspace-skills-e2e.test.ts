/**
 * The workspace and skills on every backend (QuickJS, isolated-vm, E2B through its local stand-in): both
 * cross the tool bridge, so a file written in one executor is read in a fresh one, and a skill saved by a
 * program (calling the real server-memory) is imported and run by a program of a later executor.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectServers, createExecutor, type McpConnections } from "@codecall/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allBackends, serverScript } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "codecall-ws-e2e-"));
let connections: McpConnections;

beforeAll(async () => {
  connections = await connectServers({
    mcpServers: {
      memory: {
        command: process.execPath,
        args: [serverScript("server-memory")],
        env: { MEMORY_FILE_PATH: join(dir, "memory.jsonl") },
      },
    },
  });
});
afterAll(async () => {
  await connections?.close();
  rmSync(dir, { recursive: true, force: true });
});

const SKILL = `/** Records a fact about someone in the memory graph and returns everything known about them. */
export async function remember(name: string, fact: string): Promise<string[]> {
  await memory.createEntities({ entities: [{ name, entityType: "person", observations: [fact] }] });
  const graph = await memory.readGraph({});
  return graph.entities.filter((e) => e.name === name).flatMap((e) => e.observations);
}
`;

describe.each(allBackends())("workspace and skills on $name", (backend) => {
  const scope = backend.name.replace(/[^\w-]/g, "_");
  const session = async () =>
    createExecutor({
      catalogue: connections,
      sandbox: await backend.create(),
      workspace: { storage: { directory: join(dir, "workspace") }, scope },
    });
  afterAll(async () => backend.teardown?.());

  it("resumes a file and a saved skill in later executors", async () => {
    const first = await session();
    const wrote = await first.execute(`
await workspace.writeFile("in/people.csv", "name,fact\\nAda,wrote the first program\\nGrace,found a moth");
return await skills.save({ name: "remember", description: "Record a fact about a person and recall all facts about them.", code: ${JSON.stringify(SKILL)} });`);
    await first.close();
    await first.sandbox.close();
    expect(wrote.error).toBeUndefined();
    expect(wrote.value).toMatchObject({
      name: "remember",
      tools: [{ id: "memory.createEntities" }, { id: "memory.readGraph" }],
    });

    const binary = await session();
    const bytes = await binary.execute(`
const all = new Uint8Array(256);
for (let i = 0; i < 256; i++) all[i] = i;
for (const n of [0, 1, 2, 3, 256]) await workspace.writeFile("bin/" + n, all.subarray(0, n));
const back: number[][] = [];
for (const n of [0, 1, 2, 3, 256]) back.push(Array.from(await workspace.readBytes("bin/" + n)));
return { back, b64: await workspace.readFile("bin/3", { encoding: "base64" }) };`);
    await binary.close();
    await binary.sandbox.close();
    expect(bytes.error).toBeUndefined();
    const value = bytes.value as { back: number[][]; b64: string };
    expect(value.back.map((b) => b.length)).toEqual([0, 1, 2, 3, 256]);
    expect(value.back[4]).toEqual(Array.from({ length: 256 }, (_, i) => i));
    expect(value.b64).toBe(Buffer.from([0, 1, 2]).toString("base64"));
    expect(await readFile(join(dir, "workspace", scope, "bin", "256"))).toEqual(
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    );

    const second = await session();
    const used = await second.execute(`import { remember } from "./skills/remember";
const [, ...rows] = (await workspace.readFile("in/people.csv")).split("\\n").map((l) => l.split(","));
const out: Record<string, string[]> = {};
for (const [name, fact] of rows) out[name] = await remember("${scope}-" + name, fact);
return out;`);
    await second.close();
    await second.sandbox.close();
    expect(used.error).toBeUndefined();
    expect(used.value).toEqual({ Ada: ["wrote the first program"], Grace: ["found a moth"] });
    expect(used.toolCalls.map((c) => c.name)).toEqual([
      "codecall.workspace.readFile",
      "memory.createEntities",
      "memory.readGraph",
      "memory.createEntities",
      "memory.readGraph",
    ]);
  });
});
