/**
 * Discovery: retrieval quality of the lexical ranker and plain BM25 on LiveMCPBench, on all dev tasks and
 * in 4 folds (settings tuned on three folds, scored on the fourth), a per-component ablation (on all
 * tasks, and held out: tuned with the component available vs. off), one query
 * vs. one per sub-task, a hybrid with a (non-semantic) hashed embedding as the plug-in's floor, the
 * optional local English model (`@codecall/embeddings-en`) alone and fused, with its costs, index
 * build and query time at 10,000 tools (the real 527 varied into copies), and code mode's start over
 * 10,000 tools served by two real MCP server processes, each start in a fresh process, next to the servers'
 * own start (the floor).
 */
import { fileURLToPath } from "node:url";
import { createCodeMode } from "@codecall/core";
import {
  benchDiscovery,
  createEmbeddingRetriever,
  createHybridRetriever,
  createLexicalRetriever,
  formatDiscoveryBench,
  hashedEmbedding,
  liveMcpBenchTasks,
  liveMcpBenchTools,
} from "@codecall/core/discovery";
import { quickjs } from "@codecall/sandbox-quickjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ListToolsResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { figuresFromChild } from "../child.js";
import { liveMcpBenchData, varied } from "../discovery-data.js";
import { localModelDiscovery } from "../discovery-local-model.js";
import { median, round, timeRuns } from "../stats.js";

export const name = "discovery";

/** The test fixture that serves LiveMCPBench's tools varied into copies: part p of n of `total` tools. */
const catalogueServer = fileURLToPath(
  new URL("../../../../packages/core/test/fixtures/mcp/catalogue-server.mjs", import.meta.url),
);
const PARTS = 2;
const TOOLS = 10_000;
const serverArgs = (part: number) => [catalogueServer, String(part), String(PARTS), String(TOOLS)];

/** The servers' own start: spawn, initialize and tools/list with the bare SDK client, nothing else. */
async function serversFloorMs(): Promise<number> {
  const t0 = performance.now();
  const clients = await Promise.all(
    Array.from({ length: PARTS }, async (_, part) => {
      const client = new Client({ name: "bench", version: "1.0.0" }, { capabilities: {} });
      await client.connect(new StdioClientTransport({ command: process.execPath, args: serverArgs(part) }));
      await client.request({ method: "tools/list", params: {} }, ListToolsResultSchema);
      return client;
    }),
  );
  const ms = performance.now() - t0;
  await Promise.all(clients.map((client) => client.close()));
  return ms;
}

/**
 * One start of code mode over 10,000 tools, in a fresh process (this file run as a child): start (connect,
 * list, prompt; no API generated) and codecall's own CPU meanwhile; with `firstUse`, then the first search
 * (generates the API, then builds the index: each part timed), the first type-checked program calling the
 * found tool through its typed function (its slice of the declarations), and a second naming the same tool.
 * A fresh process per start: a process that already loaded TypeScript or the engine would hide their cost.
 */
async function startupRound(firstUse: boolean): Promise<Record<string, number>> {
  const mcpServers = Object.fromEntries(
    Array.from({ length: PARTS }, (_, part) => [
      `catalogue${part}`,
      { command: process.execPath, args: serverArgs(part) },
    ]),
  );
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const codeMode = await createCodeMode({ servers: { mcpServers }, sandbox: quickjs() });
  const startMs = performance.now() - t0;
  // codecall's own CPU while starting (this process, all its threads; the servers are other processes).
  const cpu = process.cpuUsage(cpu0);
  const figures: Record<string, number> = { startMs, ownCpuMs: (cpu.user + cpu.system) / 1000 };
  try {
    if (!firstUse) return figures;
    const t1 = performance.now();
    await codeMode.executor.api();
    const apiGenerationMs = performance.now() - t1;
    const t3 = performance.now();
    const [hit] = await codeMode.search("get weather at latitude longitude", { limit: 1, detail: "name" });
    const indexAndSearchMs = performance.now() - t3;
    const [server, tool] = hit!.id.split(".");
    const program = `return await ${server}.${tool}({ latitude: 48.85, longitude: 2.35 });`;
    const t2 = performance.now();
    const result = await codeMode.executor.execute(program);
    const firstCallMs = performance.now() - t2;
    const t4 = performance.now();
    const again = await codeMode.executor.execute(`const r = ${program.slice(7)}\nreturn r;`);
    if (!result.ok || !again.ok) throw new Error(`the program failed: ${JSON.stringify(result.error)}`);
    return {
      ...figures,
      firstSearchMs: apiGenerationMs + indexAndSearchMs,
      apiGenerationMs,
      indexAndSearchMs,
      firstCallMs,
      secondCallMs: performance.now() - t4,
      called: result.toolCalls.length,
    };
  } finally {
    await codeMode.close();
  }
}

const startupChild = process.env.CODECALL_BENCH_DISCOVERY_START;
if (startupChild && process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await startupRound(startupChild === "first-use"))}\n`);
  process.exit(0);
}

/** Starts of code mode over 10,000 tools, each in a fresh process, alternated with the servers' own start. */
async function startup(rounds = 3): Promise<Record<string, unknown>> {
  const startMs: number[] = [];
  const floorMs: number[] = [];
  const cpuMs: number[] = [];
  let first: Record<string, number> = {};
  for (let i = 0; i < rounds; i++) {
    floorMs.push(await serversFloorMs());
    const mode = i === rounds - 1 ? "first-use" : "start";
    const figures = (await figuresFromChild(
      import.meta.url,
      { CODECALL_BENCH_DISCOVERY_START: mode },
      600_000,
    )) as Record<string, number> | { error: string };
    if ("error" in figures) return { error: figures.error };
    const { startMs: ms, ownCpuMs, ...rest } = figures;
    startMs.push(ms!);
    cpuMs.push(ownCpuMs!);
    if (mode === "first-use") first = rest as Record<string, number>;
  }
  return {
    tools: TOOLS,
    servers: PARTS,
    note: "Each start in a fresh process; the servers' floor (bare SDK clients spawning and listing the same servers) alternates with it.",
    startMedianMs: round(median(startMs), 0),
    serversFloorMedianMs: round(median(floorMs), 0),
    ownCpuMedianMs: round(median(cpuMs), 0),
    startMs: startMs.map((ms) => round(ms, 0)),
    serversFloorMs: floorMs.map((ms) => round(ms, 0)),
    ...Object.fromEntries(Object.entries(first).map(([key, value]) => [key, round(value, 0)])),
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const tools = liveMcpBenchTools(liveMcpBenchData("tools.json"));
  const tasks = liveMcpBenchTasks(liveMcpBenchData("tasks.dev.json"));
  const embedding = createEmbeddingRetriever({ embed: hashedEmbedding(512), name: "hashed-embedding" });
  const report = await benchDiscovery({
    tools,
    tasks,
    folds: 4,
    settings: 60,
    ablationSettings: 20,
    extra: [embedding, createHybridRetriever({ embedding })],
  });
  process.stderr.write(`${formatDiscoveryBench(report)}\n`);

  const large = varied(tools, 10_000);
  const retriever = createLexicalRetriever();
  const buildMs = await timeRuns(() => retriever.index(large), 5, 1);
  const index = await retriever.index(large);
  const queryMs: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const task of tasks) {
      const t0 = performance.now();
      await index.search(task.question, { limit: 10 });
      queryMs.push(performance.now() - t0);
    }
  }
  return {
    quality: {
      note: "No table derived from the tasks: the dev-derived synonym table, CJK glossary and stem exceptions were removed (see CHANGELOG). Held-out = settings picked on the other three folds.",
      ...report,
      localModel: await localModelDiscovery(tools, tasks),
    },
    speed: {
      tools: large.length,
      buildMedianMs: round(median(buildMs)),
      queryMedianMs: round(median(queryMs)),
      queryP95Ms: round(queryMs.sort((a, b) => a - b)[Math.floor(queryMs.length * 0.95)]!),
    },
    startup: await startup(),
  };
}
