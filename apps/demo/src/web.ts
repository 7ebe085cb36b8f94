/**
 * `pnpm demo --web`: a small HTTP server on 127.0.0.1 that serves one self-contained page and streams a demo
 * run to it over server-sent events, so a person can watch code mode and classic mode do the same task.
 *
 *   GET  /        the page (src/page.html; inline script and style only, pinned by a CSP hash)
 *   GET  /scenarios  the scenarios and sandbox backends on offer, and whether runs are live or replayed
 *   POST /run     starts a run (JSON body `{ scenario?, backend? }`; default: the original task on QuickJS):
 *                 202, 400 for an unknown scenario or backend, or 409 when a run is already in progress
 *   GET  /events  the current (or last) run: every event from its start, then live ones, then `report`
 *                 or `failed`; the stream ends with the run
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CodecallError } from "@codecall/core";
import { liveByDefault } from "@codecall/scenarios";
import { type DemoOptions, type DemoReport, runDemo } from "./demo.js";
import {
  ACME_SCENARIO,
  availableBackends,
  type BackendName,
  listScenarios,
  runScenarioDemo,
  type ScenarioDemoReport,
  sandboxFor,
} from "./scenarios.js";

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
  | {
      name: "start";
      data: { run: number; task: string; scenario: string; title: string; backend: string; live: boolean };
    }
  | { name: "agent"; data: { mode: "code" | "classic"; event: unknown } }
  | { name: "report"; data: DemoReport | ScenarioDemoReport }
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

  const live = options.demo?.live ?? liveByDefault();
  const startRun = (choice: { scenario: string; backend: BackendName }): Run => {
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
    const picked = listScenarios().find((s) => s.id === choice.scenario)!;
    send({
      name: "start",
      data: {
        run: current.id,
        task: picked.task,
        scenario: picked.id,
        title: picked.title,
        backend: choice.backend,
        live,
      },
    });
    const onEvent = (mode: "code" | "classic", event: unknown) =>
      send({ name: "agent", data: { mode, event } });
    const running: Promise<DemoReport | ScenarioDemoReport> =
      choice.scenario === ACME_SCENARIO.id
        ? sandboxFor(choice.backend).then((sandbox) =>
            runDemo({ ...options.demo, sandbox: sandbox(), signal: abort.signal, onEvent }),
          )
        : runScenarioDemo({
            ...options.demo,
            live,
            scenario: choice.scenario,
            backend: choice.backend,
            signal: abort.signal,
            onEvent,
          });
    current.settled = running
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

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
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
    if (path === "/scenarios" && req.method === "GET") {
      return json(res, 200, { scenarios: listScenarios(), backends: await availableBackends(), live });
    }
    if (path === "/run" && req.method === "POST") {
      const body = await readJson(req);
      const scenario = typeof body.scenario === "string" && body.scenario ? body.scenario : ACME_SCENARIO.id;
      const backend = typeof body.backend === "string" && body.backend ? body.backend : "quickjs";
      if (!listScenarios().some((s) => s.id === scenario))
        return json(res, 400, { error: `No scenario "${scenario}". GET /scenarios lists them.` });
      if (!(await availableBackends()).includes(backend as BackendName))
        return json(res, 400, {
          error: `Backend "${backend}" is not available here. GET /scenarios lists them.`,
        });
      if (run && !run.done) return json(res, 409, { run: run.id, error: "A run is already in progress." });
      run = startRun({ scenario, backend: backend as BackendName });
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

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
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

/** A small JSON request body, or `{}` when there is none (or it is not a JSON object). */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) return {};
    parts.push(chunk as Buffer);
  }
  try {
    const value = JSON.parse(Buffer.concat(parts).toString("utf8") || "{}");
    return value && typeof value === "object" && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
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
