/**
 * The CLI with any model (OpenAI-compatible endpoints through the AI SDK, against a loopback stand-in),
 * the servers of an MCP client (`--from`), isolated-vm without the user's `--no-node-snapshot`, and the
 * failures that must be one clear line with the right exit code: missing keys, unknown keys, broken JSON,
 * a busy port, a server that never answers.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { startChatCompletionsStandIn } from "@codecall/ai-sdk/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { needsNoSnapshot } from "../src/reexec.js";
import { makeWorkspace, notesProgram, probeConfig, runCli, type Workspace } from "./cli.js";

let ws: Workspace;
beforeEach(async () => {
  ws = await makeWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

// Each case starts the CLI from source one or more times; on a loaded machine that takes tens of seconds.
const cli = (args: string[], options: Parameters<typeof runCli>[1] = {}) =>
  runCli(args, { timeoutMs: 240_000, ...options });

/** No stack trace, no "unexpected error": the failure is one line and a hint. */
function expectOneClearLine(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at |unexpected error/);
  const errors = stderr.split("\n").filter((l) => l.startsWith("codecall: ") && !l.includes("warning"));
  expect(errors.at(-1)).toMatch(/^codecall: [A-Z_]+: /);
}

describe("run --model provider:model", { timeout: 300_000 }, () => {
  it("runs a task with an OpenAI-compatible endpoint (--base-url) through the AI SDK", async () => {
    const standIn = await startChatCompletionsStandIn({
      script: [
        { toolCalls: [{ name: "execute_code", arguments: { code: notesProgram(ws.dir) } }] },
        { text: "Stored alpha, beta and gamma." },
      ],
    });
    try {
      const run = await cli(
        [
          "run",
          "Store the notes",
          "--model",
          "openai-compatible:qwen3:8b",
          "--base-url",
          standIn.url,
          "--json",
        ],
        { cwd: ws.dir },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        ok: true,
        text: "Stored alpha, beta and gamma.",
        stopReason: "stop",
        usage: { roundTrips: 2, toolUses: 1 },
      });
      expect(run.stderr).toContain("program calls memory.createEntities");
      expect(standIn.requests[0]?.body.model).toBe("qwen3:8b");
      expect(standIn.requests[0]?.body.tools?.map((t) => t.function.name)).toContain("execute_code");
      const toolMessage = standIn.requests[1]?.body.messages.find((m) => m.role === "tool");
      expect(JSON.parse(String(toolMessage?.content))).toMatchObject({
        ok: true,
        value: ["alpha", "beta", "gamma"],
      });
    } finally {
      await standIn.close();
    }
  });

  it("exits 3 with one line when the provider's key is missing, before any server starts", async () => {
    const run = await cli(["run", "x", "--model", "openai:gpt-4.1-mini"], {
      cwd: ws.dir,
      env: { OPENAI_API_KEY: undefined },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/MODEL_ERROR: OPENAI_API_KEY is not set\.\n {2}hint: Export OPENAI_API_KEY=/);
    expect(run.stderr).not.toContain("connecting to");
    expectOneClearLine(run.stderr);
  });

  it("exits 3 with one line when the endpoint cannot be reached, and 2 without --base-url", async () => {
    const port = await closedPort();
    const run = await cli(
      ["run", "x", "--model", "openai-compatible:m", "--base-url", `http://127.0.0.1:${port}/v1`, "-q"],
      { cwd: ws.dir },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`Cannot reach the model API at http://127.0.0.1:${port}/v1`);
    expectOneClearLine(run.stderr);
    const noUrl = await cli(["run", "x", "--model", "openai-compatible:m"], { cwd: ws.dir });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain("needs --base-url");
    const unknown = await cli(["run", "x", "--model", "mistral:large"], { cwd: ws.dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown model provider "mistral"');
  });
});

describe("configuration", { timeout: 300_000 }, () => {
  it("--from cursor uses the servers in the user's ~/.cursor/mcp.json", async () => {
    const home = join(ws.dir, "home");
    await mkdir(join(home, ".cursor"), { recursive: true });
    await writeFile(join(home, ".cursor", "mcp.json"), await readFile(ws.config, "utf8"));
    await writeFile(join(ws.dir, "p.ts"), notesProgram(ws.dir));
    const project = join(ws.dir, "elsewhere");
    await mkdir(project);
    const run = await cli(["exec", join(ws.dir, "p.ts"), "--from", "cursor"], {
      cwd: project,
      env: { HOME: home },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).value).toEqual(["alpha", "beta", "gamma"]);
    expect(run.stderr).toContain(
      `using the servers of cursor: ${join(home, ".cursor", "mcp.json")} (global)`,
    );
  });

  it("an unknown key in codecall settings is exit 2 naming the nearest key", async () => {
    const config = JSON.parse(await readFile(ws.config, "utf8"));
    await writeFile(ws.config, JSON.stringify({ ...config, codecall: { polcy: { deny: ["memory.*"] } } }));
    await writeFile(join(ws.dir, "x.ts"), "return 1");
    const run = await cli(["exec", "x.ts"], { cwd: ws.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('codecall has an unknown key "polcy"; did you mean "policy"?');
    await writeFile(ws.config, JSON.stringify({ ...config, codecall: { policy: { alow: [] } } }));
    const nested = await cli(["exec", "x.ts"], { cwd: ws.dir });
    expect(nested.stderr).toContain('codecall.policy has an unknown key "alow"; did you mean "allow"?');
    await writeFile(ws.config, JSON.stringify({ ...config, codecall: { sandbox: "docker" } }));
    const value = await cli(["exec", "x.ts"], { cwd: ws.dir });
    expect(value.code).toBe(2);
    expect(value.stderr).toContain('codecall.sandbox must be one of "quickjs", "isolated-vm", "e2b"');
  });

  it("a JSON syntax error is exit 2 with the line and column", async () => {
    await writeFile(ws.config, '{\n  "mcpServers": {\n    "memory": { "command": "x" }}\n  }\n}\n');
    await writeFile(join(ws.dir, "x.ts"), "return 1");
    const run = await cli(["exec", "x.ts"], { cwd: ws.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\.mcp\.json:5:1 is not valid JSON: unexpected text after the end/);
    expectOneClearLine(run.stderr);
  });
});

describe("failures are one line with the right exit code", { timeout: 300_000 }, () => {
  it("a busy port is exit 3, no stack trace, before any server starts", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const { port } = blocker.address() as { port: number };
    // The one server writes a file when it starts: the busy port must be reported before that.
    const { config, marker } = await probeConfig(ws.dir, "probe-busy");
    try {
      const run = await cli(["serve", "--http", String(port), "-q", "-c", config], {
        cwd: ws.dir,
      });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`EADDRINUSE: Port 127.0.0.1:${port} is already in use.`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      await expect(readFile(marker)).rejects.toMatchObject({ code: "ENOENT" });
    } finally {
      blocker.close();
    }
  });

  it("a server that never answers gives progress, then exit 3 after --connect-timeout", async () => {
    await writeFile(
      join(ws.dir, "hung.json"),
      JSON.stringify({
        mcpServers: { hung: { command: process.execPath, args: ["-e", "setInterval(() => {}, 1000)"] } },
      }),
    );
    await writeFile(join(ws.dir, "x.ts"), "return 1");
    const run = await cli(["exec", "x.ts", "-c", "hung.json", "--connect-timeout", "6500"], {
      cwd: ws.dir,
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      "still waiting for MCP servers to start (5 s of 7 s; --connect-timeout sets the limit)",
    );
    expect(run.stderr).toMatch(/server "hung" is unavailable/);
    expect(run.stderr).toMatch(
      /codecall: MCP_CONNECT_FAILED: None of the configured MCP servers could be used/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("isolated-vm without --no-node-snapshot", { timeout: 300_000 }, () => {
  it("knows when the flag is needed: the flag, the environment, the configuration file", () => {
    expect(needsNoSnapshot(["exec", "p.ts", "--sandbox", "isolated-vm"], {}, ws.dir, [])).toBe(true);
    expect(needsNoSnapshot(["exec", "--sandbox=isolated-vm"], {}, ws.dir, [])).toBe(true);
    expect(
      needsNoSnapshot(["exec", "--sandbox", "quickjs"], { CODECALL_SANDBOX: "isolated-vm" }, ws.dir, []),
    ).toBe(false);
    expect(needsNoSnapshot(["exec"], { CODECALL_SANDBOX: "isolated-vm" }, ws.dir, [])).toBe(true);
    expect(needsNoSnapshot(["exec", "--sandbox", "isolated-vm"], {}, ws.dir, ["--no-node-snapshot"])).toBe(
      false,
    );
    expect(
      needsNoSnapshot(
        ["exec", "--sandbox", "isolated-vm"],
        { NODE_OPTIONS: "--no-node-snapshot" },
        ws.dir,
        [],
      ),
    ).toBe(false);
    expect(needsNoSnapshot(["exec"], {}, ws.dir, [])).toBe(false);
  });

  it("runs a program in isolated-vm from a plain `codecall` start", async () => {
    await writeFile(join(ws.dir, "p.ts"), notesProgram(ws.dir));
    const run = await cli(["exec", "p.ts", "--sandbox", "isolated-vm", "--json"], {
      cwd: ws.dir,
      env: { NODE_OPTIONS: undefined },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, value: ["alpha", "beta", "gamma"] });
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
