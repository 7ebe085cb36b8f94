/**
 * The V8 code cache TypeScript loads with in the type-check worker: written by the first process after its
 * warm-up, taken by the next, and TypeScript from it is the very module `import "typescript"` gives.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const module = fileURLToPath(new URL("../src/executor/typescript-code-cache.ts", import.meta.url));
// A fresh process each time: the cache is read once per thread, before anything imports TypeScript.
const SCRIPT = `
const cache = await import(${JSON.stringify(module)});
cache.preloadTypeScript();
const ts = (await import("typescript")).default;
const program = ts.createProgram(["/x.ts"], { noEmit: true, lib: ["lib.es5.d.ts"] });
program.getSemanticDiagnostics();
const state = cache.typeScriptCodeCacheState();
cache.saveTypeScriptCodeCache();
const { createRequire } = await import("node:module");
const same = createRequire(${JSON.stringify(module)}).cache[createRequire(${JSON.stringify(module)}).resolve("typescript")]?.exports === ts;
process.stdout.write(JSON.stringify({ state, same }));
`;

const home = mkdtempSync(join(tmpdir(), "codecall-code-cache-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function fresh(env: Record<string, string>): Promise<{ state: string; same: boolean }> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", SCRIPT], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return JSON.parse(stdout) as { state: string; same: boolean };
}

describe("TypeScript's code cache", () => {
  it("is written by the first process, in a folder of the user's own, and taken by the next", async () => {
    const first = await fresh({ CODECALL_HOME: home });
    expect(first).toEqual({ state: "compiled", same: true });
    const folder = join(home, "cache");
    const files = readdirSync(folder);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^typescript-\d+\.\d+\.\d+-\d+-nodev\d+.*\.v8cache$/);
    expect(statSync(folder).mode & 0o077).toBe(0);
    const second = await fresh({ CODECALL_HOME: home });
    expect(second).toEqual({ state: "used", same: true });
  }, 180_000);

  it("is off with CODECALL_CODE_CACHE=0, and TypeScript loads as usual", async () => {
    const other = mkdtempSync(join(tmpdir(), "codecall-code-cache-off-"));
    try {
      const result = await fresh({ CODECALL_HOME: other, CODECALL_CODE_CACHE: "0" });
      expect(result.state).toBe("off");
      expect(existsSync(join(other, "cache"))).toBe(false);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }, 180_000);
});
