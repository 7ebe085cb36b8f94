import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { init, parse } from "es-module-lexer";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./packages.js";

/**
 * The packages a built entry loads: its imports, static and dynamic, followed through the package's own
 * files. Only other packages' names (bare specifiers) are returned.
 */
function externalImports(entry: string): Set<string> {
  const external = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const [imports] = parse(readFileSync(file, "utf8"));
    for (const { n: name } of imports) {
      if (name === undefined) continue;
      if (name.startsWith(".")) visit(join(dirname(file), name));
      else external.add(name);
    }
  };
  visit(join(repoRoot, entry));
  return external;
}

const packagesOnly = (names: Set<string>) => [...names].filter((n) => !n.startsWith("node:")).sort();

describe("light entries stay light (built output; a backend user must not load MCP, TypeScript or Anthropic)", () => {
  beforeAll(() => init);

  it("@codecall/core/sandbox imports nothing but Node builtins", () => {
    expect(packagesOnly(externalImports("packages/core/dist/sandbox/index.js"))).toEqual([]);
  });

  it("@codecall/sandbox-quickjs imports only core's sandbox entry and QuickJS", () => {
    expect(packagesOnly(externalImports("packages/sandbox-quickjs/dist/index.js"))).toEqual([
      "@codecall/core/sandbox",
      "@jitl/quickjs-wasmfile-release-sync",
      "quickjs-emscripten-core",
    ]);
  });

  it("the main entry still loads the rest (the check can fail)", () => {
    expect(packagesOnly(externalImports("packages/core/dist/index.js"))).toContain("typescript");
  });
});
