import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { init, parse } from "es-module-lexer";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./packages.js";

/**
 * The packages a built entry loads, followed through the package's own files: `static` at import time,
 * `dynamic` only when some code path asks for them (`import()`). Only other packages' names are returned.
 */
function importsOf(entry: string): { static: string[]; dynamic: string[] } {
  const found = { static: new Set<string>(), dynamic: new Set<string>() };
  const seen = new Set<string>();
  const visit = (file: string, kind: "static" | "dynamic") => {
    const key = `${kind}:${file}`;
    if (seen.has(key)) return;
    seen.add(key);
    const text = readFileSync(file, "utf8");
    const [imports] = parse(text);
    for (const { n: name, d } of imports) {
      if (name === undefined || d === -2) continue;
      const next = kind === "dynamic" || d > -1 ? "dynamic" : "static";
      if (name.startsWith(".")) visit(join(dirname(file), name), next);
      else if (!name.startsWith("node:")) found[next].add(name);
    }
    // TypeScript is loaded as CommonJS (core's executor/typescript.ts, through its code cache), at the load
    // of the file that does.
    if (/requireWithCompileCache\(\s*\w+\.resolve\(\s*"typescript"\s*\)/.test(text))
      found[kind].add("typescript");
  };
  visit(join(repoRoot, entry), "static");
  return {
    static: [...found.static].sort(),
    dynamic: [...found.dynamic].filter((n) => !found.static.has(n)).sort(),
  };
}

const HEAVY = ["typescript", "ts-morph", "@anthropic-ai/sdk", "libphonenumber-js/max"];

describe("each entry loads only what it needs (built output)", () => {
  beforeAll(() => init);

  it("@codecall/sandbox loads nothing but Node builtins", () => {
    expect(importsOf("packages/sandbox/dist/index.js")).toEqual({ static: [], dynamic: [] });
  });

  it("@codecall/sandbox-quickjs loads only the contract and QuickJS", () => {
    expect(importsOf("packages/sandbox-quickjs/dist/index.js").static).toEqual([
      "@codecall/sandbox",
      "@jitl/quickjs-wasmfile-release-sync",
      "quickjs-emscripten-core",
    ]);
  });

  it("@codecall/core loads no TypeScript, MCP SDK, Ajv, sucrase, Anthropic SDK or phone metadata at import", () => {
    const { static: loaded, dynamic } = importsOf("packages/core/dist/index.js");
    for (const name of [...HEAVY, "sucrase", "ajv", "@modelcontextprotocol/sdk/client/index.js"])
      expect(loaded, name).not.toContain(name);
    // The MCP SDK loads on first connect (the privacy detectors when privacy is on; phone metadata is
    // required on first use, which no import shows).
    expect(dynamic).toContain("@modelcontextprotocol/sdk/client/index.js");
  });

  it("per-tool limits and tracing load on first use: p-queue, p-retry, picomatch, @opentelemetry/api", () => {
    const { static: loaded, dynamic } = importsOf("packages/core/dist/index.js");
    const lazy = ["p-queue", "p-retry", "picomatch", "@opentelemetry/api"];
    for (const name of lazy) expect(loaded, name).not.toContain(name);
    expect(dynamic).toEqual(expect.arrayContaining(lazy));
  });

  it("TypeScript and sucrase load only in the type-check worker", () => {
    const worker = importsOf("packages/core/dist/executor/check-worker.js");
    expect([...worker.static, ...worker.dynamic]).toEqual(expect.arrayContaining(["typescript", "sucrase"]));
  });

  it("@codecall/core/privacy loads the contract's errors and the TLD list only", () => {
    const { static: loaded, dynamic } = importsOf("packages/core/dist/privacy/index.js");
    // Phone metadata (libphonenumber-js/max) is required on the first phone-shaped value, not imported.
    // The sandbox runner is not loaded either: its entry cost the privacy import about 10 ms.
    const allowed = ["@codecall/sandbox/errors", "tlds"];
    expect(loaded.filter((name) => !allowed.includes(name))).toEqual([]);
    expect(dynamic).toEqual([]);
  });

  it("@codecall/sandbox/errors holds the main entry's own error class, not a copy", async () => {
    const dist = (file: string) => pathToFileURL(join(repoRoot, "packages/sandbox/dist", file)).href;
    const main = await import(dist("index.js"));
    const errors = await import(dist("errors.js"));
    expect(errors.CodecallError).toBe(main.CodecallError);
    expect(new errors.CodecallError("SANDBOX_CRASHED", "x")).toBeInstanceOf(main.CodecallError);
  });

  it("only @codecall/core/agent loads the Anthropic SDK", () => {
    expect(importsOf("packages/core/dist/agent.js").static).toContain("@anthropic-ai/sdk");
    for (const entry of ["index.js", "mcp/index.js", "discovery/index.js", "privacy/index.js"]) {
      const { static: loaded, dynamic } = importsOf(`packages/core/dist/${entry}`);
      expect([...loaded, ...dynamic], entry).not.toContain("@anthropic-ai/sdk");
    }
  });

  it("no entry loads ts-morph, and codegen loads TypeScript only from @codecall/codegen/check", () => {
    const codegen = importsOf("packages/codegen/dist/index.js");
    expect([...codegen.static, ...codegen.dynamic]).not.toContain("ts-morph");
    expect([...codegen.static, ...codegen.dynamic]).not.toContain("typescript");
    expect(importsOf("packages/codegen/dist/check.js").static).toEqual(["typescript"]);
  });
});
