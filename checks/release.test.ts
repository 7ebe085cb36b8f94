/**
 * A dry run of the release: `changeset version` on a copy of the workspace's manifests and changesets,
 * asserting the versions it would produce. Backends peer on `@codecall/sandbox` with a range that a minor
 * release stays inside, so a change to the contract does not force every backend to a new major.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot, workspacePackages } from "./packages.js";

const changesetBin = join(repoRoot, "node_modules", ".bin", "changeset");
let copy: string;

/** The packages each pending changeset names, from its front matter. */
function namedInChangesets(): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(join(repoRoot, ".changeset")).filter((f) => f.endsWith(".md"))) {
    const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(repoRoot, ".changeset", file), "utf8"));
    for (const line of front?.[1]?.split("\n") ?? []) {
      const name = /^"([^"]+)":/.exec(line.trim())?.[1];
      if (name) names.add(name);
    }
  }
  return names;
}

const versionIn = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), "codecall-release-"));
  for (const file of ["package.json", "pnpm-workspace.yaml"]) cpSync(join(repoRoot, file), join(copy, file));
  cpSync(join(repoRoot, ".changeset"), join(copy, ".changeset"), { recursive: true });
  for (const group of ["packages", "apps"]) {
    for (const entry of readdirSync(join(repoRoot, group))) {
      const manifest = join(repoRoot, group, entry, "package.json");
      if (!existsSync(manifest)) continue;
      mkdirSync(join(copy, group, entry), { recursive: true });
      cpSync(manifest, join(copy, group, entry, "package.json"));
    }
  }
  mkdirSync(join(copy, "checks"));
  cpSync(join(repoRoot, "checks", "package.json"), join(copy, "checks", "package.json"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: copy, stdio: "pipe" });
  git("init", "-q");
  git("add", "-A");
  git("-c", "user.email=release@example.com", "-c", "user.name=release", "commit", "-qm", "release dry run");
  execFileSync(changesetBin, ["version"], { cwd: copy, stdio: "pipe" });
});

describe("changeset version (dry run on a copy)", () => {
  const published = workspacePackages().filter((p) => !p.private);

  it("bumps every package a changeset names, and none to a new major", () => {
    const named = namedInChangesets();
    expect(named.size).toBeGreaterThan(0);
    for (const pkg of published) {
      const dir = join(copy, "packages", pkg.dir.split("/").at(-1)!);
      const before = String(pkg.manifest.version);
      const after = versionIn(dir);
      if (named.has(pkg.name)) expect(after, pkg.name).not.toBe(before);
      expect(after.split(".")[0], `${pkg.name} ${before} -> ${after}`).toBe(before.split(".")[0]);
    }
  });

  it("keeps the backends' peer range on the contract satisfied by its new version", () => {
    const contract = versionIn(join(copy, "packages", "sandbox"));
    for (const backend of ["sandbox-quickjs", "sandbox-isolated-vm", "sandbox-e2b", "sandbox-testkit"]) {
      const manifest = JSON.parse(readFileSync(join(copy, "packages", backend, "package.json"), "utf8")) as {
        peerDependencies: Record<string, string>;
      };
      const range = manifest.peerDependencies["@codecall/sandbox"]!.replace(/^workspace:/, "");
      expect(range, backend).toBe(">=0.0.0 <1.0.0");
      expect(Number(contract.split(".")[0]), backend).toBe(0);
    }
  });

  it("writes changelogs whose entries link their commit", () => {
    const changelog = readFileSync(join(copy, "packages", "core", "CHANGELOG.md"), "utf8");
    expect(changelog).toMatch(
      /- \[[0-9a-f]{7}\]\(https:\/\/github\.com\/codecall-dev\/codecall\/commit\/[0-9a-f]{40}\): /,
    );
  });

  it("leaves private packages unpublished and unversioned by the ignore list", () => {
    for (const app of ["demo", "bench"])
      expect(versionIn(join(copy, "apps", app))).toBe(versionIn(join(repoRoot, "apps", app)));
  });
});
