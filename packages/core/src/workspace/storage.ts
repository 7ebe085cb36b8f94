/**
 * Where a workspace lives: an unstorage `Storage` (memory, a directory, Redis, S3, ... any unstorage
 * driver). codecall adds one thing by hand, because unstorage's directory drivers lack it: a directory
 * storage that refuses paths leading through a symbolic link out of its root.
 */
import { lstat, mkdir, realpath } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import type { Driver, Storage } from "unstorage";
import { CodecallError } from "../errors.js";

/**
 * A workspace's storage: `"memory"` (gone with the process), `{ directory }` (files on disk, one folder per
 * scope), or any unstorage `Storage` or driver (`redisDriver({ url })` from `unstorage/drivers/redis`, say),
 * which several processes can share.
 */
export type WorkspaceStorage = "memory" | { directory: string } | Storage | Driver;

/** Opens `option` as an unstorage Storage; `owned` says whether closing the workspace should dispose it. */
export async function openStorage(option: WorkspaceStorage): Promise<{ storage: Storage; owned: boolean }> {
  const { createStorage } = await import("unstorage");
  if (option === "memory") return { storage: createStorage(), owned: true };
  if (isStorage(option)) return { storage: option, owned: false };
  if (isDriver(option)) return { storage: createStorage({ driver: option }), owned: true };
  if (
    option &&
    typeof option === "object" &&
    typeof (option as { directory?: unknown }).directory === "string"
  ) {
    const driver = await directoryDriver((option as { directory: string }).directory);
    return { storage: createStorage({ driver }), owned: true };
  }
  throw new CodecallError(
    "CONFIG_INVALID",
    `workspace.storage must be "memory", { directory: "<path>" }, or an unstorage Storage or driver; got ${describe(option)}.`,
  );
}

function isStorage(value: unknown): value is Storage {
  return typeof value === "object" && value !== null && typeof (value as Storage).mount === "function";
}

function isDriver(value: unknown): value is Driver {
  const driver = value as Driver;
  return (
    typeof value === "object" &&
    value !== null &&
    typeof driver.getItem === "function" &&
    typeof driver.getKeys === "function"
  );
}

function describe(value: unknown): string {
  return typeof value === "object" && value !== null
    ? `an object with keys ${Object.keys(value).join(", ")}`
    : JSON.stringify(value);
}

/**
 * unstorage's `fs-lite` driver over `base`, with every key checked first: the deepest part of its path that
 * exists must resolve (symbolic links followed) inside `base`, and a dangling link is refused, so neither a
 * read nor a write can leave the directory through a link. Listings leave such paths out.
 */
export async function directoryDriver(base: string): Promise<Driver> {
  const { default: fsLite } = await import("unstorage/drivers/fs-lite");
  const root = resolve(base);
  const inner = fsLite({ base: root });
  // The directory is made on the first write, so reading an empty workspace leaves no trace on disk.
  let realRoot: string | undefined;
  const inside = (real: string) => real === realRoot || real.startsWith(realRoot + sep);

  async function guard(key: string, writing: boolean): Promise<void> {
    if (realRoot === undefined) {
      if (writing) await mkdir(root, { recursive: true });
      realRoot = await realpath(root).catch(() => undefined);
      // Nothing exists yet: a read finds nothing, and there is no link to follow.
      if (realRoot === undefined) return;
    }
    let path = join(root, key.replace(/:/g, "/"));
    for (;;) {
      try {
        const real = await realpath(path);
        if (!inside(real)) throw escapes(key);
        return;
      } catch (error) {
        if (CodecallError.isInstance(error)) throw error;
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        // Missing: a dangling link would be followed by a write, so refuse one; else check the parent.
        const link = await lstat(path).catch(() => undefined);
        if (link?.isSymbolicLink()) throw escapes(key);
        const parent = dirname(path);
        if (parent === path) return;
        path = parent;
      }
    }
  }

  const guarded = <A extends unknown[], R>(
    fn: ((key: string, ...rest: A) => R) | undefined,
    writing = false,
  ) =>
    fn
      ? async (key: string, ...rest: A): Promise<Awaited<R>> => {
          await guard(key, writing);
          return await fn(key, ...rest);
        }
      : undefined;

  return {
    ...inner,
    name: "codecall-directory",
    hasItem: guarded(inner.hasItem.bind(inner)) as Driver["hasItem"],
    getItem: guarded(inner.getItem.bind(inner)) as Driver["getItem"],
    getItemRaw: guarded(inner.getItemRaw?.bind(inner)) as Driver["getItemRaw"],
    getMeta: guarded(inner.getMeta?.bind(inner)) as Driver["getMeta"],
    setItem: guarded(inner.setItem?.bind(inner), true) as Driver["setItem"],
    setItemRaw: guarded(inner.setItemRaw?.bind(inner), true) as Driver["setItemRaw"],
    removeItem: guarded(inner.removeItem?.bind(inner)) as Driver["removeItem"],
    async getKeys(keyBase, options) {
      const keys = await inner.getKeys(keyBase, options);
      const kept = await Promise.all(
        keys.map((key: string) =>
          guard(key.replace(/\//g, ":"), false).then(
            () => key,
            () => undefined,
          ),
        ),
      );
      return kept.filter((key: string | undefined): key is string => key !== undefined);
    },
  };
}

function escapes(key: string): CodecallError {
  return new CodecallError(
    "WORKSPACE_PATH_INVALID",
    `The workspace path "${key.replace(/:/g, "/")}" leads through a symbolic link out of the workspace directory; it is refused.`,
    { details: { path: key.replace(/:/g, "/") } },
  );
}
