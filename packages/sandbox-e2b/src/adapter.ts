import {
  type AdapterRunStatsV1,
  CodecallError,
  type ContextOptionsV1,
  createSandbox,
  type ExecutionLimits,
  type HostBridgeV1,
  type RunControlV1,
  type RunResultV1,
  type Sandbox,
  type SandboxAdapterV1,
  type SandboxCapabilitiesV1,
  type SandboxContextV1,
  type ScriptV1,
} from "@codecall/sandbox";
import { deferred } from "@codecall/sandbox/internal";
import type { CommandHandle, Sandbox as E2BSdkSandbox, SandboxOpts } from "@e2b/code-interpreter";
import {
  ChannelViolation,
  FrameReader,
  type FrameStats,
  newChannelKey,
  type RunnerFrame,
} from "./channel.js";
import { trackForExit } from "./cleanup.js";
import { runnerCommand } from "./runner-source.js";

/** Options of the E2B backend. Only `apiKey` (or `E2B_API_KEY`) is needed against E2B's cloud. */
export interface E2BOptions {
  /** E2B API key. Default: the `E2B_API_KEY` environment variable. Never passed into the VM. */
  apiKey?: string;
  /** Sandbox template; it must carry Node.js 18 or newer. Default: the SDK's `code-interpreter-v1`. */
  template?: string;
  /** Lifetime of each E2B sandbox in ms, extended while the session is used. Default 300 000 (5 min). */
  timeoutMs?: number;
  /** Let programs reach the internet from the VM. Default `false`: all outbound traffic is denied. */
  allowInternetAccess?: boolean;
  /** The SDK's debug mode: no API call, no key; envd is expected on `localhost:49983` (see `/testing`). */
  debug?: boolean;
  /** Timeout of each request to E2B (sandbox creation, starting the runner) in ms. Default 60 000. */
  requestTimeoutMs?: number;
  /** E2B domain. Default: the SDK's (`E2B_DOMAIN` or `e2b.app`). */
  domain?: string;
  /** Metadata attached to every sandbox, to find them in E2B's dashboard. */
  metadata?: Record<string, string>;
  /**
   * Where the SDK reaches the VM's envd, overriding E2B's routing. For a local stand-in on another port
   * than 49983 (`startE2BStandIn({ port: 0 })`, then `sandboxUrl: standIn.url`). Default: E2B's.
   */
  sandboxUrl?: string;
  /** The Node.js binary inside the VM. Default `node`. */
  nodePath?: string;
  /** Default limits for every session of this sandbox (core's {@link ExecutionLimits}). */
  limits?: Partial<ExecutionLimits>;
  /** One-shot executions that run at once, each holding a context of its own; more wait their turn. Default 8. */
  maxConcurrentExecutions?: number;
}

const DEFAULT_TIMEOUT_MS = 300_000;
/**
 * Most characters (UTF-16 units) of one stdin write. The SDK's JSON codec base64-encodes every write, and
 * on Node.js without `Uint8Array.prototype.toBase64` protobuf-es builds that text one character at a time:
 * each byte written costs about 30 bytes of strings that live until the write is sent. Pieces of 64 Ki
 * characters keep that garbage young enough to die in V8's young generation (measured against the
 * stand-in: 1,000 answers of 65,000 characters arriving while a program computes grew the host's heap at
 * peak by 41-47 MiB in pieces of 64 Ki, 99-175 MiB in pieces of 256 Ki; a 6 MiB answer took 0.56-0.79 s
 * in either; one write of 6 MiB takes 1.8 s and +352 MiB).
 */
const STDIN_PIECE = 64 * 1024;
/**
 * Most units of a run's answers written to the VM and not yet reported taken before the next answer waits
 * on the host. Every character written costs the host several times its size in short-lived garbage (the
 * SDK's JSON codec): answers a computing program is not taking would otherwise all be encoded at once.
 */
const WRITE_WINDOW = 2 * 1024 * 1024;
/** How long the runner's stream may stay open: a session lives as long as its sandbox. */
const COMMAND_STREAM_MS = 86_400_000;
const MiB = 1024 * 1024;

/** What this backend enforces; see the README for how each limit is held inside the VM. */
export const E2B_CAPABILITIES: SandboxCapabilitiesV1 = Object.freeze({
  isolation: "microvm",
  // V8's heap limit on the program's process, plus a watchdog on its resident memory.
  memoryLimit: true,
  // A vm timeout on synchronous code plus a watchdog on the process's CPU time (Linux /proc).
  cpuTimeLimit: true,
  persistentState: true,
  remote: true,
  // The program's process in the VM reports the answers it took (frame `taken`).
  acknowledgesAnswers: true,
  rawStringAnswers: true,
});

/**
 * The E2B backend: each codecall session gets its own E2B microVM, where programs run in a Node process
 * and their tool calls come back to the host over a signed channel on that process's stdio.
 *
 * ```ts
 * const sandbox = e2b(); // E2B_API_KEY from the environment
 * const outcome = await sandbox.execute({ code: "return 1 + 1" });
 * await sandbox.close();
 * ```
 */
export function e2b(options: E2BOptions = {}): Sandbox {
  const { limits, maxConcurrentExecutions } = options;
  return createSandbox(e2bAdapter(options), {
    ...(limits ? { limits } : {}),
    ...(maxConcurrentExecutions !== undefined ? { maxConcurrentExecutions } : {}),
  });
}

/** The bare {@link SandboxAdapterV1}, for wrapping with your own `createSandbox` options. */
export function e2bAdapter(options: E2BOptions = {}): SandboxAdapterV1 {
  const contexts = new Set<E2BContext>();
  return {
    specificationVersion: "v1",
    name: "e2b",
    capabilities: E2B_CAPABILITIES,
    async createContext(contextOptions: ContextOptionsV1) {
      const context = await E2BContext.create(options, contextOptions.limits);
      contexts.add(context);
      context.onDispose = () => contexts.delete(context);
      return context;
    },
    async close() {
      await Promise.all([...contexts].map((c) => c.dispose()));
    },
  };
}

/**
 * The options passed to the SDK's `Sandbox.create`. Exported for tests: internet off unless opted in,
 * no environment variables, the key only from options or `E2B_API_KEY`.
 */
export function sandboxCreateOptions(options: E2BOptions): SandboxOpts {
  const out: SandboxOpts = {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    allowInternetAccess: options.allowInternetAccess === true,
    envs: {},
    metadata: { createdBy: "codecall", ...options.metadata },
  };
  const apiKey = options.apiKey ?? process.env.E2B_API_KEY;
  if (apiKey) out.apiKey = apiKey;
  if (options.template) out.template = options.template;
  if (options.debug !== undefined) out.debug = options.debug;
  if (options.requestTimeoutMs !== undefined) out.requestTimeoutMs = options.requestTimeoutMs;
  if (options.domain) out.domain = options.domain;
  if (options.sandboxUrl) out.sandboxUrl = options.sandboxUrl;
  return out;
}

interface PendingRun {
  bridge: HostBridgeV1;
  resolve: (result: RunResultV1) => void;
  /** Units of answers written to the VM and not yet reported taken: what it may acknowledge, no more. */
  unacknowledged: number;
}

/** A line for the runner's stdin: an answer carries its run and its units, counted once all of it is written. */
interface OutLine {
  text: string;
  answer?: { run: PendingRun; units: number };
  /** Its head is written: the rest must follow, or the runner would join it to the next line. */
  started?: boolean;
}

/** One E2B sandbox with one runner process: a codecall session's context. */
class E2BContext implements SandboxContextV1 {
  onDispose: () => void = () => {};
  private handle: CommandHandle | undefined;
  private reader: FrameReader;
  private current: PendingRun | undefined;
  private ready: { resolve: () => void; reject: (error: Error) => void } | undefined;
  /** Why the context can no longer run programs; set once. */
  private dead: string | undefined;
  private disposed: Promise<void> | undefined;
  private untrack: () => void = () => {};
  private stderrTail = "";
  /** Lines waiting to be written to the runner's stdin, oldest first. */
  private outbox: OutLine[] = [];
  private writing: Promise<void> | undefined;
  /** Settles when a run's answers may be written again (see WRITE_WINDOW). */
  private window: { promise: Promise<void>; resolve: () => void } | undefined;
  private timeoutRefreshedAt = Date.now();

  private constructor(
    private readonly sdk: E2BSdkSandbox,
    private readonly key: Buffer,
    private readonly options: E2BOptions,
    limits: ExecutionLimits,
  ) {
    this.reader = new FrameReader(key, longestFrame(limits));
  }

  static async create(options: E2BOptions, limits: ExecutionLimits): Promise<E2BContext> {
    const createOptions = sandboxCreateOptions(options);
    const debug = options.debug ?? process.env.E2B_DEBUG?.toLowerCase() === "true";
    if (!debug && !createOptions.apiKey) {
      throw new CodecallError(
        "SANDBOX_UNAVAILABLE",
        "No E2B API key: set E2B_API_KEY or pass e2b({ apiKey }).",
        {
          hint: "Get a key at https://e2b.dev/dashboard, then set E2B_API_KEY or pass apiKey to e2b().",
        },
      );
    }
    const { Sandbox } = await import("@e2b/code-interpreter");
    let sdk: E2BSdkSandbox;
    try {
      sdk = await Sandbox.create(createOptions);
    } catch (error) {
      throw unavailable("Could not create the E2B sandbox", error);
    }
    const context = new E2BContext(sdk, newChannelKey(), options, limits);
    try {
      await context.start(limits);
    } catch (error) {
      await context.dispose();
      throw unavailable("Could not start codecall's runner in the E2B sandbox", error);
    }
    return context;
  }

  private async start(limits: ExecutionLimits): Promise<void> {
    this.untrack = trackForExit(() => this.dispose());
    const ready = new Promise<void>((resolve, reject) => {
      this.ready = { resolve, reject };
    });
    ready.catch(() => undefined); // also settled by dispose when starting failed earlier
    const handle = await this.sdk.commands.run(runnerCommand(this.options.nodePath ?? "node"), {
      background: true,
      stdin: true,
      envs: {},
      timeoutMs: COMMAND_STREAM_MS,
      ...(this.options.requestTimeoutMs !== undefined
        ? { requestTimeoutMs: this.options.requestTimeoutMs }
        : {}),
      onStdout: (chunk) => this.onStdout(chunk),
      onStderr: (chunk) => {
        this.stderrTail = (this.stderrTail + chunk).slice(-2_000);
      },
    });
    this.handle = handle;
    handle.wait().then(
      () => this.lost("the runner exited"),
      (error: unknown) => this.lost(describeLoss(error)),
    );
    this.send({ t: "hello", key: this.key.toString("hex"), heapMb: limits.memoryBytes / MiB });
    const timeout = this.options.requestTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the runner was not ready within ${timeout} ms`)), timeout);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  run(
    prelude: ScriptV1,
    script: ScriptV1,
    bridge: HostBridgeV1,
    control: RunControlV1,
  ): Promise<RunResultV1> {
    if (this.dead) return Promise.resolve(crashed(this.dead));
    this.refreshTimeout();
    // Each run may have other output limits than the first (the context is made with the first's).
    this.reader.maxLineChars = longestFrame(control.limits);
    return new Promise<RunResultV1>((resolve) => {
      // Core aborts on its own limits or the caller's cancellation; the runner is killed at once.
      const signal = control.signal;
      const onAbort = () => this.lost("the execution was stopped");
      this.current = {
        bridge,
        resolve: (result) => {
          // Core may hand later runs the same signal: this run's listener goes with it.
          signal.removeEventListener("abort", onAbort);
          resolve(result);
        },
        unacknowledged: 0,
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.send({
        t: "run",
        prelude,
        script,
        cpuTimeMs: control.limits.cpuTimeMs,
        memoryBytes: control.limits.memoryBytes,
        maxOutputBytes: control.limits.maxOutputBytes,
      });
    });
  }

  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      this.lost("the session was disposed");
      this.untrack();
      this.onDispose();
      // The VM dies with `kill`; in debug mode `kill` is a no-op, so the runner is killed first.
      await this.handle?.kill().catch(() => undefined);
      await this.sdk.kill().catch(() => undefined);
    })();
    return this.disposed;
  }

  private onStdout(chunk: string): void {
    if (this.dead) return;
    let frames: RunnerFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      this.lost(error instanceof ChannelViolation ? error.message : `unreadable output: ${String(error)}`);
      void this.dispose();
      return;
    }
    this.forgetStdout();
    for (const frame of frames) this.onFrame(frame);
  }

  private onFrame(frame: RunnerFrame): void {
    if (frame.t === "ready") {
      this.ready?.resolve();
      this.ready = undefined;
      return;
    }
    if (frame.t === "exit") {
      this.lost(frame.message);
      return;
    }
    const run = this.current;
    if (!run) return;
    switch (frame.t) {
      case "log":
        run.bridge.log(frame.level, frame.text);
        break;
      case "call":
        void run.bridge.call(frame.request).then((reply) => {
          if (this.current !== run) return;
          this.send({ t: "reply", id: frame.id, reply }, { run, units: reply.length });
        });
        break;
      case "taken": {
        // A runner that reports more than it was sent cannot open the host to more answers.
        const reported = Number(frame.length);
        const length = Number.isFinite(reported) ? Math.max(0, Math.min(reported, run.unacknowledged)) : 0;
        run.unacknowledged -= length;
        run.bridge.answerTaken?.(length);
        this.openWindow();
        break;
      }
      case "done":
        this.settle({ kind: "completed", report: frame.report, ...stats(frame.stats) });
        break;
      case "failed":
        this.settle({
          kind: "failed",
          code: failureCode(frame.code),
          message: frame.message,
          ...stats(frame.stats),
        });
        break;
    }
  }

  private settle(result: RunResultV1): void {
    const run = this.current;
    this.current = undefined;
    this.openWindow();
    run?.resolve(result);
  }

  private openWindow(): void {
    const window = this.window;
    this.window = undefined;
    window?.resolve();
  }

  /** The context cannot be used again: settle what waits on it. Idempotent; the first reason wins. */
  private lost(reason: string): void {
    if (!this.dead) {
      this.dead = reason;
      // Stop reading first: a program flooding its output must not keep the host busy while it dies.
      void this.handle?.disconnect();
      void this.handle?.kill().catch(() => undefined);
    }
    const detail = this.stderrTail.trim() ? ` (runner stderr: ${this.stderrTail.trim().slice(-400)})` : "";
    this.ready?.reject(new Error(`${this.dead}${detail}`));
    this.ready = undefined;
    this.settle(crashed(this.dead));
  }

  /** Writes lines to the runner's stdin in order, one piece of at most {@link STDIN_PIECE} at a time. */
  private send(message: unknown, answer?: OutLine["answer"]): void {
    this.outbox.push({ text: `${JSON.stringify(message)}\n`, ...(answer ? { answer } : {}) });
    this.writing ??= this.flush();
  }

  private async flush(): Promise<void> {
    while (this.outbox.length && !this.dead) {
      const next = this.outbox[0]!;
      const run = next.answer?.run;
      if (run && run === this.current && !next.started && run.unacknowledged >= WRITE_WINDOW) {
        this.window ??= deferred();
        await this.window.promise;
        continue;
      }
      const { piece, written } = this.nextPiece();
      if (!piece) continue;
      try {
        await this.handle!.sendStdin(piece);
      } catch (error) {
        this.lost(describeLoss(error));
      }
      for (const { run, units } of written) run.unacknowledged += units;
    }
    this.outbox = [];
    this.writing = undefined;
  }

  /**
   * Takes whole small lines, or the head of a long one, up to {@link STDIN_PIECE} characters, and the
   * answers whose end is in the piece. Answers of a run that ended and not started are dropped.
   */
  private nextPiece(): { piece: string; written: Array<NonNullable<OutLine["answer"]>> } {
    let piece = "";
    const written: Array<NonNullable<OutLine["answer"]>> = [];
    while (this.outbox.length && piece.length < STDIN_PIECE) {
      const line = this.outbox[0]!;
      if (line.answer && line.answer.run !== this.current && !line.started) {
        this.outbox.shift();
        continue;
      }
      let cut = STDIN_PIECE - piece.length;
      if (line.text.length <= cut) {
        piece += line.text;
        this.outbox.shift();
        if (line.answer) written.push(line.answer);
        continue;
      }
      // Each write is encoded as UTF-8 on its own: a surrogate pair must not be split across two.
      if (isHighSurrogate(line.text.charCodeAt(cut - 1))) cut--;
      piece += line.text.slice(0, cut);
      line.text = line.text.slice(cut);
      line.started = true;
      break;
    }
    return { piece, written };
  }

  /** The SDK's handle keeps every stdout chunk for `wait()`; a long session would grow it without end. */
  private forgetStdout(): void {
    const handle = this.handle as unknown as { _stdout?: unknown } | undefined;
    if (handle && typeof handle._stdout === "string") handle._stdout = "";
  }

  /** Pushes the sandbox's end of life forward once half of it has passed. */
  private refreshTimeout(): void {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (Date.now() - this.timeoutRefreshedAt < timeoutMs / 2) return;
    this.timeoutRefreshedAt = Date.now();
    void this.sdk.setTimeout(timeoutMs).catch(() => undefined);
  }
}

/** A frame holds at most one log line, call or report, JSON-escaped (at worst 6 characters a byte). */
function longestFrame(limits: ExecutionLimits): number {
  return 6 * Math.max(limits.maxOutputBytes, limits.maxToolArgsBytes) + MiB;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function crashed(reason: string): RunResultV1 {
  return {
    kind: "failed",
    code: "SANDBOX_CRASHED",
    message: `lost the E2B sandbox: ${reason}. The session was reset; run the program again (a new sandbox is created).`,
  };
}

const FAILURE_CODES = new Set([
  "PROGRAM_SYNTAX",
  "SANDBOX_CPU_LIMIT",
  "SANDBOX_MEMORY",
  "SANDBOX_TIMEOUT",
  "SANDBOX_CRASHED",
]);

function failureCode(code: string): Extract<RunResultV1, { kind: "failed" }>["code"] {
  return (FAILURE_CODES.has(code) ? code : "SANDBOX_CRASHED") as Extract<
    RunResultV1,
    { kind: "failed" }
  >["code"];
}

function stats(frameStats: FrameStats | undefined): { stats?: AdapterRunStatsV1 } {
  if (!frameStats) return {};
  const out: AdapterRunStatsV1 = {};
  if (typeof frameStats.cpuMs === "number") out.cpuMs = frameStats.cpuMs;
  if (typeof frameStats.peakMemoryBytes === "number") out.peakMemoryBytes = frameStats.peakMemoryBytes;
  return { stats: out };
}

function describeLoss(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "CommandExitError") return "the runner process ended";
  return `the connection to the sandbox failed (${error instanceof Error ? error.message : String(error)})`;
}

function unavailable(what: string, error: unknown): CodecallError {
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : "";
  const hint =
    name === "AuthenticationError"
      ? "E2B rejected the API key: check E2B_API_KEY (or the apiKey option)."
      : name === "RateLimitError"
        ? "E2B is rate limiting sandbox creation: wait, or lower the number of concurrent sessions."
        : /node: (command )?not found|No such file/.test(message)
          ? "The template has no Node.js: pick a template with Node.js 18+ (the default code-interpreter-v1 has it) or set nodePath."
          : "Check the network, the E2B status page and the template name, then retry.";
  return new CodecallError("SANDBOX_UNAVAILABLE", `${what}: ${message}`, { hint, cause: error });
}
