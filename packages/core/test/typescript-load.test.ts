/**
 * TypeScript is loaded as CommonJS (src/executor/typescript.ts, through its code cache): an ES `import` of
 * its 9 MB CommonJS file makes Node detect the file's format and scan it for named exports first, about
 * doubling the load the first checked program waits for. This keeps every other module to type-only
 * imports of it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const src = new URL("../src/", import.meta.url);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

it("no module of core imports TypeScript as a value but the one that requires it", () => {
  const root = src.pathname;
  const valueImports = sources(root).filter((file) => {
    const text = readFileSync(file, "utf8");
    return (
      /^import\s+(?!type\b)[^;]*?\bfrom\s+["']typescript["']/m.test(text) ||
      /\bimport\(\s*["']typescript["']\s*\)/.test(text)
    );
  });
  expect(valueImports.map((file) => file.slice(root.length))).toEqual([]);
  expect(readFileSync(join(root, "executor/typescript.ts"), "utf8")).toMatch(
    /requireWithCompileCache\(\s*resolveHere\.resolve\("typescript"\)/,
  );
});
