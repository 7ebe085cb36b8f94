/**
 * A local stand-in for the process service (envd) of an E2B sandbox, for offline tests and benchmarks.
 *
 * The E2B SDK in debug mode (`E2B_DEBUG=true` or `{ debug: true }`) makes no API call and talks to envd on
 * `localhost:49983`. This server answers there with the same Connect-RPC protocol (JSON codec) and runs
 * real processes on this machine. It is a test fixture, not a sandbox: the processes it starts run on the
 * host with the host's user, with a minimal environment (PATH, HOME, LANG) plus what the request sets.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";

/** The port envd listens on in every E2B sandbox; the SDK's debug mode connects to it on localhost. */
export const ENVD_PORT = 49983;

/** One `process.Process/Start` call as the stand-in received it. */
export interface StartRecord {
  pid: number;
  cmd: string;
  args: string[];
  /** The environment variables the request set (the SDK's `envs`). */
  envs: Record<string, string>;
  stdin: boolean;
}

export interface E2BStandIn {
  readonly port: number;
  /** `http://127.0.0.1:<port>`: pass it as `e2b({ debug: true, sandboxUrl })` when the port is not 49983. */
  readonly url: string;
  /** Every Start request so far, oldest first. */
  readonly starts: readonly StartRecord[];
  /** Process ids the stand-in started that are still running. */
  running(): number[];
  /**
   * Sends `text` on the stdout stream of process `pid` as if the process had written it: what another
   * process in the VM writing into the same pipe would produce. For tests of the channel's integrity.
   */
  injectStdout(pid: number, text: string): void;
  /** Kills every process and drops every connection at once, like a VM that vanished. */
  close(): Promise<void>;
}

export interface StandInOptions {
  /**
   * Defaults to {@link ENVD_PORT}, where the SDK's debug mode looks. `0` picks a free port, so stand-ins
   * never collide; then pass {@link E2BStandIn.url} as the backend's `sandboxUrl`.
   */
  port?: number;
  /** Most processes running at once; a Start beyond it fails with `resource_exhausted`. Default: no cap. */
  maxProcesses?: number;
}

interface Proc {
  child: ChildProcess;
  record: StartRecord;
  emit(event: unknown): void;
}

const PATH = process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin";

/** Starts the stand-in on 127.0.0.1. Close it when done: it owns every process it started. */
export async function startE2BStandIn(options: StandInOptions = {}): Promise<E2BStandIn> {
  const procs = new Map<number, Proc>();
  const starts: StartRecord[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        unaryError(res, 500, "internal", error instanceof Error ? error.message : String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === "/health") {
      res.writeHead(204).end();
      return;
    }
    if (req.method !== "POST") return unaryError(res, 404, "not_found", `No route ${req.method} ${path}`);
    const body = await readBody(req);
    switch (path) {
      case "/process.Process/Start":
        return start(res, parseEnvelope(body));
      case "/process.Process/SendInput":
        return withProcess(res, body, (p, msg) => {
          const input = (msg.input as { stdin?: string } | undefined)?.stdin ?? "";
          if (!p.child.stdin?.writable) throw new StandInError(400, "failed_precondition", "stdin is closed");
          p.child.stdin.write(Buffer.from(input, "base64"));
        });
      case "/process.Process/CloseStdin":
        return withProcess(res, body, (p) => {
          p.child.stdin?.end();
        });
      case "/process.Process/SendSignal":
        return withProcess(res, body, (p, msg) => {
          const signal = msg.signal === "SIGNAL_SIGTERM" || msg.signal === 15 ? "SIGTERM" : "SIGKILL";
          killGroup(p.child, signal);
        });
      case "/process.Process/List":
        return unaryOk(res, {
          processes: [...procs.values()].map((p) => ({
            pid: p.record.pid,
            config: { cmd: p.record.cmd, args: p.record.args, envs: p.record.envs },
          })),
        });
      default:
        return unaryError(res, 501, "unimplemented", `The stand-in does not implement ${path}`);
    }
  }

  function start(res: ServerResponse, msg: Record<string, unknown>): void {
    const config = (msg.process ?? {}) as {
      cmd?: string;
      args?: string[];
      envs?: Record<string, string>;
      cwd?: string;
    };
    const stdin = msg.stdin === true;
    if (typeof config.cmd !== "string") {
      streamError(res, "invalid_argument", "process.cmd is required");
      return;
    }
    if (procs.size >= (options.maxProcesses ?? Number.POSITIVE_INFINITY)) {
      streamError(
        res,
        "resource_exhausted",
        `The stand-in runs at most ${options.maxProcesses} processes at once`,
      );
      return;
    }
    const envs = config.envs ?? {};
    const child = spawn(config.cmd, config.args ?? [], {
      cwd: config.cwd || tmpdir(),
      env: { PATH, HOME: tmpdir(), LANG: "C.UTF-8", ...envs },
      stdio: [stdin ? "pipe" : "ignore", "pipe", "pipe"],
      // Its own process group, so a signal reaches everything it started, as when a VM dies.
      detached: true,
    });
    child.stdin?.on("error", () => {});
    res.writeHead(200, { "content-type": "application/connect+json" });
    const send = (event: unknown) => {
      if (!res.writableEnded) res.write(envelope(0, { event }));
    };
    child.once("error", (error) => {
      res.end(envelope(2, { error: { code: "internal", message: error.message } }));
    });
    child.once("spawn", () => {
      const record: StartRecord = { pid: child.pid!, cmd: config.cmd!, args: config.args ?? [], envs, stdin };
      starts.push(record);
      procs.set(record.pid, { child, record, emit: send });
      send({ start: { pid: record.pid } });
    });
    child.stdout!.on("data", (chunk: Buffer) => send({ data: { stdout: chunk.toString("base64") } }));
    child.stderr!.on("data", (chunk: Buffer) => send({ data: { stderr: chunk.toString("base64") } }));
    const keepalive = setInterval(() => send({ keepalive: {} }), 50_000);
    keepalive.unref();
    child.once("close", (code, signal) => {
      clearInterval(keepalive);
      if (child.pid !== undefined) procs.delete(child.pid);
      const exitCode = code ?? -1;
      send({
        end: {
          exitCode,
          exited: code !== null,
          status: signal ? `signal: ${signal}` : `exit status ${exitCode}`,
        },
      });
      if (!res.writableEnded) res.end(envelope(2, {}));
    });
  }

  function withProcess(
    res: ServerResponse,
    body: Buffer,
    act: (p: Proc, msg: Record<string, unknown>) => void,
  ): void {
    const msg = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
    const selector = (msg.process ?? {}) as { pid?: number };
    const p = selector.pid === undefined ? undefined : procs.get(selector.pid);
    if (!p) {
      unaryError(res, 404, "not_found", `process with pid ${String(selector.pid)} not found`);
      return;
    }
    try {
      act(p, msg);
    } catch (error) {
      if (!(error instanceof StandInError)) throw error;
      unaryError(res, error.status, error.code, error.message);
      return;
    }
    unaryOk(res, {});
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? ENVD_PORT, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    starts,
    running: () => [...procs.keys()],
    injectStdout(pid, text) {
      procs.get(pid)?.emit({ data: { stdout: Buffer.from(text, "utf8").toString("base64") } });
    },
    close() {
      closed ??= (async () => {
        const exits = [...procs.values()].map(
          (p) =>
            new Promise<void>((resolve) =>
              p.child.exitCode !== null || p.child.signalCode !== null
                ? resolve()
                : p.child.once("close", () => resolve()),
            ),
        );
        for (const p of procs.values()) killGroup(p.child, "SIGKILL");
        server.closeAllConnections();
        await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), ...exits]);
      })();
      return closed;
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}

class StandInError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A Connect streaming envelope: flags (0 = message, 2 = end of stream), a 32-bit length, the JSON. */
function envelope(flags: number, message: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(message), "utf8");
  const head = Buffer.alloc(5);
  head.writeUInt8(flags, 0);
  head.writeUInt32BE(json.length, 1);
  return Buffer.concat([head, json]);
}

function parseEnvelope(body: Buffer): Record<string, unknown> {
  if (body.length < 5) return {};
  const length = body.readUInt32BE(1);
  return JSON.parse(body.subarray(5, 5 + length).toString("utf8")) as Record<string, unknown>;
}

function unaryOk(res: ServerResponse, message: unknown): void {
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(message));
}

function unaryError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ code, message }));
}

function streamError(res: ServerResponse, code: string, message: string): void {
  res
    .writeHead(200, { "content-type": "application/connect+json" })
    .end(envelope(2, { error: { code, message } }));
}
