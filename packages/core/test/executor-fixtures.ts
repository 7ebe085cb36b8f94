/** Real MCP servers and the sandbox backends present, for the executor's end-to-end tests. */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { quickjs } from "@codecall/sandbox-quickjs";
import type { Sandbox } from "../src/internal.js";

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

/** A backend to run the executor's tests on. */
export interface TestBackend {
  name: string;
  skip?: string;
  create(): Promise<Sandbox>;
  teardown?(): Promise<void>;
}

/**
 * The backends core's own tests run on: QuickJS, a dev dependency. Every backend runs the executor's
 * end-to-end tests in the private `@codecall/integration` package.
 */
export async function presentBackends(): Promise<TestBackend[]> {
  return [{ name: "quickjs", create: async () => quickjs() }];
}
