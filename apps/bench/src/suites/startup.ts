/**
 * Start-up of a host, each sample in a fresh Node process importing the built packages, as a user's would:
 *
 * - `firstProgram`: code mode over `server-memory` (type-check on, the default), ready, then program A and
 *   program B (both texts new to the process), run at once one after the other: A's time minus B's. The
 *   same with type-check off, alternating, is the yardstick (the engine's and the API's own first use); a
 *   third and fourth variant send A 3 s after ready, as a model's first reply would (labelled `AfterPause`),
 *   with type-check on and off. Each sample also gives the host process's CPU (all its threads) to ready
 *   and to the end of program B.
 * - `ready`: three real servers over stdio (`server-memory`, `server-filesystem`, `server-everything`, from
 *   node_modules): bare MCP SDK clients connecting and listing tools in parallel (the servers' own spawn),
 *   against `createCodeMode` resolving; alternating processes, medians.
 * - `hostRss`: the same two processes after a little work (the bare client calls a tool three times, code
 *   mode runs three programs each making a call): RSS of the host process only (the servers are children
 *   with their own), as a ratio; the same with type-check off (TypeScript never loads) shows its share.
 * Ratios are given as min / median / max over the samples; each pair of processes ran back to back.
 * `CODECALL_BENCH_STARTUP_SAMPLES` sets the samples (default 5); `CODECALL_BENCH_STARTUP_BASELINE` (another
 * checkout's `apps/bench`, built) runs that build's code mode interleaved with this one (`baseline.*`).
 * Run alone: `node --no-node-snapshot --import tsx src/run.ts startup` in apps/bench.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { median, round } from "../stats.js";

export const name = "startup";

// The reference servers, resolved through the scenarios package, which depends on them.
const scenarios = createRequire(createRequire(import.meta.url).resolve("@codecall/scenarios"));
const script = (pkg: string) => scenarios.resolve(`@modelcontextprotocol/${pkg}/dist/index.js`);

const FIRST_PROGRAM_SCRIPT = `
import { createCodeMode } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
const [memory, typeCheck, pauseMs] = process.argv.slice(1);
const cpuMs = (from) => { const c = process.cpuUsage(from); return (c.user + c.system) / 1000; };
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const codeMode = await createCodeMode({
  servers: { mcpServers: { memory: { command: process.execPath, args: [memory], env: { MEMORY_FILE_PATH: "/dev/null" } } } },
  sandbox: quickjs(),
  typeCheck,
});
const readyMs = performance.now() - t0;
const cpuToReadyMs = cpuMs(cpu0);
await new Promise((resolve) => setTimeout(resolve, Number(pauseMs)));
const time = async (n) => {
  const t = performance.now();
  const r = await codeMode.execute("const g = await memory.readGraph();\\nconst n" + n + ": number = g.entities.length;\\nreturn n" + n + " + " + n + ";");
  if (!r.ok) throw new Error(JSON.stringify(r.error ?? r));
  return performance.now() - t;
};
const firstMs = await time(1);
const secondMs = await time(2);
const cpuToSecondMs = cpuMs(cpu0);
await codeMode.close();
process.stdout.write(JSON.stringify({ readyMs, firstMs, secondMs, cpuToReadyMs, cpuToSecondMs }));
`;

/** One process: bare clients or code mode over the three servers; ready time, then RSS after some work. */
const THREE_SERVERS_SCRIPT = `
const [mode, memory, filesystem, everything, dir] = process.argv.slice(1);
const servers = {
  memory: { command: process.execPath, args: [memory], env: { MEMORY_FILE_PATH: dir + "/memory.jsonl" } },
  filesystem: { command: process.execPath, args: [filesystem, dir] },
  everything: { command: process.execPath, args: [everything, "stdio"] },
};
let readyMs, close, work;
if (mode === "bare") {
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
  const { StdioClientTransport } = await import("@modelcontextprotocol/sdk/client/stdio.js");
  const t0 = performance.now();
  const clients = await Promise.all(Object.values(servers).map(async (s) => {
    const client = new Client({ name: "bare", version: "1.0.0" });
    await client.connect(new StdioClientTransport({ ...s, env: { ...process.env, ...(s.env ?? {}) }, stderr: "ignore" }));
    await client.listTools();
    return client;
  }));
  readyMs = performance.now() - t0;
  work = async () => { await clients[0].callTool({ name: "read_graph", arguments: {} }); };
  close = () => Promise.all(clients.map((c) => c.close()));
} else {
  const { createCodeMode } = await import("@codecall/core");
  const { quickjs } = await import("@codecall/sandbox-quickjs");
  const t0 = performance.now();
  const codeMode = await createCodeMode({ servers: { mcpServers: servers }, sandbox: quickjs(), typeCheck: mode === "codemode-off" ? "off" : "error" });
  readyMs = performance.now() - t0;
  let n = 0;
  work = async () => {
    n++;
    const r = await codeMode.execute("const g = await memory.readGraph();\\nreturn g.entities.length + " + n + ";");
    if (!r.ok) throw new Error(JSON.stringify(r.error ?? r));
  };
  close = () => codeMode.close();
}
for (let i = 0; i < 3; i++) await work();
const rssMb = process.memoryUsage().rss / 1048576;
await close();
process.stdout.write(JSON.stringify({ readyMs, rssMb }));
`;

const runFile = promisify(execFile);
const here = fileURLToPath(new URL("../..", import.meta.url));

async function child<T>(source: string, args: string[], cwd = here): Promise<T> {
  const { stdout } = await runFile(process.execPath, ["--input-type=module", "-e", source, ...args], {
    cwd,
    timeout: 300_000,
  });
  return JSON.parse(stdout) as T;
}

const spread = (values: number[], digits = 2) => ({
  min: round(Math.min(...values), digits),
  median: round(median(values), digits),
  max: round(Math.max(...values), digits),
});

/**
 * Where the child processes run: this checkout, and with `CODECALL_BENCH_STARTUP_BASELINE` (another
 * checkout's `apps/bench`, built) that one too, interleaved, to compare a change against its base in one run.
 */
function sides(): Array<{ label: string; cwd: string }> {
  const baseline = process.env.CODECALL_BENCH_STARTUP_BASELINE;
  return [{ label: "", cwd: here }, ...(baseline ? [{ label: "baseline.", cwd: baseline }] : [])];
}

/**
 * A model's first program comes after it has read the prompt: a second variant sends program A this long
 * after code mode is ready (what background warming can use), B right after A as before.
 */
const PAUSE_MS = 3_000;

async function firstProgram(samples: number): Promise<Record<string, unknown>> {
  type Sample = {
    readyMs: number;
    firstMs: number;
    secondMs: number;
    cpuToReadyMs: number;
    cpuToSecondMs: number;
  };
  const byMode: Record<string, Sample[]> = {};
  for (let i = 0; i < samples; i++) {
    // Alternating, the order switched each time, so the machine's load falls on both modes alike.
    const runs = sides().flatMap((side) =>
      [
        { key: "error", mode: "error", pause: 0 },
        { key: "off", mode: "off", pause: 0 },
        { key: "errorAfterPause", mode: "error", pause: PAUSE_MS },
        { key: "offAfterPause", mode: "off", pause: PAUSE_MS },
      ].map((m) => ({ ...side, ...m })),
    );
    for (const { label, cwd, key, mode, pause } of i % 2 ? runs.reverse() : runs) {
      const sample = await child<Sample>(
        FIRST_PROGRAM_SCRIPT,
        [script("server-memory"), mode, String(pause)],
        cwd,
      );
      byMode[label + key] = [...(byMode[label + key] ?? []), sample];
    }
  }
  const summary = (list: Sample[]) => ({
    readyMs: spread(
      list.map((s) => s.readyMs),
      0,
    ),
    firstMs: spread(
      list.map((s) => s.firstMs),
      0,
    ),
    secondMs: spread(
      list.map((s) => s.secondMs),
      1,
    ),
    firstMinusSecondMs: spread(
      list.map((s) => s.firstMs - s.secondMs),
      0,
    ),
    // The host process's CPU (every thread; the servers are children with their own), from the start of
    // createCodeMode: warming that moves ahead shows here as CPU before ready rather than in the first program.
    hostCpuToReadyMs: spread(
      list.map((s) => s.cpuToReadyMs),
      0,
    ),
    hostCpuToSecondProgramMs: spread(
      list.map((s) => s.cpuToSecondMs),
      0,
    ),
  });
  return {
    processesPerMode: samples,
    ...Object.fromEntries(
      sides().flatMap(({ label }) => [
        [`${label}typeCheckOn`, summary(byMode[`${label}error`]!)],
        [`${label}typeCheckOff`, summary(byMode[`${label}off`]!)],
        [`${label}typeCheckOnAfterPause`, summary(byMode[`${label}errorAfterPause`]!)],
        [`${label}typeCheckOffAfterPause`, summary(byMode[`${label}offAfterPause`]!)],
      ]),
    ),
  };
}

export async function threeServers(samples: number): Promise<Record<string, unknown>> {
  type Sample = { readyMs: number; rssMb: number };
  const bySide: Record<string, Sample[]> = {};
  const args = [script("server-memory"), script("server-filesystem"), script("server-everything")];
  for (let i = 0; i < samples; i++) {
    const dir = mkdtempSync(join(tmpdir(), "codecall-startup-"));
    try {
      const runs = [
        { label: "bare", cwd: here, mode: "bare" },
        ...sides().flatMap(({ label, cwd }) => [
          { label: `${label}codemode`, cwd, mode: "codemode" },
          // Where the host's memory goes: the same session with type-checking off (TypeScript never loads).
          { label: `${label}codemodeOff`, cwd, mode: "codemode-off" },
        ]),
      ];
      for (const { label, cwd, mode } of i % 2 ? runs.reverse() : runs) {
        const sample = await child<Sample>(THREE_SERVERS_SCRIPT, [mode, ...args, dir], cwd);
        bySide[label] = [...(bySide[label] ?? []), sample];
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const bare = bySide.bare!;
  const out: Record<string, unknown> = { processesPerSide: samples };
  for (const { label } of sides()) {
    out[`${label}figures`] = figures(bare, bySide[`${label}codemode`]!);
    out[`${label}typeCheckOffFigures`] = figures(bare, bySide[`${label}codemodeOff`]!);
  }
  return out;
}

function figures(bare: Array<{ readyMs: number; rssMb: number }>, codeMode: typeof bare) {
  const overSpawn = codeMode.map((c, i) => c.readyMs - bare[i]!.readyMs);
  const rssRatio = codeMode.map((c, i) => c.rssMb / bare[i]!.rssMb);
  return {
    ready: {
      serversOwnSpawnMs: spread(
        bare.map((s) => s.readyMs),
        0,
      ),
      codeModeReadyMs: spread(
        codeMode.map((s) => s.readyMs),
        0,
      ),
      codeModeMinusSpawnMs: spread(overSpawn, 0),
    },
    hostRss: {
      bareClientMb: spread(
        bare.map((s) => s.rssMb),
        1,
      ),
      codeModeMb: spread(
        codeMode.map((s) => s.rssMb),
        1,
      ),
      ratio: spread(rssRatio),
    },
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const samples = Number(process.env.CODECALL_BENCH_STARTUP_SAMPLES ?? 5);
  return {
    firstProgram: await firstProgram(samples),
    threeServers: await threeServers(samples),
  };
}
