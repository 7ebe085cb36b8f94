import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  type CallToolResult,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliOAuth } from "../src/setup.js";
import { CLI, installed, makeWorkspace, notesProgram, runCli, type Workspace } from "./cli.js";

const run = promisify(execFile);
let ws: Workspace;
beforeAll(async () => {
  ws = await makeWorkspace();
});
afterAll(async () => {
  await ws.cleanup();
});

const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;

describe("codecall serve over stdio", () => {
  it("serves code mode to the MCP SDK client: tools, search, a program across two servers, logs", {
    timeout: 120_000,
  }, async () => {
    const [command, ...prefix] = CLI;
    const transport = new StdioClientTransport({
      command,
      args: [...prefix, "serve", "--config", ws.config],

      stderr: "pipe",
    });
    const client = new Client({ name: "stdio-test", version: "1.0.0" });
    const logs: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(n.params.data);
    });
    await client.connect(transport);
    const pid = transport.pid;
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([
        "execute_code",
        "list_files",
        "read_file",
        "search_tools",
      ]);
      expect(client.getServerVersion()?.name).toBe("codecall");

      const search = await client.callTool({
        name: "search_tools",
        arguments: { query: "read a text file" },
      });
      expect(text(search)).toMatch(/readTextFile|read_text_file/);

      const progress: number[] = [];
      const result = await client.callTool(
        { name: "execute_code", arguments: { code: notesProgram(ws.dir) } },
        undefined,
        { onprogress: (p) => progress.push(p.progress) },
      );
      expect(result.isError, text(result)).toBeFalsy();
      expect(JSON.parse(text(result))).toMatchObject({ ok: true, value: ["alpha", "beta", "gamma"] });
      expect(logs).toContain("read 3 words");
      expect(progress.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
    // Closing stdin ends the server and its upstream servers.
    expect(pid).toBeTypeOf("number");
    await waitForExit(pid!);
  });
});

describe("codecall serve with a policy", () => {
  it("asks the client through elicitation for --ask tools, and never for denied ones", {
    timeout: 120_000,
  }, async () => {
    // Its own workspace: the entities it creates must not show up in the other tests' memory graph.
    const own = await makeWorkspace();
    const [command, ...prefix] = CLI;
    const transport = new StdioClientTransport({
      command,
      args: [
        ...prefix,
        "serve",
        "-q",
        "--config",
        own.config,
        "--ask",
        "memory.create_*",
        "--deny",
        "memory.delete_*",
      ],
      stderr: "pipe",
    });
    const client = new Client(
      { name: "approval-test", version: "1.0.0" },
      { capabilities: { elicitation: {} } },
    );
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return { action: "accept", content: { approve: !request.params.message.includes("refused") } };
    });
    await client.connect(transport);
    const pid = transport.pid;
    try {
      const code = `
        const create = async (name: string) => {
          try { await memory.createEntities({ entities: [{ name, entityType: "t", observations: [] }] }); return "created"; }
          catch (e) { return (e as { code: string }).code; }
        };
        let deleted: string;
        try { await memory.deleteEntities({ entityNames: ["approved"] }); deleted = "deleted"; }
        catch (e) { deleted = (e as { code: string }).code; }
        return { approved: await create("approved"), refused: await create("refused"), deleted };`;
      const result = await client.callTool({ name: "execute_code", arguments: { code } });
      expect(result.isError, text(result)).toBeFalsy();
      expect(JSON.parse(text(result)).value).toEqual({
        approved: "created",
        refused: "POLICY_DENIED",
        deleted: "POLICY_DENIED",
      });
      expect(asked).toHaveLength(2);
      expect(asked[0]).toMatch(/create_entities[\s\S]*"approved"/);
    } finally {
      await client.close();
    }
    expect(pid).toBeTypeOf("number");
    await waitForExit(pid!);
    await own.cleanup();
  });
});

describe("codecall serve with the MCP Inspector CLI (stdio)", () => {
  // The Inspector reads its own package.json relative to its working directory, so it runs from its build folder.
  const inspectorDir = installed("@modelcontextprotocol/inspector-cli/build/");
  const inspect = async (...method: string[]) => {
    const [command, ...prefix] = CLI;
    const { stdout } = await run(
      process.execPath,
      ["index.js", command, ...method, "--", ...prefix, "serve", "-q", "--config", ws.config],
      { cwd: inspectorDir, timeout: 90_000 },
    );
    return JSON.parse(stdout) as Record<string, unknown>;
  };

  it("lists the tools and calls search_tools and execute_code", { timeout: 180_000 }, async () => {
    const listed = (await inspect("--method", "tools/list")) as { tools: { name: string }[] };
    expect(listed.tools.map((t) => t.name)).toContain("execute_code");

    const search = await inspect(
      "--method",
      "tools/call",
      "--tool-name",
      "search_tools",
      "--tool-arg",
      "query=delete an entity from memory",
    );
    expect(text(search)).toMatch(/deleteEntities|delete_entities/);

    const code =
      "const g = await memory.readGraph({}); return { entities: g.entities.length, sum: 20 + 22 };";
    const executed = await inspect(
      "--method",
      "tools/call",
      "--tool-name",
      "execute_code",
      "--tool-arg",
      `code=${code}`,
    );
    expect(executed.isError).toBeFalsy();
    expect(JSON.parse(text(executed))).toMatchObject({ ok: true, value: { sum: 42 } });
  });
});

/**
 * The MCP conformance suite's server scenarios, against `codecall serve --http`. Scenarios that need the
 * suite's own test tools, resources or prompts do not apply to a server whose tools are code mode's.
 */
const APPLICABLE = [
  "server-initialize",
  "ping",
  "tools-list",
  "logging-set-level",
  "tools-call-error",
  "server-sse-multiple-streams",
  "dns-rebinding-protection",
];
const PASSED_THROUGH =
  "code mode has no such tool, resource or prompt of its own; passes with --expose tools in front of a server that has it (below)";
const NOT_APPLICABLE: Record<string, string> = {
  "completion-complete": PASSED_THROUGH,
  "tools-call-simple-text": PASSED_THROUGH,
  "tools-call-image": PASSED_THROUGH,
  "tools-call-audio": PASSED_THROUGH,
  "tools-call-embedded-resource": PASSED_THROUGH,
  "tools-call-mixed-content": PASSED_THROUGH,
  "tools-call-with-logging": "needs the suite's logging tool (program logs are tested above)",
  "tools-call-with-progress": "needs the suite's progress tool (program progress is tested above)",
  "tools-call-sampling": "codecall does not use sampling",
  "tools-call-elicitation":
    "needs the suite's elicitation tool (approvals through elicitation are tested above)",
  "elicitation-sep1034-defaults": "needs the suite's elicitation tool",
  "elicitation-sep1330-enums": "needs the suite's elicitation tool",
  "json-schema-2020-12": PASSED_THROUGH,
  "server-sse-polling": "SEP-1699 resumable SSE needs an event store, which codecall serve does not keep",
  "resources-list": PASSED_THROUGH,
  "resources-read-text": PASSED_THROUGH,
  "resources-read-binary": PASSED_THROUGH,
  "resources-templates-read": PASSED_THROUGH,
  "resources-subscribe": PASSED_THROUGH,
  "resources-unsubscribe": PASSED_THROUGH,
  "prompts-list": PASSED_THROUGH,
  "prompts-get-simple": PASSED_THROUGH,
  "prompts-get-with-args": PASSED_THROUGH,
  "prompts-get-embedded-resource": PASSED_THROUGH,
  "prompts-get-with-image": PASSED_THROUGH,
};

describe("codecall serve --http with the MCP conformance suite", () => {
  let server: ChildProcess;
  let url: string;
  let out: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "codecall-conformance-"));
    ({ child: server, url } = await startHttp());
  });

  afterAll(async () => {
    if (server && server.exitCode === null) server.kill("SIGKILL");
    await rm(out, { recursive: true, force: true });
  });

  it("lists the scenarios: every server scenario of the suite is either run here or said not to apply", async () => {
    const { stdout } = await run(process.execPath, [
      installed("@modelcontextprotocol/conformance/dist/index.js"),
      "list",
    ]);
    const server = stdout.slice(stdout.indexOf("Server scenarios"), stdout.indexOf("Client scenarios"));
    const listed = [...server.matchAll(/^\s+- (\S+)/gm)].map((m) => m[1]!);
    expect(listed.sort()).toEqual([...APPLICABLE, ...Object.keys(NOT_APPLICABLE)].sort());
  });

  it("passes every applicable scenario", { timeout: 180_000 }, async () => {
    const { rows, failed } = await runScenarios(url, APPLICABLE, out);
    for (const [scenario, why] of Object.entries(NOT_APPLICABLE)) rows.push(`n/a     ${scenario}: ${why}`);
    console.log(`MCP conformance 0.1.13 against codecall serve --http:\n  ${rows.join("\n  ")}`);
    expect(failed, rows.join("\n")).toBe(0);
  });

  it("stops cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("serves the MCP SDK client over Streamable HTTP", { timeout: 120_000 }, async () => {
    // Runs against a second server so the SIGTERM test above stays independent of this one.
    const { child: second, url: address } = await startHttp();
    try {
      const client = new Client({ name: "http-test", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(address)));
      try {
        const result = await client.callTool({
          name: "execute_code",
          arguments: { code: notesProgram(ws.dir) },
        });
        expect(JSON.parse(text(result)).value).toEqual(["alpha", "beta", "gamma"]);
      } finally {
        await client.close();
      }
    } finally {
      second.kill("SIGKILL");
    }
  });
});

describe("OAuth to remote upstream servers from the CLI", () => {
  it("prints the authorization URL for the user and keeps tokens in CODECALL_OAUTH_FILE", async () => {
    const lines: string[] = [];
    const file = join(ws.dir, "oauth.json");
    const oauth = cliOAuth({
      stdout: () => {},
      stderr: (t) => lines.push(t),
      env: { CODECALL_OAUTH_FILE: file },
      cwd: ws.dir,
    });
    await oauth.onAuthorizationUrl?.("remote", new URL("https://auth.example.com/authorize?client_id=x"));
    expect(lines.join("")).toMatch(
      /"remote" needs your authorization\. Open this URL in a browser:\n {2}https:\/\/auth\.example\.com\/authorize\?client_id=x/,
    );
    await oauth.storage?.save("https://remote.example.com/mcp", { codeVerifier: "v" });
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({
      "https://remote.example.com/mcp": { codeVerifier: "v" },
    });
  });
});

describe("codecall serve --record", () => {
  it("writes each session's run records in a folder of its own, and they replay offline", {
    timeout: 240_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "codecall-serve-records-"));
    const { child, url } = await startHttp(["--record", dir]);
    try {
      for (const factor of [6, 7]) {
        const client = new Client({ name: `recorded-${factor}`, version: "1.0.0" });
        await client.connect(new StreamableHTTPClientTransport(new URL(url)));
        const result = await client.callTool({
          name: "execute_code",
          arguments: {
            code: `const graph = await memory.readGraph({}); return graph.entities.length * 0 + ${factor} * 7;`,
          },
        });
        expect(JSON.parse(text(result)).value).toBe(factor * 7);
        await client.close();
      }
      // Records are written as programs finish: wait for both sessions' folders.
      const started = Date.now();
      let sessions: string[] = [];
      while (Date.now() - started < 60_000) {
        sessions = await readdir(dir);
        const files = await Promise.all(sessions.map((s) => readdir(join(dir, s))));
        if (sessions.length === 2 && files.every((f) => f.length === 1)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(sessions).toHaveLength(2);
      const values: unknown[] = [];
      for (const session of sessions) {
        const [file] = await readdir(join(dir, session));
        const path = join(dir, session, file!);
        const record = JSON.parse(await readFile(path, "utf8"));
        expect(record).toMatchObject({ recordVersion: 1, outcome: { ok: true } });
        expect(record.toolCalls.map((c: { name: string }) => c.name)).toEqual(["memory.readGraph"]);
        values.push(record.outcome.value);
        const offline = await runCli(["replay", path]);
        expect(offline.code, offline.stderr).toBe(0);
        expect(offline.stdout).toMatch(/^replay matches the record: 1 execution, 1 tool call/);
      }
      expect(values.sort()).toEqual([42, 49]);
    } finally {
      child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("codecall serve --http with authentication", () => {
  it("refuses to listen beyond loopback without auth, before connecting anything, and says why", {
    timeout: 120_000,
  }, async () => {
    const result = await runCli(["serve", "--http", "0", "--host", "0.0.0.0", "--config", ws.config]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Refusing to serve on 0\.0\.0\.0 without authentication/);
    expect(result.stderr).not.toMatch(/connecting to/);
  });

  it("requires the static token from --auth-token-env, through the MCP SDK client and the MCP Inspector CLI", {
    timeout: 120_000,
  }, async () => {
    const secret = "cli-static-token-0123456789abcdef";
    const { child, url } = await startHttp(["--auth-token-env", "CODECALL_TEST_TOKEN"], {
      CODECALL_TEST_TOKEN: secret,
    });
    try {
      const refused = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(refused.status).toBe(401);
      expect(refused.headers.get("www-authenticate")).toMatch(/resource_metadata=/);
      const client = new Client({ name: "auth-cli", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url), {
          requestInit: { headers: { authorization: `Bearer ${secret}` } },
        }),
      );
      try {
        const result = await client.callTool({ name: "execute_code", arguments: { code: "return 2 + 3" } });
        expect(JSON.parse(text(result)).value).toBe(5);
      } finally {
        await client.close();
      }
      // The MCP Inspector's CLI over HTTP, with the token as a header; and refused without it.
      const inspectorDir = installed("@modelcontextprotocol/inspector-cli/build/");
      const inspect = (...extra: string[]) =>
        run(process.execPath, ["index.js", url, "--transport", "http", "--method", "tools/list", ...extra], {
          cwd: inspectorDir,
          timeout: 90_000,
        });
      const listed = JSON.parse((await inspect("--header", `Authorization: Bearer ${secret}`)).stdout) as {
        tools: { name: string }[];
      };
      expect(listed.tools.map((t) => t.name)).toContain("execute_code");
      await expect(inspect()).rejects.toThrow(/401|invalid_token|Unauthorized/i);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("passes the conformance suite's applicable scenarios with auth on, and refuses them without the token", {
    timeout: 240_000,
  }, async () => {
    // Conformance 0.1.13 has no option to send a token (0.1.16 needs Node 22), so it talks to a loopback
    // proxy that adds the header and changes nothing else; without the proxy every scenario is refused.
    const secret = "conformance-token-0123456789abcdef";
    const { child, url } = await startHttp(["--auth-token-env", "CODECALL_TEST_TOKEN"], {
      CODECALL_TEST_TOKEN: secret,
    });
    const proxy = await bearerProxy(new URL(url), secret);
    const out = await mkdtemp(join(tmpdir(), "codecall-conformance-auth-"));
    try {
      const { rows, failed } = await runScenarios(proxy.url, APPLICABLE, join(out, "with-token"));
      console.log(`MCP conformance 0.1.13 against codecall serve --http with auth:\n  ${rows.join("\n  ")}`);
      expect(failed).toBe(0);
      const refused = await runScenarios(url, ["server-initialize", "tools-list"], join(out, "no-token"));
      expect(refused.rows.every((row) => row.startsWith("FAILED"))).toBe(true);
    } finally {
      await proxy.close();
      child.kill("SIGKILL");
      await rm(out, { recursive: true, force: true });
    }
  });
});

/** Starts `codecall serve --http 0` and reads the URL it prints. */
/**
 * `--expose tools --tool-names bare` in front of an upstream server with the tools, resources and prompts
 * the suite's scenarios use: those scenarios then apply to codecall and pass, their content (images,
 * audio, embedded resources, 2020-12 schemas) going through codecall's bridge unchanged, resource
 * subscriptions and completion too. Logging/progress/sampling/elicitation from an upstream tool are not
 * passed through.
 */
const PASSTHROUGH = [
  "resources-list",
  "resources-subscribe",
  "resources-unsubscribe",
  "completion-complete",
  "resources-read-text",
  "resources-read-binary",
  "resources-templates-read",
  "prompts-list",
  "prompts-get-simple",
  "prompts-get-with-args",
  "prompts-get-embedded-resource",
  "prompts-get-with-image",
  "tools-list",
  "tools-call-simple-text",
  "tools-call-image",
  "tools-call-audio",
  "tools-call-embedded-resource",
  "tools-call-mixed-content",
  "json-schema-2020-12",
];

describe("codecall serve --http --expose tools with the MCP conformance suite", () => {
  it("passes the tool scenarios through to an upstream server that has the suite's tools", {
    timeout: 240_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "codecall-passthrough-"));
    const config = join(dir, "mcp.json");
    const fixture = fileURLToPath(new URL("./fixtures/conformance-upstream.mjs", import.meta.url));
    await writeFile(
      config,
      JSON.stringify({ mcpServers: { suite: { command: process.execPath, args: [fixture] } } }),
    );
    const { child, url } = await startHttp(["--expose", "tools", "--tool-names", "bare"], {}, config);
    try {
      const { rows, failed } = await runScenarios(url, PASSTHROUGH, dir);
      console.log(
        `MCP conformance 0.1.13 against codecall serve --http --expose tools:\n  ${rows.join("\n  ")}`,
      );
      expect(failed, rows.join("\n")).toBe(0);
    } finally {
      child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses an unknown --expose value with a usage error", async () => {
    const result = await runCli(["serve", "--config", ws.config, "--expose", "everything"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--expose needs one of code, tools, search, both/);
  });
});

/** A loopback proxy to `target` that adds `Authorization: Bearer <token>` and streams both ways. */
async function bearerProxy(target: URL, token: string): Promise<{ url: string; close(): Promise<void> }> {
  const proxy = createServer((req, res) => {
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, authorization: `Bearer ${token}` },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://localhost:${port}${target.pathname}`,
    close: () =>
      new Promise((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

/** Runs conformance scenarios against `url`; a row per scenario and the count of failed checks. */
async function runScenarios(
  url: string,
  scenarios: string[],
  out: string,
): Promise<{ rows: string[]; failed: number }> {
  const rows: string[] = [];
  let failed = 0;
  for (const scenario of scenarios) {
    const dir = join(out, scenario);
    await run(
      process.execPath,
      [
        installed("@modelcontextprotocol/conformance/dist/index.js"),
        "server",
        "--url",
        url,
        "--scenario",
        scenario,
        "-o",
        dir,
      ],
      { timeout: 60_000 },
    ).catch(() => undefined); // a failing scenario exits non-zero; its checks say why
    const checks = await readChecks(dir);
    const bad = checks.filter((c) => c.status === "FAILURE");
    failed += bad.length + (checks.length === 0 ? 1 : 0);
    rows.push(
      `${bad.length || checks.length === 0 ? "FAILED" : "passed"}  ${scenario} (${checks.length - bad.length}/${checks.length} checks)` +
        bad.map((c) => `\n          ${c.id}: ${c.description}`).join(""),
    );
  }
  return { rows, failed };
}

async function startHttp(
  extra: string[] = [],
  env: Record<string, string> = {},
  config = ws.config,
): Promise<{ child: ChildProcess; url: string }> {
  const [command, ...prefix] = CLI;
  const child = spawn(command, [...prefix, "serve", "--http", "0", "--config", config, ...extra], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...env },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`no URL from codecall serve: ${stderr}`)), 60_000);
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
      const match = /serving MCP at (\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`codecall serve exited ${code}: ${stderr}`)));
  }).catch((error) => {
    child.kill("SIGKILL");
    throw error;
  });
  return { child, url };
}

async function readChecks(dir: string): Promise<{ id: string; status: string; description: string }[]> {
  try {
    const [run] = await readdir(dir);
    return JSON.parse(await readFile(join(dir, run!, "checks.json"), "utf8"));
  } catch {
    return [];
  }
}

async function waitForExit(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`codecall serve (pid ${pid}) did not exit after its client closed`);
}
