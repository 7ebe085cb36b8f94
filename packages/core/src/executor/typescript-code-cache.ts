/**
 * Loads TypeScript in the type-check worker with a V8 code cache, so a new process does not compile its
 * 9 MB compiler again. Node 20 has no `module.enableCompileCache`, and a cache made at compile time (what
 * `v8-compile-cache` stores) holds only the few functions V8 compiles eagerly; this one is made after the
 * standard library's warm-up, so it holds every function a check uses. Written by hand for that reason:
 * about 40% less CPU to load TypeScript (measured 400-550 ms against 270-290 ms).
 *
 * The cache lives under `$CODECALL_HOME/cache` (default `~/.codecall/cache`), a folder of the user's own
 * (a code cache in a folder others can write would let them choose the code this process runs), keyed by
 * TypeScript's version and file size, Node's version and the CPU architecture. V8 checks the rest and
 * rejects a cache that does not fit; it is then written again. `CODECALL_CODE_CACHE=0` turns it off. Any
 * failure (no home folder, a read-only disk) only means TypeScript compiles as usual.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

interface Loaded {
  script: Script;
  cacheFile: string;
  /** Whether V8 took the stored cache (otherwise one is written after the warm-up). */
  cacheUsed: boolean;
  saved: boolean;
}

let loaded: Loaded | undefined;
let attempted = false;

/** The folder for the cache, made private to this user, or undefined where there is none. */
function cacheFolder(): string | undefined {
  if (process.env.CODECALL_CODE_CACHE === "0") return undefined;
  const folder = join(process.env.CODECALL_HOME ?? join(homedir(), ".codecall"), "cache");
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const stat = statSync(folder);
  // Another user's folder, or one others may write to, is not trusted with code.
  if (typeof process.getuid === "function" && stat.uid !== process.getuid()) return undefined;
  if ((stat.mode & 0o022) !== 0) return undefined;
  return folder;
}

/**
 * Compiles and runs TypeScript's CommonJS bundle through a `vm.Script` that takes the stored code cache, and
 * puts the result in the CommonJS module cache, where `import ts from "typescript"` finds it. Call before
 * anything imports TypeScript; later calls do nothing. Never throws: without a cache TypeScript loads as usual.
 */
export function preloadTypeScript(): void {
  if (attempted) return;
  attempted = true;
  try {
    const require = createRequire(import.meta.url);
    const file = require.resolve("typescript");
    const folder = cacheFolder();
    if (!folder) return;
    const version = (require("typescript/package.json") as { version: string }).version;
    const source = readFileSync(file, "utf8");
    const key = `typescript-${version}-${source.length}-node${process.version}-${process.arch}.v8cache`;
    const cacheFile = join(folder, key);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    const script = new Script(Module.wrap(source), {
      filename: file,
      ...(cachedData ? { cachedData } : {}),
    });
    const module = new Module(file);
    module.filename = file;
    const internal = Module as unknown as {
      _nodeModulePaths(folder: string): string[];
      _cache: Record<string, unknown>;
    };
    module.paths = internal._nodeModulePaths(dirname(file));
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
    module.loaded = true;
    internal._cache[file] = module;
    loaded = {
      script,
      cacheFile,
      cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
      saved: false,
    };
  } catch {
    loaded = undefined;
  }
}

/** What happened to the code cache in this thread: taken from disk, missing or rejected (`compiled`), or none at all. */
export function typeScriptCodeCacheState(): "used" | "compiled" | "off" {
  if (!loaded) return "off";
  return loaded.cacheUsed ? "used" : "compiled";
}

/**
 * Stores the code cache when the stored one was missing or rejected. Call once the functions a check needs
 * have run (after the standard library's warm-up): V8 then includes them.
 */
export function saveTypeScriptCodeCache(): void {
  const current = loaded;
  if (!current || current.cacheUsed || current.saved) return;
  current.saved = true;
  try {
    const data = current.script.createCachedData();
    // Written whole, then renamed: a process reading at the same time sees the old file or the new one.
    const partial = `${current.cacheFile}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(partial, data, { mode: 0o600 });
    renameSync(partial, current.cacheFile);
  } catch {
    // A cache that cannot be written only costs the next process the compile.
  }
}
