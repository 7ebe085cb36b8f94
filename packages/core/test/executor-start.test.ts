import { spawn } from "node:child_process";
import { quickjs as quickjsSandbox } from "@codecall/sandbox-quickjs";
import { describe, expect, it } from "vitest";
import { createExecutor } from "../src/index.js";

/** Runs an ES module script in a Node process of its own; its stdout and exit code (null: killed at the timeout). */
async function runScript(
  script: string,
  flags: string[] = [],
): Promise<{ out: string; code: number | null }> {
  const child = spawn(process.execPath, [...flags, "--input-type=module", "-e", script], {
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

  it("checks programs in a host started with a flag a worker thread refuses (--expose-gc)", async () => {
    const script = `const { createExecutor } = await import(${JSON.stringify(core)});
const { quickjs } = await import(${JSON.stringify(quickjs)});
const executor = await createExecutor({ servers: [], callTool: async () => null, sandbox: quickjs() });
const a = await executor.execute("const n: number = 6; return n * 7;");
const b = await executor.execute("const s: string = 1; return s;");
await executor.close();
console.log(JSON.stringify([a.value, b.error?.code, typeof gc]));`;
    expect(await runScript(script, ["--expose-gc"])).toEqual({
      out: JSON.stringify([42, "TYPE_CHECK_FAILED", "function"]),
      code: 0,
    });
  });

  it("starts the engine at creation, and closes a sandbox it owns when the API cannot be built", async () => {
    const made: Array<{ warmed: number; closed: number }> = [];
    const sandbox = () => {
      const real = quickjsSandbox();
      const seen = { warmed: 0, closed: 0 };
      made.push(seen);
      return {
        ...real,
        warmUp: () => {
          seen.warmed++;
          return real.warmUp!();
        },
        close: () => {
          seen.closed++;
          return real.close();
        },
      };
    };
    const executor = await createExecutor({
      servers: [],
      callTool: async () => ({ content: [] }),
      sandbox,
      typeCheck: "off",
    });
    expect(made).toEqual([{ warmed: 1, closed: 0 }]);
    await executor.close();
    expect(made[0]!.closed).toBe(1);
    // A catalogue that cannot list its servers: the API fails to build after the sandbox was opened.
    const broken = createExecutor({
      catalogue: {
        servers: async () => {
          throw new Error("the catalogue is down");
        },
        callTool: async () => ({ content: [] }),
        version: 1,
      },
      sandbox,
      typeCheck: "off",
    });
    await expect(broken).rejects.toThrow("the catalogue is down");
    expect(made[1]).toEqual({ warmed: 1, closed: 1 });
  });
});
