/**
 * A workspace: files a program keeps between executions, in an unstorage storage under one scope (a user
 * key or a session id), with quotas. Programs reach it through host tools (program-tools.ts); the
 * application reaches it through this object.
 */
import type { Storage } from "unstorage";
import { CodecallError } from "../errors.js";
import { normalizeWorkspacePath } from "./paths.js";
import { openStorage, type WorkspaceStorage } from "./storage.js";

/** Quotas of one scope. */
export interface WorkspaceQuota {
  /** Total bytes of all files. Default 50 MB. */
  maxBytes?: number;
  /** Number of files. Default 10,000. */
  maxFiles?: number;
}

export const DEFAULT_WORKSPACE_QUOTA: Required<WorkspaceQuota> = {
  maxBytes: 50 * 1024 * 1024,
  maxFiles: 10_000,
};

/** Options of {@link createWorkspace}. */
export interface WorkspaceOptions {
  /** Where files live. Default `"memory"`. */
  storage?: WorkspaceStorage;
  /**
   * Whose files these are: a user key or a session id (letters, digits, `.`, `_`, `@`, `-`). Scopes of one
   * storage never see each other's files. Default `"default"`.
   */
  scope?: string;
  quota?: WorkspaceQuota;
}

/** A file of the workspace as a listing shows it. */
export interface WorkspaceFile {
  path: string;
  bytes: number;
}

/** How a file's content is given or wanted: text (UTF-8) or base64 for bytes. */
export type WorkspaceEncoding = "utf8" | "base64";

/** Files kept between executions. Every path is relative (`data/report.csv`); see {@link normalizeWorkspacePath}. */
export interface Workspace {
  readonly scope: string;
  /** A file's content as text, or base64 with `{ encoding: "base64" }`. WORKSPACE_NOT_FOUND when missing. */
  readFile(path: string, options?: { encoding?: WorkspaceEncoding }): Promise<string>;
  /** A file's bytes. */
  readBytes(path: string): Promise<Uint8Array>;
  /** Parses a file as JSON. */
  readJSON(path: string): Promise<unknown>;
  /**
   * Creates or replaces a file: text, base64 text with `{ encoding: "base64" }`, or bytes. WORKSPACE_QUOTA
   * when the scope would go over its quota (nothing is written then).
   */
  writeFile(
    path: string,
    data: string | Uint8Array,
    options?: { encoding?: WorkspaceEncoding },
  ): Promise<WorkspaceFile>;
  /** Writes `value` as JSON text. */
  writeJSON(path: string, value: unknown): Promise<WorkspaceFile>;
  /** Files under `prefix` (a folder; default the whole workspace), sorted by path. */
  list(prefix?: string): Promise<WorkspaceFile[]>;
  /** Deletes a file; false when there was none. */
  remove(path: string): Promise<boolean>;
  exists(path: string): Promise<boolean>;
  /** Bytes and files in use, against the quota. */
  usage(): Promise<{ bytes: number; files: number; quota: Required<WorkspaceQuota> }>;
  /** Disposes the storage when the workspace opened it (not a Storage you passed). */
  close(): Promise<void>;
}

const SCOPE = /^[\w.@-]{1,128}$/;

/**
 * Opens a workspace over `options.storage` (memory by default) for one scope.
 *
 * ```ts
 * const workspace = createWorkspace({ storage: { directory: "./.codecall/workspace" }, scope: "user-42" });
 * await workspace.writeFile("notes/today.md", "# Today");
 * console.log(await workspace.list("notes"));
 * ```
 *
 * Quotas are counted by this object: from a listing of the scope on first use, then kept up to date by
 * its own writes. Several processes sharing one storage each enforce them against what they have seen.
 */
export function createWorkspace(options: WorkspaceOptions = {}): Workspace {
  const scope = options.scope ?? "default";
  if (typeof scope !== "string" || !SCOPE.test(scope))
    throw new CodecallError(
      "CONFIG_INVALID",
      `workspace.scope must be 1-128 letters, digits, ".", "_", "@" or "-"; got ${JSON.stringify(scope)}.`,
    );
  const quota = { ...DEFAULT_WORKSPACE_QUOTA, ...options.quota };
  for (const [name, value] of Object.entries(quota))
    if (!(Number.isInteger(value) && value > 0))
      throw new CodecallError(
        "CONFIG_INVALID",
        `workspace.quota.${name} must be a positive integer, got ${value}.`,
      );
  let opened: Promise<{ storage: Storage; owned: boolean }> | undefined;
  const open = () => {
    opened ??= openStorage(options.storage ?? "memory");
    return opened;
  };
  const storage = async () => (await open()).storage;
  const key = (path: string) => `${scope}:${path.replace(/\//g, ":")}`;
  // Sizes by path, from one listing, then kept by this object's writes.
  let sizes: Promise<Map<string, number>> | undefined;
  const known = () => {
    sizes ??= scan().catch((error) => {
      sizes = undefined;
      throw error;
    });
    return sizes;
  };
  async function scan(): Promise<Map<string, number>> {
    const s = await storage();
    const map = new Map<string, number>();
    for (const k of await s.getKeys(scope)) {
      const path = k.slice(scope.length + 1).replace(/:/g, "/");
      map.set(path, await sizeOf(s, k));
    }
    return map;
  }
  // Writes and removals run one at a time, so two writes cannot both pass the quota check.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  async function readBytes(path: string): Promise<Uint8Array> {
    const p = normalizeWorkspacePath(path);
    const value = await (await storage()).getItemRaw(key(p));
    if (value === null || value === undefined)
      throw new CodecallError("WORKSPACE_NOT_FOUND", `There is no workspace file "${p}".`, {
        details: { path: p },
      });
    return toBytes(value);
  }

  const workspace: Workspace = {
    scope,
    readBytes,
    async readFile(path, readOptions = {}) {
      const bytes = await readBytes(path);
      return encoding(readOptions.encoding) === "base64"
        ? Buffer.from(bytes).toString("base64")
        : new TextDecoder().decode(bytes);
    },
    async readJSON(path) {
      const text = await workspace.readFile(path);
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new CodecallError(
          "PROGRAM_ERROR",
          `The workspace file "${path}" is not JSON: ${(error as Error).message}`,
          {
            name: "SyntaxError",
          },
        );
      }
    },
    writeFile(path, data, writeOptions = {}) {
      const p = normalizeWorkspacePath(path);
      const bytes = toContent(data, encoding(writeOptions.encoding));
      return serial(async () => {
        const map = await known();
        const before = map.get(p);
        const files = map.size + (before === undefined ? 1 : 0);
        let total = bytes.length - (before ?? 0);
        for (const size of map.values()) total += size;
        if (files > quota.maxFiles || total > quota.maxBytes) {
          const which = files > quota.maxFiles ? `${quota.maxFiles} files` : `${quota.maxBytes} bytes`;
          throw new CodecallError(
            "WORKSPACE_QUOTA",
            `Writing "${p}" (${bytes.length} bytes) would take the workspace over its quota of ${which}; nothing was written.`,
            {
              details: {
                path: p,
                bytes: bytes.length,
                usedBytes: total - bytes.length + (before ?? 0),
                files: map.size,
                quota,
              },
            },
          );
        }
        await (await storage()).setItemRaw(key(p), bytes);
        map.set(p, bytes.length);
        return { path: p, bytes: bytes.length };
      });
    },
    writeJSON(path, value) {
      return workspace.writeFile(path, JSON.stringify(value, null, 2));
    },
    async list(prefix = "") {
      const dir = normalizeWorkspacePath(prefix, true);
      const s = await storage();
      const base = dir ? key(dir) : scope;
      const out: WorkspaceFile[] = [];
      for (const k of await s.getKeys(base)) {
        const path = k.slice(scope.length + 1).replace(/:/g, "/");
        // getKeys matches by prefix: "data" must not list "database.csv".
        if (dir && !path.startsWith(`${dir}/`)) continue;
        out.push({ path, bytes: (await known()).get(path) ?? (await sizeOf(s, k)) });
      }
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    remove(path) {
      const p = normalizeWorkspacePath(path);
      return serial(async () => {
        const s = await storage();
        const there = await s.hasItem(key(p));
        if (there) await s.removeItem(key(p));
        (await known()).delete(p);
        return there;
      });
    },
    async exists(path) {
      return (await storage()).hasItem(key(normalizeWorkspacePath(path)));
    },
    async usage() {
      const map = await known();
      let bytes = 0;
      for (const size of map.values()) bytes += size;
      return { bytes, files: map.size, quota };
    },
    async close() {
      if (!opened) return;
      const { storage: s, owned } = await opened.catch(() => ({ storage: undefined, owned: false }));
      if (owned && s) await s.dispose();
    },
  };
  return workspace;
}

function encoding(value: unknown): WorkspaceEncoding {
  if (value === undefined || value === "utf8" || value === "utf-8") return "utf8";
  if (value === "base64") return "base64";
  throw new CodecallError(
    "TOOL_ARGS_INVALID",
    `encoding must be "utf8" or "base64", got ${JSON.stringify(value)}.`,
  );
}

function toContent(data: unknown, how: WorkspaceEncoding): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data !== "string")
    throw new CodecallError(
      "TOOL_ARGS_INVALID",
      'A workspace file\'s data must be a string (text, or base64 with { encoding: "base64" }); use writeJSON for other values.',
    );
  if (how === "base64") {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data.replace(/\s+/g, "")))
      throw new CodecallError("TOOL_ARGS_INVALID", "The data is not base64 text.");
    return new Uint8Array(Buffer.from(data, "base64"));
  }
  return new TextEncoder().encode(data);
}

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return new TextEncoder().encode(value);
  // A driver that parsed JSON it holds (a value written by something other than codecall).
  return new TextEncoder().encode(JSON.stringify(value));
}

async function sizeOf(storage: Storage, key: string): Promise<number> {
  const value = await storage.getItemRaw(key);
  return value === null || value === undefined ? 0 : toBytes(value).length;
}
