import { quickjs } from "@codecall/sandbox-quickjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecutor, type Executor } from "../src/executor/index.js";
import { connectServers, type McpConnections } from "../src/internal.js";
import { faultServer } from "./fixtures/mcp/servers.js";

/** What a program can read of the error a call throws. */
const caught = (call: string) => `try {
  await ${call};
  return "no error";
} catch (e) {
  return { code: e.code, message: e.message, details: JSON.stringify(e.details ?? null), text: String(e) };
}`;

interface Caught {
  code: string;
  message: string;
  details: string;
  text: string;
}

/** Stack frames, paths of the server's code and Node's internal modules: nothing a program may read. */
const HOST_TEXT = /\n\s+at |file:\/\/|node:internal|fault-server\.mjs|\.py", line|Traceback/;

describe("tool failures as a program reads them: the tool's message, no stack frames or server stderr", () => {
  let mcp: McpConnections;
  let executor: Executor;

  beforeAll(async () => {
    mcp = await connectServers(
      { faulty: { command: process.execPath, args: [faultServer] } },
      { connectTimeoutMs: 30_000 },
    );
    executor = await createExecutor({ catalogue: mcp, sandbox: quickjs(), typeCheck: "off" });
  });
  afterAll(async () => {
    await executor?.close();
    await mcp?.close();
  });

  const run = async (call: string) => {
    const result = await executor.execute(caught(call));
    expect(result.ok).toBe(true);
    return result.value as unknown as Caught;
  };

  it("a JSON-RPC error carrying a Node stack: TOOL_FAILED with its message, without the frames (and -32000 from a live server is no crash)", async () => {
    const error = await run("faulty.stackError({})");
    expect(error.code).toBe("TOOL_FAILED");
    expect(error.message).toContain("quota exceeded for project alpha");
    for (const text of [error.message, error.details, error.text]) expect(text).not.toMatch(HOST_TEXT);
    expect(mcp.status().find((s) => s.name === "faulty")?.state).toBe("ready");
  });

  it("an isError result carrying a Python traceback: TOOL_FAILED with the exception line only", async () => {
    const error = await run("faulty.traceback({})");
    expect(error.code).toBe("TOOL_FAILED");
    expect(error.message).toBe("QuotaError: quota exceeded for project beta");
    for (const text of [error.message, error.details, error.text]) expect(text).not.toMatch(HOST_TEXT);
  });

  it("a server that crashes: MCP_SERVER_CRASHED without its stderr, which the host keeps in the server's status", async () => {
    const error = await run("faulty.crash({})");
    expect(error.code).toBe("MCP_SERVER_CRASHED");
    for (const text of [error.message, error.details, error.text]) {
      expect(text).not.toContain("segmentation fault");
      expect(text).not.toMatch(HOST_TEXT);
    }
    expect(mcp.status().find((s) => s.name === "faulty")?.stderrTail).toContain(
      "segmentation fault (simulated)",
    );
  });
});
