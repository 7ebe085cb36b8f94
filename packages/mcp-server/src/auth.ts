/**
 * Bearer-token verifiers for the Streamable HTTP endpoint acting as an OAuth 2.1 resource server (MCP
 * authorization specification). The token work is done by `jose` (JWT signature, JWKS, claims) and by the
 * authorization server itself (RFC 7662 introspection); this module only maps their answers onto the MCP
 * SDK's `AuthInfo` and its error types, which the SDK's `requireBearerAuth` turns into 401 answers.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { CodecallError } from "@codecall/core";
import { InvalidTokenError, ServerError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import type { OAuthTokenVerifier } from "@modelcontextprotocol/sdk/server/auth/provider.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from "jose";

export type { AuthInfo, OAuthTokenVerifier };

/** How the HTTP endpoint authenticates its clients. */
export interface HttpAuthOptions {
  /** Checks each bearer token: {@link jwtVerifier}, {@link introspectionVerifier}, {@link staticTokenVerifier} or your own. */
  verifier: OAuthTokenVerifier;
  /**
   * The authorization servers clients should get tokens from (issuer URLs), announced in the protected
   * resource metadata (RFC 9728). Empty for a static token.
   */
  authorizationServers?: string[];
  /** Scopes every token must carry (403 `insufficient_scope` otherwise), also announced in the metadata. */
  requiredScopes?: string[];
  /**
   * This server's canonical URL as clients and the authorization server name it (the token audience).
   * Default: the endpoint's own URL.
   */
  resourceUrl?: string;
  /** A human-readable name for the metadata. Default `codecall`. */
  resourceName?: string;
}

/** Options of {@link jwtVerifier}. */
export interface JwtVerifierOptions {
  /** Where the issuer publishes its signing keys (JWKS). */
  jwksUrl: string | URL;
  /** The `iss` every token must carry. */
  issuer: string;
  /** The `aud` every token must carry: this server's resource URL (RFC 8707), or the value your issuer uses. */
  audience: string | string[];
  /** Tolerated clock difference. Default 5 s. */
  clockToleranceSeconds?: number;
}

/**
 * Verifies JWT access tokens signed by keys from a JWKS URL, checking signature, issuer, audience and
 * expiry (with `jose`; keys are fetched once and refetched when an unknown key id appears).
 */
export function jwtVerifier(options: JwtVerifierOptions): OAuthTokenVerifier {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl));
  return {
    async verifyAccessToken(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          issuer: options.issuer,
          audience: options.audience,
          clockTolerance: options.clockToleranceSeconds ?? 5,
        }));
      } catch (error) {
        throw tokenError(error);
      }
      return authInfo(token, payload);
    },
  };
}

/** Options of {@link introspectionVerifier}. */
export interface IntrospectionVerifierOptions {
  /** The authorization server's RFC 7662 introspection endpoint. */
  url: string | URL;
  /** This resource server's credentials at the authorization server (HTTP Basic), if it requires them. */
  clientId?: string;
  clientSecret?: string;
  /** When set, an active token must name this audience (`aud`) too. */
  audience?: string;
  /** How long one introspection may take. Default 5 s. */
  timeoutMs?: number;
}

/** Verifies opaque tokens by asking the authorization server (RFC 7662 token introspection) on each request. */
export function introspectionVerifier(options: IntrospectionVerifierOptions): OAuthTokenVerifier {
  const url = new URL(options.url);
  return {
    async verifyAccessToken(token) {
      const headers: Record<string, string> = {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      };
      if (options.clientId !== undefined)
        headers.authorization = `Basic ${Buffer.from(
          `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret ?? "")}`,
        ).toString("base64")}`;
      let answer: Record<string, unknown>;
      try {
        const response = await fetch(url, {
          method: "POST",
          headers,
          body: new URLSearchParams({ token, token_type_hint: "access_token" }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        answer = (await response.json()) as Record<string, unknown>;
      } catch (error) {
        throw new ServerError(`Token introspection failed: ${(error as Error).message}`);
      }
      if (answer.active !== true) throw new InvalidTokenError("Token is not active");
      if (options.audience !== undefined) {
        const aud = answer.aud;
        const list = Array.isArray(aud) ? aud : aud === undefined ? [] : [aud];
        if (!list.includes(options.audience))
          throw new InvalidTokenError("Token was not issued for this resource");
      }
      return authInfo(token, answer as JWTPayload);
    },
  };
}

/**
 * Accepts exactly one secret token (for local use and simple deployments: `--auth-token-env NAME`). The
 * comparison is constant-time over digests, so neither content nor length leaks through timing.
 */
export function staticTokenVerifier(secret: string): OAuthTokenVerifier {
  if (secret.length < 16)
    throw new CodecallError("CONFIG_INVALID", "The static auth token must be at least 16 characters long.", {
      hint: "Generate one with: openssl rand -hex 32",
    });
  const expected = createHash("sha256").update(secret).digest();
  return {
    async verifyAccessToken(token) {
      const given = createHash("sha256").update(token).digest();
      if (!timingSafeEqual(given, expected)) throw new InvalidTokenError("Invalid token");
      // One principal; the SDK requires an expiry, and a static token has none.
      return { token, clientId: "static-token", scopes: [], expiresAt: Math.floor(Date.now() / 1000) + 3600 };
    },
  };
}

/** Who a session belongs to: requests of one session must all come from the same principal. */
export function principalOf(auth: AuthInfo | undefined): string | undefined {
  if (!auth) return undefined;
  const subject = auth.extra?.sub;
  return `${auth.clientId}\u0000${typeof subject === "string" ? subject : ""}`;
}

function authInfo(token: string, claims: JWTPayload): AuthInfo {
  const scope = (claims as { scope?: unknown }).scope;
  const clientId =
    (claims as { client_id?: unknown }).client_id ?? (claims as { azp?: unknown }).azp ?? claims.sub;
  return {
    token,
    clientId: typeof clientId === "string" ? clientId : "unknown",
    scopes: typeof scope === "string" ? scope.split(" ").filter(Boolean) : [],
    ...(typeof claims.exp === "number" ? { expiresAt: claims.exp } : {}),
    extra: { ...(typeof claims.sub === "string" ? { sub: claims.sub } : {}), issuer: claims.iss },
  };
}

/** jose's verdicts as the SDK's 401 errors; never the token itself in a message. */
function tokenError(error: unknown): InvalidTokenError {
  if (error instanceof joseErrors.JWTExpired) return new InvalidTokenError("Token has expired");
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return new InvalidTokenError("Token was not issued for this resource");
    if (error.claim === "iss") return new InvalidTokenError("Token was not issued by the expected issuer");
    return new InvalidTokenError(`Token claim "${error.claim}" is not valid`);
  }
  if (
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWSSignatureVerificationFailed
  )
    return new InvalidTokenError("Token signature is not valid");
  if (error instanceof joseErrors.JOSEError) return new InvalidTokenError("Token is not a valid JWT");
  return new InvalidTokenError("Token could not be verified");
}
