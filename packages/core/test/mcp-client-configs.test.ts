// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${input:id} and ${workspaceFolder} references in MCP configs
/**
 * `--from <client>`: each client's files at their documented places per OS (in a fake home), merged with
 * the client's own precedence, and what happens when none is there.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clientConfigFiles, loadClientConfig, parseConfig } from "../src/internal.js";

let home: string;
let project: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "codecall-home-"));
  project = join(home, "work", "app");
  await mkdir(project, { recursive: true });
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function put(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, typeof value === "string" ? value : JSON.stringify(value));
}

describe("clientConfigFiles", () => {
  it("knows Claude Desktop's file on macOS, Windows and Linux", () => {
    const at = (platform: NodeJS.Platform, env = {}) =>
      clientConfigFiles("claude-desktop", { home: "/h", platform, env })[0]!.path;
    expect(at("darwin")).toBe("/h/Library/Application Support/Claude/claude_desktop_config.json");
    expect(at("linux")).toBe("/h/.config/Claude/claude_desktop_config.json");
    expect(at("linux", { XDG_CONFIG_HOME: "/x" })).toBe("/x/Claude/claude_desktop_config.json");
    expect(at("win32", { APPDATA: "/h/AppData/Roaming" })).toBe(
      "/h/AppData/Roaming/Claude/claude_desktop_config.json",
    );
  });

  it("knows VS Code's user and workspace files", () => {
    const files = clientConfigFiles("vscode", { home: "/h", platform: "darwin", cwd: "/p" });
    expect(files.map((f) => f.path)).toEqual([
      "/h/Library/Application Support/Code/User/mcp.json",
      "/p/.vscode/mcp.json",
    ]);
  });
});

describe("loadClientConfig", () => {
  it("claude-code: user, then project .mcp.json, then local scope for this project", async () => {
    await put(join(home, ".claude.json"), {
      numStartups: 12,
      mcpServers: { a: { command: "user-a" }, b: { command: "user-b" } },
      projects: { [project]: { mcpServers: { c: { command: "local-c" }, b: { command: "local-b" } } } },
    });
    await put(join(project, ".mcp.json"), {
      mcpServers: { a: { command: "project-a" }, d: { type: "http", url: "http://h/mcp" } },
    });
    const { config, sources } = await loadClientConfig("claude-code", {
      home,
      cwd: project,
      platform: "linux",
    });
    const parsed = parseConfig(config);
    expect(
      Object.fromEntries(
        Object.entries(parsed.mcpServers).map(([k, v]) => [k, "command" in v ? v.command : v.url]),
      ),
    ).toEqual({
      a: "project-a",
      b: "local-b",
      c: "local-c",
      d: "http://h/mcp",
    });
    expect(sources).toEqual([
      `${join(home, ".claude.json")} (user)`,
      `${join(project, ".mcp.json")} (project)`,
      `${join(home, ".claude.json")} (local)`,
    ]);
  });

  it("cursor: the project's .cursor/mcp.json wins over the global one", async () => {
    await put(join(home, ".cursor", "mcp.json"), {
      mcpServers: { s: { command: "global" }, g: { command: "g" } },
    });
    await put(join(project, ".cursor", "mcp.json"), { mcpServers: { s: { command: "project" } } });
    const parsed = parseConfig((await loadClientConfig("cursor", { home, cwd: project })).config);
    expect(parsed.mcpServers.s).toMatchObject({ command: "project" });
    expect(parsed.mcpServers.g).toMatchObject({ command: "g" });
  });

  it("vscode: servers and inputs from the user profile and the workspace (comments allowed)", async () => {
    await put(join(home, ".config", "Code", "User", "mcp.json"), {
      inputs: [{ type: "promptString", id: "tok", default: "t0" }],
      servers: { u: { type: "http", url: "http://h/mcp", headers: { A: "${input:tok}" } } },
    });
    await put(
      join(project, ".vscode", "mcp.json"),
      '{ // workspace\n "servers": { "w": { "command": "node", "args": ["${workspaceFolder}/s.js"] } } }',
    );
    const { config } = await loadClientConfig("vscode", { home, cwd: project, platform: "linux", env: {} });
    const parsed = parseConfig(config, { workspaceFolder: project, env: {} });
    expect(parsed.mcpServers.u).toMatchObject({ headers: { A: "t0" } });
    expect(parsed.mcpServers.w).toMatchObject({ args: [`${project}/s.js`] });
  });

  it("claude-desktop: says where it looked when there is no file", async () => {
    await expect(
      loadClientConfig("claude-desktop", { home, platform: "linux", env: {} }),
    ).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: "No claude-desktop configuration with MCP servers was found.",
      hint: expect.stringContaining(join(home, ".config", "Claude", "claude_desktop_config.json")),
    });
  });
});
