/**
 * What each entry costs a user before any work: the time to import it in a fresh Node process (Node's own
 * start excluded), the memory it holds afterwards, and the disk its package and production dependencies
 * take once installed. Yardsticks in the same run: the MCP SDK's client alone, and `typescript` alone.
 * Entries are sampled round-robin in a shuffled order, so machine load falls on all of them alike.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median, round } from "../stats.js";

export const name = "imports";

const here = dirname(fileURLToPath(import.meta.url));
const benchDir = join(here, "..", "..");
const repo = join(benchDir, "..", "..");
const ROUNDS = 9;

/** What users import, with the goal the architecture issue set where it set one. */
const ENTRIES: Array<{ specifier: string; goalMs?: number }> = [
  { specifier: "@codecall/sandbox" },
  { specifier: "@codecall/sandbox-quickjs" },
  { specifier: "@codecall/core", goalMs: 300 },
  { specifier: "@codecall/core/privacy", goalMs: 50 },
  { specifier: "@codecall/core/mcp" },
  { specifier: "@codecall/core/discovery" },
  { specifier: "@codecall/core/agent" },
  { specifier: "@modelcontextprotocol/sdk/client/index.js" },
  { specifier: "typescript" },
];

/** Milliseconds to import `specifier` in a fresh process, and the process's RSS after it, in MB. */
function importOnce(specifier: string): { ms: number; rssMb: number } {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); const ms = performance.now() - t; console.log(JSON.stringify({ ms, rssMb: process.memoryUsage().rss / 2 ** 20 }));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: benchDir,
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").at(-1)!) as { ms: number; rssMb: number };
}

function bytesAt(path: string): number {
  try {
    return statSync(path).isDirectory() ? dirBytes(path) : statSync(path).size;
  } catch {
    return 0;
  }
}

/** Bytes on disk of a directory, its nested node_modules left out. */
function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += dirBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/**
 * Installed size of a package: itself plus the closure of its production dependencies (optional peers
 * left out), each counted once. Workspace packages count their published files (`dist`, README).
 */
function installedBytes(packageDir: string): { bytes: number; packages: number } {
  const seen = new Set<string>();
  let bytes = 0;
  const visit = (dir: string) => {
    const real = realpathSync(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const manifest = JSON.parse(readFileSync(join(real, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      files?: string[];
    };
    // A workspace package installs its published files; an installed one is already what npm unpacked.
    const workspace = !real.includes("node_modules");
    bytes += workspace
      ? (manifest.files ?? []).reduce(
          (sum, f) => sum + bytesAt(join(real, f)),
          bytesAt(join(real, "package.json")),
        )
      : dirBytes(real);
    const require = createRequire(join(real, "package.json"));
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      let depDir: string | undefined;
      try {
        depDir = dirname(require.resolve(`${dep}/package.json`));
      } catch {
        // Packages whose exports hide package.json: find the folder through node_modules.
        for (let d = real; d !== dirname(d); d = dirname(d)) {
          try {
            statSync(join(d, "node_modules", dep, "package.json"));
            depDir = join(d, "node_modules", dep);
            break;
          } catch {}
        }
      }
      if (depDir) visit(depDir);
    }
  };
  visit(packageDir);
  return { bytes, packages: seen.size };
}

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export async function run(): Promise<Record<string, unknown>> {
  const samples = new Map<string, Array<{ ms: number; rssMb: number }>>(
    ENTRIES.map((e) => [e.specifier, []]),
  );
  for (let round_ = 0; round_ < ROUNDS; round_++) {
    for (const entry of shuffled(ENTRIES)) samples.get(entry.specifier)!.push(importOnce(entry.specifier));
  }
  const entries: Record<string, unknown> = {};
  for (const entry of ENTRIES) {
    const s = samples.get(entry.specifier)!;
    const ms = round(median(s.map((x) => x.ms)), 1);
    entries[entry.specifier] = {
      importMs: ms,
      rssMb: round(median(s.map((x) => x.rssMb)), 1),
      ...(entry.goalMs ? { goalMs: entry.goalMs, meetsGoal: ms <= entry.goalMs } : {}),
    };
  }
  const mcpMs = (entries["@modelcontextprotocol/sdk/client/index.js"] as { importMs: number }).importMs;
  const coreMs = (entries["@codecall/core"] as { importMs: number }).importMs;

  const sizes: Record<string, unknown> = {};
  for (const pkg of ["sandbox", "sandbox-quickjs", "sandbox-isolated-vm", "core", "mcp-server", "cli"]) {
    const { bytes, packages } = installedBytes(join(repo, "packages", pkg));
    sizes[pkg] = { installedMb: round(bytes / 2 ** 20, 2), packages };
  }

  const cliRuns: number[] = [];
  for (let i = 0; i < 5; i++) cliRuns.push(cliCpuMs());
  return {
    rounds: ROUNDS,
    entries,
    coreOverMcpSdk: round(coreMs / mcpMs, 2),
    installed: sizes,
    cliVersionCpuMs: round(median(cliRuns), 1),
  };
}

/** CPU milliseconds (user + system) that `codecall --version` takes, Node's own start included. */
function cliCpuMs(): number {
  const bin = join(repo, "packages", "cli", "dist", "bin.js");
  // The bin runs as the main module would; an exit hook reports the process's CPU time on stderr.
  const wrapper = `process.on("exit", () => { const c = process.cpuUsage(); process.stderr.write("\\ncpu " + (c.user + c.system) / 1000); }); process.argv = [process.argv[0], ${JSON.stringify(bin)}, "--version"]; await import(${JSON.stringify(pathToFileURL(bin).href)});`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", wrapper], { encoding: "utf8" });
  const cpu = /cpu ([\d.]+)/.exec(result.stderr)?.[1];
  if (result.status !== 0 || !cpu) throw new Error(`codecall --version failed: ${result.stderr}`);
  return Number(cpu);
}
