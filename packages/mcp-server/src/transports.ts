import { randomUUID } from "node:crypto";
import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { CodecallError } from "@codecall/core";
import { metadataHandler } from "@modelcontextprotocol/sdk/server/auth/handlers/metadata.js";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";
import { getOAuthProtectedResourceMetadataUrl } from "@modelcontextprotocol/sdk/server/auth/router.js";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import express from "express";
import { type AuthInfo, type HttpAuthOptions, principalOf } from "./auth.js";
import { SERVER_BUSY } from "./server.js";

/** Serves one MCP server over this process's stdin and stdout. Resolves when connected. */
export async function serveStdio(server: Server): Promise<void> {
  await server.connect(new StdioServerTransport());
}

/** What a session's server factory learns about the session it serves. */
export interface SessionInfo {
  /** The verified token of the request that opened the session, when auth is on. */
  auth?: AuthInfo;
}

export interface HttpServeOptions {
  /** Default 0: a free port. */
  port?: number;
  /**
   * Default 127.0.0.1: code mode runs programs against your tools, so it listens on loopback unless told.
   * Any address other than 127.0.0.1, `localhost` or `::1` requires `auth`.
   */
  host?: string;
  /** The endpoint path. Default `/mcp`. */
  path?: string;
  /**
   * Host names (without port) a request's `Host` and `Origin` may name. Default: on a loopback address,
   * `127.0.0.1`, `localhost` and `[::1]`, so a web page cannot reach the server by DNS rebinding; on any
   * other address, no check (put your own proxy in front).
   */
  allowedHosts?: string[];
  /** Largest request body accepted, in bytes. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Bearer-token authentication (OAuth 2.1 resource server). Default: none, allowed on loopback only. */
  auth?: HttpAuthOptions;
  /** Sessions open at once; an `initialize` beyond it is refused with HTTP 503 and {@link SERVER_BUSY}. Default 100. */
  maxSessions?: number;
  /** A session with no request for this long is closed and its resources freed. Default 30 minutes. */
  idleTimeoutMs?: number;
}

/** A running Streamable HTTP endpoint. */
export interface HttpServing {
  /** The endpoint clients connect to, e.g. `http://127.0.0.1:3000/mcp`. */
  url: string;
  port: number;
  /** The protected resource metadata URL (RFC 9728), when auth is on. */
  resourceMetadataUrl?: string;
  /** Sessions open now. */
  readonly sessions: number;
  /** Closes every session and stops listening. */
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: Server;
  principal: string | undefined;
  lastSeen: number;
  /** Requests of this session in progress: a session is never idle while one runs. */
  busy: number;
}

/**
 * Serves MCP over Streamable HTTP. Each client session gets its own MCP server from `createMcpServer`
 * (with {@link codeModePerSession}, its own code mode); sessions are kept by the `mcp-session-id` header,
 * bound to the principal that opened them, and closed on DELETE, on idle timeout, or when serving stops.
 */
export async function serveHttp(
  createMcpServer: (session: SessionInfo) => Server | Promise<Server>,
  options: HttpServeOptions = {},
): Promise<HttpServing> {
  const path = options.path ?? "/mcp";
  const host = options.host ?? "127.0.0.1";
  assertAuthBeyondLoopback(host, options.auth !== undefined);
  const allowed = new Set(
    (options.allowedHosts ?? (isLoopback(host) ? ["127.0.0.1", "localhost", "[::1]"] : [])).map((h) =>
      h.toLowerCase(),
    ),
  );
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const maxSessions = positive(options.maxSessions ?? 100, "maxSessions");
  const idleTimeoutMs = positive(options.idleTimeoutMs ?? 30 * 60_000, "idleTimeoutMs");
  const sessions = new Map<string, Session>();
  /** Sessions being created (their initialize is in flight): they count against maxSessions too. */
  let opening = 0;

  const app = express();
  app.disable("x-powered-by");
  app.use((req, res, next) => {
    if (allowed.size > 0 && !hostAllowed(req, allowed)) {
      sendError(res, 403, "Forbidden: the Host or Origin header names a host this server does not serve.");
      return;
    }
    next();
  });

  let listening: { url: string; resourceMetadataUrl?: string } | undefined;
  const guards: express.RequestHandler[] = [];
  if (options.auth) {
    const auth = options.auth;
    // The URL is known once the port is: the metadata and the 401 header are built lazily.
    const resource = () => new URL(auth.resourceUrl ?? listening!.url);
    let bearer: express.RequestHandler | undefined;
    const metadata = (req: express.Request, res: express.Response, next: express.NextFunction) =>
      metadataHandler({
        resource: resource().href,
        authorization_servers: auth.authorizationServers ?? [],
        bearer_methods_supported: ["header"],
        ...(auth.requiredScopes?.length ? { scopes_supported: auth.requiredScopes } : {}),
        resource_name: auth.resourceName ?? "codecall",
      })(req, res, next);
    app.use(`/.well-known/oauth-protected-resource${path}`, metadata);
    app.use("/.well-known/oauth-protected-resource", metadata);
    guards.push((req, res, next) => {
      bearer ??= requireBearerAuth({
        verifier: auth.verifier,
        ...(auth.requiredScopes ? { requiredScopes: auth.requiredScopes } : {}),
        resourceMetadataUrl: listening!.resourceMetadataUrl!,
      });
      return bearer(req, res, next);
    });
  }
  app.all(path, ...guards, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.end();
      else if (error instanceof BadRequest) sendError(res, error.status, error.message, error.code);
      else sendError(res, 500, String(error), -32603);
    });
  });
  app.use((_req, res) => {
    res.status(404).end();
  });

  async function handle(req: express.Request, res: ServerResponse): Promise<void> {
    const principal = principalOf(req.auth);
    const sessionId = req.headers["mcp-session-id"];
    const existing = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
    if (existing) {
      // A session id is not a credential: only the principal that opened the session may use it.
      if (existing.principal !== principal) {
        sendError(res, 404, "Session not found.", -32001);
        return;
      }
      existing.lastSeen = Date.now();
      // A POST is work in progress until its response ends (a tool call streams its answer); the standalone
      // GET stream is only a listener and does not keep a session from being idle.
      if (req.method === "POST") {
        existing.busy++;
        res.once("close", () => {
          existing.busy--;
          existing.lastSeen = Date.now();
        });
      }
      await existing.transport.handleRequest(
        req,
        res,
        req.method === "POST" ? await readJson(req, maxBody) : undefined,
      );
      return;
    }
    if (typeof sessionId === "string") {
      // The spec's answer to an ended or unknown session: 404, and the client starts a new one.
      sendError(
        res,
        404,
        "Session not found: it ended or expired. Send initialize to start a new one.",
        -32001,
      );
      return;
    }
    if (req.method !== "POST") {
      sendError(res, 400, "No valid session: send initialize first.");
      return;
    }
    const body = await readJson(req, maxBody);
    if (!isInitializeRequest(body)) {
      sendError(res, 400, "Unknown or missing mcp-session-id.");
      return;
    }
    if (sessions.size + opening >= maxSessions) {
      sendError(
        res,
        503,
        `codecall is serving its maximum of ${maxSessions} sessions; try again later, or ask the operator to raise maxSessions.`,
        SERVER_BUSY,
        (body as { id?: string | number }).id ?? null,
      );
      return;
    }
    opening++;
    let server: Server;
    try {
      server = await createMcpServer(req.auth ? { auth: req.auth } : {});
    } finally {
      opening--;
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, principal, lastSeen: Date.now(), busy: 0 });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
    // An initialize that failed leaves no session behind: close its server (and with it its code mode).
    if (!transport.sessionId || !sessions.has(transport.sessionId))
      await server.close().catch(() => undefined);
  }

  // Idle sessions are swept on a coarse timer that never keeps the process alive.
  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const [id, session] of sessions)
        if (session.busy === 0 && now - session.lastSeen >= idleTimeoutMs) {
          sessions.delete(id);
          void session.server.close().catch(() => undefined);
        }
    },
    Math.max(10, Math.min(idleTimeoutMs / 4, 60_000)),
  );
  sweep.unref();

  const http: HttpServer = createServer(app);
  // Longer than Node's 5 s default: a client reusing a keep-alive socket just as the server times it out
  // gets "fetch failed"; that race widens whenever a CPU-bound program holds the event loop.
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  try {
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(options.port ?? 0, host, () => resolve());
    });
  } catch (error) {
    clearInterval(sweep);
    throw error;
  }
  const { port, address } = http.address() as AddressInfo;
  const shown = address.includes(":") ? `[${address}]` : address;
  const url = `http://${shown}:${port}${path}`;
  listening = {
    url,
    ...(options.auth
      ? {
          resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(new URL(options.auth.resourceUrl ?? url)),
        }
      : {}),
  };
  return {
    url,
    port,
    ...(listening.resourceMetadataUrl ? { resourceMetadataUrl: listening.resourceMetadataUrl } : {}),
    get sessions() {
      return sessions.size;
    },
    async close() {
      clearInterval(sweep);
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.all(all.map(({ server }) => server.close().catch(() => undefined)));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/**
 * Refuses, with CONFIG_INVALID saying why, to serve on an address other than loopback without
 * authentication. `serveHttp` checks this itself; call it first to fail before any expensive setup.
 */
export function assertAuthBeyondLoopback(host: string, hasAuth: boolean): void {
  if (!hasAuth && !isLoopback(host))
    throw new CodecallError(
      "CONFIG_INVALID",
      `Refusing to serve on ${host} without authentication: anyone who can reach that address could run programs against your MCP servers.`,
      {
        hint: "Configure auth (a JWKS URL with issuer and audience, a token introspection endpoint, or --auth-token-env NAME for a static token), or listen on 127.0.0.1.",
      },
    );
}

function positive(value: number, name: string): number {
  if (!(Number.isFinite(value) && value > 0))
    throw new CodecallError(
      "CONFIG_INVALID",
      `${name} must be a positive number, got ${JSON.stringify(value)}.`,
    );
  return value;
}

/** A request the client must fix: answered with its HTTP status and JSON-RPC code. */
class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** A JSON-RPC error answer outside any session. */
function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  code = -32000,
  id: string | number | null = null,
): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id }));
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

/** Host (and Origin, when a browser sent one) must name an allowed host name; ports are not compared. */
function hostAllowed(req: IncomingMessage, allowed: Set<string>): boolean {
  const name = (value: string) => {
    try {
      return new URL(value).hostname.toLowerCase();
    } catch {
      return undefined;
    }
  };
  const host = req.headers.host ? name(`http://${req.headers.host}`) : undefined;
  if (!host || !allowed.has(host)) return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === "null" ? origin === undefined : allowed.has(name(origin) ?? "");
}

function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(new BadRequest(413, `The request body is larger than ${maxBytes} bytes.`, -32600));
        req.destroy();
        return;
      }
      parts.push(c);
    });
    req.on("end", () => {
      try {
        resolve(parts.length ? JSON.parse(Buffer.concat(parts).toString("utf8")) : undefined);
      } catch (error) {
        reject(new BadRequest(400, `Parse error: ${(error as Error).message}`, -32700));
      }
    });
    req.on("error", reject);
  });
}
