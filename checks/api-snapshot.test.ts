/**
 * The public API of every published entry, as its built declarations show it: each exported name with
 * its kind and type, one file per package under `checks/api/`. A change to the public API changes the
 * file, so it shows in review; accept it with `pnpm exec vitest run --project checks api-snapshot -u`.
 */
import { join } from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot, workspacePackages } from "./packages.js";

/** `exports` entries of a package that have declarations, internal ones left out. */
function publicEntries(manifest: Record<string, unknown>): Array<[string, string]> {
  const exports = (manifest.exports ?? {}) as Record<string, unknown>;
  return Object.entries(exports)
    .filter(([subpath, target]) => typeof target === "object" && !subpath.endsWith("/internal"))
    .map(([subpath, target]) => [subpath, (target as { types: string }).types]);
}

const MAX_TYPE = 400;

/** One line per exported name: `kind name: type`, sorted. */
function describeEntry(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`no declarations at ${file}`);
  const module = checker.getSymbolAtLocation(source);
  if (!module) return [];
  return checker
    .getExportsOfModule(module)
    .map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const declaration = target.declarations?.[0];
      const kind = declaration ? ts.SyntaxKind[declaration.kind].replace(/Declaration$/, "") : "unknown";
      let type = "";
      if (target.flags & (ts.SymbolFlags.Value & ~ts.SymbolFlags.Class)) {
        type = checker.typeToString(
          checker.getTypeOfSymbolAtLocation(target, source),
          undefined,
          ts.TypeFormatFlags.NoTruncation,
        );
      } else if (target.flags & ts.SymbolFlags.TypeAlias || target.flags & ts.SymbolFlags.Interface) {
        type = checker.typeToString(
          checker.getDeclaredTypeOfSymbol(target),
          undefined,
          ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.InTypeAlias,
        );
        if (target.flags & ts.SymbolFlags.Interface) {
          const members = checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(target));
          type = `{ ${members.map((m) => m.name).join("; ")} }`;
        }
      }
      if (type.length > MAX_TYPE) type = `${type.slice(0, MAX_TYPE)}…`;
      return `${kind} ${symbol.name}${type ? `: ${type}` : ""}`;
    })
    .sort();
}

const published = workspacePackages().filter((p) => !p.private);
let program: ts.Program;

describe("public API snapshot (built declarations)", () => {
  beforeAll(() => {
    // One program over every entry: the packages share most of their declarations.
    const files = published.flatMap((pkg) =>
      publicEntries(pkg.manifest).map(([, types]) => join(pkg.dir, types)),
    );
    program = ts.createProgram(files, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      noEmit: true,
      types: ["node"],
    });
  });

  it.each(published.map((p) => [p.name, p] as const))("%s", async (_name, pkg) => {
    const entries = publicEntries(pkg.manifest);
    const text = entries
      .map(([subpath, types]) => {
        const lines = describeEntry(program, join(pkg.dir, types));
        return `## ${pkg.name}${subpath === "." ? "" : subpath.slice(1)}\n\n${lines.join("\n")}\n`;
      })
      .join("\n");
    const file = join(repoRoot, "checks", "api", `${pkg.name.replace("@codecall/", "")}.api.md`);
    await expect(text).toMatchFileSnapshot(file);
  });
});
