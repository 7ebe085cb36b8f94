/**
 * MCP connection costs against a real `server-memory` over stdio: connecting (spawn, initialize,
 * tools/list), one tool call, and 200 calls with `Promise.all`, each through codecall's `McpConnections`
 * and through a bare MCP SDK client, reported with their ratio. Plus close() time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectServers } from "@codecall/core";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { medianMs, round } from "../stats.js";

export const name = "mcp";

const require = createRequire(import.meta.url);
const memoryScript = require.resolve("@modelcontextprotocol/server-memory/dist/index.js");

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "codecall-bench-mcp-"));
  const env = { MEMORY_FILE_PATH: join(dir, "memory.jsonl") };
  const config = { memory: { command: process.execPath, args: [memoryScript], env } };
  const bare = async () => {
    const client = new Client({ name: "bench", version: "0" });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [memoryScript], env, stderr: "pipe" }),
    );
    await client.listTools();
    return client;
  };
  try {
    const connectCodecall = await medianMs(async () => (await connectServers(config)).close(), 10, 2);
    const connectBare = await medianMs(async () => (await bare()).close(), 10, 2);

    const mcp = await connectServers(config);
    const client = await bare();
    const callCodecall = await medianMs(() => mcp.callTool("memory", "read_graph", {}), 500);
    const callBare = await medianMs(() => client.callTool({ name: "read_graph", arguments: {} }), 500);
    const many = (fn: () => Promise<unknown>) => () => Promise.all(Array.from({ length: 200 }, fn));
    const parallelCodecall = await medianMs(
      many(() => mcp.callTool("memory", "read_graph", {})),
      20,
      3,
    );
    const parallelBare = await medianMs(
      many(() => client.callTool({ name: "read_graph", arguments: {} })),
      20,
      3,
    );
    const t0 = performance.now();
    await mcp.close();
    const closeMs = round(performance.now() - t0);
    await client.close();
    return {
      connectMs: {
        codecall: connectCodecall,
        bare: connectBare,
        ratio: round(connectCodecall / connectBare, 2),
      },
      oneCallMs: { codecall: callCodecall, bare: callBare, ratio: round(callCodecall / callBare, 2) },
      parallel200Ms: {
        codecall: parallelCodecall,
        bare: parallelBare,
        ratio: round(parallelCodecall / parallelBare, 2),
      },
      closeMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
