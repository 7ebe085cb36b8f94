import {
  type AgentToolbox,
  type Approver,
  allowInstead,
  CodecallError,
  denied,
  type ExposedResources,
  type InterceptedCall,
  type ToolboxEvent,
  withApprover,
} from "@codecall/core";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  type CompleteRequest,
  CompleteRequestSchema,
  type CompleteResult,
  ErrorCode,
  GetPromptRequestSchema,
  type GetPromptResult,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  type LoggingLevel,
  LoggingLevelSchema,
  McpError,
  type Prompt,
  ReadResourceRequestSchema,
  type RequestId,
  type ServerNotification,
  type ServerRequest,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { AuthorizationRequest, AuthorizationRequests } from "./authorizations.js";

/** A toolbox the server can watch for catalogue changes (code mode's toolbox implements this). */
export interface ServableToolbox extends AgentToolbox {
  /** Calls `listener` when the upstream catalogue changes; returns an unsubscribe function. */
  onToolsChanged?(listener: () => void): () => void;
  /** Upstream resources to serve as this server's own (`exposeCodeMode` gives them on its non-code surfaces). */
  resources?: ExposedResources;
}

/** Options of {@link createCodecallServer}. */
export interface CodecallServerOptions {
  /** Server name announced to clients. Default `codecall`. */
  name?: string;
  /** Server version announced to clients. */
  version?: string;
  /** While a tool call runs, a progress notification every this many milliseconds (if the client asked for progress). Default 5000. */
  progressIntervalMs?: number;
  /** How long to wait for the user to answer an approval request, in milliseconds. Default 300000. */
  approvalTimeoutMs?: number;
  /**
   * Shared by the MCP servers of one endpoint: `execute_code` calls beyond its maximum are refused with the
   * JSON-RPC error {@link SERVER_BUSY}. Default: no limit.
   */
  executionSlots?: ExecutionSlots;
  /**
   * Upstream prompts to pass through, named `<server>.<prompt>` (code mode's `connections` serve).
   * Prompt text goes to the client as the upstream server wrote it.
   */
  prompts?: PromptSource;
  /** `namespaced` (default): prompts are named `<server>.<prompt>`; `bare`: by their upstream names. */
  promptNames?: "namespaced" | "bare";
  /**
   * Upstream servers waiting for the user's OAuth authorization: a client that supports URL elicitation
   * is asked to open each page (when it connects, and as new ones come), and told when one is complete.
   */
  authorizations?: AuthorizationRequests;
}

/** Where passed-through prompts come from: `McpConnections` implements it. */
export interface PromptSource {
  listPrompts(): Promise<(Prompt & { server: string })[]>;
  getPrompt(server: string, name: string, args?: Record<string, string>): Promise<GetPromptResult>;
  /** Completion of a prompt's argument by its server; without it, no values are offered. */
  complete?(server: string, params: CompleteRequest["params"]): Promise<CompleteResult>;
}

/** A count of programs running at once across sessions (see `executionSlots()` in `./tenants.js`). */
export interface ExecutionSlots {
  readonly max: number;
  readonly running: number;
  /** A release function when a slot is free, else undefined. */
  tryAcquire(): (() => void) | undefined;
}

/** The JSON-RPC error code (server-defined range) of a request refused because the server is at a limit. */
export const SERVER_BUSY = -32003;

const LOG_LEVELS: Record<string, LoggingLevel> = {
  log: "info",
  info: "info",
  debug: "debug",
  warn: "warning",
  error: "error",
};

/**
 * An MCP server exposing a toolbox's tools — for code mode: `search_tools`, `execute_code` and the
 * read-only file view — to any MCP client. Program logs go out as logging messages, tool calls inside a
 * program as progress notifications when the client asked for progress, and upstream `list_changed`
 * notifications are forwarded. Tool calls a policy marks `ask` (see `createPolicyInterceptor`) are put
 * to the user through MCP elicitation, on the client session whose `tools/call` runs the program.
 */
export function createCodecallServer(toolbox: ServableToolbox, options: CodecallServerOptions = {}): Server {
  const server = new Server(
    { name: options.name ?? "codecall", version: options.version ?? "0.0.0" },
    {
      capabilities: {
        tools: { listChanged: true },
        logging: {},
        ...(options.prompts ? { prompts: {} } : {}),
        ...(toolbox.resources ? { resources: { subscribe: true } } : {}),
        ...(options.prompts || toolbox.resources ? { completions: {} } : {}),
      },
      instructions: toolbox.system(),
    },
  );

  // One MCP server serves one client session, so one level. Logs travel on the request's own stream
  // (over HTTP a client need not open the standalone GET stream to see them).
  const heartbeatMs = options.progressIntervalMs ?? 5_000;
  const severity = LoggingLevelSchema.options;
  let minimum: LoggingLevel | undefined;
  server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    minimum = request.params.level;
    return {};
  });
  const logged = (level: LoggingLevel) =>
    minimum === undefined || severity.indexOf(level) >= severity.indexOf(minimum);

  const authorizationAsker = options.authorizations
    ? askForAuthorizations(server, options.authorizations)
    : undefined;
  server.setRequestHandler(ListToolsRequestSchema, async (_request, extra) => {
    authorizationAsker?.onRequest(extra.requestId);
    return {
      tools: toolbox
        .tools()
        .map((t) => ({ name: t.name, description: t.description, inputSchema: t.input_schema })),
    };
  });

  const prompts = options.prompts;
  const bare = options.promptNames === "bare";
  const served = (p: { server: string; name: string }) => (bare ? p.name : `${p.server}.${p.name}`);
  if (prompts) {
    server.setRequestHandler(ListPromptsRequestSchema, async () => ({
      prompts: (await prompts.listPrompts()).map(({ server: from, ...prompt }) => ({
        ...prompt,
        name: served({ server: from, name: prompt.name }),
        description: `${prompt.description ?? prompt.title ?? prompt.name} (from the MCP server "${from}")`,
      })),
    }));
    server.setRequestHandler(GetPromptRequestSchema, async (request) => {
      const found = (await prompts.listPrompts()).find((p) => served(p) === request.params.name);
      if (!found)
        throw new McpError(
          ErrorCode.InvalidParams,
          `No prompt is named "${request.params.name}". List prompts to see the names${bare ? "" : " (<server>.<prompt>)"}.`,
        );
      const result = await prompts.getPrompt(found.server, found.name, request.params.arguments ?? {});
      return {
        ...(result.description ? { description: result.description } : {}),
        messages: result.messages,
      };
    });
  }

  const resources = toolbox.resources;
  // This session's resource subscriptions: each ends with the session.
  const subscriptions = new Map<string, Promise<() => Promise<void>>>();
  if (resources) {
    server.setRequestHandler(SubscribeRequestSchema, async (request) => {
      const { uri } = request.params;
      if (subscriptions.has(uri)) return {};
      const stop = resources.subscribe(uri, () => {
        void server.sendResourceUpdated({ uri }).catch(() => undefined);
      });
      subscriptions.set(uri, stop);
      try {
        await stop;
      } catch (error) {
        subscriptions.delete(uri);
        throw resourceError(error);
      }
      return {};
    });
    server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
      const stop = subscriptions.get(request.params.uri);
      subscriptions.delete(request.params.uri);
      await (await stop?.catch(() => undefined))?.();
      return {};
    });
    server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: await resources.list() }));
    server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
      resourceTemplates: await resources.templates(),
    }));
    server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
      try {
        return await resources.read(request.params.uri, { signal: extra.signal });
      } catch (error) {
        throw resourceError(error);
      }
    });
  }

  if (prompts || resources)
    server.setRequestHandler(CompleteRequestSchema, async (request): Promise<CompleteResult> => {
      const { ref } = request.params;
      const none = { completion: { values: [] } };
      if (ref.type === "ref/resource") return resources ? resources.complete(request.params) : none;
      const found = (await prompts?.listPrompts())?.find((p) => served(p) === ref.name);
      if (!found || !prompts?.complete) return none;
      return prompts.complete(found.server, { ...request.params, ref: { ...ref, name: found.name } });
    });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    authorizationAsker?.onRequest(extra.requestId);
    const slots = request.params.name === "execute_code" ? options.executionSlots : undefined;
    const release = slots?.tryAcquire();
    if (slots && !release)
      throw new McpError(
        SERVER_BUSY,
        `codecall is running its maximum of ${slots.max} programs at once; nothing ran. Try again in a moment, or ask the operator to raise maxConcurrentExecutions.`,
      );
    const progressToken = request.params._meta?.progressToken;
    let progress = 0;
    const report = (message: string) => {
      if (progressToken === undefined) return;
      progress++;
      void extra
        .sendNotification({ method: "notifications/progress", params: { progressToken, progress, message } })
        .catch(() => undefined);
    };
    const onEvent = (event: ToolboxEvent) => {
      if (event.type === "log") {
        const level = LOG_LEVELS[event.level] ?? "info";
        if (!logged(level)) return;
        void extra
          .sendNotification({
            method: "notifications/message",
            params: { level, logger: "program", data: event.message },
          })
          .catch(() => undefined);
      } else if (event.type === "program-start") report("program started");
      else if (event.type === "tool-call") report(`calling ${event.name}`);
    };
    // A program busy without tool calls still shows it is alive (and keeps clients that reset their
    // timeout on progress from giving up).
    const started = Date.now();
    const heartbeat =
      progressToken === undefined
        ? undefined
        : setInterval(
            () => report(`running for ${Math.round((Date.now() - started) / 1000)} s`),
            heartbeatMs,
          );
    let result: Awaited<ReturnType<ServableToolbox["call"]>>;
    try {
      const approver = elicitationApprover(server, extra, options.approvalTimeoutMs ?? 300_000);
      result = await withApprover(approver, () =>
        toolbox.call(request.params.name, request.params.arguments ?? {}, {
          signal: extra.signal,
          onEvent,
          ...(extra.sessionId ? { sessionId: extra.sessionId } : {}),
        }),
      );
    } finally {
      clearInterval(heartbeat);
      release?.();
    }
    if (result.mcp) return { ...result.mcp, ...(result.isError ? { isError: true } : {}) } as CallToolResult;
    return {
      content: [{ type: "text", text: result.content }],
      ...(result.isError ? { isError: true } : {}),
    };
  });

  const unsubscribe = toolbox.onToolsChanged?.(() => {
    void server.sendToolListChanged().catch(() => undefined);
  });
  const previousOnClose = server.onclose;
  server.onclose = () => {
    unsubscribe?.();
    for (const stop of subscriptions.values()) void stop.then((s) => s()).catch(() => undefined);
    subscriptions.clear();
    authorizationAsker?.stop();
    previousOnClose?.();
  };
  return server;
}

/**
 * Passes upstream authorization pages to this session's client by URL elicitation, if it supports it.
 * Pending ones are asked on the client's next request, in that request's stream: over Streamable HTTP a
 * request sent on its own, right after initialization, would be lost before the client opens its
 * standalone stream. Ones that come later go out at once; a completed one is announced with
 * `notifications/elicitation/complete`. Clients without URL elicitation are left alone (the operator sees
 * the URL on stderr).
 */
function askForAuthorizations(server: Server, authorizations: AuthorizationRequests) {
  const supported = () => server.getClientCapabilities()?.elicitation?.url !== undefined;
  const asked = new Set<string>();
  const ask = (request: AuthorizationRequest, relatedRequestId?: RequestId) => {
    if (!supported() || asked.has(request.id)) return;
    asked.add(request.id);
    void server
      .elicitInput(
        {
          mode: "url",
          elicitationId: request.id,
          url: request.url,
          message: `The MCP server "${request.server}" needs your authorization before codecall can use its tools. Open the page to authorize it; its tools appear once you have.`,
        },
        relatedRequestId === undefined ? {} : { relatedRequestId },
      )
      .catch(() => undefined);
  };
  const stop = authorizations.subscribe((event) => {
    if (event.type === "requested") ask(event.request);
    else if (asked.delete(event.request.id))
      void server
        .createElicitationCompletionNotifier(event.request.id)()
        .catch(() => undefined);
  });
  return {
    /** Asks for every pending authorization not asked yet, in the stream of the request being handled. */
    onRequest(requestId: RequestId) {
      for (const request of authorizations.pending()) ask(request, requestId);
    },
    stop,
  };
}

/** A resource error as MCP names it: -32002 (the specification's "resource not found") or internal. */
function resourceError(error: unknown): McpError {
  const e = CodecallError.from(error, "TOOL_FAILED");
  return new McpError(
    e.code === "TOOL_NOT_FOUND" ? -32002 : ErrorCode.InternalError,
    `${e.code}: ${e.message}`,
  );
}

/**
 * Asks the client session of one `tools/call` to approve a call, with a form of one boolean `approve`. The
 * arguments are shown as the program sent them (tokens stay tokens when privacy is on).
 */
function elicitationApprover(
  server: Server,
  extra: RequestHandlerExtra<ServerRequest, ServerNotification>,
  timeout: number,
): Approver {
  return async (call: InterceptedCall) => {
    const name = `${call.server}.${call.tool}`;
    if (!server.getClientCapabilities()?.elicitation?.form)
      throw denied(
        call,
        `${call.id} needs the user's approval ("ask" policy), but this MCP client cannot ask the user (it does not support form elicitation). ${allowInstead(name)}`,
        "Use another tool, or ask the user to change the policy or use a client that supports elicitation.",
      );
    let answer: Awaited<ReturnType<Server["elicitInput"]>>;
    try {
      answer = await server.elicitInput(
        {
          message: `A codecall program wants to call the tool "${call.tool}" of the MCP server "${call.server}" (${call.id}) with these arguments:\n\n${JSON.stringify(call.args, null, 2)}\n\nApprove this call?`,
          requestedSchema: {
            type: "object",
            properties: {
              approve: {
                type: "boolean",
                title: "Approve",
                description: `Let the program call ${name} with the arguments shown`,
                default: false,
              },
            },
            required: ["approve"],
          },
        },
        { relatedRequestId: extra.requestId, signal: extra.signal, timeout },
      );
    } catch (error) {
      throw denied(
        call,
        `The approval request for ${call.id} failed, so the call was not made: ${(error as Error).message}`,
        "Try again when the user can answer, or use another tool.",
      );
    }
    if (answer.action === "accept" && answer.content?.approve === true) return true;
    const how = { accept: "left approve unticked", decline: "declined it", cancel: "dismissed the request" };
    throw denied(
      call,
      `The user did not approve the call to ${call.id} (${how[answer.action]}); it was not made.`,
      "Do not retry it unless the user asks; carry on without it or use another tool.",
    );
  };
}
