/**
 * The Streamable HTTP endpoint as an OAuth 2.1 resource server: a local issuer publishes its JWKS on
 * loopback and signs tokens with jose; the endpoint answers 401 with a `WWW-Authenticate` header pointing
 * at its protected resource metadata (RFC 9728) and accepts only valid tokens for its audience — over
 * plain HTTP and through the MCP SDK client.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CodecallError, type CodeMode, createCodeMode } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCodecallServer,
  type HttpServing,
  introspectionVerifier,
  jwtVerifier,
  serveHttp,
  staticTokenVerifier,
} from "../src/index.js";
import { makeUpstream, type Upstream } from "./servers.js";

/** A minimal authorization server: its JWKS, and RFC 7662 introspection of the tokens it signed. */
interface Issuer {
  url: string;
  sign(claims: JWTPayload, options?: { expiresIn?: string | number; audience?: string }): Promise<string>;
  introspected: number;
  close(): Promise<void>;
}

async function startIssuer(audience: () => string): Promise<Issuer> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256", use: "sig" };
  const active = new Map<string, JWTPayload>();
  const state = { introspected: 0 };
  const http: HttpServer = createServer((req, res) => {
    if (req.url === "/jwks") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    if (req.url === "/introspect" && req.method === "POST") {
      state.introspected++;
      if (req.headers.authorization !== `Basic ${Buffer.from("rs:rs-secret").toString("base64")}`) {
        res.writeHead(401).end();
        return;
      }
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        const token = new URLSearchParams(body).get("token") ?? "";
        const claims = active.get(token);
        const live = claims && (claims.exp ?? 0) > Date.now() / 1000;
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify(live ? { active: true, ...claims } : { active: false }));
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url,
    get introspected() {
      return state.introspected;
    },
    async sign(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ scope: "mcp", ...claims })
        .setProtectedHeader({ alg: "ES256", kid: "k1" })
        .setIssuer(url)
        .setAudience(options.audience ?? audience())
        .setIssuedAt(now - 60)
        .setExpirationTime(options.expiresIn ?? now + 600)
        .sign(privateKey);
      active.set(token, {
        iss: url,
        aud: options.audience ?? audience(),
        scope: "mcp",
        ...claims,
        exp: now + 600,
      });
      return token;
    },
    close: () =>
      new Promise<void>((r) => {
        http.closeAllConnections();
        http.close(() => r());
      }),
  };
}

let upstream: Upstream;
let codeMode: CodeMode;
let issuer: Issuer;
let serving: HttpServing;

beforeAll(async () => {
  upstream = await makeUpstream();
  codeMode = await createCodeMode({ servers: upstream.config, sandbox: quickjs() });
  issuer = await startIssuer(() => serving.url);
  serving = await serveHttp(() => createCodecallServer(codeMode), {
    auth: {
      verifier: jwtVerifier({
        jwksUrl: `${issuer.url}/jwks`,
        issuer: issuer.url,
        audience: "codecall-test-resource",
      }),
      authorizationServers: [issuer.url],
      resourceUrl: "http://127.0.0.1/mcp-resource",
    },
  });
});

afterAll(async () => {
  await serving?.close();
  await issuer?.close();
  await codeMode?.close();
  await upstream?.cleanup();
});

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

function post(token: string | undefined, body: unknown = initialize, extra: Record<string, string> = {}) {
  return fetch(serving.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...extra,
    },
    body: JSON.stringify(body),
  });
}

const sign = (claims: JWTPayload, options?: Parameters<Issuer["sign"]>[1]) =>
  issuer.sign(claims, { audience: "codecall-test-resource", ...options });

async function sdkClient(token: string | undefined): Promise<Client> {
  const client = new Client({ name: "auth-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(serving.url), {
      ...(token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {}),
    }),
  );
  return client;
}

describe("the endpoint as an OAuth 2.1 resource server", () => {
  it("answers a request without a token with 401 and WWW-Authenticate naming its resource metadata", async () => {
    const response = await post(undefined);
    expect(response.status).toBe(401);
    const header = response.headers.get("www-authenticate") ?? "";
    expect(header).toMatch(/^Bearer /);
    expect(header).toContain(`resource_metadata="${serving.resourceMetadataUrl}"`);
    expect(serving.resourceMetadataUrl).toMatch(/\/\.well-known\/oauth-protected-resource\/mcp-resource$/);
  });

  it("serves its protected resource metadata (RFC 9728) without a token, at the path and at the root", async () => {
    const origin = new URL(serving.url).origin;
    for (const path of [
      "/.well-known/oauth-protected-resource/mcp",
      "/.well-known/oauth-protected-resource",
    ]) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path).toBe(200);
      const metadata = (await response.json()) as Record<string, unknown>;
      expect(metadata.resource).toBe("http://127.0.0.1/mcp-resource");
      expect(metadata.authorization_servers).toEqual([issuer.url]);
      expect(metadata.bearer_methods_supported).toEqual(["header"]);
    }
  });

  it("refuses a token for another audience, an expired token, a token from another key, and garbage", async () => {
    const other = await generateKeyPair("ES256");
    const foreign = await new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setIssuer(issuer.url)
      .setAudience("codecall-test-resource")
      .setExpirationTime("10m")
      .sign(other.privateKey);
    const cases: [string, string, RegExp][] = [
      [
        "wrong audience",
        await sign({ sub: "u1" }, { audience: "some-other-server" }),
        /not issued for this resource/,
      ],
      ["expired", await sign({ sub: "u1" }, { expiresIn: Math.floor(Date.now() / 1000) - 120 }), /expired/],
      ["foreign key", foreign, /signature/],
      ["garbage", "not-a-jwt", /not a valid JWT/],
    ];
    for (const [name, token, why] of cases) {
      const response = await post(token);
      expect(response.status, name).toBe(401);
      const header = response.headers.get("www-authenticate") ?? "";
      expect(header, name).toContain('error="invalid_token"');
      expect(header, name).toMatch(why);
    }
  });

  it("accepts a valid token", async () => {
    const response = await post(await sign({ sub: "u1" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("mcp-session-id")).toBeTruthy();
  });

  it("works through the MCP SDK client with a valid token, and fails without one", async () => {
    const client = await sdkClient(await sign({ sub: "u1" }));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("execute_code");
      const result = await client.callTool({ name: "execute_code", arguments: { code: "return 6 * 7" } });
      expect(result.isError).toBeFalsy();
    } finally {
      await client.close();
    }
    await expect(sdkClient(undefined)).rejects.toThrow(/invalid_token|401|Unauthorized/i);
    await expect(sdkClient(await sign({ sub: "u1" }, { audience: "elsewhere" }))).rejects.toThrow(
      /401|Unauthorized|invalid_token/i,
    );
  });

  it("binds a session to the principal that opened it: another valid token cannot use its id", async () => {
    const opened = await post(await sign({ sub: "alice" }));
    const session = opened.headers.get("mcp-session-id")!;
    const list = { jsonrpc: "2.0", id: 2, method: "tools/list" };
    const headers = { "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" };
    const mallory = await post(await sign({ sub: "mallory" }), list, headers);
    expect(mallory.status).toBe(404);
    const alice = await post(await sign({ sub: "alice" }), list, headers);
    expect(alice.status).toBe(200);
  });
});

describe("other verifiers and the loopback rule", () => {
  it("checks opaque tokens at an RFC 7662 introspection endpoint", async () => {
    const verifier = introspectionVerifier({
      url: `${issuer.url}/introspect`,
      clientId: "rs",
      clientSecret: "rs-secret",
      audience: "codecall-test-resource",
    });
    const good = await sign({ sub: "u2", client_id: "app" });
    const before = issuer.introspected;
    const info = await verifier.verifyAccessToken(good);
    expect(issuer.introspected).toBe(before + 1);
    expect(info.clientId).toBe("app");
    expect(info.scopes).toEqual(["mcp"]);
    await expect(verifier.verifyAccessToken("unknown-token")).rejects.toThrow(/not active/);
    const elsewhere = await sign({ sub: "u2" }, { audience: "another" });
    await expect(verifier.verifyAccessToken(elsewhere)).rejects.toThrow(/not issued for this resource/);
    const wrongSecret = introspectionVerifier({
      url: `${issuer.url}/introspect`,
      clientId: "rs",
      clientSecret: "no",
    });
    await expect(wrongSecret.verifyAccessToken(good)).rejects.toThrow(/introspection failed/);
  });

  it("accepts exactly the static token", async () => {
    const secret = "s3cret-static-token-0123456789";
    const local = await serveHttp(() => createCodecallServer(codeMode), {
      auth: { verifier: staticTokenVerifier(secret) },
    });
    try {
      const client = new Client({ name: "static", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(local.url), {
          requestInit: { headers: { authorization: `Bearer ${secret}` } },
        }),
      );
      expect((await client.listTools()).tools.length).toBe(4);
      await client.close();
      const wrong = await fetch(local.url, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}x`, "content-type": "application/json" },
        body: JSON.stringify(initialize),
      });
      expect(wrong.status).toBe(401);
    } finally {
      await local.close();
    }
    expect(() => staticTokenVerifier("short")).toThrow(/at least 16 characters/);
  });

  it("refuses to listen beyond loopback without auth, and says why", async () => {
    const error = await serveHttp(() => createCodecallServer(codeMode), { host: "0.0.0.0" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(CodecallError.isInstance(error)).toBe(true);
    expect((error as CodecallError).code).toBe("CONFIG_INVALID");
    expect((error as CodecallError).message).toMatch(
      /Refusing to serve on 0\.0\.0\.0 without authentication/,
    );
  });
});
