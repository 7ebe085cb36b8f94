/**
 * `codecall serve` with one tenant per MCP session, over Streamable HTTP with the MCP SDK client and the
 * real server-memory: what a session costs to open (initialize + first program), and fairness — the
 * latency of a trivial program in session B while session A is busy, with A waiting on 300 sequential
 * tool calls (I/O-bound) and with A in a CPU-bound loop, each as a ratio to B on an idle server. QuickJS
 * runs on the event loop, so the CPU-bound ratio shows what moving engines off it would buy.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectServers } from "@codecall/core";
import { codeModePerSession, serveHttp } from "@codecall/mcp-server";
import { quickjs } from "@codecall/sandbox-quickjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { median, medianMs, round } from "../stats.js";

export const name = "serve";

const require = createRequire(import.meta.url);
const memoryScript = require.resolve("@modelcontextprotocol/server-memory/dist/index.js");

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "codecall-bench-serve-"));
  const connections = await connectServers({
    mcpServers: {
      memory: {
        command: process.execPath,
        args: [memoryScript],
        env: { MEMORY_FILE_PATH: join(dir, "m.jsonl") },
      },
    },
  });
  const sandbox = quickjs();
  const tenants = codeModePerSession({ connections, sandbox, persistState: true, privacy: {} });
  const serving = await serveHttp(tenants.create, { maxSessions: 1000 });
  const open = async () => {
    const client = new Client({ name: "bench", version: "0" });
    const transport = new StreamableHTTPClientTransport(new URL(serving.url));
    await client.connect(transport);
    return { client, transport };
  };
  const program = (client: Client, code: string) =>
    client.callTool({ name: "execute_code", arguments: { code } }, undefined, { timeout: 600_000 });
  try {
    const sessionOpenMs = await medianMs(
      async () => {
        const { client, transport } = await open();
        await program(client, "return 1");
        await transport.terminateSession();
        await client.close();
      },
      10,
      2,
    );

    const a = await open();
    const b = await open();
    const trivial = () => program(b.client, "return 1 + 1");
    const idleMs = await medianMs(trivial, 20, 3);
    /**
     * B's trivial program, timed again and again while A's program runs (every call B started before A
     * finished counts, even when A's CPU-bound loop holds it until the end).
     */
    const whileBusy = async (code: string) => {
      let done = false;
      const started = performance.now();
      let otherMs = 0;
      const busy = program(a.client, code).then((result) => {
        done = true;
        otherMs = performance.now() - started;
        if (result.isError) throw new Error(`session A's program failed: ${JSON.stringify(result.content)}`);
      });
      await new Promise((r) => setTimeout(r, 50));
      const times: number[] = [];
      // B means to start 50 ms into A's run; when A's engine holds the event loop, even that timer fires
      // late, so the first sample counts from when B meant to start.
      let t0 = started + 50;
      while (!done) {
        await trivial();
        times.push(performance.now() - t0);
        t0 = performance.now();
      }
      await busy;
      return { medianMs: round(median(times)), samples: times.length, otherProgramMs: round(otherMs) };
    };
    const ioBound = await whileBusy(
      "let n = 0; for (let i = 0; i < 300; i++) n += (await memory.readGraph({})).entities.length; return n;",
    );
    const cpuBound = await whileBusy(
      "let s = 0; for (let i = 0; i < 3e7; i++) s = (s + i) % 1000003; return s;",
    );
    await a.client.close();
    await b.client.close();
    return {
      sessionOpenMs,
      trivialIdleMs: idleMs,
      trivialWhileOtherIoBound: { ...ioBound, ratio: round(ioBound.medianMs / idleMs, 2) },
      trivialWhileOtherCpuBound: { ...cpuBound, ratio: round(cpuBound.medianMs / idleMs, 2) },
    };
  } finally {
    await serving.close();
    await tenants.close();
    await sandbox.close();
    await connections.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
