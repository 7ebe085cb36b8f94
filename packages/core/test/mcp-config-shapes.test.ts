// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} and ${input:id} references in MCP configs
/**
 * The configuration shapes users already have (Claude Desktop, Claude Code, Cursor, VS Code), the key
 * check with its nearest-key advice, and syntax errors with line and column.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CodecallError, inputVariable, loadConfig, parseConfig } from "../src/internal.js";

const env = { TOKEN: "s3cret" };

function configError(run: () => unknown): CodecallError {
  try {
    run();
  } catch (error) {
    return error as CodecallError;
  }
  throw new Error("expected CONFIG_INVALID");
}

describe("VS Code's servers and inputs", () => {
  const vscode = {
    inputs: [
      { type: "promptString", id: "api-key", description: "API key", password: true },
      { type: "promptString", id: "region", description: "Region", default: "eu" },
    ],
    servers: {
      remote: {
        type: "http",
        url: "https://example.com/${input:region}/mcp",
        headers: { Authorization: "Bearer ${input:api-key}" },
      },
      local: {
        type: "stdio",
        command: "node",
        args: ["${workspaceFolder}/server.js"],
        env: { T: "${env:TOKEN}" },
      },
    },
  };

  it("reads servers, fills inputs from options, the environment or their default, and ${workspaceFolder}", () => {
    const config = parseConfig(vscode, { env, inputs: { "api-key": "k1" }, workspaceFolder: "/work/app" });
    expect(config.mcpServers).toEqual({
      remote: { type: "http", url: "https://example.com/eu/mcp", headers: { Authorization: "Bearer k1" } },
      local: { type: "stdio", command: "node", args: ["/work/app/server.js"], env: { T: "s3cret" } },
    });
    expect(inputVariable("api-key")).toBe("CODECALL_INPUT_API_KEY");
    const fromEnv = parseConfig(vscode, { env: { ...env, CODECALL_INPUT_API_KEY: "k2" } });
    expect((fromEnv.mcpServers.remote as { headers: Record<string, string> }).headers.Authorization).toBe(
      "Bearer k2",
    );
  });

  it("says how to give an input codecall cannot prompt for", () => {
    const error = configError(() => parseConfig(vscode, { env }));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain("servers.remote.headers.Authorization uses ${input:api-key}");
    expect(error.hint).toContain("CODECALL_INPUT_API_KEY=");
  });

  it('reads the same shape under "mcp" in VS Code\'s settings.json', () => {
    const config = parseConfig({ "editor.fontSize": 14, mcp: { servers: { s: { command: "srv" } } } });
    expect(Object.keys(config.mcpServers)).toEqual(["s"]);
  });
});

describe("unknown keys", () => {
  it.each([
    [{ mcpServers: { memory: { comand: "npx" } } }, "mcpServers.memory", "comand", "command"],
    [{ mcpServers: { memory: { command: "npx", arg: ["-y"] } } }, "mcpServers.memory", "arg", "args"],
    [{ memory: { url: "http://h/mcp", header: {} } }, "mcpServers.memory", "header", "headers"],
    [{ servers: { s: { command: "x", evn: {} } } }, "servers.s", "evn", "env"],
    [{ inputs: [{ id: "a", pasword: true }], servers: {} }, "inputs[0]", "pasword", "password"],
    [{ mcpServer: {}, mcpServers: {} }, "the configuration", "mcpServer", "mcpServers"],
  ])("%j: %s has unknown %s, did you mean %s", (input, at, key, nearest) => {
    const error = configError(() => parseConfig(input, { env }));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain(`${at} has an unknown key "${key}"; did you mean "${nearest}"?`);
    expect(error.details).toMatchObject({ field: `${at}.${key}`, suggestion: nearest });
  });

  it("lists the known keys when nothing is near", () => {
    const error = configError(() => parseConfig({ mcpServers: { s: { command: "x", zzzzzzzz: 1 } } }));
    expect(error.message).toContain('unknown key "zzzzzzzz"; known keys: "type", "transport", "command"');
  });

  it("leaves alone top-level keys that belong to other apps, and keys other clients write", () => {
    const config = parseConfig({
      globalShortcut: "Ctrl+Space",
      numStartups: 3,
      mcpServers: { s: { command: "x", autoApprove: [], alwaysAllow: [], timeout: 60, description: "d" } },
    });
    expect(Object.keys(config.mcpServers)).toEqual(["s"]);
  });
});

describe("files", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "codecall-shapes-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("gives line and column of a syntax error, with the line in the hint", async () => {
    const path = join(dir, "broken.json");
    await writeFile(
      path,
      '{\n  "mcpServers": {\n    "memory": { "command": "npx" \n    "other": {}\n  }\n}\n',
    );
    const error = await loadConfig(path).catch((e: CodecallError) => e);
    expect(error).toMatchObject({ code: "CONFIG_INVALID", details: { path, line: 4, column: 5 } });
    expect((error as CodecallError).message).toContain(
      `${path}:4:5 is not valid JSON: expected "," between entries`,
    );
    expect((error as CodecallError).hint).toContain('    "other": {}\n        ^');
  });

  it("reads .vscode/mcp.json with comments and trailing commas, ${workspaceFolder} being the project", async () => {
    const project = join(dir, "project");
    await mkdir(join(project, ".vscode"), { recursive: true });
    await writeFile(join(project, ".env.mcp"), "KEY=from-file\nOTHER=x\n");
    await writeFile(
      join(project, ".vscode", "mcp.json"),
      `{
  // servers for this workspace
  "servers": {
    "local": {
      "type": "stdio",
      "command": "node",
      "args": ["\${workspaceFolder}/srv.js"],
      "envFile": "\${workspaceFolder}/.env.mcp",
      "env": { "OTHER": "y" },
    },
  },
}`,
    );
    const config = await loadConfig(join(project, ".vscode", "mcp.json"));
    expect(config.mcpServers.local).toEqual({
      type: "stdio",
      command: "node",
      args: [`${project}/srv.js`],
      env: { KEY: "from-file", OTHER: "y" },
    });
  });
});
