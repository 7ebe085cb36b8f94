/**
 * MCP server configuration in the shapes users already have: `mcpServers` (Claude Desktop, Claude Code's
 * `.mcp.json` and `~/.claude.json`, Cursor) and VS Code's `servers` with `inputs` (`.vscode/mcp.json`, or
 * `"mcp"` in its settings), so a user can point codecall at the file they already have.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import type { Ajv as AjvClass, ErrorObject } from "ajv";
import { type ParseError, parse as parseJsonc, printParseErrorCode } from "jsonc-parser";
import { CodecallError } from "../errors.js";
import { nearestKey } from "./suggest.js";

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
  /**
   * Values for VS Code's `${input:id}` references (VS Code prompts for them; codecall cannot). An input
   * not given here is read from `CODECALL_INPUT_<ID>` (the id upper-cased, other characters as `_`), else
   * its `default`.
   */
  inputs?: Record<string, string>;
  /** What VS Code's `${workspaceFolder}` means. Default: the folder holding `.vscode/`, else the file's folder, else the working directory. */
  workspaceFolder?: string;
}

/** The keys a server entry may have: the union of what Claude Desktop, Claude Code, Cursor and VS Code write. */
export const SERVER_KEYS = [
  "type",
  "transport",
  "command",
  "args",
  "env",
  "envFile",
  "cwd",
  "url",
  "headers",
  "disabled",
  "timeout",
  "description",
  "autoApprove",
  "alwaysAllow",
  "dev",
] as const;

/** Top-level keys codecall reads. Other keys are left alone: these files belong to other apps too. */
const TOP_LEVEL_KEYS = ["mcpServers", "servers", "inputs", "codecall", "$schema", "mcp"] as const;

/**
 * The JSON Schema of a configuration file, for editors (`"$schema"`) and for the key check below. Value
 * types are checked by the parser after it, which names the field and what it expected.
 */
export const MCP_CONFIG_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "MCP servers (mcpServers or VS Code servers), with optional codecall settings",
  type: "object",
  properties: {
    $schema: { type: "string" },
    mcpServers: { type: "object", additionalProperties: { $ref: "#/definitions/server" } },
    servers: { type: "object", additionalProperties: { $ref: "#/definitions/server" } },
    inputs: { type: "array", items: { $ref: "#/definitions/input" } },
    codecall: { type: "object" },
  },
  definitions: {
    server: {
      type: "object",
      properties: Object.fromEntries(SERVER_KEYS.map((key) => [key, {}])),
      additionalProperties: false,
    },
    input: {
      type: "object",
      properties: {
        type: {},
        id: { type: "string" },
        description: {},
        password: {},
        default: {},
        options: {},
      },
      required: ["id"],
      additionalProperties: false,
    },
  },
} as const;

let validateShape: ((value: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** An error for a key nobody reads, with the nearest known key when there is one. */
export function unknownKeyError(at: string, key: string, known: readonly string[]): CodecallError {
  const nearest = nearestKey(key, known);
  const advice = nearest
    ? `did you mean "${nearest}"?`
    : `known keys: ${known.map((k) => `"${k}"`).join(", ")}`;
  return new CodecallError("CONFIG_INVALID", `MCP config: ${at} has an unknown key "${key}"; ${advice}`, {
    hint: nearest ? `Rename "${key}" to "${nearest}".` : "Remove the key, or check its spelling.",
    details: { field: `${at}.${key}`, ...(nearest ? { suggestion: nearest } : {}) },
  });
}

/** Throws for the first key the schema does not know (in document order). */
function checkKeys(file: Record<string, unknown>, topLevel: boolean): void {
  if (topLevel) {
    for (const key of Object.keys(file)) {
      if ((TOP_LEVEL_KEYS as readonly string[]).includes(key)) continue;
      // A near-miss of a key codecall reads is a typo; anything else belongs to another app.
      if (nearestKey(key, TOP_LEVEL_KEYS) !== undefined)
        throw unknownKeyError("the configuration", key, TOP_LEVEL_KEYS);
    }
  }
  if (!validateShape) {
    // Required on first use, not imported: Ajv is a large share of core's import time, and parseConfig
    // stays synchronous (Ajv is CommonJS, so a synchronous require works from ESM).
    const { Ajv } = createRequire(import.meta.url)("ajv") as { Ajv: typeof AjvClass };
    validateShape = new Ajv({ allErrors: true, strict: false }).compile(MCP_CONFIG_SCHEMA);
  }
  if (validateShape(file)) return;
  const unknown = (validateShape.errors ?? []).find((e) => e.keyword === "additionalProperties");
  if (!unknown) return;
  const at = unknown.instancePath.slice(1).split("/").map(unescapePointer);
  const path = at
    .map((part, i) => (i > 0 && /^\d+$/.test(part) ? `[${part}]` : `${i > 0 ? "." : ""}${part}`))
    .join("");
  const key = String((unknown.params as { additionalProperty: string }).additionalProperty);
  const known =
    at[0] === "inputs" ? ["type", "id", "description", "password", "default", "options"] : SERVER_KEYS;
  throw unknownKeyError(path, key, known);
}

function unescapePointer(part: string): string {
  return part.replaceAll("~1", "/").replaceAll("~0", "~");
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

/** What `${...}` references resolve against while one file is parsed. */
interface Expansion {
  env: ConfigOptions["env"];
  inputs: Record<string, string>;
  declaredInputs: Map<string, { default?: string }>;
  workspaceFolder: string;
}

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
  return expand(text, field, {
    env,
    inputs: {},
    declaredInputs: new Map(),
    workspaceFolder: process.cwd(),
  });
}

/** The environment variable that stands in for VS Code's prompt for `${input:id}`. */
export function inputVariable(id: string): string {
  return `CODECALL_INPUT_${id.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

function expand(text: string, field: string, context: Expansion): string {
  const env = context.env ?? process.env;
  return text.replace(
    /\$\{(?:(env|input):)?([A-Za-z_][A-Za-z0-9_.-]*)(?::-([^}]*))?\}/g,
    (match, scope: string | undefined, name: string, fallback) => {
      if (scope === "input") return inputValue(name, field, context);
      if (scope === undefined && name === "workspaceFolder") return context.workspaceFolder;
      if (scope === undefined && name === "userHome") return homedir();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return match;
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

function inputValue(id: string, field: string, context: Expansion): string {
  const given = context.inputs[id] ?? (context.env ?? process.env)[inputVariable(id)];
  if (given !== undefined) return given;
  const declared = context.declaredInputs.get(id);
  if (declared?.default !== undefined) return declared.default;
  throw new CodecallError(
    "CONFIG_INVALID",
    `MCP config: ${field} uses \${input:${id}}, which VS Code would prompt for; codecall cannot prompt.`,
    {
      hint: `Set ${inputVariable(id)}=<value> in the environment (or pass inputs: { "${id}": ... }).`,
      details: { field, input: id },
    },
  );
}

function expectString(value: unknown, field: string, env: Expansion): string {
  if (typeof value !== "string") throw invalid(field, `must be a string, got ${describe(value)}`);
  return expand(value, field, env);
}

function expectStringMap(value: unknown, field: string, env: Expansion): Record<string, string> {
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

function parseServer(name: string, raw: unknown, env: Expansion, section: string): McpServerConfig {
  const at = `${section}.${name}`;
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
      env: {
        ...(raw["envFile"] === undefined
          ? {}
          : readEnvFile(expectString(raw["envFile"], `${at}.envFile`, env), `${at}.envFile`, env)),
        ...expectStringMap(raw["env"], `${at}.env`, env),
      },
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

/** VS Code's `envFile`: a dotenv file whose variables come before the entry's own `env`. */
function readEnvFile(path: string, field: string, context: Expansion): Record<string, string> {
  const full = isAbsolute(path) ? path : resolve(context.workspaceFolder, path);
  try {
    return parseEnv(readFileSync(full, "utf8")) as Record<string, string>;
  } catch (error) {
    throw invalid(field, `names ${full}, which cannot be read: ${(error as Error).message}`);
  }
}

/** Which shape a file has, and where its servers are. */
function locateServers(input: Record<string, unknown>): {
  section: "mcpServers" | "servers";
  map: unknown;
  inputs: unknown;
  file: Record<string, unknown> | undefined;
} {
  // VS Code user settings keep the same shape under "mcp".
  if (
    !("mcpServers" in input) &&
    !("servers" in input) &&
    isRecord(input["mcp"]) &&
    "servers" in input["mcp"]
  )
    return locateServers(input["mcp"]);
  if ("mcpServers" in input)
    return { section: "mcpServers", map: input["mcpServers"], inputs: undefined, file: input };
  if ("servers" in input && isRecord(input["servers"]))
    return { section: "servers", map: input["servers"], inputs: input["inputs"], file: input };
  return { section: "mcpServers", map: input, inputs: undefined, file: undefined };
}

function declaredInputs(raw: unknown): Map<string, { default?: string }> {
  const out = new Map<string, { default?: string }>();
  if (raw === undefined) return out;
  if (!Array.isArray(raw))
    throw invalid("inputs", `must be an array of VS Code inputs, got ${describe(raw)}`);
  raw.forEach((item, i) => {
    if (!isRecord(item) || typeof item["id"] !== "string")
      throw invalid(`inputs[${i}]`, 'must be an object with a string "id"');
    const fallback = item["default"];
    out.set(item["id"], typeof fallback === "string" ? { default: fallback } : {});
  });
  return out;
}

/**
 * Validates a configuration object: a whole file (`{ "mcpServers": { ... } }`, or VS Code's
 * `{ "servers": { ... }, "inputs": [ ... ] }`) or just the map of servers. Unknown keys in server entries
 * are errors naming the nearest known key. Expands variables (`${VAR}`, `${env:VAR}`, `${input:id}`,
 * `${workspaceFolder}`), drops `"disabled": true` entries, and throws CONFIG_INVALID naming the field.
 */
export function parseConfig(input: unknown, options: ConfigOptions = {}): McpConfig {
  if (isParsed(input)) return input;
  if (!isRecord(input)) throw invalid("the configuration", `must be an object, got ${describe(input)}`);
  const { section, map, inputs, file } = locateServers(input);
  if (!isRecord(map)) throw invalid(section, `must be an object of servers, got ${describe(map)}`);
  checkKeys(file ?? { mcpServers: map }, file !== undefined);
  const context: Expansion = {
    env: options.env ?? process.env,
    inputs: options.inputs ?? {},
    declaredInputs: declaredInputs(inputs),
    workspaceFolder: options.workspaceFolder ?? process.cwd(),
  };
  const mcpServers: Record<string, McpServerConfig> = {};
  for (const [name, raw] of Object.entries(map)) {
    if (name.trim() === "") throw invalid(section, "has a server with an empty name");
    if (isRecord(raw) && raw["disabled"] === true) continue;
    mcpServers[name] = parseServer(name, raw, context, section);
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
  const json = parseJsonText(text, path);
  return parseConfig(json, { workspaceFolder: defaultWorkspaceFolder(path), ...options });
}

/** The folder VS Code would call `${workspaceFolder}` for a file: the one holding `.vscode/`, else the file's. */
function defaultWorkspaceFolder(path: string): string {
  const folder = dirname(resolve(path));
  return basename(folder) === ".vscode" ? dirname(folder) : folder;
}

/**
 * Parses a configuration file's text. Comments and trailing commas are accepted (VS Code writes them); a
 * syntax error is CONFIG_INVALID with the file, line and column, and the line itself in the hint.
 */
export function parseJsonText(text: string, path: string): unknown {
  const errors: ParseError[] = [];
  const json = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  const [first] = errors;
  if (!first) return json;
  const before = text.slice(0, first.offset);
  const line = before.split("\n").length;
  const column = first.offset - before.lastIndexOf("\n");
  const source = text.split("\n")[line - 1] ?? "";
  throw new CodecallError(
    "CONFIG_INVALID",
    `MCP config: ${path}:${line}:${column} is not valid JSON: ${SYNTAX_PROBLEMS[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error)}.`,
    {
      hint: `Fix line ${line}, column ${column}:\n    ${source}\n    ${" ".repeat(Math.max(0, column - 1))}^`,
      details: { path, line, column },
    },
  );
}

const SYNTAX_PROBLEMS: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "malformed number",
  PropertyNameExpected: "expected a property name in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: 'expected ":" after the property name',
  CommaExpected: 'expected "," between entries',
  CloseBraceExpected: 'expected "}" to close the object',
  CloseBracketExpected: 'expected "]" to close the array',
  EndOfFileExpected: "unexpected text after the end of the document",
  InvalidCommentToken: "malformed comment",
  UnexpectedEndOfComment: "unterminated comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unterminated number",
  InvalidUnicode: "malformed \\u escape",
  InvalidEscapeCharacter: "unknown escape sequence",
  InvalidCharacter: "control character in a string",
};
