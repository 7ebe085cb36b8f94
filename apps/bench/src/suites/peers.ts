/**
 * codecall against its peers, all run here in one run: a program with one tool call end to end, and a
 * program making 200 calls with `Promise.all`, against `@modelcontextprotocol/server-memory` over stdio
 * (each contender has its own connection to a server started from the same script). Contenders:
 * - a bare MCP SDK client's `callTool`: the yardstick every ratio divides by;
 * - a second bare client on a server process of its own (`bareMcpClientOtherServer`): the bench's noise
 *   floor. Every contender talks to its own server process, and on a busy machine two identical clients
 *   differ by that process's share of the CPU: 200 calls in one run measured 0.41x to 1.53x between two
 *   bare clients (the 200 calls are mostly the server's own time). Ratios inside this control's spread
 *   are not differences; it is why two node:vm peers measured below 1.0 on 200 calls.
 * - codecall: `createExecutor` (type-check off, a fresh context per execution) on each local backend,
 *   and on QuickJS with the default type-check (the same program each time: checked once, then answered
 *   from the checker's cache by its text);
 * - `@cloudflare/codemode`: its `runCode` (its own code normalisation) with a node:vm executor as its
 *   README shows ("build your own for Node VM"), the tools calling an MCP SDK client;
 * - mcp-use's code mode (`MCPClient` with `codeMode: true`, node:vm), when installed;
 * - UTCP's code mode (`@utcp/code-mode`, isolated-vm 6) and the AI SDK's (`@ai-sdk/code-mode`, QuickJS)
 *   under Node 22, in a child process beside a bare client on that Node (see `node22-peers.ts`); their
 *   samples time themselves there.
 * Every round samples the contenders in a new shuffled order (a contender that always follows another
 * absorbs its garbage collection and deferred work), with a short untimed idle after each sample. Three
 * repetitions; each ratio is reported as min / median / max over them. Contenders that cannot run here
 * are listed with the reason.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";
import { connectServers, createExecutor, type Sandbox } from "@codecall/core";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { node22Contenders, type SelfTimed } from "../node22-peers.js";
import { mcpUseClient } from "../peer-context.js";
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
const REPETITIONS = 3;
const ONE_CALL_RUNS = 100;
const MANY_CALLS_RUNS = 15;
const ONE_CALL = "const g = await memory.readGraph();\nreturn g.entities.length;";
const MANY_CALLS = `const graphs = await Promise.all(Array.from({ length: ${CALLS} }, () => memory.readGraph()));\nreturn graphs.length;`;

/** A contender: the two programs, each resolving once the program's result is back. */
interface Contender {
  oneCall(): Promise<unknown>;
  manyCalls(): Promise<unknown>;
  close(): Promise<void>;
}

async function sdkClient(): Promise<Client> {
  const client = new Client({ name: "bench-peers", version: "0" });
  await client.connect(new StdioClientTransport(memoryServer));
  return client;
}

async function bareClient(): Promise<Contender> {
  const client = await sdkClient();
  const call = () => client.callTool({ name: "read_graph", arguments: {} });
  return {
    oneCall: call,
    manyCalls: () => Promise.all(Array.from({ length: CALLS }, call)),
    close: () => client.close(),
  };
}

async function codecall(sandbox: Sandbox, typeCheck: "off" | "error" = "off"): Promise<Contender> {
  const connections = await connectServers({ mcpServers: { memory: memoryServer } });
  const executor = await createExecutor({ catalogue: connections, sandbox, typeCheck });
  if (typeCheck !== "off") await executor.warmUp();
  const run = async (program: string, expected: number) => {
    const result = await executor.execute(program);
    if (!result.ok || result.value !== expected)
      throw new Error(`codecall program failed: ${result.envelope}`);
  };
  await run(ONE_CALL, 0);
  return {
    oneCall: () => run(ONE_CALL, 0),
    manyCalls: () => run(MANY_CALLS, CALLS),
    close: async () => {
      await executor.close();
      await sandbox.close();
      await connections.close();
    },
  };
}

/**
 * Cloudflare's code mode in Node. Its package entries import `cloudflare:workers`; `runCode` (normalise
 * the model's code, hand it to an executor, turn an error into a throw) lives in a file of its own that
 * does not, loaded by path (pinned to the installed version, as in peer-context.ts). The executor is the
 * README's "simple Node VM executor", with node:vm's fresh context per execution so globals do not leak.
 */
async function cloudflareCodemode(): Promise<Contender> {
  const dist = dirname(fileURLToPath(import.meta.resolve("@cloudflare/codemode")));
  const { t: runCode } = (await import(pathToFileURL(join(dist, "run-code-Q3Jh6Dcu.js")).href)) as {
    t: (options: { code: string; executor: unknown; providers: unknown[] }) => Promise<{ result: unknown }>;
  };
  const client = await sdkClient();
  const fns = {
    read_graph: async (args: unknown) => {
      const result = await client.callTool({ name: "read_graph", arguments: (args ?? {}) as never });
      return result.structuredContent ?? result.content;
    },
  };
  const executor = {
    async execute(code: string, providers: Array<{ name: string; fns: Record<string, unknown> }>) {
      try {
        const globals = Object.fromEntries(providers.map((p) => [p.name, p.fns]));
        const fn = vm.runInNewContext(`(${code})`, globals) as () => Promise<unknown>;
        return { result: await fn() };
      } catch (error) {
        return { result: undefined, error: error instanceof Error ? error.message : String(error) };
      }
    },
  };
  const providers = [{ name: "codemode", fns }];
  const one = "async () => {\n  const g = await codemode.read_graph({});\n  return g.entities.length;\n}";
  const many = `async () => {\n  const graphs = await Promise.all(Array.from({ length: ${CALLS} }, () => codemode.read_graph({})));\n  return graphs.length;\n}`;
  const run = async (code: string, expected: number) => {
    const { result } = await runCode({ code, executor, providers });
    if (result !== expected) throw new Error(`cloudflare codemode program returned ${String(result)}`);
  };
  await run(one, 0);
  return { oneCall: () => run(one, 0), manyCalls: () => run(many, CALLS), close: () => client.close() };
}

/**
 * mcp-use's code mode: its MCPClient with `codeMode: true` runs programs in node:vm.
 */
async function mcpUse(): Promise<Contender> {
  const MCPClient = await mcpUseClient();
  const client = new MCPClient({ mcpServers: { memory: memoryServer } }, { codeMode: true });
  await client.createAllSessions();
  const one = "const g = await memory.read_graph({});\nreturn g.entities.length;";
  const many = `const graphs = await Promise.all(Array.from({ length: ${CALLS} }, () => memory.read_graph({})));\nreturn graphs.length;`;
  const run = async (code: string, expected: number) => {
    const out = await client.executeCode(code);
    if (out.error || out.result !== expected)
      throw new Error(`mcp-use program: ${JSON.stringify(out.error ?? out.result).slice(0, 300)}`);
  };
  await run(one, 0);
  return {
    oneCall: () => run(one, 0),
    manyCalls: () => run(many, CALLS),
    close: async () => {
      await client.closeAllSessions();
    },
  };
}

/** Medians of variants sampled round-robin, a new shuffled order every round, idling untimed after each sample. */
async function interleaved(
  variants: Record<string, () => Promise<unknown>>,
  runs: number,
  idleMs: number,
): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = {};
  const entries = Object.entries(variants);
  for (let i = 0; i < runs + 5; i++) {
    for (let j = entries.length - 1; j > 0; j--) {
      const k = Math.floor(Math.random() * (j + 1));
      [entries[j], entries[k]] = [entries[k]!, entries[j]!];
    }
    for (const [key, fn] of entries) {
      const t0 = performance.now();
      const out = await fn();
      const elapsed = (out as Partial<SelfTimed> | undefined)?.selfTimedMs ?? performance.now() - t0;
      if (i >= 5) {
        samples[key] ??= [];
        samples[key].push(elapsed);
      }
      await new Promise((r) => setTimeout(r, idleMs));
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, median(values)]));
}

/** Contenders that also divide by a bare client on their own Node (UTCP's code mode runs on Node 22). */
/**
 * The bare client each contender divides by: the one on its own Node. The Node 22 peers time themselves in
 * their child process, beside a bare client there; the Node 22 client itself is compared with the bench's.
 */
const YARDSTICK: Record<string, string> = {
  utcpCodeMode: "bareMcpClientNode22",
  aiSdkCodeMode: "bareMcpClientNode22",
};

/** Per contender: median ms (median over repetitions) and its ratio to its bare client, min / median / max. */
function summarize(reps: Array<Record<string, number>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(reps[0]!)) {
    const yardstick = YARDSTICK[key] ?? "bareMcpClient";
    const ratios = reps.map((r) => r[key]! / r[yardstick]!).sort((a, b) => a - b);
    out[key] = {
      medianMs: round(median(reps.map((r) => r[key]!))),
      ...(key === "bareMcpClient" || reps[0]![yardstick] === undefined
        ? {}
        : {
            ratioToBareClient: {
              yardstick,
              min: round(ratios[0]!, 2),
              median: round(median(ratios), 2),
              max: round(ratios[ratios.length - 1]!, 2),
            },
          }),
    };
  }
  return out;
}

export async function run(): Promise<Record<string, unknown>> {
  const contenders: Record<string, Contender> = {};
  const notRun: Record<string, string> = {};
  const add = async (key: string, make: () => Promise<Contender>) => {
    try {
      contenders[key] = await make();
    } catch (error) {
      notRun[key] = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    }
  };
  try {
    await add("bareMcpClient", bareClient);
    await add("bareMcpClientOtherServer", bareClient);
    const quickjs = await import("@codecall/sandbox-quickjs").catch(() => undefined);
    if (quickjs) await add("codecall-quickjs", () => codecall(quickjs.quickjs()));
    if (quickjs) await add("codecall-quickjs-typecheck", () => codecall(quickjs.quickjs(), "error"));
    const snapshotOff =
      process.execArgv.includes("--no-node-snapshot") ||
      (process.env.NODE_OPTIONS ?? "").includes("--no-node-snapshot");
    const ivm = snapshotOff
      ? await import("@codecall/sandbox-isolated-vm").catch(() => undefined)
      : undefined;
    if (ivm) await add("codecall-isolated-vm", () => codecall(ivm.isolatedVm()));
    else notRun["codecall-isolated-vm"] = "needs node --no-node-snapshot";
    await add("cloudflareCodemode", cloudflareCodemode);
    await add("mcpUseCodeMode", mcpUse);
    try {
      const node22 = await node22Contenders(memoryServer, CALLS);
      contenders.utcpCodeMode = node22.utcpCodeMode;
      contenders.aiSdkCodeMode = node22.aiSdkCodeMode;
      contenders.bareMcpClientNode22 = node22.bareMcpClientNode22;
    } catch (error) {
      const reason = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      notRun.utcpCodeMode = notRun.aiSdkCodeMode = reason;
    }
    if (!contenders.bareMcpClient) throw new Error(`the bare client did not start: ${notRun.bareMcpClient}`);
    const one: Array<Record<string, number>> = [];
    const many: Array<Record<string, number>> = [];
    for (let rep = 0; rep < REPETITIONS; rep++) {
      one.push(
        await interleaved(
          Object.fromEntries(Object.entries(contenders).map(([k, c]) => [k, () => c.oneCall()])),
          ONE_CALL_RUNS,
          3,
        ),
      );
      many.push(
        await interleaved(
          Object.fromEntries(Object.entries(contenders).map(([k, c]) => [k, () => c.manyCalls()])),
          MANY_CALLS_RUNS,
          3,
        ),
      );
    }
    return {
      program: { oneCall: ONE_CALL, calls200: MANY_CALLS },
      repetitions: REPETITIONS,
      oneToolCallEndToEnd: summarize(one),
      calls200PromiseAll: summarize(many),
      notRun,
      note: "All contenders ran in this run, sampled round-robin in a new shuffled order each round; ratios divide by the bare MCP client's callTool measured in the same repetition. codecall: createExecutor, typeCheck off (codecall-quickjs-typecheck: the default check, the same program each time), fresh context per execution. bareMcpClientOtherServer is a second bare client on its own server process: the spread of its ratio is the bench's noise floor. node:vm (Cloudflare's executor here, mcp-use) is no security boundary. UTCP's and the AI SDK's code modes run under Node 22 in a child process and time themselves there, beside a bare client on the same Node (bareMcpClientNode22, their yardstick). UTCP's tool functions are synchronous inside the isolate, so its 200 calls run one after another; the AI SDK's allows 32 calls in flight by default, raised to 200 for that program.",
    };
  } finally {
    for (const contender of Object.values(contenders)) await contender.close().catch(() => undefined);
  }
}
