/**
 * All configured MCP servers behind one object: concurrent connection, the tool catalogue across servers,
 * tool calls with typed errors, and a clean shutdown.
 */
import type {
  CallToolResult,
  CompleteRequest,
  CompleteResult,
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
} from "@modelcontextprotocol/sdk/types.js";
import { CodecallError } from "../errors.js";
import { type ConfigOptions, loadConfig, type McpConfig, parseConfig } from "./config.js";
import type { CallToolOptions, ConnectionSettings, ServerConnection, ServerStatus } from "./connection.js";
import { DEFAULT_MAX_RESULT_BYTES } from "./limits.js";
import { fileTokenStorage, type UpstreamOAuthOptions } from "./oauth.js";
import { suggestNames } from "./suggest.js";
import type { CatalogueTool, ServerDefinition } from "./types.js";

/** Options for {@link connectServers}. */
export interface ConnectOptions extends ConfigOptions {
  /** Time one server gets to start, initialize and list its tools. Default 30 s. */
  connectTimeoutMs?: number;
  /** Default time one tool call may take. Default 60 s. */
  callTimeoutMs?: number;
  /** Largest tool result accepted, in bytes; larger ones fail with TOOL_RESULT_TOO_LARGE. Default 10 MiB. */
  maxResultBytes?: number;
  /** How long a stdio server gets to exit after its stdin closes before it is sent SIGTERM. Default 500 ms. */
  closeGraceMs?: number;
  /** How codecall introduces itself to servers. */
  clientInfo?: { name: string; version: string };
  /** Receives what stdio servers write to stderr (it is also kept as a tail for error messages). */
  onStderr?: (server: string, text: string) => void;
  /**
   * OAuth for remote servers that answer 401 (MCP authorization): tokens kept in `storage` (a file by
   * default) and refreshed by the MCP SDK; the authorization page goes to `onAuthorizationUrl`. Static
   * `headers` keep working. Default: off.
   */
  oauth?: UpstreamOAuthOptions;
}

/** What {@link McpConnections.onChange} listeners receive. */
export interface CatalogueChange {
  /** The catalogue version after the change. */
  version: number;
  /** The server whose tools changed. */
  server: string;
}

/**
 * The connected MCP servers and the catalogue of their tools. Create it with {@link connectServers}; close
 * it with {@link McpConnections.close}.
 */
export class McpConnections {
  #servers = new Map<string, ServerConnection>();
  #listeners = new Set<(change: CatalogueChange) => void>();
  #version = 0;
  #closed = false;
  #waitForAuthorization: boolean;

  /**
   * @internal Use {@link connectServers}, which passes the connection class: it is loaded with the MCP
   * SDK on first connect, so importing code mode does not pay for the SDK until servers are used.
   */
  constructor(config: McpConfig, options: ConnectOptions, Connection: typeof ServerConnection) {
    const settings: ConnectionSettings = {
      connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
      callTimeoutMs: options.callTimeoutMs ?? 60_000,
      maxResultBytes: options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
      closeGraceMs: options.closeGraceMs ?? 500,
      clientInfo: options.clientInfo ?? { name: "codecall", version: "0.0.0" },
      onStderr: options.onStderr,
      oauth: options.oauth
        ? { ...options.oauth, storage: options.oauth.storage ?? fileTokenStorage() }
        : undefined,
    };
    this.#waitForAuthorization = options.oauth?.waitForAuthorization ?? true;
    for (const [name, server] of Object.entries(config.mcpServers)) {
      this.#servers.set(name, new Connection(name, server, settings, () => this.#changed(name)));
    }
  }

  /**
   * @internal Connects every server at once; failures are recorded in {@link status}, never thrown. With
   * `oauth.waitForAuthorization: false`, a server waiting for the user's authorization does not hold up
   * the others: it joins the catalogue (an {@link onChange}) once authorized.
   */
  async start(): Promise<void> {
    await Promise.all(
      [...this.#servers.values()].map((server) => {
        const connected = server.connect().catch(() => {});
        return this.#waitForAuthorization ? connected : Promise.race([connected, server.authorizing()]);
      }),
    );
  }

  /** A number that changes whenever the catalogue changes (a server connected, or its tools changed). */
  get version(): number {
    return this.#version;
  }

  /** Each server's state, transport, pid, tool count, last error and stderr tail. */
  status(): ServerStatus[] {
    return [...this.#servers.values()].map((server) => server.status());
  }

  /** The errors of servers that are not usable now, by server name. */
  failures(): Map<string, CodecallError> {
    const out = new Map<string, CodecallError>();
    for (const server of this.#servers.values()) {
      if (server.state === "failed" && server.error) out.set(server.name, server.error);
    }
    return out;
  }

  /**
   * The catalogue for code generation: every server that has listed its tools (a crashed server keeps its
   * last list, since it is restarted on next use), in configuration order.
   */
  servers(): ServerDefinition[] {
    const out: ServerDefinition[] = [];
    for (const server of this.#servers.values()) {
      if (server.tools.length === 0 && server.state !== "ready") continue;
      const definition: ServerDefinition = { name: server.name, tools: server.tools };
      if (server.description !== undefined) definition.description = server.description;
      out.push(definition);
    }
    return out;
  }

  /** Every tool across servers, each with the name of its server. */
  tools(): CatalogueTool[] {
    return this.servers().flatMap((server) => server.tools.map((tool) => ({ server: server.name, ...tool })));
  }

  /**
   * Registers a listener called after the catalogue changes (initial connection, reconnection,
   * `notifications/tools/list_changed`). Returns a function that removes it.
   */
  onChange(listener: (change: CatalogueChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Calls `tool` on `server` and returns the MCP result as the server sent it (see `toolResultToValue`).
   * A crashed server is restarted first. Throws {@link CodecallError}: TOOL_NOT_FOUND (with close names),
   * MCP_CONNECT_FAILED, MCP_TIMEOUT, MCP_SERVER_CRASHED, MCP_PROTOCOL_ERROR, TOOL_RESULT_TOO_LARGE,
   * TOOL_ARGS_INVALID or TOOL_FAILED (JSON-RPC errors from the server), ABORTED.
   */
  readonly callTool = (
    server: string,
    tool: string,
    args: Record<string, unknown> = {},
    options: CallToolOptions = {},
  ): Promise<CallToolResult> => {
    // An arrow property, so `catalogue.callTool` can be passed around unbound.
    try {
      return this.#server(server, tool).callTool(tool, args, options);
    } catch (error) {
      return Promise.reject(error);
    }
  };

  /** Reconnects one server now (for example after fixing its configuration or restarting it). */
  async reconnect(server: string): Promise<void> {
    await this.#server(server).connect();
  }

  /** The resources a server lists (every page), or an empty list when it offers none. */
  async listResources(server: string): Promise<Resource[]> {
    const connection = this.#server(server);
    return connection.request("resources/list", async (client, timeout) => {
      if (!client.getServerCapabilities()?.resources) return [];
      const out: Resource[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page++) {
        const result = await client.listResources(cursor === undefined ? {} : { cursor }, { timeout });
        out.push(...result.resources);
        cursor = result.nextCursor;
        if (cursor === undefined) break;
      }
      return out;
    });
  }

  /** The resource templates a server lists (every page), or an empty list when it offers no resources. */
  async listResourceTemplates(server: string): Promise<ResourceTemplate[]> {
    const connection = this.#server(server);
    return connection.request("resources/templates/list", async (client, timeout) => {
      if (!client.getServerCapabilities()?.resources) return [];
      const out: ResourceTemplate[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page++) {
        const result = await client.listResourceTemplates(cursor === undefined ? {} : { cursor }, {
          timeout,
        });
        out.push(...result.resourceTemplates);
        cursor = result.nextCursor;
        if (cursor === undefined) break;
      }
      return out;
    });
  }

  /** Reads one resource of a server. */
  async readResource(server: string, uri: string): Promise<ReadResourceResult> {
    return this.#server(server).request(`resources/read of ${uri}`, (client, timeout) =>
      client.readResource({ uri }, { timeout }),
    );
  }

  /**
   * Calls `listener` whenever `server` says the resource at `uri` changed; resolves with the function
   * that stops listening (see `ServerConnection.subscribeResource`).
   */
  subscribeResource(server: string, uri: string, listener: () => void): Promise<() => Promise<void>> {
    return this.#server(server).subscribeResource(uri, listener);
  }

  /**
   * Completion of a prompt's or resource template's argument (`completion/complete`), as the server
   * answers it; no values when the server offers no completions.
   */
  async complete(server: string, params: CompleteRequest["params"]): Promise<CompleteResult> {
    const connection = this.#server(server);
    return connection.request("completion/complete", async (client, timeout) => {
      if (!client.getServerCapabilities()?.completions) return { completion: { values: [] } };
      return client.complete(params, { timeout });
    });
  }

  /** The prompts of every ready server that offers prompts, each with its server's name. */
  async listPrompts(): Promise<(Prompt & { server: string })[]> {
    const lists = await Promise.all(
      [...this.#servers.values()].map(async (connection) => {
        if (connection.state !== "ready" || !connection.capabilities()?.prompts) return [];
        const prompts = await connection
          .request("prompts/list", (client, timeout) => client.listPrompts({}, { timeout }))
          .catch(() => ({ prompts: [] as Prompt[] }));
        return prompts.prompts.map((p) => ({ ...p, server: connection.name }));
      }),
    );
    return lists.flat();
  }

  /** Gets one prompt of a server, with its arguments filled in. */
  async getPrompt(server: string, name: string, args: Record<string, string> = {}): Promise<GetPromptResult> {
    return this.#server(server).request(`prompts/get of "${name}"`, (client, timeout) =>
      client.getPrompt({ name, arguments: args }, { timeout }),
    );
  }

  #server(name: string, tool?: string): ServerConnection {
    if (this.#closed) {
      throw new CodecallError("MCP_CONNECT_FAILED", "These MCP connections were closed.", {
        hint: "Create new connections with connectServers().",
      });
    }
    const server = this.#servers.get(name);
    if (server !== undefined) return server;
    const suggestions = suggestNames(name, this.#servers.keys());
    const did = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?` : "";
    const known = [...this.#servers.keys()].join(", ") || "none";
    throw new CodecallError(
      "TOOL_NOT_FOUND",
      `No MCP server is named "${name}"${tool ? ` (calling ${name}.${tool})` : ""}.${did} Servers: ${known}.`,
      { details: { server: name, tool, suggestions } },
    );
  }

  #changed(server: string): void {
    this.#version++;
    const change = { version: this.#version, server };
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch {
        // A listener's failure is its own; the catalogue and other listeners carry on.
      }
    }
  }

  /** Closes every connection and waits until every child process has exited. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    await Promise.all([...this.#servers.values()].map((server) => server.close()));
  }
}

/**
 * Connects to every server in `config` concurrently (each within `connectTimeoutMs`) and returns the
 * connections. A server that fails to start does not fail the others: it is reported in `status()` and
 * `failures()` with its stderr tail, and retried on its next use. `config` is a parsed {@link McpConfig}
 * or anything {@link parseConfig} accepts.
 */
export async function connectServers(
  config: McpConfig | object,
  options: ConnectOptions = {},
): Promise<McpConnections> {
  const parsed = parseConfig(config, options);
  const { ServerConnection } = await import("./connection.js");
  const connections = new McpConnections(parsed, options, ServerConnection);
  await connections.start();
  return connections;
}

/** What code mode and the framework adapters take as `servers`. */
export type ServersOption = string | URL | object | McpConnections;

/**
 * The servers given as an option — an `mcpServers` file path or URL, the parsed object, or connections
 * the caller made — as connections, and whether they were opened here (and so are closed by whoever
 * opened them here, never the caller's own).
 */
export async function openServers(
  servers: ServersOption,
  options: ConnectOptions = {},
): Promise<{ connections: McpConnections; owned: boolean }> {
  if (servers instanceof McpConnections) return { connections: servers, owned: false };
  const config =
    typeof servers === "string" || servers instanceof URL ? await loadConfig(servers, options) : servers;
  return { connections: await connectServers(config, options), owned: true };
}
