/** Real MCP servers and the sandbox backends present, for the executor's end-to-end tests. */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import type { Sandbox } from "../src/index.js";

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

/** Backend packages are not dependencies of core: import them by name at run time, if present. */
function load(name: string): Promise<unknown> {
  return import(/* @vite-ignore */ name).catch(() => ({}));
}

/** A backend to run the executor's tests on, or why it is not run here. */
export interface TestBackend {
  name: string;
  skip?: string;
  create(): Promise<Sandbox>;
  /** Frees what `create` set up beside the Sandbox (a stand-in server). */
  teardown?(): Promise<void>;
}

/**
 * Every backend present in this checkout: QuickJS (when its package exports `quickjs()`), isolated-vm
 * when importable (on Node 20+ it needs Node started with `--no-node-snapshot`), and E2B with a key.
 */
export async function presentBackends(): Promise<TestBackend[]> {
  const out: TestBackend[] = [];
  const quickjs = (await load("@codecall/sandbox-quickjs")) as { quickjs?: () => Sandbox };
  out.push({
    name: "quickjs",
    ...(quickjs.quickjs ? {} : { skip: "@codecall/sandbox-quickjs does not export quickjs() yet" }),
    create: async () => quickjs.quickjs!(),
  });
  const ivm = (await load("@codecall/sandbox-isolated-vm")) as {
    isolatedVm?: () => Sandbox;
    nodeSnapshotDisabled?: () => boolean;
  };
  const skip = !ivm.isolatedVm
    ? "@codecall/sandbox-isolated-vm is not importable"
    : !ivm.nodeSnapshotDisabled?.()
      ? "isolated-vm needs Node started with --no-node-snapshot (run with NODE_OPTIONS=--no-node-snapshot)"
      : undefined;
  out.push({ name: "isolated-vm", ...(skip ? { skip } : {}), create: async () => ivm.isolatedVm!() });
  // E2B: against the real service with a key; otherwise the real SDK in debug mode against the package's
  // local envd stand-in on a free port (real processes on this machine).
  const e2b = (await load("@codecall/sandbox-e2b")) as {
    e2b?: (options?: { debug?: boolean; sandboxUrl?: string }) => Sandbox;
  };
  const testing = (await load("@codecall/sandbox-e2b/testing")) as {
    startE2BStandIn?: (options: { port: number }) => Promise<{ url: string; close(): Promise<void> }>;
  };
  let standIn: { url: string; close(): Promise<void> } | undefined;
  out.push({
    name: process.env.E2B_API_KEY ? "e2b" : "e2b (local stand-in)",
    ...(e2b.e2b && (process.env.E2B_API_KEY || testing.startE2BStandIn)
      ? {}
      : { skip: "@codecall/sandbox-e2b is not importable" }),
    async create() {
      if (process.env.E2B_API_KEY) return e2b.e2b!();
      standIn = await testing.startE2BStandIn!({ port: 0 });
      return e2b.e2b!({ debug: true, sandboxUrl: standIn.url });
    },
    async teardown() {
      await standIn?.close();
      standIn = undefined;
    },
  });
  return out;
}
