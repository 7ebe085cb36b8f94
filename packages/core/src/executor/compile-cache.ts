/**
 * A V8 code cache for a large CommonJS file (TypeScript's 9 MB `typescript.js`): compiling it, and the
 * functions its first checks compile lazily, is a large share of the first type-check's CPU in a new
 * process, and V8 can take that compiled code from disk instead.
 *
 * Hand-written rather than `v8-compile-cache` (last released 2023; it hooks every `require` of the thread,
 * caches only what compiles eagerly, and saves at process exit, which a terminated worker never reaches) or
 * Node's `module.enableCompileCache()` (Node 22.1 and later only; this package supports Node 20). Here the
 * cache is made once the checker has warmed up (`script.createCachedData()`), so it holds the functions the
 * first checks compiled lazily too.
 *
 * Whoever can write the cache chooses the code this process runs (V8 checks only that the source has the
 * cached source's length), so the file lives in this user's own cache folder (`env-paths`: `~/.cache` or
 * `$XDG_CACHE_HOME` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows), else a folder of
 * theirs in the OS temp dir (POSIX only, where ownership can be checked); never in the working folder,
 * which may be a repository someone else wrote. A folder that is a link, another user's, or writable by
 * others is not used. One file per TypeScript file (release, size, modification time), Node/V8 version,
 * architecture and V8 flags, the three newest per module kept; written atomically and checked by its own
 * digest, because V8 checks a code cache's header, not its payload (a corrupt one aborts the process).
 * `CODECALL_COMPILE_CACHE=0` turns it off; `CODECALL_COMPILE_CACHE=<dir>` sets the folder (checked the
 * same way).
 */
import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { cachedDataVersionTag } from "node:v8";
import { Script } from "node:vm";
import { threadId } from "node:worker_threads";
import envPaths from "env-paths";

/** What happened to the cache of one loaded module. */
export type CompileCacheStatus =
  /** Turned off (`CODECALL_COMPILE_CACHE=0`) or no folder could be found. */
  | "off"
  /** No cache file yet: the module was compiled from source; the cache is written by {@link saveCompileCaches}. */
  | "missing"
  /** V8 used the cached code. */
  | "accepted"
  /** A cache file was there but unusable (corrupt, or V8 refused it): compiled from source, rewritten on save. */
  | "rejected";

export interface CompileCacheEntry {
  file: string | undefined;
  status: CompileCacheStatus;
  /** Whether {@link saveCompileCaches} wrote the file in this thread. */
  written: boolean;
}

const MAGIC = Buffer.from("codecall-v8cache1");
const DIGEST_BYTES = 32;
/** Cache files kept per module (see {@link pruneOlderCaches}). */
const KEPT_PER_MODULE = 3;
const entries = new Map<string, CompileCacheEntry>();
/** Modules compiled without a usable cache, whose cache {@link saveCompileCaches} writes. */
const unsaved: Array<{ script: Script; file: string; name: string; entry: CompileCacheEntry }> = [];

/** The cache folder, or undefined when caching is off. Read from the environment each time (tests set it). */
export function compileCacheDirectory(): string | undefined {
  const setting = process.env.CODECALL_COMPILE_CACHE?.trim();
  if (setting && /^(0|false|off|no)$/i.test(setting)) return undefined;
  if (setting && !/^(1|true|on|yes)$/i.test(setting)) return ownFolder(resolve(setting));
  let userCache: string | undefined;
  try {
    userCache = join(envPaths("codecall", { suffix: "" }).cache, "compile-cache");
  } catch {
    // No home folder to name one in: the temp dir below.
  }
  return (userCache && ownFolder(userCache)) ?? privateTempDir();
}

/** A folder of this user's in the shared temp dir; none where its owner cannot be checked (Windows). */
function privateTempDir(): string | undefined {
  const uid = process.getuid?.();
  return uid === undefined ? undefined : ownFolder(join(tmpdir(), `codecall-compile-cache-${uid}`));
}

/**
 * `dir`, made if missing (mode 0700), when it is a folder (not a link) this user owns and no one else can
 * write; else undefined. Where there are no POSIX owners (Windows), a folder the user could make or has.
 */
function ownFolder(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stats = lstatSync(dir);
    if (!stats.isDirectory()) return undefined;
    const uid = process.getuid?.();
    if (uid !== undefined && (stats.uid !== uid || (stats.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * `require(path)` for a CommonJS file, compiled with the code cache when there is a usable one. `version`
 * names the file's release in the cache's key (V8 checks the source's length, not its text).
 */
export function requireWithCompileCache(path: string, name: string, version: string): unknown {
  const source = readSource(path);
  const directory = compileCacheDirectory();
  const file = directory ? join(directory, `${name}-${version}-${cacheKey(path)}.v8cache`) : undefined;
  let cachedData: Buffer | undefined;
  let status: CompileCacheStatus = file ? "missing" : "off";
  if (file) {
    const raw = readQuietly(file);
    if (raw) {
      cachedData = unpack(raw);
      if (!cachedData) status = "rejected";
    }
  }
  // The wrapper Node gives every CommonJS module.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, {
    filename: path,
    ...(cachedData ? { cachedData } : {}),
  });
  if (cachedData) status = script.cachedDataRejected ? "rejected" : "accepted";
  const entry: CompileCacheEntry = { file, status, written: false };
  entries.set(path, entry);
  if (file && status !== "accepted") unsaved.push({ script, file, name, entry });
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(path), module, path, dirname(path));
  return module.exports;
}

/**
 * Writes the cache of every module loaded without a usable one, once: call it after the module did its
 * first work, so the functions that work compiled are in the cache too. Failures (a read-only file system)
 * leave things as they were.
 */
export function saveCompileCaches(): void {
  for (const { script, file, name, entry } of unsaved.splice(0)) {
    const temp = `${file}.${process.pid}-${threadId}.tmp`;
    try {
      const data = script.createCachedData();
      writeFileSync(temp, Buffer.concat([MAGIC, digest(data), data]), { mode: 0o600 });
      // Atomic: a process reading meanwhile sees the old file or the new one, never half of one.
      renameSync(temp, file);
      entry.written = true;
      pruneOlderCaches(file, name);
    } catch {
      try {
        rmSync(temp, { force: true });
      } catch {
        // No temporary file was left (it could not be made).
      }
    }
  }
}

/**
 * Deletes all but the newest {@link KEPT_PER_MODULE} cache files of `file`'s module: each TypeScript or
 * Node upgrade (or reinstall) keys a new file of several MB, and nothing else would ever remove the old
 * ones. A few are kept so processes of different Node versions on one machine do not take turns rewriting.
 */
function pruneOlderCaches(file: string, name: string): void {
  const directory = dirname(file);
  const prefix = `${name}-`;
  try {
    const caches = readdirSync(directory)
      .filter((name) => name.startsWith(prefix) && name.endsWith(".v8cache"))
      .map((name) => ({ path: join(directory, name), mtimeMs: statSync(join(directory, name)).mtimeMs }))
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
    for (const { path } of caches.slice(KEPT_PER_MODULE)) rmSync(path, { force: true });
  } catch {
    // Another process pruned at the same time, or the folder is not ours to list: the files stay.
  }
}

/** The cache's state for each module loaded through {@link requireWithCompileCache} in this thread. */
export function compileCacheEntries(): ReadonlyMap<string, Readonly<CompileCacheEntry>> {
  return entries;
}

/**
 * Node, architecture, V8's tag for its cache (its version, flags and CPU features): what makes V8 refuse
 * the cache, so processes that differ there keep a file each instead of taking turns. The source file's
 * size, modification time and inode: V8 accepts a cache for any source of the same length, so a patched
 * `typescript.js` of that release must not get the old code.
 */
function cacheKey(path: string): string {
  const { size, mtimeMs, ino } = statSync(path);
  const hash = createHash("sha256")
    .update(JSON.stringify([process.versions.v8, cachedDataVersionTag(), size, mtimeMs, ino]))
    .digest("hex")
    .slice(0, 12);
  return `node${process.versions.node}-${process.arch}-${hash}`;
}

/**
 * The file's text. Node 20 decodes UTF-8 at about 100 MB/s (90 ms for TypeScript's 9 MB, on the first
 * check's path); a file of ASCII only (TypeScript's is) reads the same as latin1, which is a plain copy.
 */
function readSource(path: string): string {
  const bytes = readFileSync(path);
  return bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
}

function readQuietly(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** The cached data of a file written by {@link saveCompileCaches}, or undefined when it is not one intact. */
function unpack(raw: Buffer): Buffer | undefined {
  const start = MAGIC.length + DIGEST_BYTES;
  if (raw.length <= start || !raw.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = raw.subarray(start);
  return digest(data).equals(raw.subarray(MAGIC.length, start)) ? data : undefined;
}

function digest(data: Buffer): Buffer {
  return createHash("sha256").update(data).digest();
}
