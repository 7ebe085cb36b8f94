/**
 * A local stand-in of Anthropic's Messages API (`POST /v1/messages`, JSON and server-sent events), bound
 * to 127.0.0.1, for driving the real `@anthropic-ai/sdk` offline through its `baseURL`. It answers with
 * scripted model turns, records every request exactly as the SDK sent it, and reports usage: input tokens
 * are counted from the request itself (with the counter you pass, e.g. `@anthropic-ai/tokenizer`), and
 * prompt caching is simulated on the prefix that ends at the last `cache_control` breakpoint.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One content block a scripted turn answers with. */
export type ScriptedBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; name: string; input: unknown; id?: string };

/** One model turn: what the assistant says, and why it stops (defaults: `tool_use` if it uses a tool). */
export interface ScriptedTurn {
  content: ScriptedBlock[];
  stopReason?: "end_turn" | "tool_use" | "max_tokens" | "stop_sequence";
  /** Output tokens to report; defaults to the counter applied to the content. */
  outputTokens?: number;
  /** Answer with this HTTP error instead (e.g. 529 overloaded), then move on to the next turn. */
  error?: { status: number; type: string; message: string };
}

/** A request as the SDK sent it. */
export interface CapturedRequest {
  headers: Record<string, string | string[] | undefined>;
  body: MessagesRequestBody;
}

/** The fields of a Messages request the stand-in reads. */
export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  stream?: boolean;
  system?: string | Array<{ type: "text"; text: string; cache_control?: unknown }>;
  tools?: Array<{ name: string; description?: string; input_schema: unknown; cache_control?: unknown }>;
  messages: Array<{ role: "user" | "assistant"; content: string | Array<Record<string, unknown>> }>;
  [key: string]: unknown;
}

/** A script: a list of turns played in order, or a function choosing the turn from the request. */
export type MessagesScript = ScriptedTurn[] | ((request: MessagesRequestBody, index: number) => ScriptedTurn);

export interface MessagesStandInOptions {
  script: MessagesScript;
  /** Counts tokens in text. Default: about four characters a token. */
  countTokens?: (text: string) => number;
  /** Milliseconds between streamed events, to exercise streaming UIs. Default 0. */
  streamDelayMs?: number;
}

export interface MessagesStandIn {
  /** Pass as `baseURL` to the Anthropic client. */
  url: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

const roughCount = (text: string) => Math.ceil(text.length / 4);

/** Starts the stand-in on a free port of 127.0.0.1. */
export async function startMessagesStandIn(options: MessagesStandInOptions): Promise<MessagesStandIn> {
  const count = options.countTokens ?? roughCount;
  const requests: CapturedRequest[] = [];
  const cachedPrefixes = new Set<string>();
  let turnIndex = 0;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      sendError(res, 500, "api_error", error instanceof Error ? error.message : String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST" || !req.url?.startsWith("/v1/messages")) {
      sendError(res, 404, "not_found_error", `No route ${req.method} ${req.url}`);
      return;
    }
    const body = JSON.parse(await readBody(req)) as MessagesRequestBody;
    requests.push({ headers: { ...req.headers }, body });
    const index = turnIndex++;
    const turn = typeof options.script === "function" ? options.script(body, index) : options.script[index];
    if (!turn) {
      sendError(
        res,
        400,
        "invalid_request_error",
        `The script has no turn ${index + 1} (it has ${requests.length - 1} played).`,
      );
      return;
    }
    if (turn.error) {
      sendError(res, turn.error.status, turn.error.type, turn.error.message);
      return;
    }
    const usage = usageFor(body, turn, count, cachedPrefixes);
    const content = turn.content.map((block, i) =>
      block.type === "text"
        ? { type: "text", text: block.text }
        : {
            type: "tool_use",
            id: block.id ?? `toolu_${index + 1}_${i + 1}`,
            name: block.name,
            input: block.input,
          },
    );
    const stopReason =
      turn.stopReason ?? (content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn");
    const message = {
      id: `msg_standin_${index + 1}`,
      type: "message",
      role: "assistant",
      model: body.model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage,
    };
    if (!body.stream) {
      res.writeHead(200, { "content-type": "application/json", "request-id": message.id });
      res.end(JSON.stringify(message));
      return;
    }
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      "request-id": message.id,
    });
    const send = async (event: string, data: unknown) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      if (options.streamDelayMs) await new Promise((r) => setTimeout(r, options.streamDelayMs));
    };
    await send("message_start", {
      type: "message_start",
      message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
    });
    for (const [i, block] of content.entries()) {
      if (block.type === "text") {
        await send("content_block_start", {
          type: "content_block_start",
          index: i,
          content_block: { type: "text", text: "" },
        });
        for (const piece of chunks(String(block.text), 24)) {
          await send("content_block_delta", {
            type: "content_block_delta",
            index: i,
            delta: { type: "text_delta", text: piece },
          });
        }
      } else {
        await send("content_block_start", {
          type: "content_block_start",
          index: i,
          content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
        });
        for (const piece of chunks(JSON.stringify(block.input ?? {}), 40)) {
          await send("content_block_delta", {
            type: "content_block_delta",
            index: i,
            delta: { type: "input_json_delta", partial_json: piece },
          });
        }
      }
      await send("content_block_stop", { type: "content_block_stop", index: i });
    }
    await send("message_delta", {
      type: "message_delta",
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    });
    await send("message_stop", { type: "message_stop" });
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Input tokens from the request; the prefix up to the last cache breakpoint is read from or written to the simulated cache. */
function usageFor(
  body: MessagesRequestBody,
  turn: ScriptedTurn,
  count: (text: string) => number,
  cache: Set<string>,
) {
  const parts: Array<{ text: string; breakpoint: boolean }> = [];
  const system =
    typeof body.system === "string" ? [{ type: "text" as const, text: body.system }] : (body.system ?? []);
  for (const tool of body.tools ?? []) {
    parts.push({
      text: JSON.stringify({
        name: tool.name,
        description: tool.description,
        input_schema: tool.input_schema,
      }),
      breakpoint: !!tool.cache_control,
    });
  }
  for (const block of system) parts.push({ text: block.text, breakpoint: !!block.cache_control });
  for (const message of body.messages) {
    const blocks =
      typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    for (const block of blocks)
      parts.push({ text: JSON.stringify(block), breakpoint: !!block.cache_control });
  }
  // Like the API: the longest prefix ending at a breakpoint that an earlier request wrote is read from the
  // cache; the rest up to the last breakpoint is written; what follows it is plain input.
  const breakpoints = parts.flatMap((p, i) => (p.breakpoint ? [i] : []));
  const prefixAt = (i: number) =>
    parts
      .slice(0, i + 1)
      .map((p) => p.text)
      .join("\u0000");
  const last = breakpoints[breakpoints.length - 1] ?? -1;
  const hit = [...breakpoints].reverse().find((i) => cache.has(prefixAt(i)));
  for (const i of breakpoints) cache.add(prefixAt(i));
  const readTokens = hit === undefined ? 0 : count(prefixAt(hit));
  const writeTokens = last < 0 || hit === last ? 0 : Math.max(0, count(prefixAt(last)) - readTokens);
  const restTokens = count(
    parts
      .slice(last + 1)
      .map((p) => p.text)
      .join("\n"),
  );
  const outputText = turn.content
    .map((b) => (b.type === "text" ? b.text : JSON.stringify(b.input)))
    .join("\n");
  return {
    input_tokens: restTokens,
    cache_creation_input_tokens: writeTokens,
    cache_read_input_tokens: readTokens,
    output_tokens: turn.outputTokens ?? Math.max(1, count(outputText)),
  };
}

function* chunks(text: string, size: number): Generator<string> {
  if (text.length === 0) yield "";
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (chunk: Buffer) => parts.push(chunk));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ type: "error", error: { type, message } }));
}
