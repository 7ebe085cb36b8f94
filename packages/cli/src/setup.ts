import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import {
  CodecallError,
  type CodeMode,
  type CodeModeOptions,
  connectServers,
  createCodeMode,
  createPolicyInterceptor,
  createToolLimiter,
  ERROR_HINTS,
  type ExecutionLimits,
  loadConfig,
  type McpConnections,
  type PrivacyGuardOptions,
  type ToolLimitsConfig,
  type ToolPolicy,
  type TypeCheckMode,
  validatePolicy,
} from "@codecall/core";
import {
  defaultTokenFile,
  fileTokenStorage,
  loadClientConfig,
  MCP_CLIENTS,
  type McpClient,
  parseJsonText,
  type UpstreamOAuthOptions,
} from "@codecall/core/mcp";
import type { TerminalApprovals } from "./approvals.js";
import { isSandboxName, loadSandbox, SANDBOX_BACKENDS, type SandboxName } from "./backends.js";
import { type CliIo, usageError } from "./io.js";
import { checkSettings } from "./settings-schema.js";

/** Options every command that talks to MCP servers takes. */
export interface ServerFlags {
  config?: string;
  /** Use the servers an MCP client is set up with instead of a file. */
  from?: string;
  /** Milliseconds each server gets to start. */
  connectTimeout?: string;
  sandbox?: string;
  typeCheck?: string;
  timeout?: string;
  privacy?: boolean;
  allow?: string[];
  ask?: string[];
  deny?: string[];
  quiet?: boolean;
  /** The workspace directory (`--workspace`), or false (`--no-workspace`). */
  workspace?: string | false;
  /** Whose files (`--workspace-scope`). */
  workspaceScope?: string;
}

/**
 * codecall's own settings, read from an optional `"codecall"` key beside `"mcpServers"` in the same file
 * (clients that do not know the key ignore it). Flags win over the file.
 */
export interface CodecallSettings {
  sandbox?: SandboxName;
  typeCheck?: TypeCheckMode;
  limits?: Partial<ExecutionLimits>;
  privacy?: PrivacyGuardOptions | boolean;
  /** Which tools programs may call (`server.tool` globs); `ask` tools need the MCP client's approval. */
  policy?: ToolPolicy;
  /** Where programs keep files and skills (from the flags and `CODECALL_WORKSPACE`); false for none. */
  workspace?: { directory: string; scope?: string } | false;
  /** Per-tool concurrency, rate, timeouts and retries, by glob over `server.tool`. */
  tools?: ToolLimitsConfig;
}

/** The workspace directory when neither `--workspace` nor `CODECALL_WORKSPACE` names one. */
export const DEFAULT_WORKSPACE_DIR = ".codecall/workspace";

/**
 * The workspace the flags choose: `--workspace <dir>`, else `CODECALL_WORKSPACE`, else
 * `./.codecall/workspace`; `--no-workspace` for none. The scope is `--workspace-scope`, else
 * `CODECALL_WORKSPACE_SCOPE`, else `default`.
 */
export function workspaceSetting(
  flags: ServerFlags,
  io: CliIo,
): { directory: string; scope?: string } | false {
  if (flags.workspace === false) return false;
  const dir = flags.workspace ?? (io.env.CODECALL_WORKSPACE?.trim() || DEFAULT_WORKSPACE_DIR);
  const scope = flags.workspaceScope ?? (io.env.CODECALL_WORKSPACE_SCOPE?.trim() || undefined);
  return { directory: isAbsolute(dir) ? dir : resolve(io.cwd, dir), ...(scope ? { scope } : {}) };
}

/** The configuration file: `--config`, else `CODECALL_CONFIG`, else `.mcp.json` in the working directory. */
export function configPath(flags: ServerFlags, io: CliIo): string {
  const path = flags.config ?? io.env.CODECALL_CONFIG ?? ".mcp.json";
  return isAbsolute(path) ? path : resolve(io.cwd, path);
}

/**
 * Reads the file's `codecall` settings (none with `--from`: a client's file has no codecall settings) and
 * merges the flags over them.
 */
export async function readSettings(
  path: string | undefined,
  flags: ServerFlags,
  io: CliIo,
): Promise<CodecallSettings> {
  let raw: unknown;
  try {
    raw = path === undefined ? undefined : parseJsonText(await readFile(path, "utf8"), path);
  } catch {
    raw = undefined; // loadConfig reports unreadable or invalid files with the details.
  }
  const file = ((raw as { codecall?: unknown } | undefined)?.codecall ?? {}) as CodecallSettings;
  if (typeof file !== "object" || file === null || Array.isArray(file))
    throw usageError(`${path}: "codecall" must be an object.`, 'Write "codecall": { "sandbox": "quickjs" }.');
  checkSettings(file, `${path}: codecall`);
  if (file.tools !== undefined) createToolLimiter(file.tools, `${path}: codecall.tools`);
  const settings: CodecallSettings = { ...file };
  const sandbox = flags.sandbox ?? (file.sandbox ? undefined : io.env.CODECALL_SANDBOX?.trim() || undefined);
  if (sandbox) settings.sandbox = sandbox as SandboxName;
  if (flags.typeCheck) settings.typeCheck = flags.typeCheck as TypeCheckMode;
  if (flags.timeout) settings.limits = { ...settings.limits, wallTimeMs: Number(flags.timeout) };
  if (flags.privacy) settings.privacy = settings.privacy || true;
  const policy = mergePolicy(
    file.policy === undefined ? undefined : validatePolicy(file.policy, `${path}: codecall.policy`),
    flags,
  );
  if (policy) settings.policy = policy;
  settings.workspace = workspaceSetting(flags, io);
  if (settings.sandbox !== undefined && !isSandboxName(settings.sandbox))
    throw usageError(
      `Unknown sandbox "${settings.sandbox}".`,
      `Choose one of: ${Object.keys(SANDBOX_BACKENDS).join(", ")}.`,
    );
  if (settings.typeCheck !== undefined && !["off", "warn", "error"].includes(settings.typeCheck))
    throw usageError(`Unknown type-check mode "${settings.typeCheck}".`, "Choose one of: off, warn, error.");
  const wall = settings.limits?.wallTimeMs;
  if (wall !== undefined && !(Number.isInteger(wall) && wall > 0))
    throw usageError(
      `The timeout must be a positive number of milliseconds, got "${flags.timeout ?? wall}".`,
      "Pass e.g. --timeout 30000.",
    );
  return settings;
}

/** The file's policy with the `--allow`, `--ask` and `--deny` globs added to its lists. */
function mergePolicy(file: ToolPolicy | undefined, flags: ServerFlags): ToolPolicy | undefined {
  const policy: ToolPolicy = { ...file };
  for (const list of ["allow", "ask", "deny"] as const) {
    const extra = flags[list];
    if (extra?.length) policy[list] = [...(policy[list] ?? []), ...extra];
  }
  return Object.keys(policy).length > 0 ? policy : undefined;
}

/**
 * Connects the configured servers, reports each failed one on stderr, and fails with MCP_CONNECT_FAILED
 * when none is usable.
 */
export async function connect(
  source: string | object,
  io: CliIo,
  note: (line: string) => void,
  connectTimeoutMs?: number,
  oauth?: OAuthHooks,
): Promise<McpConnections> {
  const config = await loadConfig(source, {
    env: io.env,
    ...(typeof source === "string" ? {} : { workspaceFolder: io.cwd }),
  });
  const names = Object.keys(config.mcpServers);
  if (names.length === 0)
    throw usageError(
      `${typeof source === "string" ? source : "The configuration"} configures no MCP servers.`,
      'Add servers under "mcpServers", as for Claude Desktop.',
    );
  note(`connecting to ${names.length} MCP server${names.length === 1 ? "" : "s"} (${names.join(", ")})`);
  // A server that hangs while starting gets a progress line every few seconds until the timeout.
  const limit = connectTimeoutMs ?? 30_000;
  const started = Date.now();
  const ticker = setInterval(() => {
    const waited = Math.round((Date.now() - started) / 1000);
    note(
      `still waiting for MCP servers to start (${waited} s of ${Math.round(limit / 1000)} s; --connect-timeout sets the limit)`,
    );
  }, 5_000);
  ticker.unref();
  let connections: McpConnections;
  try {
    connections = await connectServers(config, {
      env: io.env,
      oauth: cliOAuth(io, oauth),
      ...(connectTimeoutMs ? { connectTimeoutMs } : {}),
    });
  } finally {
    clearInterval(ticker);
  }
  const failures = connections.failures();
  // Each failure's own hint names what to check for that server (its command line, or its URL).
  for (const [name, error] of failures)
    io.stderr(
      `codecall: warning: server "${name}" is unavailable: ${error.message}\n` +
        (error.hint && error.hint !== ERROR_HINTS[error.code] ? `  hint: ${error.hint}\n` : ""),
    );
  if (failures.size === names.length) {
    await connections.close();
    const first = [...failures.values()][0];
    throw new CodecallError(
      "MCP_CONNECT_FAILED",
      `None of the configured MCP servers could be used (${names.join(", ")}).`,
      {
        ...(first ? { cause: first } : {}),
      },
    );
  }
  return connections;
}

/** What a command adds to the CLI's OAuth: `serve` also asks its clients, and does not wait for the user. */
export type OAuthHooks = Pick<UpstreamOAuthOptions, "onAuthorizationUrl" | "waitForAuthorization">;

/**
 * OAuth for remote servers that ask for it: tokens in `CODECALL_OAUTH_FILE` (default
 * `~/.codecall/oauth-tokens.json`), and the authorization page printed for the user to open.
 */
export function cliOAuth(io: CliIo, hooks: OAuthHooks = {}): UpstreamOAuthOptions {
  return {
    ...(hooks.waitForAuthorization === undefined ? {} : { waitForAuthorization: hooks.waitForAuthorization }),
    storage: fileTokenStorage(io.env.CODECALL_OAUTH_FILE ?? defaultTokenFile(io.env)),
    ...(io.env.CODECALL_OAUTH_REDIRECT ? { redirectUrl: io.env.CODECALL_OAUTH_REDIRECT } : {}),
    onAuthorizationUrl: (server, url) => {
      io.stderr(
        `codecall: the MCP server "${server}" needs your authorization. Open this URL in a browser:\n  ${url.href}\n`,
      );
      return hooks.onAuthorizationUrl?.(server, url);
    },
  };
}

/**
 * Options for createCodeMode from the settings. With `approvals` (exec, run, replay) the policy asks on
 * the terminal, destructive tools included; without (serve) `ask` calls go to the MCP client.
 */
export async function codeModeOptions(
  connections: McpConnections,
  settings: CodecallSettings,
  approvals?: TerminalApprovals,
): Promise<CodeModeOptions> {
  const name = settings.sandbox ?? "quickjs";
  return {
    servers: connections,
    // A factory: code mode loads the backend once and closes it with itself.
    sandbox: () => loadSandbox(name),
    ...(settings.typeCheck ? { typeCheck: settings.typeCheck } : {}),
    ...(settings.limits ? { limits: settings.limits } : {}),
    ...(settings.privacy ? { privacy: settings.privacy === true ? {} : settings.privacy } : {}),
    ...(approvals
      ? {
          ...(settings.policy ? { policy: settings.policy } : {}),
          approve: approvals.approve,
          approveProgram: approvals.approveProgram,
        }
      : settings.policy
        ? { interceptor: createPolicyInterceptor(settings.policy) }
        : {}),
    ...(settings.workspace
      ? {
          workspace: {
            storage: { directory: settings.workspace.directory },
            ...(settings.workspace.scope ? { scope: settings.workspace.scope } : {}),
          },
        }
      : {}),
    // One limiter: every session of `serve` shares each rule's budget.
    ...(settings.tools ? { tools: createToolLimiter(settings.tools) } : {}),
  };
}

/** The configured servers and settings for the length of `work`; the connections are closed afterwards. */
export async function withConnections<T>(
  flags: ServerFlags,
  io: CliIo,
  note: (line: string) => void,
  work: (connections: McpConnections, settings: CodecallSettings) => Promise<T>,
  options: {
    oauth?: OAuthHooks;
    /**
     * Whether `work` runs programs in the configured sandbox: an E2B sandbox without its key then fails
     * before any server starts. Say so for each command (a replay or the upstream tools need none).
     */
    runsPrograms: boolean;
  },
): Promise<T> {
  const { settings, connections } = await connectConfigured(
    flags,
    io,
    note,
    options.oauth,
    options.runsPrograms,
  );
  try {
    return await work(connections, settings);
  } finally {
    await connections.close();
  }
}

/**
 * The servers the flags name: `--from <client>`'s files, else the configuration file; its settings with
 * the flags merged over them; and the connections (closing them is the caller's).
 */
export async function connectConfigured(
  flags: ServerFlags,
  io: CliIo,
  note: (line: string) => void,
  oauth?: OAuthHooks,
  runsPrograms = false,
): Promise<{ settings: CodecallSettings; connections: McpConnections }> {
  const connectTimeoutMs = connectTimeout(flags);
  let source: string | object;
  let path: string | undefined;
  if (flags.from !== undefined) {
    if (!(MCP_CLIENTS as readonly string[]).includes(flags.from))
      throw usageError(`Unknown MCP client "${flags.from}".`, `Pass --from ${MCP_CLIENTS.join("|")}.`);
    const client = await loadClientConfig(flags.from as McpClient, { env: io.env, cwd: io.cwd });
    note(`using the servers of ${flags.from}: ${client.sources.join(", ")}`);
    source = client.config;
  } else {
    path = configPath(flags, io);
    source = path;
  }
  const settings = await readSettings(path, flags, io);
  if (runsPrograms) checkSandboxKey(settings, io);
  const connections = await connect(source, io, note, connectTimeoutMs, oauth);
  return { settings, connections };
}

/**
 * The E2B backend needs its key, read from the environment: a missing one is exit 3 before any server
 * starts, as a model's missing key is (not a failed program after every server has started).
 */
function checkSandboxKey(settings: CodecallSettings, io: CliIo): void {
  if (settings.sandbox !== "e2b" || io.env.E2B_API_KEY || io.env.E2B_DEBUG?.toLowerCase() === "true") return;
  throw new CodecallError("SANDBOX_UNAVAILABLE", "E2B_API_KEY is not set: the e2b sandbox needs it.", {
    hint: "Get a key at https://e2b.dev/dashboard and export E2B_API_KEY=<your key>, or pass --sandbox quickjs.",
  });
}

function connectTimeout(flags: ServerFlags): number | undefined {
  if (flags.connectTimeout === undefined) return undefined;
  const ms = Number(flags.connectTimeout);
  if (!(Number.isInteger(ms) && ms > 0))
    throw usageError(
      `--connect-timeout must be a positive number of milliseconds, got "${flags.connectTimeout}".`,
      "Pass e.g. --connect-timeout 60000.",
    );
  return ms;
}

/** Code mode over the configured servers for the length of `work`; everything is closed afterwards. */
export function withCodeMode<T>(
  flags: ServerFlags,
  io: CliIo,
  note: (line: string) => void,
  work: (codeMode: CodeMode, settings: CodecallSettings) => Promise<T>,
  approvals?: TerminalApprovals,
): Promise<T> {
  return withConnections(
    flags,
    io,
    note,
    async (connections, settings) => {
      const codeMode = await createCodeMode(await codeModeOptions(connections, settings, approvals));
      try {
        return await work(codeMode, settings);
      } finally {
        await codeMode.close();
      }
    },
    { runsPrograms: true },
  );
}
