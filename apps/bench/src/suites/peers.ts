/**
 * The rows of DESIGN.md's "Peers measured" table, for codecall: a program with one tool call end to end,
 * and a program making 200 calls with `Promise.all`, through `createExecutor` (type-check off, a fresh
 * context per execution) on each local backend, beside a bare MCP SDK client making the same calls, all
 * against a real `@modelcontextprotocol/server-memory` over stdio, in one run. Variants are sampled
 * round-robin with a short untimed idle between samples (a host idles between model turns; it also keeps
 * work one variant defers, such as core's spare context, out of the next variant's figure).
 */
import { createRequire } from "node:module";
import { connectServers, createExecutor, type Executor, type Sandbox } from "@codecall/core";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { median, round } from "../stats.js";

export const name = "peers";

const require = createRequire(import.meta.url);
const memoryScript = require.resolve("@modelcontextprotocol/server-memory/dist/index.js");
const memoryServer = {
  command: process.execPath,
  args: [memoryScript],
  env: { MEMORY_FILE_PATH: "/dev/null" },
};
const CALLS = 200;
const ONE_CALL = "const g = await memory.readGraph();\nreturn g.entities.length;";
const MANY_CALLS = `const graphs = await Promise.all(Array.from({ length: ${CALLS} }, () => memory.readGraph()));\nreturn graphs.length;`;
/** The peers' figures on this machine (DESIGN.md), for the ratios. */
const PEERS = {
  oneCall: { bareMcpClient: 0.75, mcpUse: 1.31, cloudflareCodemode: 2.08 },
  calls200: { bareMcpClient: 40, mcpUse: 31, cloudflareCodemode: 52 },
};

async function localBackends(): Promise<Array<{ name: string; create: () => Sandbox }>> {
  const out: Array<{ name: string; create: () => Sandbox }> = [];
  const quickjs = await import("@codecall/sandbox-quickjs").catch(() => undefined);
  if (quickjs) out.push({ name: "quickjs", create: () => quickjs.quickjs() });
  const snapshotOff =
    process.execArgv.includes("--no-node-snapshot") ||
    (process.env.NODE_OPTIONS ?? "").includes("--no-node-snapshot");
  const ivm = snapshotOff ? await import("@codecall/sandbox-isolated-vm").catch(() => undefined) : undefined;
  if (ivm) out.push({ name: "isolated-vm", create: () => ivm.isolatedVm() });
  return out;
}

/** Medians of variants sampled round-robin, idling `idleMs` untimed after each sample. */
async function interleaved(
  variants: Record<string, () => Promise<unknown>>,
  runs: number,
  idleMs: number,
): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = {};
  for (let i = 0; i < runs + 5; i++) {
    for (const [key, fn] of Object.entries(variants)) {
      const t0 = performance.now();
      await fn();
      const elapsed = performance.now() - t0;
      if (i >= 5) {
        samples[key] ??= [];
        samples[key].push(elapsed);
      }
      await new Promise((r) => setTimeout(r, idleMs));
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, round(median(values))]));
}

async function expectOk(executor: Executor, program: string, expected: number): Promise<void> {
  const result = await executor.execute(program);
  if (!result.ok || result.value !== expected) throw new Error(`peers program failed: ${result.envelope}`);
}

export async function run(): Promise<Record<string, unknown>> {
  const client = new Client({ name: "bench-peers", version: "0" });
  await client.connect(new StdioClientTransport(memoryServer));
  const connections = await connectServers({ mcpServers: { memory: memoryServer } });
  const backends = await localBackends();
  const sandboxes: Sandbox[] = [];
  const executors: Record<string, Executor> = {};
  try {
    for (const backend of backends) {
      const sandbox = backend.create();
      sandboxes.push(sandbox);
      const executor = await createExecutor({ catalogue: connections, sandbox, typeCheck: "off" });
      await expectOk(executor, ONE_CALL, 0);
      await expectOk(executor, MANY_CALLS, CALLS);
      executors[backend.name] = executor;
    }
    const bareCall = () => client.callTool({ name: "read_graph", arguments: {} });
    const one = await interleaved(
      {
        bareMcpClient: bareCall,
        ...Object.fromEntries(
          Object.entries(executors).map(([n, ex]) => [`codecall-${n}`, () => ex.execute(ONE_CALL)]),
        ),
      },
      200,
      3,
    );
    const many = await interleaved(
      {
        bareMcpClient: () => Promise.all(Array.from({ length: CALLS }, bareCall)),
        ...Object.fromEntries(
          Object.entries(executors).map(([n, ex]) => [`codecall-${n}`, () => ex.execute(MANY_CALLS)]),
        ),
      },
      25,
      3,
    );
    const ratios = (figures: Record<string, number>, peers: Record<string, number>) =>
      Object.fromEntries(
        Object.keys(executors).map((n) => {
          const ours = figures[`codecall-${n}`]!;
          return [
            n,
            {
              toBareMcpClientSameRun: round(ours / figures.bareMcpClient!, 2),
              ...Object.fromEntries(
                Object.entries(peers)
                  .filter(([peer]) => peer !== "bareMcpClient")
                  .map(([peer, ms]) => [
                    // The peers ran in another run: compare through their ratio to that run's bare client.
                    `to${peer[0]!.toUpperCase()}${peer.slice(1)}ByBareRatio`,
                    round(ours / figures.bareMcpClient! / (ms / peers.bareMcpClient!), 2),
                  ]),
              ),
            },
          ];
        }),
      );
    return {
      program: { oneCall: ONE_CALL, calls200: MANY_CALLS },
      oneToolCallEndToEnd: { medianMs: one, ratios: ratios(one, PEERS.oneCall) },
      calls200PromiseAll: { medianMs: many, ratios: ratios(many, PEERS.calls200) },
      peersFromDesign: PEERS,
      note: "codecall: createExecutor, typeCheck off, fresh context per execution (core keeps one spare ready). Peer ratios divide codecall's ratio to this run's bare client by the peer's ratio to its run's bare client: below 1 beats the peer.",
      ...(backends.length < 2 ? { missingBackends: "isolated-vm needs --no-node-snapshot" } : {}),
    };
  } finally {
    for (const executor of Object.values(executors)) await executor.close();
    for (const sandbox of sandboxes) await sandbox.close();
    await client.close();
    await connections.close();
  }
}
