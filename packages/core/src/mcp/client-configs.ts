/**
 * Where MCP clients keep their server lists, per OS, so `--from cursor` (say) uses the servers the user
 * already set up there. Paths are the clients' documented locations.
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { CodecallError } from "../errors.js";
import { parseJsonText } from "./config.js";

/** The MCP clients whose configuration codecall can read. */
export const MCP_CLIENTS = ["claude-desktop", "claude-code", "cursor", "vscode"] as const;
export type McpClient = (typeof MCP_CLIENTS)[number];

/** Where to look: defaults are this process's home, platform, working directory and environment. */
export interface ClientConfigOptions {
  home?: string;
  platform?: NodeJS.Platform;
  /** The project directory (Claude Code's `.mcp.json`, Cursor's `.cursor/`, VS Code's `.vscode/`). */
  cwd?: string;
  env?: Record<string, string | undefined>;
}

/** One place a client keeps servers, in increasing precedence. */
export interface ClientConfigFile {
  path: string;
  /** What it is, in the client's own words. */
  scope: string;
}

/** The files a client reads, lowest precedence first (a later file's server replaces an earlier one's). */
export function clientConfigFiles(client: McpClient, options: ClientConfigOptions = {}): ClientConfigFile[] {
  const home = options.home ?? homedir();
  const platform = options.platform ?? process.platform;
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  // The per-user application data folder, as Electron apps (Claude Desktop, VS Code) use it.
  const appData =
    platform === "darwin"
      ? join(home, "Library", "Application Support")
      : platform === "win32"
        ? (env.APPDATA ?? join(home, "AppData", "Roaming"))
        : (env.XDG_CONFIG_HOME ?? join(home, ".config"));
  switch (client) {
    case "claude-desktop":
      return [{ path: join(appData, "Claude", "claude_desktop_config.json"), scope: "Claude Desktop" }];
    case "claude-code":
      return [
        { path: join(home, ".claude.json"), scope: "user" },
        { path: join(cwd, ".mcp.json"), scope: "project" },
        { path: join(home, ".claude.json"), scope: "local" },
      ];
    case "cursor":
      return [
        { path: join(home, ".cursor", "mcp.json"), scope: "global" },
        { path: join(cwd, ".cursor", "mcp.json"), scope: "project" },
      ];
    case "vscode":
      return [
        { path: join(appData, "Code", "User", "mcp.json"), scope: "user" },
        { path: join(cwd, ".vscode", "mcp.json"), scope: "workspace" },
      ];
  }
}

/** A client's servers merged from its files, in the shape {@link parseConfig} takes, and where they came from. */
export interface ClientConfig {
  config: { mcpServers: Record<string, unknown> } | { servers: Record<string, unknown>; inputs: unknown[] };
  sources: string[];
}

/**
 * Reads a client's configuration files and merges their servers (later scopes win). Fails with
 * CONFIG_INVALID listing where it looked when no file has servers.
 */
export async function loadClientConfig(
  client: McpClient,
  options: ClientConfigOptions = {},
): Promise<ClientConfig> {
  if (!(MCP_CLIENTS as readonly string[]).includes(client))
    throw new CodecallError("CONFIG_INVALID", `Unknown MCP client "${client}".`, {
      hint: `Choose one of: ${MCP_CLIENTS.join(", ")}.`,
    });
  const files = clientConfigFiles(client, options);
  const cwd = resolve(options.cwd ?? process.cwd());
  const servers: Record<string, unknown> = {};
  const inputs: unknown[] = [];
  const sources: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file.path, "utf8");
    } catch {
      continue; // A client that is not set up at this scope has no file.
    }
    const json = parseJsonText(text, file.path) as Record<string, unknown> | null;
    if (!json || typeof json !== "object") continue;
    // Claude Code keeps local-scope servers per project inside ~/.claude.json.
    const holder =
      client === "claude-code" && file.scope === "local"
        ? ((json.projects as Record<string, Record<string, unknown>> | undefined)?.[cwd] ?? {})
        : client === "vscode" && !("servers" in json) && typeof json.mcp === "object"
          ? (json.mcp as Record<string, unknown>)
          : json;
    const found = client === "vscode" ? holder.servers : holder.mcpServers;
    if (!found || typeof found !== "object" || Object.keys(found).length === 0) continue;
    Object.assign(servers, found);
    if (Array.isArray(holder.inputs)) inputs.push(...holder.inputs);
    sources.push(`${file.path} (${file.scope})`);
  }
  if (sources.length === 0)
    throw new CodecallError("CONFIG_INVALID", `No ${client} configuration with MCP servers was found.`, {
      hint: `Looked in: ${[...new Set(files.map((f) => f.path))].join(", ")}. Add servers there, or pass --config <file>.`,
      details: { client, looked: files.map((f) => f.path) },
    });
  return { config: client === "vscode" ? { servers, inputs } : { mcpServers: servers }, sources };
}
