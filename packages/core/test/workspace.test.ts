/**
 * The workspace over real unstorage drivers: memory and a directory (with codecall's symlink guard).
 * Paths, quotas, scopes and encodings; programs using it are in workspace-programs.test.ts.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, normalizeWorkspacePath } from "../src/internal.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "codecall-workspace-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const code = async (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: { code?: string }) => error.code,
  );

describe("workspace paths", () => {
  it("normalises relative paths and refuses escapes, absolute paths, NUL and separators unstorage rewrites", () => {
    expect(normalizeWorkspacePath("./data//report.csv")).toBe("data/report.csv");
    expect(normalizeWorkspacePath("", true)).toBe("");
    for (const bad of ["../x", "a/../../x", "/etc/passwd", "C:/x", "a\0b", "a:b", "a?b", "a\\b", "", 42]) {
      expect(() => normalizeWorkspacePath(bad)).toThrow(
        expect.objectContaining({ code: "WORKSPACE_PATH_INVALID" }),
      );
    }
  });
});

describe.each(["memory", "directory"] as const)("workspace on %s storage", (kind) => {
  const open = (scope: string, quota?: { maxBytes?: number; maxFiles?: number }) =>
    createWorkspace({
      storage: kind === "memory" ? "memory" : { directory: join(root, "shared") },
      scope,
      ...(quota ? { quota } : {}),
    });

  it("writes, reads, lists, and removes text, JSON and bytes", async () => {
    const ws = open(`rw-${kind}`);
    await ws.writeFile("data/report.csv", "name,count\nada,3\n");
    await ws.writeJSON("data/state.json", { step: 2, done: ["a"] });
    const bytes = new Uint8Array([0, 255, 10, 13, 128]);
    await ws.writeFile("bin/blob", Buffer.from(bytes).toString("base64"), { encoding: "base64" });
    await ws.writeFile("database.csv", "x");
    expect(await ws.readFile("data/report.csv")).toBe("name,count\nada,3\n");
    expect(await ws.readJSON("data/state.json")).toEqual({ step: 2, done: ["a"] });
    expect([...(await ws.readBytes("bin/blob"))]).toEqual([...bytes]);
    expect(await ws.readFile("bin/blob", { encoding: "base64" })).toBe(Buffer.from(bytes).toString("base64"));
    expect((await ws.list("data")).map((f) => f.path)).toEqual(["data/report.csv", "data/state.json"]);
    expect(await ws.list()).toEqual([
      { path: "bin/blob", bytes: 5 },
      { path: "data/report.csv", bytes: 17 },
      { path: "data/state.json", bytes: (await ws.readFile("data/state.json")).length },
      { path: "database.csv", bytes: 1 },
    ]);
    expect(await ws.remove("database.csv")).toBe(true);
    expect(await ws.remove("database.csv")).toBe(false);
    expect(await code(ws.readFile("database.csv"))).toBe("WORKSPACE_NOT_FOUND");
    await ws.close();
  });

  it("keeps scopes apart", async () => {
    const a = open(`alice-${kind}`);
    const b = open(`bob-${kind}`);
    await a.writeFile("secret.txt", "alice's");
    expect(await b.exists("secret.txt")).toBe(false);
    expect(await b.list()).toEqual([]);
    expect(await code(Promise.resolve().then(() => createWorkspace({ scope: "../bob" })))).toBe(
      "CONFIG_INVALID",
    );
  });

  it("enforces the byte and file quotas with WORKSPACE_QUOTA, writing nothing", async () => {
    const ws = open(`quota-${kind}`, { maxBytes: 100, maxFiles: 3 });
    await ws.writeFile("a.txt", "x".repeat(60));
    const over = await ws.writeFile("b.txt", "y".repeat(41)).catch((e) => e);
    expect(over.code).toBe("WORKSPACE_QUOTA");
    expect(over.message).toMatch(/100 bytes/);
    expect(await ws.exists("b.txt")).toBe(false);
    // Replacing a file counts its new size only.
    await ws.writeFile("a.txt", "x".repeat(90));
    await ws.writeFile("b.txt", "1");
    await ws.writeFile("c.txt", "2");
    expect((await ws.writeFile("d.txt", "3").catch((e) => e)).message).toMatch(/3 files/);
    expect(await ws.usage()).toMatchObject({ bytes: 92, files: 3 });
    // A fresh object over the same storage counts what is there.
    const again = open(`quota-${kind}`, { maxBytes: 100, maxFiles: 3 });
    if (kind === "directory") expect(await code(again.writeFile("e.txt", "x"))).toBe("WORKSPACE_QUOTA");
  });
});

describe("directory storage", () => {
  it("leaves no directory behind until the first write", async () => {
    const dir = join(root, "lazy");
    const ws = createWorkspace({ storage: { directory: dir } });
    expect(await ws.list()).toEqual([]);
    expect(await ws.exists("a.txt")).toBe(false);
    await expect(readFile(dir)).rejects.toThrow(/ENOENT/);
    await ws.writeFile("a.txt", "a");
    expect(await readFile(join(dir, "default", "a.txt"), "utf8")).toBe("a");
  });
});

describe("directory storage and symbolic links", () => {
  it("refuses to read or write through links that leave the directory, and lists none of them", async () => {
    const base = join(root, "links");
    const outside = join(root, "outside");
    await mkdir(join(base, "s1"), { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, "secret.txt"), "do not read");
    await symlink(join(outside, "secret.txt"), join(base, "s1", "file-link"));
    await symlink(outside, join(base, "s1", "dir-link"));
    await symlink(join(outside, "not-yet.txt"), join(base, "s1", "dangling"));
    await writeFile(join(base, "s1", "inside.txt"), "fine");
    await symlink(join(base, "s1", "inside.txt"), join(base, "s1", "inner-link"));
    const ws = createWorkspace({ storage: { directory: base }, scope: "s1" });
    expect(await code(ws.readFile("file-link"))).toBe("WORKSPACE_PATH_INVALID");
    expect(await code(ws.readFile("dir-link/secret.txt"))).toBe("WORKSPACE_PATH_INVALID");
    expect(await code(ws.writeFile("dir-link/planted.txt", "x"))).toBe("WORKSPACE_PATH_INVALID");
    expect(await code(ws.writeFile("dangling", "x"))).toBe("WORKSPACE_PATH_INVALID");
    expect(await code(ws.remove("file-link"))).toBe("WORKSPACE_PATH_INVALID");
    // A link that stays inside is followed.
    expect(await ws.readFile("inner-link")).toBe("fine");
    expect((await ws.list()).map((f) => f.path)).toEqual(["inner-link", "inside.txt"]);
    await expect(readFile(join(outside, "not-yet.txt"))).rejects.toThrow(/ENOENT/);
    await expect(readFile(join(outside, "planted.txt"))).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("do not read");
  });
});
