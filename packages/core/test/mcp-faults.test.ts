import { getEventListeners } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CatalogueChange,
  type CodecallError,
  connectServers,
  hasErrorCode,
  type McpConnections,
  toolResultToValue,
} from "../src/internal.js";
import { faultServer, isAlive, serverBin } from "./fixtures/mcp/servers.js";

/** The error a promise rejects with (the test fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<CodecallError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  return outcome.error as CodecallError;
}

describe("faults: each gives a typed error, and the other servers keep working", () => {
  let dir: string;
  let mcp: McpConnections;
  const changes: CatalogueChange[] = [];
  const pids = new Set<number>();

  const faultyPid = () => mcp.status().find((s) => s.name === "faulty")!.pid!;
  const echo = async (text: string) => {
    const result = await mcp.callTool("faulty", "echo", { text });
    pids.add(faultyPid());
    return toolResultToValue(result);
  };
  const memoryWorks = async () => {
    const graph = toolResultToValue(await mcp.callTool("memory", "read_graph", {}));
    expect(graph).toMatchObject({ entities: expect.any(Array) });
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "codecall-faults-"));
    mcp = await connectServers(
      {
        mcpServers: {
          faulty: { command: process.execPath, args: [faultServer] },
          memory: {
            command: process.execPath,
            args: [serverBin("server-memory")],
            env: { MEMORY_FILE_PATH: join(dir, "memory.jsonl") },
          },
          missing: { command: "codecall-no-such-command-4711", args: ["--serve"] },
          broken: { command: process.execPath, args: [faultServer, "exit-on-start"] },
          silent: { command: process.execPath, args: [faultServer, "silent"] },
        },
      },
      // Long enough for real servers to start on a loaded machine; the silent one is failed after it.
      { connectTimeoutMs: 10_000, maxResultBytes: 1024 * 1024 },
    );
    mcp.onChange((change) => changes.push(change));
    pids.add(faultyPid());
  });

  afterAll(async () => {
    await mcp?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("a command that does not exist, a server that exits at start, and one that never answers are reported by name", () => {
    const status = Object.fromEntries(mcp.status().map((s) => [s.name, s]));
    expect(status["faulty"]?.state).toBe("ready");
    expect(status["memory"]?.state).toBe("ready");

    expect(status["missing"]).toMatchObject({ state: "failed", error: { code: "MCP_CONNECT_FAILED" } });
    expect(status["missing"]!.error!.message).toContain('"missing"');
    expect(status["missing"]!.error!.message).toContain(
      'command "codecall-no-such-command-4711" was not found',
    );
    expect(status["missing"]!.error!.hint).toContain("codecall-no-such-command-4711 --serve");

    expect(status["broken"]).toMatchObject({ state: "failed", error: { code: "MCP_CONNECT_FAILED" } });
    expect(status["broken"]!.error!.message).toContain("cannot open database at /nonexistent/db.sqlite");
    expect(status["broken"]!.stderrTail).toContain("cannot open database");
    // The SDK says only "Connection closed": how the process ended is told too.
    expect(status["broken"]!.error!.message).toContain("the process exited with code 3 before it answered");

    expect(status["silent"]).toMatchObject({ state: "failed", error: { code: "MCP_CONNECT_FAILED" } });
    expect(status["silent"]!.error!.message).toMatch(/within 10000 ms/);

    expect([...mcp.failures().keys()].sort()).toEqual(["broken", "missing", "silent"]);
    expect(mcp.servers().map((s) => s.name)).toEqual(["faulty", "memory"]);
  });

  it("a server that never answers: MCP_TIMEOUT, and the same process keeps serving", async () => {
    const pid = faultyPid();
    const error = await rejection(mcp.callTool("faulty", "hang", {}, { timeoutMs: 300 }));
    expect(error.code).toBe("MCP_TIMEOUT");
    expect(error.message).toContain("faulty.hang");
    expect(error.message).toContain("300 ms");
    expect(await echo("after hang")).toEqual({ text: "after hang" });
    expect(faultyPid()).toBe(pid);
    await memoryWorks();
  });

  it("a call cancelled through its signal: ABORTED", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(mcp.callTool("faulty", "hang", {}, { signal: controller.signal }));
    expect(error.code).toBe("ABORTED");
  });

  it("many calls in flight under one signal: one abort listener on it, and an abort cancels each of them", async () => {
    const cancelled = async () =>
      ((await mcp.callTool("faulty", "cancellations", {})).structuredContent as { requestIds: unknown[] })
        .requestIds;
    const before = new Set(await cancelled());
    const controller = new AbortController();
    const calls = Array.from({ length: 50 }, () =>
      rejection(mcp.callTool("faulty", "hang", {}, { signal: controller.signal })),
    );
    // The requests reach the server; Node walks a signal's listeners on every add and remove, so one per
    // call would cost quadratic time.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    for (const error of await Promise.all(calls)) expect(error.code).toBe("ABORTED");
    expect((await cancelled()).filter((id) => !before.has(id))).toHaveLength(50);
    // A signal whose calls have all finished keeps no listener.
    const done = new AbortController();
    await Promise.all([echo("a"), mcp.callTool("faulty", "echo", { text: "b" }, { signal: done.signal })]);
    expect(getEventListeners(done.signal, "abort")).toHaveLength(0);
  });

  it("a server that crashes mid-call: MCP_SERVER_CRASHED with its stderr, calls in flight fail too, restart on next use", async () => {
    const pid = faultyPid();
    const version = mcp.version;
    const waiting = rejection(mcp.callTool("faulty", "hang", {}, { timeoutMs: 20_000 }));
    const error = await rejection(mcp.callTool("faulty", "crash", {}));
    expect(error.code).toBe("MCP_SERVER_CRASHED");
    expect(error.message).toContain("segmentation fault (simulated)");
    expect(error.message).toContain(`pid ${pid}`);
    expect((await waiting).code).toBe("MCP_SERVER_CRASHED");
    expect(mcp.status().find((s) => s.name === "faulty")?.state).toBe("crashed");
    await memoryWorks();

    expect(await echo("after crash")).toEqual({ text: "after crash" });
    expect(faultyPid()).not.toBe(pid);
    expect(isAlive(pid)).toBe(false);
    // Same tools after the restart: the catalogue did not change.
    expect(mcp.version).toBe(version);
  });

  it("a call whose signal aborts while its server restarts: ABORTED, and the request is never sent", async () => {
    await rejection(mcp.callTool("faulty", "crash", {}));
    const controller = new AbortController();
    // The call now waits for the restart: an abort then must still cancel it, not let it run.
    const call = rejection(
      mcp.callTool("faulty", "add_tool", { name: "never_added" }, { signal: controller.signal }),
    );
    controller.abort();
    expect((await call).code).toBe("ABORTED");
    expect(await echo("after the abort")).toEqual({ text: "after the abort" });
    expect(mcp.tools().some((t) => t.name === "never_added")).toBe(false);
  });

  it("a server that answers with a line that is not JSON: MCP_PROTOCOL_ERROR at once, not a timeout", async () => {
    const started = Date.now();
    const error = await rejection(mcp.callTool("faulty", "garbage", {}, { timeoutMs: 20_000 }));
    expect(error.code).toBe("MCP_PROTOCOL_ERROR");
    expect(error.message).toContain('"faulty"');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await echo("after garbage")).toEqual({ text: "after garbage" });
    await memoryWorks();
  });

  it("a server that answers with a malformed result: MCP_PROTOCOL_ERROR, and the connection stays up", async () => {
    const pid = faultyPid();
    const error = await rejection(mcp.callTool("faulty", "bad_shape", {}));
    expect(error.code).toBe("MCP_PROTOCOL_ERROR");
    expect(error.message).toContain("faulty.bad_shape");
    expect(await echo("after bad shape")).toEqual({ text: "after bad shape" });
    expect(faultyPid()).toBe(pid);
  });

  it("a 50 MB line: TOOL_RESULT_TOO_LARGE once it passes the cap, and the same process keeps serving", async () => {
    const pid = faultyPid();
    const states: string[] = [];
    const watch = setInterval(() => states.push(mcp.status().find((s) => s.name === "faulty")!.state), 5);
    try {
      const error = await rejection(mcp.callTool("faulty", "huge", {}));
      expect(error.code).toBe("TOOL_RESULT_TOO_LARGE");
      expect(error.message).toContain(String(1024 * 1024));
      expect(error.message).toContain("faulty.huge");
      // The id written last is found when the line ends.
      const late = await rejection(mcp.callTool("faulty", "huge_id_last", {}));
      expect(late.code).toBe("TOOL_RESULT_TOO_LARGE");
      expect(late.message).toContain("faulty.huge_id_last");
      await memoryWorks();
      expect(await echo("after huge")).toEqual({ text: "after huge" });
    } finally {
      clearInterval(watch);
    }
    // Refused, not restarted: the connection never left `ready`.
    expect(faultyPid()).toBe(pid);
    expect(new Set(states)).toEqual(new Set(["ready"]));
  });

  it("a tool's own failure is an isError result that becomes TOOL_FAILED with its message", async () => {
    const result = await mcp.callTool("faulty", "fail", {});
    expect(() => toolResultToValue(result)).toThrow(
      expect.objectContaining({ code: "TOOL_FAILED", message: "the widget is out of stock" }),
    );
  });

  it("a failed server is retried on use and still reports why", async () => {
    const error = await rejection(mcp.callTool("missing", "anything", {}));
    expect(error.code).toBe("MCP_CONNECT_FAILED");
    expect(error.message).toContain("was not found");
    const broken = await rejection(mcp.callTool("broken", "echo", {}));
    expect(broken.message).toContain("cannot open database");
  });

  it("notifications/tools/list_changed refreshes the catalogue, bumps the version and tells listeners", async () => {
    const version = mcp.version;
    const changed = new Promise<CatalogueChange>((resolve) => {
      const off = mcp.onChange((change) => {
        off();
        resolve(change);
      });
    });
    await mcp.callTool("faulty", "add_tool", { name: "fresh_tool" });
    const change = await changed;
    expect(change).toEqual({ version: version + 1, server: "faulty" });
    expect(mcp.version).toBe(version + 1);
    expect(mcp.tools().some((t) => t.server === "faulty" && t.name === "fresh_tool")).toBe(true);
    const result = await mcp.callTool("faulty", "fresh_tool", {});
    expect(toolResultToValue(result)).toEqual([{ type: "text", text: "fresh_tool ran" }]);
    expect(changes.at(-1)).toEqual(change);
  });

  it("close() ends every process it started, crashed and restarted ones included", async () => {
    const running = mcp.status().flatMap((s) => (s.pid === undefined ? [] : [s.pid]));
    expect(running.length).toBe(2);
    for (const pid of running) pids.add(pid);
    await mcp.close();
    expect([...pids].filter(isAlive)).toEqual([]);
    expect(mcp.status().every((s) => s.state === "closed")).toBe(true);
  });
});

describe("a result over the cap from a real server", () => {
  it("is refused with TOOL_RESULT_TOO_LARGE and the server answers small calls again", async () => {
    const dir = await mkdtemp(join(tmpdir(), "codecall-cap-"));
    const mcp = await connectServers(
      { fs: { command: process.execPath, args: [serverBin("server-filesystem"), dir] } },
      { maxResultBytes: 64 * 1024 },
    );
    try {
      const big = join(dir, "big.txt");
      await mcp.callTool("fs", "write_file", { path: big, content: `${"y".repeat(1023)}\n`.repeat(256) });
      const error = await rejection(mcp.callTool("fs", "read_text_file", { path: big }));
      expect(hasErrorCode(error, "TOOL_RESULT_TOO_LARGE")).toBe(true);
      const small = toolResultToValue(await mcp.callTool("fs", "read_text_file", { path: big, head: 1 }));
      expect(small).toEqual({ content: "y".repeat(1023) });
    } finally {
      await mcp.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
