/**
 * Programs using the workspace through the executor (QuickJS; every backend in @codecall/integration):
 * the `workspace` global is typed and crosses the tool bridge; a file written by one process is read by
 * the next; the same against a real Redis server through unstorage's Redis driver.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { quickjs } from "@codecall/sandbox-quickjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CodecallError,
  createExecutor,
  createPrivacyGuard,
  createWorkspace,
  type Executor,
  type Workspace,
  type WorkspaceOptions,
} from "../src/internal.js";
import { freePort } from "./fixtures/mcp/servers.js";

const run = promisify(execFile);
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "codecall-ws-programs-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const noTools = {
  servers: [],
  callTool: async () => {
    throw new Error("no tools in this test");
  },
};
const open = (workspace: Workspace | WorkspaceOptions) =>
  createExecutor({ ...noTools, sandbox: quickjs(), workspace });

const WRITE_CSV = `
const rows = [["city", "temp"], ["Paris", 14], ["Oslo", 3]];
await workspace.writeFile("reports/temps.csv", rows.map((r) => r.join(",")).join("\\n"));
await workspace.writeJSON("reports/meta.json", { rows: rows.length - 1 });
return (await workspace.list("reports")).map((f) => f.path);`;
const READ_CSV = `
const text = await workspace.readFile("reports/temps.csv");
const meta = await workspace.readJSON<{ rows: number }>("reports/meta.json");
const [, ...rows] = text.split("\\n").map((line) => line.split(","));
return { rows: meta.rows, coldest: rows.sort((a, b) => Number(a[1]) - Number(b[1]))[0][0] };`;

describe("the workspace in programs", () => {
  let executor: Executor;
  afterAll(async () => executor?.close());

  it("type-checks workspace calls like tool calls", async () => {
    executor = await open({ scope: "typed" });
    const result = await executor.execute(
      `await workspace.writeFile("a.txt", 42);\nreturn await workspace.lst();`,
    );
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe("TYPE_CHECK_FAILED");
    expect(result.diagnostics.map((d) => [d.line, d.code])).toEqual([
      [1, 2345],
      [2, 2551],
    ]);
  });

  it("round-trips text, JSON and base64 bytes, and fails a bad path or a missing file with its own code", async () => {
    const result = await executor.execute(`
await workspace.writeFile("b/bytes.bin", "AP8KDYA=", { encoding: "base64" });
await workspace.writeJSON("state.json", { n: 1 });
const caught: string[] = [];
for (const path of ["../escape.txt", "/etc/passwd", "missing.txt"]) {
  try { await workspace.readFile(path); } catch (e) { caught.push(e.code ?? e.name); }
}
return {
  b64: await workspace.readFile("b/bytes.bin", { encoding: "base64" }),
  json: await workspace.readJSON("state.json"),
  exists: [await workspace.exists("state.json"), await workspace.exists("nope")],
  removed: await workspace.remove("state.json"),
  caught,
};`);
    expect(result.error).toBeUndefined();
    expect(result.value).toEqual({
      b64: "AP8KDYA=",
      json: { n: 1 },
      exists: [true, false],
      removed: true,
      caught: ["WORKSPACE_PATH_INVALID", "WORKSPACE_PATH_INVALID", "WORKSPACE_NOT_FOUND"],
    });
    expect(result.toolCalls.map((c) => c.name)).toContain("codecall.workspace.writeFile");
  });

  it("stops a write over the quota with WORKSPACE_QUOTA", async () => {
    const small = await open({ scope: "small", quota: { maxBytes: 1_000 } });
    const result = await small.execute(`await workspace.writeFile("big.txt", "x".repeat(2_000));`);
    await small.close();
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe("WORKSPACE_QUOTA");
  });

  it("has no workspace global when none was configured", async () => {
    const bare = await createExecutor({ ...noTools, sandbox: quickjs() });
    const result = await bare.execute(`return typeof workspace;`);
    await bare.close();
    expect(result.error?.code).toBe("TYPE_CHECK_FAILED");
  });
});

describe("the workspace and the interceptor", () => {
  it("with privacy on, personal data in a file reaches the program as tokens, and tokens are written as tokens", async () => {
    const workspace = createWorkspace();
    await workspace.writeFile("contacts.txt", "mail to ada@example.com");
    const executor = await createExecutor({
      ...noTools,
      sandbox: quickjs(),
      workspace,
      interceptor: createPrivacyGuard({}),
    });
    const result = await executor.execute(`
const text = await workspace.readFile("contacts.txt");
await workspace.writeFile("copy.txt", text);
return text;`);
    await executor.close();
    expect(result.error).toBeUndefined();
    expect(result.value).toBe("mail to [EMAIL_1]");
    expect(await workspace.readFile("copy.txt")).toBe("mail to [EMAIL_1]");
    // The workspace given stays open: it is the caller's.
    expect(await workspace.readFile("contacts.txt")).toBe("mail to ada@example.com");
  });

  it("lets a policy hook refuse workspace calls by their name", async () => {
    const executor = await createExecutor({
      ...noTools,
      sandbox: quickjs(),
      workspace: {},
      interceptor: {
        beforeCall(call) {
          if (`${call.server}.${call.tool}` === "codecall.workspace.remove")
            throw new CodecallError("POLICY_DENIED", "Removing files is not allowed here.");
          return call.args;
        },
      },
    });
    const result = await executor.execute(
      `await workspace.writeFile("a.txt", "a");\nawait workspace.remove("a.txt");`,
    );
    await executor.close();
    expect(result.error?.code).toBe("POLICY_DENIED");
    expect(result.error?.line).toBe(2);
  });
});

describe("a later execution resumes work", () => {
  it("reads a CSV a program wrote in another process, after that process exited", async () => {
    const directory = join(root, "resume");
    const script = new URL("./fixtures/workspace/run-program.ts", import.meta.url).pathname;
    const { stdout } = await run(
      process.execPath,
      ["--conditions=@codecall/source", "--import", "tsx", script, directory, "user-7", WRITE_CSV],
      { cwd: new URL("..", import.meta.url).pathname, timeout: 120_000 },
    );
    expect(JSON.parse(stdout)).toEqual({ ok: true, value: ["reports/meta.json", "reports/temps.csv"] });
    // This process, a fresh executor, the same directory and scope.
    const executor = await open({ storage: { directory }, scope: "user-7" });
    const result = await executor.execute(READ_CSV);
    const other = await executor.workspace!.list();
    await executor.close();
    expect(result.error).toBeUndefined();
    expect(result.value).toEqual({ rows: 2, coldest: "Oslo" });
    expect(other).toHaveLength(2);
    // Another scope of the same directory does not see it.
    const stranger = await open({ storage: { directory }, scope: "user-8" });
    const miss = await stranger.execute(READ_CSV);
    await stranger.close();
    expect(miss.error?.code).toBe("WORKSPACE_NOT_FOUND");
  });
});

const redisBinary = await run("which", ["redis-server"]).then(
  (r) => r.stdout.trim(),
  () => "",
);

// Skipped only where Debian's redis-server is not installed (CI installs it: see .ci/run).
describe.skipIf(!redisBinary)("the workspace on a real Redis server", () => {
  let redis: ChildProcess;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    redis = spawn(
      redisBinary,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 30_000);
      redis.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (/Ready to accept connections/i.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      redis.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
    });
  });
  afterAll(async () => {
    if (redis && redis.exitCode === null) {
      const exited = new Promise((resolve) => redis.once("exit", resolve));
      redis.kill("SIGTERM");
      await exited;
    }
  });

  const redisStorage = async () => {
    const { default: redisDriver } = await import("unstorage/drivers/redis");
    return redisDriver({ url: `redis://127.0.0.1:${port}`, base: "codecall-test" });
  };

  it("writes a CSV in one executor and reads it in a fresh one over a new connection", async () => {
    const first = await open({ storage: await redisStorage(), scope: "team-a" });
    const wrote = await first.execute(WRITE_CSV);
    await first.close();
    expect(wrote.error).toBeUndefined();
    expect(wrote.value).toEqual(["reports/meta.json", "reports/temps.csv"]);

    const second = await open({ storage: await redisStorage(), scope: "team-a" });
    const read = await second.execute(READ_CSV);
    const bytes = await second.execute(
      `await workspace.writeFile("raw.bin", "AP8KDYA=", { encoding: "base64" }); return await workspace.readFile("raw.bin", { encoding: "base64" });`,
    );
    await second.close();
    expect(read.error).toBeUndefined();
    expect(read.value).toEqual({ rows: 2, coldest: "Oslo" });
    expect(bytes.value).toBe("AP8KDYA=");

    // The keys are in Redis itself, under the driver's base and the scope.
    const { Redis } = await import("ioredis");
    const client = new Redis({ port, host: "127.0.0.1" });
    const keys = (await client.keys("codecall-test:*")).sort();
    await client.quit();
    expect(keys).toEqual([
      "codecall-test:team-a:raw.bin",
      "codecall-test:team-a:reports:meta.json",
      "codecall-test:team-a:reports:temps.csv",
    ]);
  });
});
