/**
 * The release workflow: its shape (changesets version + publish with provenance), and a dry run of
 * `changeset version` on a copy of the workspace's manifests and pending changesets, checking the versions
 * it produces against the bumps the changesets ask for.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "./packages.js";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}

describe("release workflow", () => {
  const workflow = parse(readFileSync(join(repoRoot, ".github", "workflows", "release.yml"), "utf8")) as {
    on: { push: { branches: string[] } };
    permissions: Record<string, string>;
    jobs: { release: { steps: Step[] } };
  };
  const steps = workflow.jobs.release.steps;

  it("runs on main with the permissions provenance needs", () => {
    expect(workflow.on.push.branches).toEqual(["main"]);
    expect(workflow.permissions).toMatchObject({
      "id-token": "write",
      contents: "write",
      "pull-requests": "write",
    });
  });

  it("installs frozen, builds, then versions and publishes with changesets and provenance", () => {
    const runs = steps.map((s) => s.run).filter(Boolean);
    expect(runs).toEqual(["npx -y pnpm@10.34.9 install --frozen-lockfile", "npx -y pnpm@10.34.9 build"]);
    const changesets = steps.find((s) => s.uses?.startsWith("changesets/action@"));
    expect(changesets?.with).toMatchObject({
      version: "npx -y pnpm@10.34.9 changeset version",
      publish: "npx -y pnpm@10.34.9 changeset publish",
    });
    expect(changesets?.env).toMatchObject({ NPM_CONFIG_PROVENANCE: "true" });
    const node = steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(node?.with?.["registry-url"]).toBe("https://registry.npmjs.org");
  });
});

describe("changeset version, dry run", () => {
  const copy = mkdtempSync(join(tmpdir(), "codecall-release-"));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  /** Every manifest of the workspace and the pending changesets, nothing else. */
  function copyWorkspace(): string[] {
    const manifests = ["package.json", "pnpm-workspace.yaml"];
    for (const group of ["packages", "apps"])
      for (const entry of readdirSync(join(repoRoot, group)))
        if (existsSync(join(repoRoot, group, entry, "package.json")))
          manifests.push(join(group, entry, "package.json"));
    manifests.push(join("checks", "package.json"));
    for (const file of manifests) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(repoRoot, file), join(copy, file));
    }
    cpSync(join(repoRoot, ".changeset"), join(copy, ".changeset"), { recursive: true });
    return manifests.filter((m) => m.startsWith("packages/"));
  }

  /** The highest bump each package is given across the pending changesets. */
  function requestedBumps(): Map<string, "patch" | "minor" | "major"> {
    const order = ["patch", "minor", "major"] as const;
    const bumps = new Map<string, (typeof order)[number]>();
    for (const file of readdirSync(join(repoRoot, ".changeset")).filter(
      (f) => f.endsWith(".md") && f !== "README.md",
    )) {
      const front = readFileSync(join(repoRoot, ".changeset", file), "utf8").split("---")[1] ?? "";
      for (const [name, bump] of Object.entries(parse(front) ?? {}) as Array<
        [string, (typeof order)[number]]
      >) {
        const previous = bumps.get(name);
        if (!previous || order.indexOf(bump) > order.indexOf(previous)) bumps.set(name, bump);
      }
    }
    return bumps;
  }

  it("turns every pending changeset into versions and changelogs", () => {
    const manifests = copyWorkspace();
    const before = new Map(
      manifests.map((m) => {
        const json = JSON.parse(readFileSync(join(copy, m), "utf8")) as { name: string; version: string };
        return [json.name, json.version] as const;
      }),
    );
    const bumps = requestedBumps();
    expect(bumps.size).toBeGreaterThan(0);
    execFileSync(join(repoRoot, "node_modules", ".bin", "changeset"), ["version"], {
      cwd: copy,
      stdio: "pipe",
    });

    const pending = readdirSync(join(copy, ".changeset")).filter(
      (f) => f.endsWith(".md") && f !== "README.md",
    );
    expect(pending).toEqual([]);
    for (const m of manifests) {
      const json = JSON.parse(readFileSync(join(copy, m), "utf8")) as {
        name: string;
        version: string;
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      // changesets gives a major bump to a package whose workspace peer dependency leaves its range (on
      // 0.x, `^0.0.0` excludes 0.1.0), whatever its own changesets ask for.
      const peerBumped = Object.entries(json.peerDependencies ?? {}).some(
        ([name, range]) => range.startsWith("workspace:") && bumps.has(name),
      );
      const bump = peerBumped ? "major" : bumps.get(json.name);
      const [major, minor, patch] = (before.get(json.name) ?? "0.0.0").split(".").map(Number) as [
        number,
        number,
        number,
      ];
      if (bump) {
        const expected =
          bump === "major"
            ? `${major + 1}.0.0`
            : bump === "minor"
              ? `${major}.${minor + 1}.0`
              : `${major}.${minor}.${patch + 1}`;
        expect(json.version, json.name).toBe(expected);
        const changelog = readFileSync(join(copy, dirname(m), "CHANGELOG.md"), "utf8");
        expect(changelog).toContain(`## ${expected}`);
        if (bumps.has(json.name))
          expect(changelog, json.name).toMatch(/### (Major|Minor|Patch) Changes\n\n- /);
      } else if (json.version !== before.get(json.name)) {
        // Bumped only because a workspace dependency left its range: a patch, with a dependency bumped.
        expect(json.version, json.name).toBe(`${major}.${minor}.${patch + 1}`);
        expect(
          Object.keys(json.dependencies ?? {}).some((d) => bumps.has(d)),
          json.name,
        ).toBe(true);
      }
      // Workspace ranges stay workspace ranges; `pnpm publish` rewrites them in the tarball.
      for (const range of Object.values(json.dependencies ?? {}).filter((r) => r.startsWith("workspace:")))
        expect(range).toBe("workspace:^");
    }
  });
});
