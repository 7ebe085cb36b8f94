/**
 * A local stand-in of an OpenAI-compatible Chat Completions endpoint (`POST /v1/chat/completions`, JSON and
 * server-sent events), bound to 127.0.0.1: what Ollama, vLLM and other local servers speak. It plays
 * scripted turns and records each request as the client sent it, so the real `@ai-sdk/openai-compatible`
 * (or `@ai-sdk/openai`) provider can be driven offline through its `baseURL`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One scripted assistant turn: text, or tool calls (arguments as an object; they are sent as JSON text). */
export type ChatTurn =
  | { text: string }
  | { toolCalls: Array<{ name: string; arguments: Record<string, unknown>; id?: string }> }
  | { error: { status: number; message: string } };

/** A request body as the client sent it (the fields tests read). */
export interface ChatRequestBody {
  model: string;
  stream?: boolean;
  messages: Array<{ role: string; content?: unknown; tool_calls?: unknown[]; tool_call_id?: string }>;
  tools?: Array<{ type: "function"; function: { name: string; description?: string; parameters?: unknown } }>;
  [key: string]: unknown;
}

export interface ChatCompletionsStandIn {
  /** Pass as `baseURL` (it ends in `/v1`). */
  url: string;
  requests: Array<{ headers: IncomingMessage["headers"]; body: ChatRequestBody }>;
  close(): Promise<void>;
}

/** Starts the stand-in on a free loopback port; turns are played in order, one per request. */
export async function startChatCompletionsStandIn(options: {
  script: ChatTurn[];
}): Promise<ChatCompletionsStandIn> {
  const requests: ChatCompletionsStandIn["requests"] = [];
  let next = 0;
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: String(error) } }));
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequestBody;
    requests.push({ headers: req.headers, body });
    const index = next++;
    const turn = options.script[index];
    if (!turn) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { message: `the script has ${options.script.length} turns; this is request ${index + 1}` },
        }),
      );
      return;
    }
    if ("error" in turn) {
      res.writeHead(turn.error.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: turn.error.message, type: "invalid_request_error" } }));
      return;
    }
    const id = `chatcmpl-${index}`;
    const created = Math.floor(Date.now() / 1000);
    const toolCalls =
      "toolCalls" in turn
        ? turn.toolCalls.map((c, i) => ({
            id: c.id ?? `call_${index}_${i}`,
            type: "function" as const,
            function: { name: c.name, arguments: JSON.stringify(c.arguments) },
          }))
        : undefined;
    const finish = toolCalls ? "tool_calls" : "stop";
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
    if (!body.stream) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id,
          object: "chat.completion",
          created,
          model: body.model,
          choices: [
            {
              index: 0,
              message: {
                role: "assistant",
                content: "text" in turn ? turn.text : null,
                ...(toolCalls ? { tool_calls: toolCalls } : {}),
              },
              finish_reason: finish,
            },
          ],
          usage,
        }),
      );
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const send = (
      delta: Record<string, unknown>,
      finishReason: string | null,
      extra: Record<string, unknown> = {},
    ) =>
      res.write(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra })}\n\n`,
      );
    send({ role: "assistant", content: "" }, null);
    if ("text" in turn) send({ content: turn.text }, null);
    else
      for (const [i, call] of (toolCalls ?? []).entries())
        send({ tool_calls: [{ index: i, ...call }] }, null);
    send({}, finish, { usage });
    res.end("data: [DONE]\n\n");
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
