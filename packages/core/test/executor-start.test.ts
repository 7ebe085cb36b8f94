import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

/** Runs an ES module script in a Node process of its own; its stdout and exit code (null: killed at the timeout). */
async function runScript(script: string): Promise<{ out: string; code: number | null }> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, 60_000);
    child.once("exit", (exit) => {
      clearTimeout(timer);
      resolve(exit);
    });
  });
  return { out: out.trim(), code };
}

describe("executor start-up", () => {
  // The built packages, as a user runs them (`pnpm test` builds first), in a process of their own: the
  // executor starts its engine and the checker's thread at creation; neither may hold the process open.
  const core = new URL("../dist/index.js", import.meta.url).href;
  const quickjs = new URL("../../sandbox-quickjs/dist/index.js", import.meta.url).href;

  it("an executor made with type-check off, never used nor closed, lets its process exit", async () => {
    const script = `const { createExecutor } = await import(${JSON.stringify(core)});
const { quickjs } = await import(${JSON.stringify(quickjs)});
await createExecutor({ servers: [], callTool: async () => null, sandbox: quickjs(), typeCheck: "off" });
console.log("made");`;
    expect(await runScript(script)).toEqual({ out: "made", code: 0 });
  });

  it("the warm engine and checker thread serve the first programs, checked or not, in fresh contexts", async () => {
    const script = `const { createExecutor } = await import(${JSON.stringify(core)});
const { quickjs } = await import(${JSON.stringify(quickjs)});
const executor = await createExecutor({ servers: [], callTool: async () => null, sandbox: quickjs(), typeCheck: "off" });
const a = await executor.execute("globalThis.seen = 1; const n: number = 6; return n * 7;");
const b = await executor.execute("return typeof seen;");
const c = await executor.execute("const s: string = 1; return s;", { typeCheck: "error" });
await executor.close();
console.log(JSON.stringify([a.value, b.value, c.error?.code]));`;
    expect(await runScript(script)).toEqual({
      out: JSON.stringify([42, "undefined", "TYPE_CHECK_FAILED"]),
      code: 0,
    });
  });
});
