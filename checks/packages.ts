import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));

export interface WorkspacePackage {
  name: string;
  dir: string;
  private: boolean;
  manifest: Record<string, unknown>;
}

/** Every package under `packages/`, read from its package.json. */
export function workspacePackages(): WorkspacePackage[] {
  const root = join(repoRoot, "packages");
  return readdirSync(root)
    .sort()
    .filter((entry) => existsSync(join(root, entry, "package.json")))
    .map((entry) => {
      const dir = join(root, entry);
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
      return { name: String(manifest.name), dir, private: manifest.private === true, manifest };
    });
}

/** Packs one package with `pnpm pack` (which rewrites `workspace:` ranges) and returns the tarball path. */
export function pack(pkg: WorkspacePackage, into = mkdtempSync(join(tmpdir(), "codecall-pack-"))): string {
  const out = execFileSync("pnpm", ["pack", "--pack-destination", into], { cwd: pkg.dir, encoding: "utf8" });
  const tarball = out
    .trim()
    .split("\n")
    .map((l) => l.trim())
    .reverse()
    .find((l) => l.endsWith(".tgz"));
  if (!tarball) throw new Error(`pnpm pack printed no tarball for ${pkg.name}:\n${out}`);
  return tarball.startsWith("/") ? tarball : join(into, tarball);
}
