/**
 * `pnpm demo --web`: a small HTTP server on 127.0.0.1 that serves one self-contained page and streams a demo
 * run to it over server-sent events, so a person can watch code mode and classic mode do the same task.
 *
 *   GET  /        the page (src/page.html; inline script and style only, pinned by a CSP hash)
 *   POST /run     starts a run: 202, or 409 when one is already in progress (at most one run at a time)
 *   GET  /events  the current (or last) run: every event from its start, then live ones, then `report`
 *                 or `failed`; the stream ends with the run
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CodecallError } from "@codecall/core";
import { type DemoOptions, type DemoReport, runDemo } from "./demo.js";
import { TASK } from "./scenario.js";

export interface DemoServerOptions {
  /** Port on 127.0.0.1. Default 0: a free port. */
  port?: number;
  /** Passed to every `runDemo` (live or replayed, model). `onEvent` and `signal` are the server's own. */
  demo?: Omit<DemoOptions, "onEvent" | "signal">;
}

export interface DemoServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** Cancels a run in progress, waits for it to clean up, ends open streams and stops listening. */
  close(): Promise<void>;
}

/** One server-sent event as the page receives it: `event: <name>`, `data: <json>`. */
export type DemoStreamEvent =
  | { name: "start"; data: { run: number; task: string } }
  | { name: "agent"; data: { mode: "code" | "classic"; event: unknown } }
  | { name: "report"; data: DemoReport }
  | { name: "failed"; data: { code: string; message: string; hint?: string | undefined } };

interface Run {
  id: number;
  events: DemoStreamEvent[];
  listeners: Set<ServerResponse>;
  done: boolean;
  abort: AbortController;
  settled: Promise<void>;
}

/** Starts the demo's web server; resolves once it listens. */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const page = await readFile(new URL("./page.html", import.meta.url), "utf8");
  const csp = [
    "default-src 'none'",
    "connect-src 'self'",
    `script-src ${inlineHash(page, "script")}`,
    `style-src ${inlineHash(page, "style")}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  let run: Run | undefined;
  let runs = 0;
  let url = "";
  let hosts: string[] = [];

  const startRun = (): Run => {
    const abort = new AbortController();
    const current: Run = {
      id: ++runs,
      events: [],
      listeners: new Set(),
      done: false,
      abort,
      settled: Promise.resolve(),
    };
    const send = (event: DemoStreamEvent) => {
      current.events.push(event);
      for (const res of current.listeners) writeEvent(res, event);
    };
    send({ name: "start", data: { run: current.id, task: TASK } });
    current.settled = runDemo({
      ...options.demo,
      signal: abort.signal,
      onEvent: (mode, event) => send({ name: "agent", data: { mode, event } }),
    })
      .then(
        (report) => send({ name: "report", data: report }),
        (error: unknown) =>
          send({
            name: "failed",
            data: {
              code: CodecallError.isInstance(error) ? error.code : "DEMO_FAILED",
              message: error instanceof Error ? error.message : String(error),
              hint: CodecallError.isInstance(error) ? error.hint : undefined,
            },
          }),
      )
      .finally(() => {
        current.done = true;
        for (const res of current.listeners) res.end();
        current.listeners.clear();
      });
    return current;
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // Only pages served from this server may drive it (no DNS rebinding, no cross-site POST).
    if (!hosts.includes(req.headers.host ?? "")) return plain(res, 403, "Forbidden host.\n");
    const path = new URL(req.url ?? "/", url).pathname;
    if (path === "/" && req.method === "GET") {
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": csp,
        "cache-control": "no-store",
      });
      return res.end(page);
    }
    if (path === "/run" && req.method === "POST") {
      if (run && !run.done) return json(res, 409, { run: run.id, error: "A run is already in progress." });
      run = startRun();
      return json(res, 202, { run: run.id });
    }
    if (path === "/events" && req.method === "GET") {
      if (!run) return plain(res, 404, "No run yet: POST /run first.\n");
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        connection: "keep-alive",
      });
      for (const event of run.events) writeEvent(res, event);
      if (run.done) return res.end();
      const current = run;
      current.listeners.add(res);
      res.on("close", () => current.listeners.delete(res));
      return;
    }
    plain(res, 404, "Not found.\n");
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  }).catch((error: unknown) => {
    throw new CodecallError(
      "CONFIG_INVALID",
      `The demo server could not listen on 127.0.0.1:${options.port ?? 0}: ${(error as Error).message}. Pick another --port.`,
      { cause: error },
    );
  });
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}/`;
  hosts = [`127.0.0.1:${port}`, `localhost:${port}`];

  return {
    url,
    async close() {
      run?.abort.abort();
      await run?.settled;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Parses `--port N` / `--port=N`; absent means a free port. */
export function parsePort(argv: readonly string[]): number {
  const at = argv.findIndex((a) => a === "--port" || a.startsWith("--port="));
  if (at === -1) return 0;
  const raw = argv[at]!.includes("=") ? argv[at]!.slice("--port=".length) : argv[at + 1];
  const port = Number(raw);
  if (!/^\d+$/.test(raw ?? "") || port < 1 || port > 65535)
    throw new CodecallError(
      "CONFIG_INVALID",
      `--port must be a number from 1 to 65535, got ${JSON.stringify(raw ?? "")}. Leave it out for a free port.`,
    );
  return port;
}

function writeEvent(res: ServerResponse, event: DemoStreamEvent): void {
  // JSON.stringify never emits a raw newline, so one `data:` line holds the whole event.
  res.write(`event: ${event.name}\ndata: ${JSON.stringify(event.data)}\n\n`);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(text);
}

/** The CSP source for the page's one inline `<script>` or `<style>` block. */
function inlineHash(html: string, tag: "script" | "style"): string {
  const body = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html)?.[1] ?? "";
  return `'sha256-${createHash("sha256").update(body).digest("base64")}'`;
}
