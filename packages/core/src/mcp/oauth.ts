/**
 * OAuth for remote upstream MCP servers. The protocol work — discovery (RFC 9728, RFC 8414), dynamic
 * client registration, PKCE, the token exchange and refresh — is the MCP SDK client's (`auth()` and the
 * transports' `authProvider`). Here: where tokens are kept between runs, how the user gets to the
 * authorization page, and the loopback listener that receives the authorization code.
 */
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { CodecallError } from "../errors.js";

/** What is kept for one upstream server between runs. */
export interface StoredOAuthState {
  tokens?: OAuthTokens;
  /** The client registration (dynamic or preconfigured). */
  client?: OAuthClientInformationMixed;
  /** The PKCE verifier of an authorization in progress. */
  codeVerifier?: string;
}

/** Where upstream OAuth state lives; keys are the servers' URLs. Implement it to use a keychain or a database. */
export interface OAuthTokenStorage {
  load(serverUrl: string): Promise<StoredOAuthState | undefined>;
  save(serverUrl: string, state: StoredOAuthState): Promise<void>;
}

/** The default token file: `$CODECALL_HOME/oauth-tokens.json`, else `~/.codecall/oauth-tokens.json`. */
export function defaultTokenFile(env: Record<string, string | undefined> = process.env): string {
  return join(env.CODECALL_HOME ?? join(homedir(), ".codecall"), "oauth-tokens.json");
}

/**
 * Keeps OAuth state in one JSON file readable by its owner only (0600), written atomically (a temporary
 * file renamed over it). Writes within one process are serialized.
 */
export function fileTokenStorage(path: string = defaultTokenFile()): OAuthTokenStorage {
  let writing: Promise<unknown> = Promise.resolve();
  const readAll = async (): Promise<Record<string, StoredOAuthState>> => {
    try {
      return JSON.parse(await readFile(path, "utf8")) as Record<string, StoredOAuthState>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw new CodecallError(
        "CONFIG_INVALID",
        `The OAuth token file ${path} cannot be read: ${(error as Error).message}`,
        {
          hint: "Fix or delete the file; deleting it means authorizing the servers again.",
        },
      );
    }
  };
  return {
    async load(serverUrl) {
      await writing.catch(() => undefined);
      return (await readAll())[serverUrl];
    },
    save(serverUrl, state) {
      const next = writing.then(async () => {
        const all = await readAll();
        all[serverUrl] = state;
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        const temporary = `${path}.${process.pid}.tmp`;
        await writeFile(temporary, JSON.stringify(all, null, 2), { mode: 0o600 });
        await chmod(temporary, 0o600);
        await rename(temporary, path);
      });
      writing = next.catch(() => undefined);
      return next;
    },
  };
}

/** Keeps OAuth state in memory only (tests, or a host that authorizes on every start). */
export function memoryTokenStorage(): OAuthTokenStorage & {
  readonly entries: Map<string, StoredOAuthState>;
} {
  const entries = new Map<string, StoredOAuthState>();
  return {
    entries,
    async load(serverUrl) {
      const state = entries.get(serverUrl);
      return state && structuredClone(state);
    },
    async save(serverUrl, state) {
      entries.set(serverUrl, structuredClone(state));
    },
  };
}

/** Options for OAuth to remote upstream servers (`connectServers(config, { oauth })`). */
export interface UpstreamOAuthOptions {
  /** Where tokens are kept. Default: {@link fileTokenStorage} at {@link defaultTokenFile}. */
  storage?: OAuthTokenStorage;
  /**
   * The redirect URL registered with authorization servers; a listener on it receives the code. Must be a
   * loopback `http` URL with a fixed port. Default `http://127.0.0.1:19823/oauth/callback`.
   */
  redirectUrl?: string;
  /**
   * Shows the user the page where they authorize codecall for `server` (the CLI prints it). Without it,
   * a server that needs authorization fails to connect with a message saying so.
   */
  onAuthorizationUrl?: (server: string, url: URL) => void | Promise<void>;
  /**
   * Whether `connectServers` waits while the user authorizes (default `true`). `false` resolves without
   * the servers still waiting (`status()` says `authorizing`); each joins the catalogue once authorized.
   * `codecall serve` uses it so clients can connect, and be asked, while authorization is pending.
   */
  waitForAuthorization?: boolean;
  /** How long to wait for the user to finish authorizing. Default 5 minutes. */
  authorizationTimeoutMs?: number;
  /** The client name shown on authorization pages. Default `codecall`. */
  clientName?: string;
  /** Scopes to ask for. Default: what the server's metadata advertises. */
  scope?: string;
}

export const DEFAULT_OAUTH_REDIRECT = "http://127.0.0.1:19823/oauth/callback";

/**
 * The SDK's {@link OAuthClientProvider} for one upstream server, backed by a {@link OAuthTokenStorage}.
 * `redirectToAuthorization` hands the URL to `onAuthorizationUrl` (the SDK calls it when no token, and
 * no refresh token, works).
 */
export class StoredOAuthProvider implements OAuthClientProvider {
  #state: StoredOAuthState | undefined;
  #loaded: Promise<void> | undefined;
  /** The code of the authorization the user was last sent to, once the redirect brings it. */
  #waiting: Promise<string> | undefined;

  constructor(
    readonly server: string,
    readonly serverUrl: string,
    private readonly options: UpstreamOAuthOptions & { storage: OAuthTokenStorage },
  ) {}

  get redirectUrl(): string {
    return this.options.redirectUrl ?? DEFAULT_OAUTH_REDIRECT;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.options.clientName ?? "codecall",
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      ...(this.options.scope ? { scope: this.options.scope } : {}),
    };
  }

  async #current(): Promise<StoredOAuthState> {
    this.#loaded ??= this.options.storage.load(this.serverUrl).then((s) => {
      this.#state = s ?? {};
    });
    await this.#loaded;
    return this.#state!;
  }

  async #update(change: Partial<StoredOAuthState>): Promise<void> {
    const next = { ...(await this.#current()), ...change };
    this.#state = next;
    await this.options.storage.save(this.serverUrl, next);
  }

  async clientInformation() {
    return (await this.#current()).client;
  }
  async saveClientInformation(client: OAuthClientInformationMixed) {
    await this.#update({ client });
  }
  async tokens() {
    return (await this.#current()).tokens;
  }
  async saveTokens(tokens: OAuthTokens) {
    await this.#update({ tokens });
  }
  async saveCodeVerifier(codeVerifier: string) {
    await this.#update({ codeVerifier });
  }
  async codeVerifier() {
    const verifier = (await this.#current()).codeVerifier;
    if (!verifier)
      throw new CodecallError(
        "MCP_CONNECT_FAILED",
        `No OAuth authorization of ${this.server} is in progress.`,
      );
    return verifier;
  }
  async invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery") {
    if (scope === "all")
      await this.#update({ tokens: undefined, client: undefined, codeVerifier: undefined });
    else if (scope === "client") await this.#update({ client: undefined });
    else if (scope === "tokens") await this.#update({ tokens: undefined });
    else if (scope === "verifier") await this.#update({ codeVerifier: undefined });
  }
  /** The code of the authorization in progress (once): the connection waits on it, then opens again. */
  takeWaiting(): Promise<string> | undefined {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    return waiting;
  }

  async redirectToAuthorization(url: URL) {
    if (!this.options.onAuthorizationUrl)
      throw new CodecallError(
        "MCP_CONNECT_FAILED",
        `The MCP server "${this.server}" needs OAuth authorization, and nobody can be shown the authorization page here.`,
        {
          hint: 'Run a codecall command interactively (it prints the URL to open), or give the server a token in "headers".',
        },
      );
    // Listen before the user can get there, so the redirect always finds us.
    this.#waiting?.catch(() => undefined);
    const listener = await listenForAuthorizationCode(
      this.redirectUrl,
      this.options.authorizationTimeoutMs ?? 5 * 60_000,
    );
    this.#waiting = listener.code;
    listener.code.catch(() => undefined);
    try {
      await this.options.onAuthorizationUrl(this.server, url);
    } catch (error) {
      listener.close();
      throw error;
    }
  }
}

/**
 * Waits on the redirect URL's loopback port for the authorization server's redirect, and answers the
 * browser with a short page. Resolves with the code; rejects on an error answer or after `timeoutMs`.
 * The listener is opened before the user is sent to the page and closed once the code (or an error) came.
 */
export async function listenForAuthorizationCode(
  redirectUrl: string,
  timeoutMs: number,
): Promise<{ code: Promise<string>; close(): void }> {
  const url = new URL(redirectUrl);
  if (url.protocol !== "http:" || !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) || !url.port)
    throw new CodecallError(
      "CONFIG_INVALID",
      `The OAuth redirect URL must be http on a loopback address with a port, got ${redirectUrl}.`,
    );
  let settle!: { resolve(code: string): void; reject(error: Error): void };
  const code = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const http = createServer((req, res) => {
    const got = new URL(req.url ?? "/", url);
    if (got.pathname !== url.pathname) {
      res.writeHead(404).end();
      return;
    }
    const value = got.searchParams.get("code");
    const error = got.searchParams.get("error");
    res.writeHead(value ? 200 : 400, { "content-type": "text/plain; charset=utf-8" });
    res.end(
      value
        ? "codecall is authorized. You can close this window."
        : `Authorization failed: ${error ?? "no code"}`,
    );
    if (value) settle.resolve(value);
    else settle.reject(new Error(`the authorization server answered ${error ?? "without a code"}`));
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", (error) =>
      reject(
        new CodecallError(
          "MCP_CONNECT_FAILED",
          `Cannot listen for the OAuth redirect on ${url.host}: ${error.message}`,
          { hint: "Free that port, or choose another redirect URL (oauth.redirectUrl)." },
        ),
      ),
    );
    http.listen(Number(url.port), url.hostname.replace(/^\[|\]$/g, ""), () => resolve());
  });
  const timer = setTimeout(
    () => settle.reject(new Error(`nobody finished authorizing within ${Math.round(timeoutMs / 1000)} s`)),
    timeoutMs,
  );
  const close = () => {
    clearTimeout(timer);
    http.closeAllConnections();
    http.close();
  };
  void code.finally(close).catch(() => undefined);
  return { code, close };
}
