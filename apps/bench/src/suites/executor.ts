/**
 * The executor's costs. Per backend present: one program making one tool call to a real `server-memory`
 * over stdio (type-check off), as a ratio to the same call from a bare MCP SDK client and to the raw
 * engine making that same call (new context, one host call, dispose, with the engine library the backend
 * uses; isolated-vm: a new context in one reused isolate, like the backend), sampled
 * round-robin with the same call through the bare sandbox. And warm type-check latency for a 50-line
 * program against the API generated from the 527 LiveMCPBench tools. And what the default type-check adds
 * to a short program (on vs off, same program and new programs, sampled round-robin in one run), and how
 * much longer the first program of a fresh process takes than its second.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { connectServers, createExecutor, type Sandbox } from "@codecall/core";
import { ProgramTypeChecker } from "@codecall/core/internal";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { median, round, timeRuns } from "../stats.js";

export const name = "executor";

const require = createRequire(import.meta.url);
const memoryScript = require.resolve("@modelcontextprotocol/server-memory/dist/index.js");
const RUNS = 200;

interface Backend {
  name: string;
  create(options?: { spareContext?: boolean }): Sandbox | Promise<Sandbox>;
}

/** The backends installed here. isolated-vm needs Node started with --no-node-snapshot. */
async function backends(): Promise<{ present: Backend[]; missing: Record<string, string> }> {
  const present: Backend[] = [];
  const missing: Record<string, string> = {};
  const load = (pkg: string) => import(/* @vite-ignore */ pkg).catch((e: unknown) => ({ error: String(e) }));
  type Factory = (options?: { spareContext?: boolean }) => Sandbox;
  const quickjs = (await load("@codecall/sandbox-quickjs")) as { quickjs?: Factory; error?: string };
  if (quickjs.quickjs) present.push({ name: "quickjs", create: (o) => quickjs.quickjs!(o) });
  else missing.quickjs = quickjs.error ?? "no quickjs() export";
  const ivm = (await load("@codecall/sandbox-isolated-vm")) as { isolatedVm?: Factory; error?: string };
  const snapshotOff =
    process.execArgv.includes("--no-node-snapshot") ||
    (process.env.NODE_OPTIONS ?? "").includes("--no-node-snapshot");
  if (ivm.isolatedVm && snapshotOff) present.push({ name: "isolated-vm", create: (o) => ivm.isolatedVm!(o) });
  else missing["isolated-vm"] = ivm.error ?? "run with NODE_OPTIONS=--no-node-snapshot";
  return { present, missing };
}

/**
 * One raw engine run making the program's one MCP call: a new context, a host function that calls the
 * server (`call`), a script that awaits it and reads the result's entity count, dispose; with the very
 * engine library the backend package uses (resolved from that package), without codecall. The server is
 * hit once per run, as by the executor's program. Undefined when the engine is not reachable.
 */
async function rawEngineCallRun(
  backend: string,
  call: () => Promise<unknown>,
): Promise<(() => Promise<void>) | undefined> {
  const script = "(async () => { const g = JSON.parse(await call()); return g.entities.length; })()";
  try {
    if (backend === "quickjs") {
      const from = createRequire(require.resolve("@codecall/sandbox-quickjs"));
      const core = (await import(
        from.resolve("quickjs-emscripten-core")
      )) as typeof import("quickjs-emscripten-core");
      const variant = (
        (await import(from.resolve("@jitl/quickjs-wasmfile-release-sync"))) as { default: unknown }
      ).default;
      const QuickJS = await core.newQuickJSWASMModuleFromVariant(variant as never);
      return async () => {
        const runtime = QuickJS.newRuntime();
        const context = runtime.newContext();
        const host = context.newFunction("call", () => {
          const deferred = context.newPromise();
          void call().then((result) => {
            const text = context.newString(JSON.stringify(result));
            deferred.resolve(text);
            text.dispose();
            runtime.executePendingJobs();
          });
          return deferred.handle;
        });
        context.setProp(context.global, "call", host);
        host.dispose();
        const promise = context.unwrapResult(context.evalCode(script));
        const settled = context.resolvePromise(promise);
        promise.dispose();
        runtime.executePendingJobs();
        context.unwrapResult(await settled).dispose();
        context.dispose();
        runtime.dispose();
      };
    }
    if (backend === "isolated-vm") {
      const from = createRequire(require.resolve("@codecall/sandbox-isolated-vm"));
      const ivm = from("isolated-vm") as typeof import("isolated-vm");
      // One isolate, a new context per run: what the backend does (it reuses healthy isolates).
      const isolate = new ivm.Isolate({ memoryLimit: 128 });
      return async () => {
        const context = await isolate.createContext();
        const host = new ivm.Reference(async () => JSON.stringify(await call()));
        await context.global.set("hostCall", host);
        await context.eval(
          "globalThis.call = () => hostCall.apply(undefined, [], { result: { promise: true } });",
        );
        await context.eval(script, { promise: true });
        host.release();
        context.release();
      };
    }
  } catch {
    // The engine library is not reachable from here.
  }
  return undefined;
}

/**
 * Medians of several variants sampled round-robin in shuffled order, so the load of a shared machine falls on all of them
 * alike and their ratios hold even when the absolute figures drift. A short untimed idle follows each
 * sample (as a host idles between model turns), so work a variant defers (core's spare context is made
 * after an execution ends) is not charged to the next variant.
 */
async function interleaved(
  variants: Record<string, () => unknown>,
  runs: number,
): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = {};
  const entries = Object.entries(variants);
  for (let i = 0; i < runs + 10; i++) {
    // A new order each round, so no variant always follows the same one and absorbs its deferred work.
    for (let j = entries.length - 1; j > 0; j--) {
      const k = Math.floor(Math.random() * (j + 1));
      [entries[j], entries[k]] = [entries[k]!, entries[j]!];
    }
    for (const [key, fn] of entries) {
      const t0 = performance.now();
      await fn();
      const elapsed = performance.now() - t0;
      if (i >= 10) samples[key] = [...(samples[key] ?? []), elapsed];
      await new Promise((r) => setTimeout(r, 3));
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, round(median(values))]));
}

async function overhead(): Promise<Record<string, unknown>> {
  const memoryServer = {
    command: process.execPath,
    args: [memoryScript],
    env: { MEMORY_FILE_PATH: "/dev/null" },
  };
  // A bare MCP SDK client on its own server process: the floor for one tool call.
  const client = new Client({ name: "bench", version: "0" });
  await client.connect(new StdioClientTransport(memoryServer));
  const connections = await connectServers({ mcpServers: { memory: memoryServer } });
  const out: Record<string, unknown> = {};
  try {
    const { present, missing } = await backends();
    if (Object.keys(missing).length) out.missingBackends = missing;
    for (const backend of present) {
      const sandbox = await backend.create();
      const fresh = await createExecutor({ catalogue: connections, sandbox, typeCheck: "off" });
      const warm = await createExecutor({
        catalogue: connections,
        sandbox,
        typeCheck: "off",
        persistState: true,
      });
      // Like with like for the raw-engine ratio: the raw engine makes its context on the latency path, so
      // this executor's sandbox keeps no spare context ready either.
      const noSpareSandbox = await backend.create({ spareContext: false });
      const noSpare = await createExecutor({
        catalogue: connections,
        sandbox: noSpareSandbox,
        typeCheck: "off",
      });
      try {
        const program = "const g = await memory.readGraph();\nreturn g.entities.length;";
        const check = await fresh.execute(program);
        if (!check.ok) throw new Error(`bench program failed: ${check.envelope}`);
        const raw = await rawEngineCallRun(backend.name, async () => {
          const result = await client.callTool({ name: "read_graph", arguments: {} });
          return result.structuredContent;
        });
        const m = await interleaved(
          {
            bareMcpCall: () => client.callTool({ name: "read_graph", arguments: {} }),
            catalogueCall: () => connections.callTool("memory", "read_graph", {}),
            ...(raw ? { rawEngine: raw } : {}),
            sandboxEmptyProgram: () => sandbox.execute({ code: "return 1" }),
            // The same call through the backend's sandbox without the executor: what the executor adds.
            sandboxOneCall: () =>
              sandbox.execute({
                code: "const g = await codecall.callTool('memory.readGraph', {});\nreturn g.entities.length;",
                tools: async () => (await connections.callTool("memory", "read_graph", {})).structuredContent,
              }),
            executor: () => fresh.execute(program),
            executorWarmContext: () => warm.execute(program),
            executorNoSpareContext: () => noSpare.execute(program),
          },
          RUNS,
        );
        const engine = m.rawEngine ?? m.sandboxEmptyProgram!;
        out[backend.name] = {
          medianMs: m,
          executorOwnMs: round(m.executor! - m.sandboxOneCall!),
          overheadOverBareCallMs: round(m.executor! - m.bareMcpCall!),
          ratioToBareMcpCall: round(m.executor! / m.bareMcpCall!, 2),
          ratioToRawEngine: round((m.executorNoSpareContext ?? m.executor!) / engine, 2),
          ratioToRawEngineBasis:
            m.rawEngine !== undefined
              ? "executor without a spare context over a raw engine making the same MCP call (new context, one host call through a bare client, dispose)"
              : "sandbox empty program",
          // What codecall adds over the raw engine making the same call (the server hit once on both sides).
          overheadOverRawEngineCallMs: round((m.executorNoSpareContext ?? m.executor!) - engine),
          warmContextRatioToBareMcpCall: round(m.executorWarmContext! / m.bareMcpCall!, 2),
        };
      } finally {
        await fresh.close();
        await warm.close();
        await noSpare.close();
        await sandbox.close();
        await noSpareSandbox.close();
      }
    }
  } finally {
    await client.close();
    await connections.close();
  }
  return out;
}

/** A realistic 50-line program against six LiveMCPBench servers: imports, globals, types, loops. */
export const FIFTY_LINE_PROGRAM = (n: number) => `import * as finance from "./servers/yahooFinance";
import { npmLatest, npmDeps } from "./servers/npmSentinelMcp";

interface Row { symbol: string; text: string; rank: number }
type Block = { type: string; text?: string };

function textOf(blocks: Block[]): string {
  return blocks.map((b) => (b.type === "text" ? b.text ?? "" : "")).join("\\n");
}

const symbols = ["AAPL", "MSFT", "GOOG", "NVDA"].slice(0, ${(n % 4) + 1});
const rows: Row[] = [];
for (const [i, symbol] of symbols.entries()) {
  const quote = await finance.getCurrentStockPrice({ symbol });
  rows.push({ symbol, text: textOf(quote).slice(0, 200), rank: i + 1 });
}

const history = await finance.getStockPriceDateRange({
  symbol: symbols[0]!,
  start_date: "2024-01-01",
  end_date: "2024-0${(n % 9) + 1}-28",
});
const lines = textOf(history).split("\\n").filter((l) => l.trim().length > 0);

const [latest, deps] = await Promise.all([
  npmLatest({ packages: ["typescript", "vitest"] }),
  npmDeps({ packages: ["typescript"] }),
]);

const search = await bingCnMcp.bingSearch({ query: "codecall " + ${n}, num_results: 3 });
const icons = await hugeicons.searchIcons({ query: "chart,table" });
const found = await duckduckgoSearch.duckduckgoWebSearch({ query: "mcp code mode", count: 5 });

const summary = {
  quotes: rows.map((r) => ({ symbol: r.symbol, rank: r.rank })),
  historyLines: lines.length,
  latest: textOf(latest).slice(0, 100),
  deps: textOf(deps).length,
  search: textOf(search).slice(0, 100),
  icons: textOf(icons).split(",").length,
  ddg: textOf(found).length,
};

if (summary.historyLines === 0) {
  console.warn("no history for", symbols[0]);
}

const total = rows.reduce((sum, r) => sum + r.rank, 0);
console.log("total rank", total, "run", ${n});
return { ...summary, total };
`;

async function typeCheck(): Promise<Record<string, unknown>> {
  const data = JSON.parse(
    readFileSync(new URL("../../../../data/livemcpbench/tools.json", import.meta.url), "utf8"),
  ) as Array<{
    description?: string;
    tools: Record<string, { tools: never[] }>;
  }>;
  const servers = data.flatMap((entry) =>
    Object.entries(entry.tools).map(([serverName, listing]) => ({
      name: serverName,
      description: entry.description,
      tools: listing.tools,
    })),
  );
  const { present } = await backends();
  if (!present[0]) return { error: "no sandbox backend is installed" };
  const sandbox = await present[0].create();
  const t0 = performance.now();
  const executor = await createExecutor({
    servers,
    callTool: async () => {
      throw new Error("the type-check bench never calls tools");
    },
    sandbox,
    typeCheck: "error",
  });
  const generateMs = performance.now() - t0;
  const api = await executor.api();
  const t1 = performance.now();
  const first = await executor.check(FIFTY_LINE_PROGRAM(0));
  const coldMs = performance.now() - t1;
  let n = 1;
  const times = await timeRuns(() => executor.check(FIFTY_LINE_PROGRAM(n++)), 60, 5);
  await executor.close();
  await sandbox.close();
  return {
    tools: api.tools.length,
    servers: api.servers.length,
    programLines: FIFTY_LINE_PROGRAM(0).split("\n").length,
    diagnosticsOnProgram: first.length,
    generateApiMs: round(generateMs, 1),
    coldCheckMs: round(coldMs, 1),
    warmCheckMedianMs: round(median(times)),
    warmCheckP90Ms: round([...times].sort((a, b) => a - b)[Math.floor(times.length * 0.9)]!),
  };
}

/**
 * What the default type-check adds to a short one-call program against `server-memory`: executors with
 * type-check on and off, sampled round-robin. `same`: the program is sent again each time (answered from
 * the checker's cache); `new`: every sample is a program never seen before (checked and stripped in the
 * checker's thread, type-check off strips there too).
 */
async function typeCheckCost(): Promise<Record<string, unknown>> {
  const { present } = await backends();
  if (!present[0]) return { error: "no sandbox backend is installed" };
  const connections = await connectServers({
    mcpServers: {
      memory: { command: process.execPath, args: [memoryScript], env: { MEMORY_FILE_PATH: "/dev/null" } },
    },
  });
  const sandbox = await present[0].create();
  const on = await createExecutor({ catalogue: connections, sandbox, typeCheck: "error" });
  const off = await createExecutor({ catalogue: connections, sandbox, typeCheck: "off" });
  try {
    await on.warmUp();
    const program = (n: number) =>
      `const g = await memory.readGraph();\nconst n: number = g.entities.length;\nreturn n + ${n};`;
    // Yardsticks for a new program: the same check on this thread, with the warm checker (what the worker
    // does) and with a new TypeScript program per check (what it did before the warm checker).
    const declarations = (await on.api()).declarations;
    const inThread = new ProgramTypeChecker(declarations);
    const inThreadNoWarm = new ProgramTypeChecker(declarations, {}, { warm: false });
    inThread.warmUp();
    inThreadNoWarm.warmUp();
    let n = 0;
    // Three repetitions: the added cost is reported as min / median / max over them.
    const reps: Array<Record<string, number>> = [];
    for (let rep = 0; rep < 3; rep++) {
      reps.push(
        await interleaved(
          {
            offSame: () => off.execute(program(0)),
            onSame: () => on.execute(program(0)),
            offNew: () => off.execute(program(++n)),
            onNew: () => on.execute(program(++n)),
            checkOnHostThreadNew: () => inThread.check(program(++n)),
            checkOnHostThreadNewNoWarmChecker: () => inThreadNoWarm.check(program(++n)),
          },
          RUNS / 2,
        ),
      );
    }
    const spread = (f: (r: Record<string, number>) => number, digits = 3) => {
      const values = reps.map(f).sort((a, b) => a - b);
      return {
        min: round(values[0]!, digits),
        median: round(values[1]!, digits),
        max: round(values[2]!, digits),
      };
    };
    const m = Object.fromEntries(
      Object.keys(reps[0]!).map((k) => [k, round(median(reps.map((r) => r[k]!)))]),
    ) as Record<string, number>;
    return {
      backend: present[0].name,
      repetitions: reps.length,
      medianMs: m,
      addedMsSameProgram: spread((r) => r.onSame! - r.offSame!),
      addedMsNewProgram: spread((r) => r.onNew! - r.offNew!),
      ratioNewProgram: spread((r) => r.onNew! / r.offNew!, 2),
      hostThreadCheckMsWarmVsNewProgram: {
        warm: spread((r) => r.checkOnHostThreadNew!),
        newProgram: spread((r) => r.checkOnHostThreadNewNoWarmChecker!),
        ratio: spread((r) => r.checkOnHostThreadNewNoWarmChecker! / r.checkOnHostThreadNew!, 1),
      },
    };
  } finally {
    await on.close();
    await off.close();
    await sandbox.close();
    await connections.close();
  }
}

/**
 * A fresh Node process per sample, as a host starts: warm the checker, connect `server-memory` (code
 * mode does both at once), create the executor, then time the first and the second program (both new
 * texts, type-check on). The process imports the built packages, as a user's would.
 */
const FIRST_PROGRAM_SCRIPT = `
import { connectServers, createExecutor } from "@codecall/core";
import { warmUpTypeChecker } from "@codecall/core/internal";
import { quickjs } from "@codecall/sandbox-quickjs";
const memory = process.argv[1];
const typeCheck = process.argv[2];
const t0 = performance.now();
if (typeCheck !== "off") void warmUpTypeChecker();
const connections = await connectServers({ mcpServers: { memory: { command: process.execPath, args: [memory], env: { MEMORY_FILE_PATH: "/dev/null" } } } });
const connectedMs = performance.now() - t0;
const executor = await createExecutor({ catalogue: connections, sandbox: quickjs(), typeCheck });
const time = async (n) => {
  const t = performance.now();
  const r = await executor.execute("const g = await memory.readGraph();\\nconst n: number = g.entities.length;\\nreturn n + " + n + ";");
  if (!r.ok) throw new Error(r.envelope);
  return performance.now() - t;
};
const firstMs = await time(1);
const secondMs = await time(2);
await executor.close();
await connections.close();
process.stdout.write(JSON.stringify({ connectedMs, firstMs, secondMs }));
`;

async function firstProgram(): Promise<Record<string, unknown>> {
  const run = promisify(execFile);
  const here = fileURLToPath(new URL("../..", import.meta.url));
  type Sample = { connectedMs: number; firstMs: number; secondMs: number };
  const samples: Record<string, Sample[]> = { error: [], off: [] };
  // Alternating, so the machine's load falls on both modes alike; type-check off is the yardstick (the
  // engine's own first-use cost).
  for (let i = 0; i < 4; i++) {
    for (const mode of ["error", "off"]) {
      const { stdout } = await run(
        process.execPath,
        ["--input-type=module", "-e", FIRST_PROGRAM_SCRIPT, memoryScript, mode],
        { cwd: here, timeout: 300_000 },
      );
      samples[mode]!.push(JSON.parse(stdout) as Sample);
    }
  }
  const summary = (list: Sample[]) => {
    const extra = list.map((s) => s.firstMs - s.secondMs);
    return {
      medianConnectMs: round(median(list.map((s) => s.connectedMs)), 1),
      medianFirstMs: round(median(list.map((s) => s.firstMs)), 1),
      medianSecondMs: round(median(list.map((s) => s.secondMs)), 1),
      firstMinusSecondMs: {
        min: round(Math.min(...extra), 1),
        median: round(median(extra), 1),
        max: round(Math.max(...extra), 1),
      },
    };
  };
  const on = summary(samples.error!);
  const off = summary(samples.off!);
  return {
    processesPerMode: samples.off!.length,
    typeCheckOn: on,
    typeCheckOff: off,
    firstProgramExtraFromTypeCheckMs: round(on.firstMinusSecondMs.median - off.firstMinusSecondMs.median, 1),
  };
}

/**
 * Back-to-back executions of one sandbox (no idle between them, so no spare context is ready): QuickJS
 * and isolated-vm with its isolates reused (the default) and without, sampled round-robin in shuffled
 * order. Each sample is ten executions in a row of a trivial program, or of a program making one tool
 * call (answered by a local function). Ratios to QuickJS, min / median / max over three repetitions.
 */
async function backToBack(): Promise<Record<string, unknown>> {
  const { present, missing } = await backends();
  const ivmPackage = (await import("@codecall/sandbox-isolated-vm").catch(() => undefined)) as
    | typeof import("@codecall/sandbox-isolated-vm")
    | undefined;
  const quickjs = present.find((b) => b.name === "quickjs");
  if (!quickjs || !present.some((b) => b.name === "isolated-vm") || !ivmPackage)
    return { skipped: "needs QuickJS and isolated-vm", missing };
  const sandboxes: Record<string, Sandbox> = {
    quickjs: await quickjs.create(),
    isolatedVm: ivmPackage.isolatedVm(),
    isolatedVmNoReuse: ivmPackage.isolatedVm({ reuseIsolates: false }),
  };
  const programs = {
    trivial: { code: "return 1;" },
    oneToolCall: {
      code: "const r = await codecall.callTool('echo', { n: 1 });\nreturn r.n;",
      tools: () => ({ n: 1 }),
    },
  };
  const out: Record<string, unknown> = {};
  try {
    for (const [programName, request] of Object.entries(programs)) {
      const reps: Array<Record<string, number>> = [];
      for (let rep = 0; rep < 3; rep++) {
        const variants = Object.fromEntries(
          Object.entries(sandboxes).map(([key, sandbox]) => [
            key,
            async () => {
              for (let i = 0; i < 10; i++) {
                const r = await sandbox.execute(request);
                if (!r.ok) throw new Error(`${key}: ${r.error?.code} ${r.error?.message}`);
              }
            },
          ]),
        );
        const m = await interleaved(variants, 40);
        reps.push(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v / 10])));
      }
      const ratio = (key: string) => {
        const values = reps.map((r) => r[key]! / r.quickjs!).sort((a, b) => a - b);
        return { min: round(values[0]!, 2), median: round(values[1]!, 2), max: round(values[2]!, 2) };
      };
      out[programName] = {
        medianMsPerExecution: Object.fromEntries(
          Object.keys(sandboxes).map((k) => [k, round(median(reps.map((r) => r[k]!)))]),
        ),
        isolatedVmToQuickjs: ratio("isolatedVm"),
        isolatedVmNoReuseToQuickjs: ratio("isolatedVmNoReuse"),
      };
    }
  } finally {
    await Promise.all(Object.values(sandboxes).map((s) => s.close()));
  }
  return out;
}

export async function run(): Promise<Record<string, unknown>> {
  const only = process.env.CODECALL_BENCH_EXECUTOR_PARTS?.split(",");
  const parts: Record<string, () => Promise<Record<string, unknown>>> = {
    perExecution: overhead,
    typeCheck527Tools: typeCheck,
    typeCheckCost,
    firstProgram,
    backToBack,
  };
  const out: Record<string, unknown> = {};
  for (const [key, part] of Object.entries(parts)) {
    if (only && !only.includes(key)) continue;
    try {
      out[key] = await part();
    } catch (error) {
      out[key] = { error: error instanceof Error ? error.message : String(error) };
    }
  }
  return out;
}
