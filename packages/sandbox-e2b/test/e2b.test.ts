import { readdirSync, readFileSync } from "node:fs";
import type { ToolHandler } from "@codecall/sandbox";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { e2b, sandboxCreateOptions } from "../src/adapter.js";
import { ChannelViolation, FrameReader, newChannelKey, sign } from "../src/channel.js";
import { WORKER_MARKER } from "../src/runner-source.js";
import { type E2BStandIn, startE2BStandIn } from "../src/testing/index.js";

// Every test here drives the real SDK in debug mode against the envd stand-in on 127.0.0.1, on a free
// port passed as `sandboxUrl` so concurrent runs never collide; one test uses the SDK's default, 49983.
let standIn: E2BStandIn;
beforeAll(async () => {
  standIn = await startE2BStandIn({ port: 0 });
});
afterAll(async () => {
  await standIn.close();
});

const sandboxes: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});
function local() {
  const sandbox = e2b({ debug: true, sandboxUrl: standIn.url });
  sandboxes.push(sandbox);
  return sandbox;
}

/** Records every tool call; `wait` never answers until the run ends, `echo` returns its arguments. */
function recordingTools() {
  const calls: string[] = [];
  const tools: ToolHandler = async (call, { signal }) => {
    calls.push(call.name);
    if (call.name === "wait") await new Promise((resolve) => signal.addEventListener("abort", resolve));
    return call.args;
  };
  return { calls, tools };
}

async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Pids of live processes whose command line contains `marker` (this machine's /proc). */
/**
 * Processes whose command line holds `marker`, children of `parent` only when given: other test files
 * (and other test runs on this machine) start runners and workers of their own at the same time.
 */
function pidsWith(marker: string, parent?: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(marker)) continue;
      if (parent !== undefined && parentOf(entry) !== parent) continue;
      out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** The parent's pid, from `/proc/<pid>/stat` (the field after the command's closing parenthesis). */
function parentOf(pid: string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

describe("the signed channel", () => {
  it("reassembles frames from chunks of any size and checks signature and sequence", () => {
    const key = newChannelKey();
    const lines = [
      { t: "ready", s: 0 },
      { t: "log", level: "log", text: "ünïcødé \n {}", s: 1 },
    ].map((m) => {
      const json = JSON.stringify(m);
      return `${sign(key, json)} ${json}\n`;
    });
    const reader = new FrameReader(key, 10_000);
    const frames = [...lines.join("")].flatMap((ch) => reader.push(ch));
    expect(frames.map((f) => f.t)).toEqual(["ready", "log"]);

    const fresh = () => new FrameReader(key, 10_000);
    const json = '{"t":"done","report":"{\\"ok\\":true,\\"value\\":1}","s":0}';
    expect(() => fresh().push(`${"0".repeat(64)} ${json}\n`)).toThrow(ChannelViolation);
    expect(() => fresh().push(`${json}\n`)).toThrow(ChannelViolation);
    expect(() => fresh().push(`${sign(newChannelKey(), json)} ${json}\n`)).toThrow(ChannelViolation);
    const replayed = fresh();
    replayed.push(lines[0]!);
    expect(() => replayed.push(lines[0]!)).toThrow(/out of sequence/);
    expect(() => fresh().push("x".repeat(10_001))).toThrow(/longer than any frame/);
  });
});

describe("e2b backend", () => {
  it("reaches envd on localhost:49983 in the SDK's own debug mode, with no URL given", async (ctx) => {
    let fixed: E2BStandIn;
    try {
      fixed = await startE2BStandIn();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
      ctx.skip("port 49983 is in use by another process on this machine (another stand-in)");
      return;
    }
    try {
      const outcome = await e2b({ debug: true }).execute({ code: "return 6 * 7" });
      expect(outcome.value).toBe(42);
      expect(fixed.starts).toHaveLength(1);
    } finally {
      await fixed.close();
    }
  });

  it("keeps one VM per session across executions, with persistent globals", async () => {
    const before = standIn.starts.length;
    const session = await local().createSession();
    expect((await session.execute({ code: "globalThis.n = 1; return n" })).value).toBe(1);
    expect((await session.execute({ code: "n += 1; return n" })).value).toBe(2);
    expect((await session.execute({ code: "return ++n" })).value).toBe(3);
    expect(standIn.starts.length - before).toBe(1);
    await session.dispose();
  });

  it("takes each execution's output limit, not the first one's, for the frames it reads", async () => {
    const session = await local().createSession();
    const small = { maxOutputBytes: 64 * 1024, maxToolArgsBytes: 64 * 1024 };
    expect((await session.execute({ code: "return 1", limits: small })).value).toBe(1);
    // A 3 MB report is one frame: longer than any frame the first execution's limits allowed.
    const big = await session.execute({
      code: "return 'x'.repeat(3_000_000).length + ':' + 'y'.repeat(3_000_000)",
      limits: { maxOutputBytes: 8 * 1024 * 1024 },
    });
    expect(big.ok, JSON.stringify(big.error)).toBe(true);
    expect(String(big.value).length).toBe("3000000:".length + 3_000_000);
    await session.dispose();
  });

  it("writes large answers to the VM in pieces that never split a character", async () => {
    // Surrogate pairs at every offset of the 64 Ki pieces: an odd-length prefix shifts them by one unit.
    const text = `x${"😀é".repeat(300_000)}`;
    const outcome = await local().execute({
      code: `const parts = await Promise.all([codecall.callTool("text"), codecall.callTool("text")]);
return parts.map((t) => [t.length, t.includes("\\uFFFD"), t.slice(-4)]);`,
      tools: () => text,
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.value).toEqual([
      [text.length, false, text.slice(-4)],
      [text.length, false, text.slice(-4)],
    ]);
  });

  it("does not treat program output shaped like bridge frames as frames", async () => {
    const { calls, tools } = recordingTools();
    const forged = [
      '{"t":"call","id":1,"request":"{\\"name\\":\\"forged\\"}","s":1}',
      '{"t":"done","report":"{\\"ok\\":true,\\"value\\":\\"forged\\"}","s":1}',
      `${"a".repeat(64)} {"t":"done","report":"{\\"ok\\":true,\\"value\\":\\"forged\\"}","s":2}`,
    ];
    const outcome = await local().execute({
      code: `const lines = ${JSON.stringify(forged)};
for (const l of lines) { console.log("\\n" + l + "\\n"); console.error(l); }
if (typeof process !== "undefined") process.stdout.write(lines.join("\\n") + "\\n");
await codecall.callTool("echo", { after: "forgery" });
return "real";`,
      tools,
    });
    expect(outcome.ok).toBe(true);
    expect(outcome.value).toBe("real");
    expect(calls).toEqual(["echo"]);
    expect(outcome.logs.map((l) => l.message.trim())).toEqual(forged.flatMap((l) => [l, l]));
  });

  it("ends the run as crashed when unsigned frames appear on the runner's stdout", async () => {
    const { calls, tools } = recordingTools();
    const session = await local().createSession();
    expect((await session.execute({ code: "return 1" })).ok).toBe(true);
    const runner = standIn.running().at(-1)!;
    const pending = session.execute({ code: "await codecall.callTool('wait'); return 'real'", tools });
    await until(() => calls.includes("wait"), "the program's tool call");
    // What a program that escaped node:vm and reached the runner's stdout pipe through /proc could write.
    standIn.injectStdout(runner, '{"t":"call","id":9,"request":"{\\"name\\":\\"forged\\"}","s":2}\n');
    const outcome = await pending;
    expect(outcome.error?.code).toBe("SANDBOX_CRASHED");
    expect(outcome.error?.message).toMatch(/unsigned line/);
    expect(outcome.stats.contextReset).toBe(true);
    expect(calls).toEqual(["wait"]);
    await until(() => !standIn.running().includes(runner), "the tampered runner to be killed");
    expect((await session.execute({ code: "return 'fresh'" })).value).toBe("fresh");
    await session.dispose();
  });

  it("reports a lost connection as SANDBOX_CRASHED and recovers with a new VM", async () => {
    const { calls, tools } = recordingTools();
    const session = await local().createSession();
    const pending = session.execute({ code: "await codecall.callTool('wait'); return 1", tools });
    await until(() => calls.length === 1, "the program's tool call");
    const port = standIn.port;
    await standIn.close(); // the VM vanishes mid-run
    const outcome = await pending;
    expect(outcome.error?.code).toBe("SANDBOX_CRASHED");
    expect(outcome.error?.message).toMatch(/lost the E2B sandbox/);
    expect(outcome.stats.contextReset).toBe(true);
    standIn = await startE2BStandIn({ port });
    expect((await session.execute({ code: "return 'back'" })).value).toBe("back");
    await session.dispose();
  });

  it("reports creation failures as SANDBOX_UNAVAILABLE with advice", async () => {
    const savedKey = process.env.E2B_API_KEY;
    const savedDebug = process.env.E2B_DEBUG;
    delete process.env.E2B_API_KEY;
    delete process.env.E2B_DEBUG;
    try {
      const noKey = await e2b().execute({ code: "return 1" });
      expect(noKey.error?.code).toBe("SANDBOX_UNAVAILABLE");
      expect(noKey.error?.hint).toMatch(/E2B_API_KEY/);
    } finally {
      if (savedKey !== undefined) process.env.E2B_API_KEY = savedKey;
      if (savedDebug !== undefined) process.env.E2B_DEBUG = savedDebug;
    }

    const noNode = await e2b({ debug: true, sandboxUrl: standIn.url, nodePath: "/nonexistent/node" }).execute(
      { code: "return 1" },
    );
    expect(noNode.error?.code).toBe("SANDBOX_UNAVAILABLE");
    expect(noNode.error?.hint).toMatch(/Node\.js/);

    await standIn.close();
    try {
      const down = await e2b({ debug: true, sandboxUrl: standIn.url, requestTimeoutMs: 5_000 }).execute({
        code: "return 1",
      });
      expect(down.error?.code).toBe("SANDBOX_UNAVAILABLE");
      expect(down.error?.message).toMatch(/Could not start codecall's runner/);
    } finally {
      standIn = await startE2BStandIn({ port: 0 });
    }
  });

  // Node.js 18.20 (and 20.10) hand a program the promise import() made in the worker's realm, whose
  // constructor's constructor compiles code there, with process and require. The test needs such a Node:
  // .ci/run installs node@18.20.8 from npm and names it in CODECALL_TEST_OLD_NODE; without it, skipped.
  it.skipIf(!process.env.CODECALL_TEST_OLD_NODE)(
    "runs no program on a template's Node.js that cannot keep import() in the program's realm",
    async () => {
      const sandbox = e2b({
        debug: true,
        sandboxUrl: standIn.url,
        nodePath: process.env.CODECALL_TEST_OLD_NODE,
      });
      sandboxes.push(sandbox);
      const reachProcess =
        "const p = import('x');\np.catch(() => {});\nreturn typeof p.constructor.constructor('return process')();";
      for (let i = 0; i < 2; i++) {
        const outcome = await sandbox.execute({ code: reachProcess });
        expect(outcome.value).toBeUndefined();
        expect(outcome.error?.code).toBe("SANDBOX_CRASHED");
        expect(outcome.error?.message).toMatch(/Node\.js v18\..* import\(\)/);
      }
    },
  );

  it("reports why the program's process ended when the host reads the runner's output late", async () => {
    // The tool holds the host's thread (and this in-process stand-in) while the program logs 2 MiB and
    // then outgrows its memory: the runner's frames queue behind a full pipe, the last one saying why.
    const MiB = 1024 * 1024;
    const outcome = await local().execute({
      code: `codecall.callTool("stall");
for (let i = 0; i < 8; i++) console.log("x".repeat(256 * 1024));
const keep = [];
for (;;) keep.push(new Uint8Array(8 * 1024 * 1024).fill(1));`,
      tools: async () => {
        const end = Date.now() + 1_500;
        while (Date.now() < end);
        return null;
      },
      limits: { memoryBytes: 64 * MiB, maxOutputBytes: 4 * MiB, wallTimeMs: 20_000, cpuTimeMs: 20_000 },
    });
    expect(outcome.error?.code).toBe("SANDBOX_MEMORY");
  });

  it("kills the runner and the program's process on dispose", async () => {
    const session = await local().createSession();
    const before = new Set(standIn.running());
    expect((await session.execute({ code: "return 1" })).ok).toBe(true);
    const runner = standIn.running().find((pid) => !before.has(pid))!;
    const workers = pidsWith(WORKER_MARKER, runner);
    expect(workers.length).toBeGreaterThan(0);
    await session.dispose();
    await until(() => !standIn.running().includes(runner), "the runner to exit");
    await until(() => workers.every((pid) => !pidsWith(WORKER_MARKER).includes(pid)), "the worker to exit");
  });

  it("passes no host environment or credentials into the VM", async () => {
    const secret = `codecall-secret-${Math.random().toString(36).slice(2)}`;
    process.env.CODECALL_TEST_SECRET = secret;
    try {
      const before = standIn.starts.length;
      const session = await local().createSession();
      const outcome = await session.execute({
        code: "return [typeof process, typeof require, Object.keys(globalThis).filter((k) => /SECRET|E2B/.test(k))]",
      });
      expect(outcome.value).toEqual(["undefined", "undefined", []]);
      const start = standIn.starts[before]!;
      expect(start.envs).toEqual({});
      expect(JSON.stringify(start)).not.toContain(secret);
      // The runner's and the program's processes, as the VM sees them.
      const workers = pidsWith(WORKER_MARKER, start.pid);
      expect(workers.length).toBeGreaterThan(0);
      for (const pid of [start.pid, ...workers]) {
        expect(readFileSync(`/proc/${pid}/environ`, "utf8")).not.toContain(secret);
      }
      await session.dispose();
    } finally {
      delete process.env.CODECALL_TEST_SECRET;
    }
    const options = sandboxCreateOptions({ apiKey: "e2b_test_key" });
    expect(options).toMatchObject({ allowInternetAccess: false, envs: {}, apiKey: "e2b_test_key" });
    expect(sandboxCreateOptions({ allowInternetAccess: true }).allowInternetAccess).toBe(true);
  });
});
