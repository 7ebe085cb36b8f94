/**
 * The host side of type-checking: a worker thread (one per memory budget, shared by every executor of the
 * process) that holds warm TypeScript checkers, a time budget per check, a size limit per program, and a
 * cache of results by program text. A program over a limit gets TYPE_CHECK_LIMIT; the worker is replaced
 * and the host thread never does the work, so it stays responsive whatever the program's types do.
 */

import { AsyncResource } from "node:async_hooks";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";
import type ts from "typescript";
import { CodecallError } from "../errors.js";
import type { ProgramAnalysis } from "../policy/manifest.js";
import type { CheckReply, CheckRequest } from "./check-protocol.js";
import type { TypeDiagnostic } from "./diagnostics.js";

/** What one check may cost. */
export interface TypeCheckBudget {
  /** Wall-clock time one check (and strip) may take once the worker is warm. Default 5,000 ms. */
  timeMs?: number;
  /** Heap of the worker thread (`maxOldGenerationSizeMb`). Default 512 MB. */
  memoryMb?: number;
  /** Longest program accepted, in characters. Default 200,000 (about 200 KB). */
  maxProgramChars?: number;
}

export const DEFAULT_TYPE_CHECK_BUDGET: Required<TypeCheckBudget> = {
  timeMs: 5_000,
  memoryMb: 512,
  maxProgramChars: 200_000,
};

/** Loading TypeScript and parsing the declarations and standard library: generous, it is not the program's doing. */
const LOAD_BUDGET_MS = 120_000;
/**
 * The cap on the checker thread's V8 young generation, in MiB. TypeScript's load allocates fast and V8
 * grows the semi-spaces to the cap, where they stay: at 32 MiB the thread's new space held 28 MB of RSS
 * for about 10 MB of live data. At 8 MiB a few MB more are promoted to the old generation during the load,
 * and the thread's heap is about 14 MB smaller (49 against 63.6 MB after TypeScript and three checks),
 * for no measurable change in load or check time.
 */
export const CHECK_WORKER_YOUNG_GENERATION_MB = 8;
/** Results kept per API (by program text), and the total program text they may hold. */
const CACHE_ENTRIES = 256;
const CACHE_CHARS = 4_000_000;
/**
 * APIs nobody uses any more whose checker stays loaded: a served MCP session that ends and the next one
 * (same upstream tools, same declarations) then share one checker instead of building it again.
 */
const MAX_IDLE_APIS = 2;
/**
 * The async context cached checks are created in. A promise keeps the async context it was created in
 * (every AsyncLocalStorage store of it: a served MCP session, say), and the cache outlives the executor
 * that asked, so a check started in a request's context would keep that request's session alive.
 */
const detachedContext = new AsyncResource("codecall.type-check-cache");

/** A program, type-checked (when asked) and stripped to JavaScript. */
export interface PreparedProgram {
  diagnostics: TypeDiagnostic[];
  /** The JavaScript to run; absent when stripping failed and `stripError` says why. */
  js?: string;
  stripError?: CodecallError;
}

interface Job {
  request: Extract<CheckRequest, { id: number }>;
  budgetMs: number;
  /** Work nobody waits for (a warm-up started ahead of need): it does not keep the process alive. */
  background?: boolean;
  resolve(reply: CheckReply): void;
  reject(error: CodecallError): void;
}

let apiIds = 0;
const services = new Map<number, CheckService>();

function serviceFor(memoryMb: number): CheckService {
  let service = services.get(memoryMb);
  if (!service) {
    service = new CheckService(memoryMb);
    services.set(memoryMb, service);
  }
  return service;
}

/**
 * Starts the type-check worker and loads TypeScript and its standard library in it, so the first program
 * does not wait for them. Cheap to call again; code mode calls it before connecting servers.
 */
export function warmUpTypeChecker(budget: TypeCheckBudget = {}): Promise<void> {
  const memoryMb = budget.memoryMb ?? DEFAULT_TYPE_CHECK_BUDGET.memoryMb;
  return serviceFor(memoryMb).warmLibrary(false);
}

/**
 * {@link warmUpTypeChecker} that nobody waits for: a process with nothing else to do exits without waiting
 * for it (closing a code mode right after creating it must not leave the process alive for seconds).
 */
export function startTypeCheckerWarmUp(budget: TypeCheckBudget = {}): void {
  const memoryMb = budget.memoryMb ?? DEFAULT_TYPE_CHECK_BUDGET.memoryMb;
  void serviceFor(memoryMb).warmLibrary(true);
}

/**
 * Starts the type-check worker without loading TypeScript: what stripping needs (the worker strips every
 * program, checked or not). For `typeCheck: "off"`, so the first program does not wait for the thread.
 */
export function startCheckWorker(budget: TypeCheckBudget = {}): void {
  serviceFor(budget.memoryMb ?? DEFAULT_TYPE_CHECK_BUDGET.memoryMb).start();
}

/** One worker thread and the queue of checks it answers, one at a time. */
class CheckService {
  private worker: Worker | undefined;
  /** Whether the worker has started (its start is not timed against any program's budget). */
  private started = false;
  private startTimer: NodeJS.Timeout | undefined;
  private readonly loaded = new Set<number>();
  private readonly registered = new Map<
    number,
    { declarations: Record<string, string>; compilerOptions: ts.CompilerOptions | undefined }
  >();
  /** APIs by content key, and the keys of those nobody holds (least recently used first). */
  private readonly shared = new Map<string, SharedApi>();
  private readonly idle = new Set<string>();
  private readonly queue: Job[] = [];
  private running: { job: Job; timer: NodeJS.Timeout | undefined } | undefined;
  private nextId = 0;
  private warming: Promise<void> | undefined;
  /** Callers waiting on background work (see {@link hold}). */
  private holds = 0;
  /** The API the library warm-up loads: no declarations at all. */
  private readonly libraryApi = ++apiIds;

  constructor(private readonly memoryMb: number) {
    this.registered.set(this.libraryApi, { declarations: {}, compilerOptions: undefined });
  }

  /**
   * The API for these declarations and options, shared by every executor that has the same ones (a
   * content hash decides): the worker then holds one checker for all of them, and they share its cache.
   */
  acquire(declarations: Record<string, string>, compilerOptions?: ts.CompilerOptions): SharedApi {
    const key = createHash("sha256")
      .update(JSON.stringify([declarations, compilerOptions ?? null]))
      .digest("hex");
    let api = this.shared.get(key);
    if (!api) {
      api = new SharedApi(++apiIds, key);
      this.shared.set(key, api);
      this.registered.set(api.id, { declarations, compilerOptions });
    }
    api.users++;
    this.idle.delete(key);
    return api;
  }

  /** Gives one executor's hold back; the least recently used APIs nobody holds are unloaded. */
  release(api: SharedApi): void {
    if (--api.users > 0) return;
    this.idle.delete(api.key);
    this.idle.add(api.key);
    for (const key of this.idle) {
      if (this.idle.size <= MAX_IDLE_APIS) break;
      this.idle.delete(key);
      const old = this.shared.get(key);
      if (old && old.users === 0) {
        this.shared.delete(key);
        this.unregister(old.id);
      }
    }
  }

  private unregister(apiId: number): void {
    this.registered.delete(apiId);
    const closed = new CodecallError("SANDBOX_DISPOSED", "This executor was closed. Create a new one.");
    for (const job of this.queue.filter((j) => j.request.apiId === apiId)) {
      this.queue.splice(this.queue.indexOf(job), 1);
      job.reject(closed);
    }
    if (this.loaded.delete(apiId)) this.worker?.postMessage({ type: "unload", apiId } satisfies CheckRequest);
  }

  /** Spawns the worker if there is none; an idle worker never keeps the process alive. */
  start(): void {
    if (this.worker) return;
    try {
      this.spawn().unref();
    } catch {
      // Where a worker cannot start, the first program that needs one reports why.
    }
  }

  warmLibrary(background: boolean): Promise<void> {
    this.warming ??= this.load(this.libraryApi, true).catch(() => {
      this.warming = undefined;
    });
    return background ? this.warming : this.hold(this.warming);
  }

  /**
   * Loads an API's declarations into the worker (if not there yet): what makes later checks warm. In the
   * `background`, nothing waits for it.
   */
  load(apiId: number, background: boolean): Promise<void> {
    if (this.loaded.has(apiId)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const job = this.loadJob(apiId, resolve, reject);
      if (!job) return;
      if (background) job.background = true;
      this.queue.push(job);
      this.pump();
    });
  }

  /** Someone waits for `work`, started in the background: the worker keeps the process alive meanwhile. */
  private hold(work: Promise<void>): Promise<void> {
    this.holds++;
    this.updateRef();
    const done = () => {
      this.holds--;
      this.updateRef();
    };
    return work.then(done, (error: unknown) => {
      done();
      throw error;
    });
  }

  /** The worker keeps the process alive only while someone waits for its work. */
  private updateRef(): void {
    const waited =
      this.holds > 0 ||
      (this.running !== undefined && !this.running.job.background) ||
      this.queue.some((job) => !job.background);
    if (waited) this.worker?.ref();
    else this.worker?.unref();
  }

  async prepare(
    apiId: number,
    code: string,
    check: boolean,
    timeMs: number,
    files?: Record<string, string>,
  ): Promise<PreparedProgram> {
    const reply = await new Promise<CheckReply>((resolve, reject) => {
      const request = {
        type: "prepare" as const,
        id: ++this.nextId,
        apiId,
        code,
        check,
        ...(files ? { files } : {}),
      };
      this.queue.push({ request, budgetMs: timeMs, resolve, reject });
      this.pump();
    });
    if (!reply.ok) throw CodecallError.fromJSON(reply.error);
    return {
      diagnostics: reply.diagnostics,
      ...(reply.js === undefined ? {} : { js: reply.js }),
      ...(reply.stripError ? { stripError: CodecallError.fromJSON(reply.stripError) } : {}),
    };
  }

  /** The tools `code` can call, by static analysis in the worker (policy/manifest.ts). */
  async analyze(apiId: number, code: string, servers: string[], timeMs: number): Promise<ProgramAnalysis> {
    const reply = await new Promise<CheckReply>((resolve, reject) => {
      const request = { type: "analyze" as const, id: ++this.nextId, apiId, code, servers };
      this.queue.push({ request, budgetMs: timeMs, resolve, reject });
      this.pump();
    });
    if (!reply.ok) throw CodecallError.fromJSON(reply.error);
    return (
      reply.analysis ?? { uses: [], open: [{ line: 1, reason: "the analysis gave no answer" }], imports: [] }
    );
  }

  /** A job loading `apiId`'s declarations; marks them loaded in the worker that answered. */
  private loadJob(
    apiId: number,
    resolve: () => void,
    reject: (error: CodecallError) => void,
  ): Job | undefined {
    const api = this.registered.get(apiId);
    if (!api) {
      reject(new CodecallError("SANDBOX_DISPOSED", "This executor was closed. Create a new one."));
      return undefined;
    }
    return {
      request: {
        type: "load",
        id: ++this.nextId,
        apiId,
        declarations: api.declarations,
        compilerOptions: api.compilerOptions as Record<string, unknown> | undefined,
      },
      budgetMs: LOAD_BUDGET_MS,
      resolve: (reply) => {
        if (!reply.ok) return reject(CodecallError.fromJSON(reply.error));
        this.loaded.add(apiId);
        resolve();
      },
      reject,
    };
  }

  private pump(): void {
    let job = this.running ? undefined : this.queue.shift();
    if (!job) {
      this.updateRef();
      return;
    }
    // A check needs its declarations in this worker (a replaced worker has lost them): load them first.
    const request = job.request;
    if (request.type === "prepare" && request.check && !this.loaded.has(request.apiId)) {
      const waiting = job;
      const fail = (error: CodecallError) => {
        const at = this.queue.indexOf(waiting);
        if (at >= 0) this.queue.splice(at, 1);
        waiting.reject(error);
      };
      const load = this.loadJob(request.apiId, () => undefined, fail);
      if (!load) {
        this.pump();
        return;
      }
      this.queue.unshift(waiting);
      job = load;
    }
    const worker = this.spawn();
    if (!this.started) {
      // Dispatched once the worker says it started.
      this.queue.unshift(job);
      this.updateRef();
      return;
    }
    const current = job;
    const timer = setTimeout(() => {
      this.replaceWorker(
        new CodecallError(
          "TYPE_CHECK_LIMIT",
          `Type-checking the program took longer than its ${current.budgetMs} ms budget; it was stopped and nothing ran.`,
          { details: { limit: "timeMs", timeMs: current.budgetMs } },
        ),
      );
    }, current.budgetMs);
    // Whether the process waits for this job is the worker's ref (updateRef), not its budget timer's.
    timer.unref();
    this.running = { job: current, timer };
    this.updateRef();
    worker.postMessage(current.request);
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const worker = createCheckWorker(this.memoryMb);
    this.started = false;
    this.startTimer = setTimeout(
      () =>
        this.replaceWorker(
          new CodecallError(
            "TYPE_CHECK_LIMIT",
            `The type-checker did not start within ${LOAD_BUDGET_MS} ms.`,
          ),
        ),
      LOAD_BUDGET_MS,
    );
    // A check waiting for the start refs the worker; a worker started ahead of need keeps nothing alive.
    this.startTimer.unref();
    worker.on("message", (reply: CheckReply | { id: 0; ready: true }) => {
      if (this.worker !== worker) return;
      if ("ready" in reply) {
        clearTimeout(this.startTimer);
        this.started = true;
        this.pump();
        return;
      }
      if (reply.id !== this.running?.job.request.id) return;
      const { job, timer } = this.running;
      clearTimeout(timer);
      this.running = undefined;
      job.resolve(reply);
      this.pump();
    });
    worker.on("error", (error: Error & { code?: string }) => {
      if (this.worker !== worker) return;
      if (!this.started) {
        this.replaceWorker(
          new CodecallError("TYPE_CHECK_LIMIT", `The type-checker's thread did not start: ${error.message}`, {
            cause: error,
            hint: 'Check the message; run with typeCheck: "off" where worker threads are not available.',
          }),
        );
        return;
      }
      const memory = error.code === "ERR_WORKER_OUT_OF_MEMORY";
      this.replaceWorker(
        new CodecallError(
          "TYPE_CHECK_LIMIT",
          memory
            ? `Type-checking the program needed more than the checker's ${this.memoryMb} MB of memory; it was stopped and nothing ran.`
            : `The type-checker failed on this program (${error.message}); it was restarted and nothing ran.`,
          { cause: error, details: memory ? { limit: "memoryMb", memoryMb: this.memoryMb } : {} },
        ),
      );
    });
    worker.on("exit", () => {
      if (this.worker !== worker) return;
      this.replaceWorker(
        new CodecallError("TYPE_CHECK_LIMIT", "The type-checker stopped; it was restarted and nothing ran."),
      );
    });
    this.worker = worker;
    this.loaded.clear();
    return worker;
  }

  /** Fails the running check with `reason`, ends the worker, and goes on with the queue in a fresh one. */
  private replaceWorker(reason: CodecallError): void {
    const worker = this.worker;
    const wasStarted = this.started;
    this.worker = undefined;
    this.started = false;
    clearTimeout(this.startTimer);
    this.loaded.clear();
    this.warming = undefined;
    void worker?.terminate().catch(() => undefined);
    const running = this.running;
    this.running = undefined;
    if (running) {
      clearTimeout(running.timer);
      running.job.reject(reason);
    } else if (worker && !wasStarted) {
      // The worker failed to start: the check waiting for it fails, not every later one (and no respawn loop).
      this.queue.shift()?.reject(reason);
    }
    this.pump();
  }
}

/**
 * The worker thread. From the built package it runs `check-worker.js` beside this module; from source
 * (codecall's own tests) it runs the `.ts` file through tsx, a development dependency of the repository.
 */
function createCheckWorker(memoryMb: number): Worker {
  const options = {
    resourceLimits: {
      maxOldGenerationSizeMb: memoryMb,
      maxYoungGenerationSizeMb: CHECK_WORKER_YOUNG_GENERATION_MB,
    },
    // The host's flags (inherited by default), less one that only concerns its own entry and stops a worker
    // from starting (`node --input-type=module -e ...`); an explicit list may not hold process-wide flags.
    ...(process.execArgv.some((flag) => flag.startsWith("--input-type"))
      ? {
          execArgv: process.execArgv.filter(
            (flag) => !flag.startsWith("--input-type") && flag !== "--no-node-snapshot",
          ),
        }
      : {}),
    stdout: false,
    stderr: false,
  };
  if (import.meta.url.endsWith(".ts")) {
    const entry = new URL("./check-worker.ts", import.meta.url).href;
    // The ESM build of tsx's register API (require.resolve finds its CommonJS twin beside it).
    const tsx = createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs");
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(entry)}); })`;
    return startWorker(boot, { ...options, eval: true });
  }
  const candidates = ["./check-worker.js", "./executor/check-worker.js"].map(
    (path) => new URL(path, import.meta.url),
  );
  const entry = candidates.find((url) => existsSync(fileURLToPath(url))) ?? candidates[0]!;
  return startWorker(entry, options);
}

/**
 * A worker with the host's flags, or none: an explicit list holding a flag a thread refuses (`--expose-gc`
 * beside `--input-type`) throws, and the checker needs none of the host's flags (V8's are the process's).
 */
function startWorker(entry: string | URL, options: WorkerOptions): Worker {
  try {
    return new Worker(entry, options);
  } catch (error) {
    if (!options.execArgv || (error as { code?: unknown }).code !== "ERR_WORKER_INVALID_EXEC_ARGV")
      throw error;
    return new Worker(entry, { ...options, execArgv: [] });
  }
}

/** One set of declarations loaded in the worker, and the programs prepared against it, by text. */
class SharedApi {
  users = 0;
  readonly cache = new Map<string, Promise<PreparedProgram>>();
  cachedChars = 0;

  constructor(
    readonly id: number,
    readonly key: string,
  ) {}

  remember(key: string, prepared: Promise<PreparedProgram>): void {
    this.cache.set(key, prepared);
    this.cachedChars += key.length;
    // A deterministic answer is kept (limits included: a program over them would only be stopped again);
    // a failure of the checker itself is not.
    prepared.catch((error: unknown) => {
      const code = CodecallError.isInstance(error) ? error.code : undefined;
      const limit = code === "TYPE_CHECK_LIMIT" && (error as CodecallError).details?.limit !== undefined;
      if (code !== "PROGRAM_SYNTAX" && !limit) this.forget(key, prepared);
    });
    for (const [oldest] of this.cache) {
      if (this.cache.size <= CACHE_ENTRIES && this.cachedChars <= CACHE_CHARS) break;
      this.forget(oldest);
    }
  }

  private forget(key: string, only?: Promise<PreparedProgram>): void {
    const entry = this.cache.get(key);
    if (!entry || (only && entry !== only)) return;
    this.cache.delete(key);
    this.cachedChars -= key.length;
  }
}

/**
 * One executor's view of the checker: its declarations (loaded once per content, whichever executor
 * brought them), its budget, and the cache of prepared programs by text it shares with executors of the
 * same declarations (a program sent again is answered without the worker).
 */
export class ProgramPreparer {
  private readonly service: CheckService;
  private readonly budget: Required<TypeCheckBudget>;
  private readonly api: SharedApi;
  private disposed = false;

  constructor(
    declarations: Record<string, string>,
    compilerOptions: ts.CompilerOptions | undefined,
    budget: TypeCheckBudget = {},
  ) {
    this.budget = { ...DEFAULT_TYPE_CHECK_BUDGET, ...budget };
    this.service = serviceFor(this.budget.memoryMb);
    this.api = this.service.acquire(declarations, compilerOptions);
  }

  /**
   * Loads TypeScript and these declarations into the worker now, so the first check is warm. In the
   * `background`, the process does not wait for it.
   */
  warmUp(background = false): Promise<void> {
    return this.service.load(this.api.id, background);
  }

  /**
   * Type-checks (when `check`) and strips `code`. Rejects with TYPE_CHECK_LIMIT when the program is too
   * large or its check runs out of time or memory, with PROGRAM_SYNTAX when it does not parse.
   * `importedFiles` are modules the program imports (saved skills, `skills/<name>.ts`), checked beside it.
   */
  prepare(code: string, check: boolean, importedFiles?: Record<string, string>): Promise<PreparedProgram> {
    if (this.disposed)
      return Promise.reject(
        new CodecallError("SANDBOX_DISPOSED", "This executor was closed. Create a new one."),
      );
    if (code.length > this.budget.maxProgramChars) {
      return Promise.reject(
        new CodecallError(
          "TYPE_CHECK_LIMIT",
          `The program is ${code.length} characters long, more than the ${this.budget.maxProgramChars} allowed; nothing ran.`,
          { details: { limit: "maxProgramChars", maxProgramChars: this.budget.maxProgramChars } },
        ),
      );
    }
    // Budgets differ between executors that share declarations; a limit hit under one is not the other's.
    const imported = importedFiles ? `${JSON.stringify(importedFiles)}\0` : "";
    const key = `${check ? "c" : "s"}${this.budget.timeMs}:${imported}${code}`;
    const cache = this.api.cache;
    const cached = cache.get(key);
    if (cached) {
      // Most recently used last: the oldest entry is the first one dropped.
      cache.delete(key);
      cache.set(key, cached);
      return cached;
    }
    const prepared = detachedContext.runInAsyncScope(() =>
      this.service.prepare(this.api.id, code, check, this.budget.timeMs, importedFiles),
    );
    this.api.remember(key, prepared);
    return prepared;
  }

  /** The tools `code` can call through `servers` (idents) or `codecall.callTool`: the policy's manifest. */
  analyze(code: string, servers: string[]): Promise<ProgramAnalysis> {
    // A parse is cheap, but with type-checking off this may be what first loads TypeScript in the worker.
    return this.service.analyze(this.api.id, code, servers, Math.max(this.budget.timeMs, LOAD_BUDGET_MS));
  }

  /** Gives these declarations back: unloaded from the worker once no executor uses them (and a few more are idle). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.service.release(this.api);
  }
}
