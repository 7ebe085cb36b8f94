/**
 * Every publishable package passes publint and @arethetypeswrong (ESM-only profile), and the packages
 * install one by one as users will: `@codecall/core` and the QuickJS backend are packed, installed with npm
 * into an empty project outside the workspace, and a short example runs and type-checks there.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkPackage, createPackageFromTarballData } from "@arethetypeswrong/core";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { describe, expect, it } from "vitest";
import { pack, repoRoot, workspacePackages } from "./packages.js";

const publishable = workspacePackages().filter((p) => !p.private);
const packDir = mkdtempSync(join(tmpdir(), "codecall-pack-"));
const tarballs = new Map<string, string>();
function tarballOf(name: string): string {
  let tarball = tarballs.get(name);
  if (!tarball) {
    const pkg = publishable.find((p) => p.name === name);
    if (!pkg) throw new Error(`no publishable package ${name}`);
    tarball = pack(pkg, packDir);
    tarballs.set(name, tarball);
  }
  return tarball;
}

describe.each(publishable.map((p) => [p.name, p] as const))("%s", (_name, pkg) => {
  it("passes publint", async () => {
    const { messages } = await publint({ pkgDir: pkg.dir, level: "suggestion", strict: true, pack: "pnpm" });
    const text = messages.map((m) => `${m.type}: ${formatMessage(m, pkg.manifest) ?? m.code}`);
    expect(text).toEqual([]);
  });

  it("passes @arethetypeswrong (ESM only: node16-esm and bundler resolution)", async () => {
    const data = new Uint8Array(readFileSync(tarballOf(pkg.name)));
    const result = await checkPackage(createPackageFromTarballData(data));
    expect(result.types).not.toBe(false);
    const problems = "problems" in result ? result.problems : [];
    const relevant = problems.filter(
      (p) => !("resolutionKind" in p) || p.resolutionKind === "node16-esm" || p.resolutionKind === "bundler",
    );
    expect(relevant).toEqual([]);
  });
});

describe("installed from tarballs into an empty project", () => {
  it("runs and type-checks a short example with @codecall/core and @codecall/sandbox-quickjs", () => {
    // core depends on codegen and the sandbox contract, so their tarballs come too (overrides keep npm off the registry for them).
    const names = ["@codecall/core", "@codecall/codegen", "@codecall/sandbox", "@codecall/sandbox-quickjs"];
    const local = Object.fromEntries(names.map((n) => [n, `file:${tarballOf(n)}`]));
    const project = mkdtempSync(join(tmpdir(), "codecall-consumer-"));
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify(
        { name: "consumer", private: true, type: "module", dependencies: local, overrides: local },
        null,
        2,
      ),
    );
    execFileSync(
      "npm",
      ["install", "--no-audit", "--no-fund", "--loglevel=error", "typescript@~5.9.3", "@types/node@^20"],
      {
        cwd: project,
        stdio: "pipe",
      },
    );
    writeFileSync(
      join(project, "example.ts"),
      readFileSync(join(repoRoot, "checks", "fixtures", "example.ts"), "utf8"),
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          types: ["node"],
        },
        files: ["example.ts"],
      }),
    );
    execFileSync(join(project, "node_modules", ".bin", "tsc"), ["-p", "."], { cwd: project, stdio: "pipe" });
    execFileSync(
      join(project, "node_modules", ".bin", "tsc"),
      ["-p", ".", "--noEmit", "false", "--outDir", "out"],
      { cwd: project },
    );
    const output = execFileSync(process.execPath, [join(project, "out", "example.js")], {
      cwd: project,
      encoding: "utf8",
    });
    expect(JSON.parse(output)).toMatchObject({
      ok: true,
      value: { total: 6, calls: 3 },
      guarded: { assignee: "On Hold", owner: "[NAME_1]" },
    });
  });
});
