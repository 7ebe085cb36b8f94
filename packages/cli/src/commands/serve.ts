import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import {
  type CodeModeOptions,
  createCodeMode,
  EXPOSED_SURFACES,
  type ExposedSurface,
  exposeCodeMode,
  type McpConnections,
  type PrivacyGuardOptions,
  type Sandbox,
} from "@codecall/core";
import type { ExecutionRecord } from "@codecall/core/records";
import {
  AuthorizationRequests,
  assertAuthBeyondLoopback,
  codeModePerSession,
  createCodecallServer,
  type HttpAuthOptions,
  introspectionVerifier,
  jwtVerifier,
  serveHttp,
  serveStdio,
  staticTokenVerifier,
} from "@codecall/mcp-server";
import type { Command } from "commander";
import { loadSandbox } from "../backends.js";
import { type CliIo, progress, usageError } from "../io.js";
import { codeModeOptions, type ServerFlags, withConnections } from "../setup.js";
import { VERSION } from "../version.js";

interface ServeFlags extends ServerFlags {
  http?: string;
  host?: string;
  authTokenEnv?: string;
  authJwks?: string;
  authIssuer?: string;
  authAudience?: string;
  authIntrospection?: string;
  authClientIdEnv?: string;
  authClientSecretEnv?: string;
  authScope?: string[];
  resourceUrl?: string;
  maxSessions?: string;
  maxExecutions?: string;
  idleTimeout?: string;
  persistState?: boolean;
  record?: string;
  expose?: string;
  toolNames?: string;
}

/**
 * `codecall serve`: code mode as an MCP server in front of the configured servers, over stdio (for
 * Claude Desktop and Claude Code) or Streamable HTTP. Over HTTP each MCP session is its own tenant (its
 * own privacy vault, globals, approvals and execution queue), and the endpoint authenticates bearer
 * tokens when told how (required on any address but loopback). Runs until stdin closes (stdio) or a
 * SIGINT / SIGTERM arrives.
 */
export function serveCommand(program: Command, io: CliIo): void {
  program
    .command("serve")
    .description(
      "Serve code mode (search_tools, execute_code, list_files, read_file) as an MCP server, or the upstream tools (--expose)",
    )
    .option("--http <port>", "serve Streamable HTTP on this port instead of stdio (0: a free port)")
    .option(
      "--host <address>",
      "the address to listen on with --http (other than loopback needs auth)",
      "127.0.0.1",
    )
    .option("--auth-token-env <name>", "require this environment variable's value as the bearer token")
    .option(
      "--auth-jwks <url>",
      "verify JWT bearer tokens with the keys at this JWKS URL (needs --auth-issuer)",
    )
    .option("--auth-issuer <url>", "the issuer JWTs must name; announced as the authorization server")
    .option("--auth-audience <value>", "the audience JWTs must name (default: --resource-url)")
    .option("--auth-introspection <url>", "verify bearer tokens at this RFC 7662 introspection endpoint")
    .option("--auth-client-id-env <name>", "env var holding this server's client id for introspection")
    .option(
      "--auth-client-secret-env <name>",
      "env var holding this server's client secret for introspection",
    )
    .option("--auth-scope <scope...>", "scopes every token must carry")
    .option("--resource-url <url>", "this server's public URL (the token audience), when behind a proxy")
    .option("--max-sessions <n>", "most MCP sessions open at once (default 100)")
    .option("--max-executions <n>", "most programs running at once across sessions (default 16)")
    .option(
      "--record <dir>",
      "write each program's run record to <dir>/<session>/<run id>.json (see codecall replay)",
    )
    .option("--persist-state", "keep each session's globals from one program to the next (--http)")
    .option("--idle-timeout <ms>", "close a session after this long without requests (default 1800000)")
    .option(
      "--expose <surface>",
      "code (search_tools + execute_code), tools (the upstream tools as they are), search (search_tools + call_tool), or both (code and tools)",
      "code",
    )
    .option(
      "--tool-names <style>",
      "names of exposed upstream tools: namespaced (server__tool) or bare",
      "namespaced",
    )
    .action(async (flags: ServeFlags) => {
      const port = flags.http === undefined ? undefined : Number(flags.http);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
        throw usageError(
          `--http needs a port number, got "${flags.http}".`,
          "Pass e.g. --http 3000, or --http 0 for a free port.",
        );
      const limits = {
        maxSessions: count(flags.maxSessions, "--max-sessions"),
        maxConcurrentExecutions: count(flags.maxExecutions, "--max-executions"),
        idleTimeoutMs: count(flags.idleTimeout, "--idle-timeout"),
      };
      const surface = exposeFlags(flags);
      const auth = port === undefined ? undefined : authOptions(flags, io);
      // Before connecting anything: an exposed endpoint without auth never starts.
      if (port !== undefined) assertAuthBeyondLoopback(flags.host ?? "127.0.0.1", auth !== undefined);
      if (port !== undefined) await assertPortFree(flags.host ?? "127.0.0.1", port);
      // stdout is the MCP channel on stdio: every note goes to stderr.
      const note = progress(io, flags.quiet);
      const options = { name: "codecall", version: VERSION };
      const stopped = new Promise<void>((resolve) => {
        for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve());
        if (port === undefined) process.stdin.once("end", () => resolve());
      });
      // Upstream servers waiting for OAuth do not hold up serving: clients that support URL elicitation
      // are asked to open the page (the URL is on stderr too), and the tools appear once authorized.
      const authorizations = new AuthorizationRequests();
      const oauth = {
        waitForAuthorization: false,
        onAuthorizationUrl: (server: string, url: URL) => authorizations.request(server, url),
      };
      const completeOnConnect = (connections: McpConnections) =>
        connections.onChange(({ server }) => authorizations.complete(server));
      const record = flags.record === undefined ? undefined : recordWriter(flags.record, io);
      if (port === undefined) {
        await withConnections(
          flags,
          io,
          note,
          async (connections, settings) => {
            completeOnConnect(connections);
            const codeMode = await createCodeMode({
              ...(await codeModeOptions(connections, settings)),
              ...(record ? { onRecord: (run: ExecutionRecord) => record(run, "stdio") } : {}),
            });
            try {
              const toolbox = exposeCodeMode(codeMode, surface.expose, { names: surface.toolNames });
              const server = createCodecallServer(toolbox, {
                ...options,
                prompts: connections,
                promptNames: surface.toolNames,
                authorizations,
              });
              await serveStdio(server);
              note("serving MCP on stdio");
              await stopped;
              await server.close();
            } finally {
              await codeMode.close();
            }
          },
          // The upstream tools or search alone (--expose tools, search) run no program.
          { oauth, runsPrograms: surface.expose === "code" || surface.expose === "both" },
        );
        return;
      }
      await withConnections(
        flags,
        io,
        note,
        async (connections, settings) => {
          completeOnConnect(connections);
          const shared = await codeModeOptions(connections, settings);
          // One backend for every session (its engine pool is shared; contexts are per session). It runs
          // as many programs at once as serve admits (codeModePerSession's default is 16), so no session's
          // program waits behind another's.
          const sandbox: Sandbox = await loadSandbox(settings.sandbox ?? "quickjs", process.cwd(), {
            maxConcurrentExecutions: limits.maxConcurrentExecutions ?? 16,
          });
          const tenants = codeModePerSession({
            ...withoutShared(shared),
            connections,
            sandbox,
            ...(shared.privacy ? { privacy: shared.privacy as PrivacyGuardOptions } : {}),
            server: { ...options, authorizations },
            expose: surface.expose,
            toolNames: surface.toolNames,
            ...(record ? { onRecord: (run, session) => record(run, session.id) } : {}),
            ...(flags.persistState ? { persistState: true } : {}),
            ...(limits.maxConcurrentExecutions
              ? { maxConcurrentExecutions: limits.maxConcurrentExecutions }
              : {}),
          });
          try {
            const serving = await serveHttp(tenants.create, {
              port,
              ...(flags.host ? { host: flags.host } : {}),
              ...(auth ? { auth } : {}),
              ...(limits.maxSessions ? { maxSessions: limits.maxSessions } : {}),
              ...(limits.idleTimeoutMs ? { idleTimeoutMs: limits.idleTimeoutMs } : {}),
            });
            // The URL line is for people and scripts alike, so it is printed even with --quiet.
            io.stderr(`codecall: serving MCP at ${serving.url}\n`);
            if (serving.resourceMetadataUrl)
              note(`protected resource metadata at ${serving.resourceMetadataUrl}`);
            await stopped;
            await serving.close();
          } finally {
            await tenants.close();
            await sandbox.close();
          }
        },
        { oauth, runsPrograms: surface.expose === "code" || surface.expose === "both" },
      );
    });
}

/** `--record <dir>`: each program's run record as `<dir>/<session>/<run id>.json`, a folder per session. */
function recordWriter(dir: string, io: CliIo): (record: ExecutionRecord, session: string) => void {
  const root = resolve(io.cwd, dir);
  const safe = (name: string) => name.replace(/[^\w.-]/g, "_");
  return (record, session) => {
    const folder = join(root, safe(session));
    void mkdir(folder, { recursive: true })
      .then(() =>
        writeFile(join(folder, `${safe(record.runId)}.json`), `${JSON.stringify(record, null, 2)}\n`),
      )
      .catch((error: Error) =>
        io.stderr(`codecall: warning: could not write the run record ${record.runId}: ${error.message}\n`),
      );
  };
}

/** The shared options less what codeModePerSession takes under its own names. */
function withoutShared(options: CodeModeOptions): Omit<CodeModeOptions, "servers" | "sandbox" | "privacy"> {
  const { servers: _servers, sandbox: _sandbox, privacy: _privacy, ...rest } = options;
  return rest;
}

function exposeFlags(flags: ServeFlags): { expose: ExposedSurface; toolNames: "namespaced" | "bare" } {
  const expose = (flags.expose ?? "code") as ExposedSurface;
  if (!EXPOSED_SURFACES.includes(expose))
    throw usageError(
      `--expose needs one of ${EXPOSED_SURFACES.join(", ")}, got "${flags.expose}".`,
      "Pass e.g. --expose tools for clients that cannot run programs.",
    );
  const toolNames = flags.toolNames ?? "namespaced";
  if (toolNames !== "namespaced" && toolNames !== "bare")
    throw usageError(
      `--tool-names needs namespaced or bare, got "${flags.toolNames}".`,
      "namespaced serves server__tool; bare serves the upstream names as they are.",
    );
  return { expose, toolNames };
}

function count(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0))
    throw usageError(`${flag} needs a positive whole number, got "${value}".`, `Pass e.g. ${flag} 10.`);
  return n;
}

/** The verifier the flags describe: a static token, a JWKS with issuer, or an introspection endpoint. */
function authOptions(flags: ServeFlags, io: CliIo): HttpAuthOptions | undefined {
  const modes = [flags.authTokenEnv, flags.authJwks, flags.authIntrospection].filter((m) => m !== undefined);
  if (modes.length > 1)
    throw usageError(
      "Choose one of --auth-token-env, --auth-jwks and --auth-introspection.",
      "Each names one way to check bearer tokens.",
    );
  const common = {
    ...(flags.authScope?.length ? { requiredScopes: flags.authScope } : {}),
    ...(flags.resourceUrl ? { resourceUrl: flags.resourceUrl } : {}),
  };
  if (flags.authTokenEnv !== undefined) {
    const token = io.env[flags.authTokenEnv];
    if (!token)
      throw usageError(
        `--auth-token-env ${flags.authTokenEnv}: that environment variable is not set.`,
        `Set it to a long random secret (e.g. export ${flags.authTokenEnv}=$(openssl rand -hex 32)) and give clients the same value as a bearer token.`,
      );
    return { verifier: staticTokenVerifier(token), ...common };
  }
  if (flags.authJwks !== undefined) {
    if (!flags.authIssuer)
      throw usageError("--auth-jwks needs --auth-issuer.", "Pass the issuer URL your tokens carry in `iss`.");
    if (!flags.authAudience && !flags.resourceUrl)
      throw usageError(
        "--auth-jwks needs --auth-audience (or --resource-url, used as the audience).",
        "Pass the audience your authorization server puts in tokens for this server.",
      );
    return {
      verifier: jwtVerifier({
        jwksUrl: flags.authJwks,
        issuer: flags.authIssuer,
        audience: (flags.authAudience ?? flags.resourceUrl)!,
      }),
      authorizationServers: [flags.authIssuer],
      ...common,
    };
  }
  if (flags.authIntrospection !== undefined) {
    const clientId = flags.authClientIdEnv ? io.env[flags.authClientIdEnv] : undefined;
    const clientSecret = flags.authClientSecretEnv ? io.env[flags.authClientSecretEnv] : undefined;
    return {
      verifier: introspectionVerifier({
        url: flags.authIntrospection,
        ...(clientId ? { clientId } : {}),
        ...(clientSecret ? { clientSecret } : {}),
        ...(flags.authAudience ? { audience: flags.authAudience } : {}),
      }),
      ...(flags.authIssuer ? { authorizationServers: [flags.authIssuer] } : {}),
      ...common,
    };
  }
  return undefined;
}

/**
 * Fails (EADDRINUSE, exit 3) before any server starts when the port is taken: the real listen comes once
 * every upstream server has connected, which can take a minute. Port 0 takes a free one.
 */
async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", reject);
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
