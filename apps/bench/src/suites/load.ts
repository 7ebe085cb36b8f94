/**
 * Faults and load (#15's figures; the behaviour is in core's tests):
 * - 200 concurrent executions on one code mode (QuickJS, type-check on), each program calling a real
 *   server-memory over stdio: wall time beside the same 200 programs run one after another, how many
 *   succeeded, the host event loop's max delay and the host's RSS growth;
 * - 1,000 connect/close cycles against server-memory: median cycle time, and how many of the children
 *   they started are alive after the last close (goal 0);
 * - upstream faults (core's fault fixture server: a crash, a call that never answers, a line that is not
 *   JSON, a malformed result, a 50 MB line): the typed error each gives and when, while a call to
 *   server-memory made at the same time answers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { connectServers, createCodeMode } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
import { median, percentile, round } from "../stats.js";

export const name = "load";

const require = createRequire(import.meta.url);
const memoryScript = require.resolve("@modelcontextprotocol/server-memory/dist/index.js");
const faultServer = fileURLToPath(
  new URL("../../../../packages/core/test/fixtures/mcp/fault-server.mjs", import.meta.url),
);
const MiB = 1024 * 1024;
const CONCURRENT = 200;
const CYCLES = Number(process.env.CODECALL_BENCH_CYCLES ?? 1_000);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function codeOf(error: unknown): string {
  return (error as { code?: string }).code ?? String(error);
}

async function concurrentExecutions(dir: string) {
  const codeMode = await createCodeMode({
    servers: {
      mcpServers: {
        memory: {
          command: process.execPath,
          args: [memoryScript],
          env: { MEMORY_FILE_PATH: join(dir, "m.jsonl") },
        },
      },
    },
    sandbox: quickjs(),
  });
  try {
    // Distinct programs, so the type-check cache does not answer for all but the first.
    const program = (i: number) =>
      `const graph = await memory.readGraph({});\nreturn [${i}, graph.entities.length];`;
    const batch = async (offset: number, concurrent: boolean) => {
      const t0 = performance.now();
      const results = [];
      if (concurrent) {
        results.push(
          ...(await Promise.all(
            Array.from({ length: CONCURRENT }, (_, i) => codeMode.execute(program(offset + i))),
          )),
        );
      } else {
        for (let i = 0; i < CONCURRENT; i++) results.push(await codeMode.execute(program(offset + i)));
      }
      return { ms: performance.now() - t0, ok: results.filter((r) => r.ok).length };
    };
    await batch(0, false); // warm: checker, worker pool, server
    const rssBefore = process.memoryUsage().rss;
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const concurrent = await batch(10_000, true);
    loop.disable();
    const rssAfter = process.memoryUsage().rss;
    const sequential = await batch(20_000, false);
    return {
      executions: CONCURRENT,
      concurrentMs: round(concurrent.ms),
      concurrentOk: concurrent.ok,
      sequentialMs: round(sequential.ms),
      sequentialOk: sequential.ok,
      concurrentToSequential: round(concurrent.ms / sequential.ms),
      eventLoopMaxMs: round(loop.max / 1e6),
      eventLoopP99Ms: round(loop.percentile(99) / 1e6),
      rssGrowthMiB: round((rssAfter - rssBefore) / MiB, 1),
    };
  } finally {
    await codeMode.close();
  }
}

async function connectCloseCycles(dir: string) {
  const config = {
    memory: {
      command: process.execPath,
      args: [memoryScript],
      env: { MEMORY_FILE_PATH: join(dir, "c.jsonl") },
    },
  };
  const pids: number[] = [];
  const times: number[] = [];
  let failed = 0;
  for (let i = 0; i < CYCLES; i++) {
    const t0 = performance.now();
    try {
      const mcp = await connectServers(config);
      const pid = mcp.status()[0]?.pid;
      if (pid) pids.push(pid);
      await mcp.close();
    } catch {
      failed++;
    }
    times.push(performance.now() - t0);
  }
  return {
    cycles: CYCLES,
    failed,
    medianCycleMs: round(median(times)),
    p99CycleMs: round(percentile(times, 99)),
    childrenAliveAfterClose: pids.filter(isAlive).length,
    goal: "0 children alive",
  };
}

async function upstreamFaults(dir: string) {
  const mcp = await connectServers(
    {
      faulty: { command: process.execPath, args: [faultServer] },
      memory: {
        command: process.execPath,
        args: [memoryScript],
        env: { MEMORY_FILE_PATH: join(dir, "f.jsonl") },
      },
    },
    { maxResultBytes: 1 * MiB },
  );
  const faults: Record<string, { timeoutMs?: number }> = {
    crash: {},
    hang: { timeoutMs: 500 },
    garbage: {},
    bad_shape: {},
    huge: {},
  };
  const out: Record<string, unknown> = {};
  try {
    for (const [tool, options] of Object.entries(faults)) {
      const t0 = performance.now();
      const [fault, beside] = await Promise.allSettled([
        mcp.callTool("faulty", tool, {}, options),
        mcp.callTool("memory", "read_graph", {}).then(() => performance.now() - t0),
      ]);
      out[tool] = {
        error: fault.status === "rejected" ? codeOf(fault.reason) : "no error",
        ms: round(performance.now() - t0),
        memoryCallMs:
          beside.status === "fulfilled" ? round(beside.value) : `failed: ${codeOf(beside.reason)}`,
      };
    }
    // The faulty server answers again afterwards (restarted after the crash, the same process otherwise).
    const after = await mcp.callTool("faulty", "echo", { text: "after" }).then(
      () => "ok",
      (error) => codeOf(error),
    );
    return { ...out, faultyServerAfterwards: after };
  } finally {
    await mcp.close();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "codecall-bench-load-"));
  try {
    return {
      concurrentExecutions: await concurrentExecutions(dir),
      connectCloseCycles: await connectCloseCycles(dir),
      upstreamFaults: await upstreamFaults(dir),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
