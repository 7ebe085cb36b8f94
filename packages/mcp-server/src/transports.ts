import { randomUUID } from "node:crypto";
import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";

/** Serves one MCP server over this process's stdin and stdout. Resolves when connected. */
export async function serveStdio(server: Server): Promise<void> {
  await server.connect(new StdioServerTransport());
}

export interface HttpServeOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1: code mode runs programs against your tools, so it listens on loopback unless told. */
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
}

/** A running Streamable HTTP endpoint. */
export interface HttpServing {
  /** The endpoint clients connect to, e.g. `http://127.0.0.1:3000/mcp`. */
  url: string;
  port: number;
  /** Closes every session and stops listening. */
  close(): Promise<void>;
}

/**
 * Serves MCP over Streamable HTTP. Each client session gets its own MCP server from `createServer`
 * (they may share one toolbox); sessions are kept by the `mcp-session-id` header.
 */
export async function serveHttp(
  createMcpServer: () => Server,
  options: HttpServeOptions = {},
): Promise<HttpServing> {
  const path = options.path ?? "/mcp";
  const host = options.host ?? "127.0.0.1";
  const allowed = new Set(
    (options.allowedHosts ?? (isLoopback(host) ? ["127.0.0.1", "localhost", "[::1]"] : [])).map((h) =>
      h.toLowerCase(),
    ),
  );
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: Server }>();

  const http: HttpServer = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.end();
      else if (error instanceof BadRequest) sendError(res, error.status, error.message, error.code);
      else sendError(res, 500, String(error), -32603);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!req.url || new URL(req.url, "http://localhost").pathname !== path) {
      res.writeHead(404).end();
      return;
    }
    if (allowed.size > 0 && !hostAllowed(req, allowed)) {
      sendError(res, 403, "Forbidden: the Host or Origin header names a host this server does not serve.");
      return;
    }
    const sessionId = req.headers["mcp-session-id"];
    const existing = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
    if (existing) {
      await existing.transport.handleRequest(
        req,
        res,
        req.method === "POST" ? await readJson(req, maxBody) : undefined,
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
    const server = createMcpServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  const { port, address } = http.address() as AddressInfo;
  const shown = address.includes(":") ? `[${address}]` : address;
  return {
    url: `http://${shown}:${port}${path}`,
    port,
    async close() {
      await Promise.all([...sessions.values()].map(({ server }) => server.close().catch(() => undefined)));
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
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

/** A JSON-RPC error answer outside any session (no request id to answer). */
function sendError(res: ServerResponse, status: number, message: string, code = -32000): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
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
