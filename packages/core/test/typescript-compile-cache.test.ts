/**
 * TypeScript's code cache (src/executor/compile-cache.ts): each case runs fresh Node processes, as a user's
 * would, so V8 compiles TypeScript from the cache file or from source, never from a cache in memory.
 */
import { execFile } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, expect, it } from "vitest";
import {
  compileCacheEntries,
  requireWithCompileCache,
  saveCompileCaches,
} from "../src/executor/compile-cache.js";

const run = promisify(execFile);
const script = fileURLToPath(new URL("./fixtures/compile-cache-child.ts", import.meta.url));
const tsx = import.meta.resolve("tsx");
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "codecall-compile-cache-test-"));
  dirs.push(dir);
  return dir;
}

interface Report {
  file?: string;
  status: string;
  written: boolean;
  finding?: string;
}

async function child(env: Record<string, string>, cwd?: string, mode = "load"): Promise<Report | string> {
  const clean = { ...process.env };
  delete clean.CODECALL_COMPILE_CACHE;
  delete clean.XDG_CACHE_HOME;
  const { stdout } = await run(
    process.execPath,
    ["--conditions=@codecall/source", "--import", tsx, script, mode],
    { cwd: cwd ?? fileURLToPath(new URL("..", import.meta.url)), env: { ...clean, ...env } },
  );
  const last = stdout.trim().split("\n").pop()!;
  return mode === "load" ? (JSON.parse(last) as Report) : last;
}

const load = (env: Record<string, string>, cwd?: string) => child(env, cwd) as Promise<Report>;
const cacheFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".v8cache"));

it("a first process writes TypeScript's code cache and a second one compiles from it", async () => {
  const dir = tempDir();
  const first = await load({ CODECALL_COMPILE_CACHE: dir });
  expect(first).toMatchObject({ status: "missing", written: true });
  expect(first.finding).toMatch(/not assignable to type 'number'/);
  expect(cacheFiles(dir)).toEqual([first.file!.slice(dir.length + 1)]);
  expect(first.file).toMatch(/typescript-\d+\.\d+\.\d+-node\d+/);

  const second = await load({ CODECALL_COMPILE_CACHE: dir });
  expect(second).toMatchObject({ file: first.file, status: "accepted", written: false });
  expect(second.finding).toBe(first.finding);
}, 120_000);

it("a corrupt cache file is ignored (V8 alone would abort on it) and replaced", async () => {
  const dir = tempDir();
  const { file } = await load({ CODECALL_COMPILE_CACHE: dir });
  const data = readFileSync(file!);
  // Bytes in the middle of V8's payload: its header still passes V8's own checks.
  for (let i = data.length >> 1; i < (data.length >> 1) + 64; i++) data[i]! ^= 0x5a;
  writeFileSync(file!, data);

  const corrupt = await load({ CODECALL_COMPILE_CACHE: dir });
  expect(corrupt).toMatchObject({ status: "rejected", written: true });
  expect(corrupt.finding).toMatch(/not assignable to type 'number'/);
  expect(await load({ CODECALL_COMPILE_CACHE: dir })).toMatchObject({ status: "accepted" });

  writeFileSync(file!, "not a cache");
  expect(await load({ CODECALL_COMPILE_CACHE: dir })).toMatchObject({ status: "rejected", written: true });
}, 180_000);

it("a folder that cannot be made only goes without the cache", async () => {
  // Under a regular file: no process can make that folder (root included, unlike a read-only mode).
  const blocker = join(tempDir(), "a-file");
  writeFileSync(blocker, "");
  const report = await load({ CODECALL_COMPILE_CACHE: join(blocker, "cache") });
  expect(report).toMatchObject({ status: "off", written: false });
  expect(report.finding).toMatch(/not assignable to type 'number'/);
}, 120_000);

it("CODECALL_COMPILE_CACHE=0 turns the cache off", async () => {
  const dir = tempDir();
  const report = await load({ CODECALL_COMPILE_CACHE: "0", XDG_CACHE_HOME: dir });
  expect(report).toMatchObject({ status: "off", written: false });
  expect(readdirSync(dir)).toEqual([]);
}, 120_000);

it("by default the cache is in this user's cache folder, never in the working folder's node_modules", async () => {
  // A repository someone else wrote, run from as the working folder, ships a valid cache of its choosing.
  const project = tempDir();
  writeFileSync(join(project, "package.json"), "{}");
  const planted = join(project, "node_modules", ".cache", "codecall");
  mkdirSync(planted, { recursive: true });
  expect(await load({ CODECALL_COMPILE_CACHE: planted })).toMatchObject({ written: true });

  const home = tempDir();
  const report = await load({ XDG_CACHE_HOME: home }, project);
  expect(report).toMatchObject({ status: "missing", written: true });
  expect(report.file!.startsWith(join(home, "codecall", "compile-cache"))).toBe(true);
  expect(await load({ XDG_CACHE_HOME: home }, project)).toMatchObject({ status: "accepted" });
}, 180_000);

it("the type-check worker writes the cache after its warm-up, and a second process keeps it", async () => {
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  expect(await child({ CODECALL_COMPILE_CACHE: dir }, undefined, "worker")).toBe("warm");
  const [name] = cacheFiles(dir);
  expect(name).toBeDefined();
  const written = statSync(join(dir, name!));
  expect(await child({ CODECALL_COMPILE_CACHE: dir }, undefined, "worker")).toBe("warm");
  // A file V8 refused would have been written again (a new file renamed over it).
  const kept = statSync(join(dir, name!));
  expect([kept.ino, kept.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
}, 120_000);

it("without a usable cache folder of this user's, a temp folder of theirs, and never one others can write", async () => {
  const temp = tempDir();
  const home = tempDir();
  // This user's cache folder exists, but anyone can write to it: its file could hold anyone's code.
  mkdirSync(join(home, "codecall", "compile-cache"), { recursive: true });
  chmodSync(join(home, "codecall", "compile-cache"), 0o777);
  const env = { XDG_CACHE_HOME: home, TMPDIR: temp, TMP: temp, TEMP: temp };
  const first = await load(env);
  expect(first).toMatchObject({ status: "missing", written: true });
  expect(first.file!.startsWith(join(temp, "codecall-compile-cache-"))).toBe(true);
  expect(statSync(join(first.file!, "..")).mode & 0o777).toBe(0o700);

  chmodSync(join(first.file!, ".."), 0o777);
  expect(await load(env)).toMatchObject({ status: "off", written: false });
}, 120_000);

it("a changed source of the same length is compiled from itself, not from the old cache", () => {
  const dir = tempDir();
  const file = join(dir, "module.cjs");
  const previous = process.env.CODECALL_COMPILE_CACHE;
  process.env.CODECALL_COMPILE_CACHE = join(dir, "cache");
  try {
    writeFileSync(file, "module.exports = 'one';");
    expect(requireWithCompileCache(file, "module", "1.0.0")).toBe("one");
    saveCompileCaches();
    expect(compileCacheEntries().get(file)).toMatchObject({ written: true });

    // Same release, same length (V8's only check on a cache's source), another text and time.
    writeFileSync(file, "module.exports = 'two';");
    utimesSync(file, new Date(), new Date(Date.now() + 60_000));
    expect(requireWithCompileCache(file, "module", "1.0.0")).toBe("two");
    expect(compileCacheEntries().get(file)).toMatchObject({ status: "missing" });
  } finally {
    if (previous === undefined) delete process.env.CODECALL_COMPILE_CACHE;
    else process.env.CODECALL_COMPILE_CACHE = previous;
  }
});

it("a module with non-ASCII text reads as UTF-8, an ASCII one the same either way", () => {
  const dir = tempDir();
  const previous = process.env.CODECALL_COMPILE_CACHE;
  process.env.CODECALL_COMPILE_CACHE = "0";
  try {
    const unicode = join(dir, "unicode.cjs");
    writeFileSync(unicode, "module.exports = 'Zoë · 東京 · 🙂';");
    expect(requireWithCompileCache(unicode, "unicode", "1.0.0")).toBe("Zoë · 東京 · 🙂");
    const ascii = join(dir, "ascii.cjs");
    writeFileSync(ascii, "module.exports = 'plain \\u00e9';");
    expect(requireWithCompileCache(ascii, "ascii", "1.0.0")).toBe("plain é");
  } finally {
    if (previous === undefined) delete process.env.CODECALL_COMPILE_CACHE;
    else process.env.CODECALL_COMPILE_CACHE = previous;
  }
});

it("saving a module's cache keeps its three newest cache files and no older ones, and leaves other modules' alone", () => {
  const dir = tempDir();
  const cache = join(dir, "cache");
  mkdirSync(cache, { mode: 0o700 });
  const old = (name: string, ageDays: number) => {
    const path = join(cache, name);
    writeFileSync(path, "stale");
    const when = new Date(Date.now() - ageDays * 86_400_000);
    utimesSync(path, when, when);
  };
  for (let i = 1; i <= 4; i++) old(`module-0.${i}.0-node20-x64-00000000000${i}.v8cache`, i);
  old("other-1.0.0-node20-x64-000000000000.v8cache", 30);
  const previous = process.env.CODECALL_COMPILE_CACHE;
  process.env.CODECALL_COMPILE_CACHE = cache;
  try {
    const file = join(dir, "module.cjs");
    writeFileSync(file, "module.exports = 'fresh';");
    expect(requireWithCompileCache(file, "module", "1.0.0")).toBe("fresh");
    saveCompileCaches();
    const { file: written } = compileCacheEntries().get(file)!;
    expect(readdirSync(cache).sort()).toEqual(
      [
        "module-0.1.0-node20-x64-000000000001.v8cache",
        "module-0.2.0-node20-x64-000000000002.v8cache",
        written!.slice(cache.length + 1),
        "other-1.0.0-node20-x64-000000000000.v8cache",
      ].sort(),
    );
  } finally {
    if (previous === undefined) delete process.env.CODECALL_COMPILE_CACHE;
    else process.env.CODECALL_COMPILE_CACHE = previous;
  }
});
