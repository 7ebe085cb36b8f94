/**
 * A remote upstream MCP server behind OAuth, on loopback: the MCP SDK's server-side auth pieces
 * (`mcpAuthRouter` for discovery, registration, authorize and token endpoints; `requireBearerAuth` on the
 * MCP endpoint) over a minimal in-memory authorization server written here. codecall's `connectServers`
 * goes through the whole flow — 401, discovery, dynamic registration, the authorization URL handed to the
 * "user", the code on the loopback redirect, the token exchange — then a refresh when the access token
 * expires, and a restart that reuses the stored tokens without asking.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectServers } from "@codecall/core";
import { fileTokenStorage, memoryTokenStorage } from "@codecall/core/mcp";
import { quickjs } from "@codecall/sandbox-quickjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InvalidTokenError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";
import type { OAuthServerProvider } from "@modelcontextprotocol/sdk/server/auth/provider.js";
import {
  getOAuthProtectedResourceMetadataUrl,
  mcpAuthRouter,
} from "@modelcontextprotocol/sdk/server/auth/router.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { OAuthClientInformationFull } from "@modelcontextprotocol/sdk/shared/auth.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ElicitationCompleteNotificationSchema,
  ElicitRequestSchema,
  ListToolsRequestSchema,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthorizationRequests, codeModePerSession, serveHttp } from "../src/index.js";

/** The authorization server's state, for the test to look at. */
interface Remote {
  url: string;
  registered: number;
  authorized: number;
  refreshed: number;
  /** Makes every access token issued so far expire (refresh tokens stay valid). */
  expireAll(): void;
  close(): Promise<void>;
}

async function startRemote(): Promise<Remote> {
  const clients = new Map<string, OAuthClientInformationFull>();
  const codes = new Map<string, { clientId: string; challenge: string }>();
  const tokens = new Map<string, { clientId: string; expiresAt: number }>();
  const refreshTokens = new Map<string, string>();
  const remote = { registered: 0, authorized: 0, refreshed: 0 };
  const issue = (clientId: string) => {
    const access = randomUUID();
    const refresh = randomUUID();
    tokens.set(access, { clientId, expiresAt: Math.floor(Date.now() / 1000) + 600 });
    refreshTokens.set(refresh, clientId);
    return { access_token: access, token_type: "bearer", expires_in: 600, refresh_token: refresh };
  };
  const provider: OAuthServerProvider = {
    clientsStore: {
      getClient: (id) => clients.get(id),
      registerClient: (client) => {
        remote.registered++;
        const full = {
          ...client,
          client_id: randomUUID(),
          client_id_issued_at: Math.floor(Date.now() / 1000),
        };
        clients.set(full.client_id, full as OAuthClientInformationFull);
        return full as OAuthClientInformationFull;
      },
    },
    // The user approves at once: the page redirects back with a code.
    async authorize(client, params, res) {
      remote.authorized++;
      const code = randomUUID();
      codes.set(code, { clientId: client.client_id, challenge: params.codeChallenge });
      const target = new URL(params.redirectUri);
      target.searchParams.set("code", code);
      if (params.state) target.searchParams.set("state", params.state);
      res.redirect(target.href);
    },
    async challengeForAuthorizationCode(_client, code) {
      return codes.get(code)?.challenge ?? "";
    },
    async exchangeAuthorizationCode(client, code) {
      const entry = codes.get(code);
      if (!entry || entry.clientId !== client.client_id) throw new Error("bad code");
      codes.delete(code);
      return issue(client.client_id);
    },
    async exchangeRefreshToken(client, refreshToken) {
      if (refreshTokens.get(refreshToken) !== client.client_id) throw new Error("bad refresh token");
      refreshTokens.delete(refreshToken);
      remote.refreshed++;
      return issue(client.client_id);
    },
    async verifyAccessToken(token) {
      const entry = tokens.get(token);
      if (!entry) throw new InvalidTokenError("unknown token");
      return { token, clientId: entry.clientId, scopes: [], expiresAt: entry.expiresAt };
    },
  };

  const app = express();
  const http: HttpServer = createServer(app);
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", () => r()));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const mcpUrl = new URL(`${base}/mcp`);
  app.use(mcpAuthRouter({ provider, issuerUrl: new URL(base), resourceServerUrl: mcpUrl }));
  app.use(express.json());
  app.all(
    "/mcp",
    requireBearerAuth({
      verifier: provider,
      resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpUrl),
    }),
    async (req, res) => {
      // Stateless: one MCP server per request, answering who the token belongs to.
      const server = new Server({ name: "remote", version: "1.0.0" }, { capabilities: { tools: {} } });
      server.setRequestHandler(ListToolsRequestSchema, async () => ({
        tools: [{ name: "whoami", description: "The OAuth client calling", inputSchema: { type: "object" } }],
      }));
      server.setRequestHandler(CallToolRequestSchema, async (_request, extra) => ({
        content: [{ type: "text", text: `client ${extra.authInfo?.clientId}` }],
      }));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on("close", () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    },
  );
  return Object.assign(remote, {
    url: mcpUrl.href,
    expireAll() {
      for (const entry of tokens.values()) entry.expiresAt = Math.floor(Date.now() / 1000) - 10;
    },
    close: () =>
      new Promise<void>((r) => {
        http.closeAllConnections();
        http.close(() => r());
      }),
  });
}

/** A free loopback port for the redirect listener. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** The user, in a browser: opens the authorization page and follows its redirect back to codecall. */
async function approve(url: URL): Promise<void> {
  const page = await fetch(url, { redirect: "manual" });
  const location = page.headers.get("location");
  if (!location) throw new Error(`no redirect from the authorization page (${page.status})`);
  const back = await fetch(location);
  if (!back.ok) throw new Error(`codecall's redirect listener answered ${back.status}`);
}

let remote: Remote;
let dir: string;
beforeAll(async () => {
  remote = await startRemote();
  dir = await mkdtemp(join(tmpdir(), "codecall-oauth-"));
});
afterAll(async () => {
  await remote?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("OAuth to a remote upstream MCP server", () => {
  it("authorizes through the user, stores the tokens in a file, refreshes them, and reuses them", async () => {
    const file = join(dir, "tokens.json");
    const redirectUrl = `http://127.0.0.1:${await freePort()}/oauth/callback`;
    const shown: string[] = [];
    const config = { mcpServers: { remote: { type: "http", url: remote.url } } };
    const oauth = (onAuthorizationUrl?: (server: string, url: URL) => void) => ({
      storage: fileTokenStorage(file),
      redirectUrl,
      ...(onAuthorizationUrl ? { onAuthorizationUrl } : {}),
      authorizationTimeoutMs: 60_000,
    });

    const first = await connectServers(config, {
      oauth: oauth((server, url) => {
        shown.push(`${server} ${url.origin}${url.pathname}`);
        void approve(url);
      }),
    });
    try {
      expect(first.failures().size, String([...first.failures().values()][0]?.message)).toBe(0);
      expect(shown).toEqual([`remote ${new URL(remote.url).origin}/authorize`]);
      expect(remote.registered).toBe(1);
      expect(remote.authorized).toBe(1);
      const who = await first.callTool("remote", "whoami", {});
      expect(JSON.stringify(who)).toMatch(/client [0-9a-f-]{36}/);

      // The file holds the tokens and the registration, readable by its owner only.
      const stored = JSON.parse(await readFile(file, "utf8"))[remote.url];
      expect(stored.tokens.access_token).toBeTruthy();
      expect(stored.tokens.refresh_token).toBeTruthy();
      expect(stored.client.client_id).toBeTruthy();
      expect((await stat(file)).mode & 0o777).toBe(0o600);

      // The access token expires; the next call is answered 401 and the SDK refreshes it once.
      remote.expireAll();
      const again = await first.callTool("remote", "whoami", {});
      expect(JSON.stringify(again)).toMatch(/client /);
      expect(remote.refreshed).toBe(1);
      const refreshed = JSON.parse(await readFile(file, "utf8"))[remote.url];
      expect(refreshed.tokens.access_token).not.toBe(stored.tokens.access_token);
    } finally {
      await first.close();
    }

    // A restart with the same file connects without asking the user again.
    const second = await connectServers(config, {
      oauth: oauth(() => {
        throw new Error("the user must not be asked again");
      }),
    });
    try {
      expect(second.failures().size).toBe(0);
      expect(remote.authorized).toBe(1);
      expect(JSON.stringify(await second.callTool("remote", "whoami", {}))).toMatch(/client /);
    } finally {
      await second.close();
    }
  });

  it("fails to connect with a clear message when nobody can be shown the authorization page", async () => {
    const connections = await connectServers(
      { mcpServers: { remote: { type: "http", url: remote.url } } },
      { oauth: { storage: memoryTokenStorage(), redirectUrl: `http://127.0.0.1:${await freePort()}/cb` } },
    );
    try {
      const error = connections.failures().get("remote");
      expect(error?.code).toBe("MCP_CONNECT_FAILED");
      expect(error?.message).toMatch(/needs OAuth authorization/);
    } finally {
      await connections.close();
    }
  });

  it("serves while the user authorizes: the client is asked by URL elicitation, told when it is complete, and the tools appear", {
    timeout: 120_000,
  }, async () => {
    // What `codecall serve` wires: the connections do not wait for the user, the authorization page goes to
    // every client session that supports URL elicitation, and the server joining completes it.
    const authorizations = new AuthorizationRequests();
    const connections = await connectServers(
      { mcpServers: { remote: { type: "http", url: remote.url } } },
      {
        oauth: {
          storage: memoryTokenStorage(),
          redirectUrl: `http://127.0.0.1:${await freePort()}/oauth/callback`,
          waitForAuthorization: false,
          onAuthorizationUrl: (server, url) => authorizations.request(server, url),
          authorizationTimeoutMs: 60_000,
        },
      },
    );
    connections.onChange(({ server }) => authorizations.complete(server));
    expect(connections.status()[0]?.state).toBe("authorizing");
    expect(authorizations.pending().map((r) => r.server)).toEqual(["remote"]);

    const sandbox = quickjs();
    const tenants = codeModePerSession({ connections, sandbox, server: { authorizations } });
    const serving = await serveHttp(tenants.create);
    const client = new Client(
      { name: "url-elicitation", version: "1.0.0" },
      { capabilities: { elicitation: { url: {} } } },
    );
    const asked: { mode?: string; url?: string; elicitationId?: string }[] = [];
    const completed: string[] = [];
    let toolsChanged = 0;
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params as (typeof asked)[number]);
      // The user opens the page in a browser and approves; the client only answers that it was shown.
      void approve(new URL((request.params as { url: string }).url));
      return { action: "accept" };
    });
    client.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => {
      completed.push(n.params.elicitationId);
    });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      toolsChanged++;
    });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(serving.url)));
      // A client lists the tools first; the pending authorization is asked in that request's stream.
      await client.listTools();
      await waitFor(() => completed.length === 1).catch((e) => {
        throw new Error(
          `${e.message}: ${JSON.stringify({ asked, completed, status: connections.status(), caps: 1 })}`,
        );
      });
      expect(asked).toEqual([
        expect.objectContaining({
          mode: "url",
          elicitationId: completed[0],
          url: expect.stringContaining("/authorize"),
        }),
      ]);
      expect(connections.status()[0]?.state).toBe("ready");
      expect(authorizations.pending()).toEqual([]);
      await waitFor(() => toolsChanged > 0);
      const result = (await client.callTool({
        name: "execute_code",
        arguments: { code: "return await remote.whoami({})" },
      })) as CallToolResult;
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      expect(JSON.stringify(result.content)).toMatch(/client [0-9a-f-]{36}/);
    } finally {
      await client.close();
      await serving.close();
      await tenants.close();
      await sandbox.close();
      await connections.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting for a condition");
    await new Promise((r) => setTimeout(r, 20));
  }
}
