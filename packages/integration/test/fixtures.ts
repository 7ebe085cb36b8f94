/** Real MCP servers and every sandbox backend, for the end-to-end tests. */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import type { Sandbox } from "@codecall/core";
import { e2b } from "@codecall/sandbox-e2b";
import { startE2BStandIn } from "@codecall/sandbox-e2b/testing";
import { isolatedVm, nodeSnapshotDisabled } from "@codecall/sandbox-isolated-vm";
import { quickjs } from "@codecall/sandbox-quickjs";

const require = createRequire(import.meta.url);

/** The entry script of a reference MCP server installed from npm. */
export function serverScript(name: "server-memory" | "server-filesystem" | "server-everything"): string {
  return require.resolve(`@modelcontextprotocol/${name}/dist/index.js`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `server-everything` in Streamable HTTP mode on a free local port. */
export async function startEverythingHttp(): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [serverScript("server-everything"), "streamableHttp"], {
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`server-everything did not start: ${stderr}`)), 15_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/listening on port/i.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server-everything exited (${code}): ${stderr}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** A backend to run the end-to-end tests on. */
export interface TestBackend {
  name: string;
  create(): Promise<Sandbox>;
  /** Frees what `create` set up beside the Sandbox (a stand-in server). */
  teardown?(): Promise<void>;
}

/**
 * Every backend, imported statically: a backend that fails to load fails the run instead of being
 * skipped. isolated-vm needs Node started with `--no-node-snapshot` (this package's vitest config does
 * it). E2B runs against the real service with a key, otherwise the real SDK in debug mode against the
 * package's local envd stand-in on a free port (real processes on this machine).
 */
export function allBackends(): TestBackend[] {
  if (!nodeSnapshotDisabled())
    throw new Error(
      "isolated-vm needs Node started with --no-node-snapshot; run through this package's vitest config.",
    );
  let standIn: { url: string; close(): Promise<void> } | undefined;
  return [
    { name: "quickjs", create: async () => quickjs() },
    { name: "isolated-vm", create: async () => isolatedVm() },
    {
      name: process.env.E2B_API_KEY ? "e2b" : "e2b (local stand-in)",
      async create() {
        if (process.env.E2B_API_KEY) return e2b();
        standIn = await startE2BStandIn({ port: 0 });
        return e2b({ debug: true, sandboxUrl: standIn.url });
      },
      async teardown() {
        await standIn?.close();
        standIn = undefined;
      },
    },
  ];
}
