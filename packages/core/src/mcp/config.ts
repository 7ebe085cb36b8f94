/**
 * MCP server configuration in the `mcpServers` shape that Claude Desktop, Claude Code and Cursor use, so a
 * user can point codecall at the file they already have.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { CodecallError } from "../errors.js";

/** A server started as a child process and spoken to over its stdin/stdout. */
export interface StdioServerConfig {
  type: "stdio";
  command: string;
  args: string[];
  /** Added to a small safe default environment (PATH, HOME, ...), as the MCP SDK does. */
  env: Record<string, string>;
  cwd?: string;
}

/**
 * A remote server. `http` is Streamable HTTP, `sse` the older HTTP+SSE transport, and `auto` (a `url`
 * without a `type`) tries Streamable HTTP first and falls back to SSE.
 */
export interface RemoteServerConfig {
  type: "http" | "sse" | "auto";
  url: string;
  headers: Record<string, string>;
}

/** One server, normalized: variables expanded, defaults filled, the transport explicit. */
export type McpServerConfig = StdioServerConfig | RemoteServerConfig;

/** A validated configuration: what {@link connectServers} takes. */
export interface McpConfig {
  /** Enabled servers by name (entries with `"disabled": true` are left out). */
  mcpServers: Record<string, McpServerConfig>;
}

/** Where `${VAR}` values come from; defaults to `process.env`. */
export interface ConfigOptions {
  env?: Record<string, string | undefined>;
}

const PARSED = Symbol.for("codecall.mcpConfig");

const TRANSPORT_ALIASES: Record<string, McpServerConfig["type"]> = {
  stdio: "stdio",
  http: "http",
  "streamable-http": "http",
  streamableHttp: "http",
  streamable_http: "http",
  sse: "sse",
};

function invalid(field: string, problem: string): CodecallError {
  return new CodecallError("CONFIG_INVALID", `MCP config: ${field} ${problem}.`, { details: { field } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Expands `${VAR}`, `${VAR:-default}` and Cursor's `${env:VAR}` in one string. A variable that is not set
 * and has no default is a CONFIG_INVALID error naming the field, as in Claude Code.
 */
export function expandVariables(
  text: string,
  field: string,
  env: ConfigOptions["env"] = process.env,
): string {
  return text.replace(
    /\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_match, name: string, fallback) => {
      const value = env[name];
      if (value !== undefined && value !== "") return value;
      if (fallback !== undefined) return fallback as string;
      if (value !== undefined) return value;
      throw invalid(
        field,
        `uses \${${name}}, which is not set; set it in the environment or write \${${name}:-default}`,
      );
    },
  );
}

function expectString(value: unknown, field: string, env: ConfigOptions["env"]): string {
  if (typeof value !== "string") throw invalid(field, `must be a string, got ${describe(value)}`);
  return expandVariables(value, field, env);
}

function expectStringMap(value: unknown, field: string, env: ConfigOptions["env"]): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw invalid(field, `must be an object of strings, got ${describe(value)}`);
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    // Numbers and booleans are common in hand-written env blocks; they mean their text.
    const text = typeof item === "number" || typeof item === "boolean" ? String(item) : item;
    out[key] = expectString(text, `${field}.${key}`, env);
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? `the string ${JSON.stringify(value)}` : typeof value;
}

function parseServer(name: string, raw: unknown, env: ConfigOptions["env"]): McpServerConfig {
  const at = `mcpServers.${name}`;
  if (!isRecord(raw)) throw invalid(at, `must be an object with "command" or "url", got ${describe(raw)}`);
  const declared = raw["type"] ?? raw["transport"];
  let type: McpServerConfig["type"] | undefined;
  if (declared !== undefined) {
    const field = raw["type"] !== undefined ? "type" : "transport";
    type = typeof declared === "string" ? TRANSPORT_ALIASES[declared] : undefined;
    if (type === undefined) {
      throw invalid(`${at}.${field}`, `must be one of "stdio", "http", "sse", got ${describe(declared)}`);
    }
  }
  const hasCommand = raw["command"] !== undefined;
  const hasUrl = raw["url"] !== undefined;
  if (type === undefined) {
    if (hasCommand && hasUrl) throw invalid(at, 'has both "command" and "url"; keep one, or set "type"');
    if (!hasCommand && !hasUrl) throw invalid(at, 'needs "command" (a local server) or "url" (a remote one)');
    type = hasCommand ? "stdio" : "auto";
  }
  if (type === "stdio") {
    const command = expectString(raw["command"], `${at}.command`, env);
    if (command.trim() === "") throw invalid(`${at}.command`, "must not be empty");
    const rawArgs = raw["args"] ?? [];
    if (!Array.isArray(rawArgs))
      throw invalid(`${at}.args`, `must be an array of strings, got ${describe(rawArgs)}`);
    const args = rawArgs.map((arg, i) => expectString(arg, `${at}.args[${i}]`, env));
    const server: StdioServerConfig = {
      type,
      command,
      args,
      env: expectStringMap(raw["env"], `${at}.env`, env),
    };
    if (raw["cwd"] !== undefined) server.cwd = expectString(raw["cwd"], `${at}.cwd`, env);
    return server;
  }
  const url = expectString(raw["url"], `${at}.url`, env);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`${at}.url`, `is not a valid URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw invalid(`${at}.url`, `must be an http(s) URL, got ${JSON.stringify(parsed.protocol)}`);
  }
  return { type, url, headers: expectStringMap(raw["headers"], `${at}.headers`, env) };
}

/**
 * Validates a configuration object: either the whole file (`{ "mcpServers": { ... } }`) or just the map of
 * servers. Expands variables, drops `"disabled": true` entries, and throws CONFIG_INVALID naming the field.
 */
export function parseConfig(input: unknown, options: ConfigOptions = {}): McpConfig {
  if (isParsed(input)) return input;
  if (!isRecord(input)) throw invalid("the configuration", `must be an object, got ${describe(input)}`);
  const map = "mcpServers" in input ? input["mcpServers"] : input;
  if (!isRecord(map)) throw invalid("mcpServers", `must be an object of servers, got ${describe(map)}`);
  const env = options.env ?? process.env;
  const mcpServers: Record<string, McpServerConfig> = {};
  for (const [name, raw] of Object.entries(map)) {
    if (name.trim() === "") throw invalid("mcpServers", "has a server with an empty name");
    if (isRecord(raw) && raw["disabled"] === true) continue;
    mcpServers[name] = parseServer(name, raw, env);
  }
  const config: McpConfig = { mcpServers };
  Object.defineProperty(config, PARSED, { value: true });
  return config;
}

function isParsed(value: unknown): value is McpConfig {
  return isRecord(value) && (value as Record<symbol, unknown>)[PARSED] === true;
}

/**
 * Loads a configuration from a JSON file (a path or `file:` URL) or takes an object, and validates it with
 * {@link parseConfig}. A file that cannot be read or parsed is a CONFIG_INVALID error naming the file.
 */
export async function loadConfig(
  source: string | URL | object,
  options: ConfigOptions = {},
): Promise<McpConfig> {
  if (typeof source !== "string" && !(source instanceof URL)) return parseConfig(source, options);
  const path = source instanceof URL ? fileURLToPath(source) : source;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CodecallError(
      "CONFIG_INVALID",
      `MCP config: cannot read ${path}: ${(error as Error).message}`,
      {
        cause: error,
        hint: "Check the path of the configuration file.",
        details: { path },
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CodecallError(
      "CONFIG_INVALID",
      `MCP config: ${path} is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
        hint: "Fix the JSON syntax at the reported position.",
        details: { path },
      },
    );
  }
  return parseConfig(json, options);
}
