import { randomUUID } from "node:crypto";
import {
  type GeneratedApi,
  type GenerateOptions,
  generateApi,
  runtimeFor,
  type ServerDefinition,
} from "@codecall/codegen";
import type {
  ExecuteRequest,
  ExecutionEvent,
  ExecutionOutcome,
  Sandbox,
  SandboxSession,
  ToolHandler,
} from "@codecall/sandbox";
import { type ExecutionLimits, resolveLimits } from "@codecall/sandbox";
import type ts from "typescript";
import { CodecallError } from "../errors.js";
import type { JsonValue } from "../json.js";
import { createPolicyGate, type PolicyOptions } from "../policy/gate.js";
import { validatePolicy } from "../policy/rules.js";
import { ExecutionRecorder } from "../records/capture.js";
import type { ExecutionRecord } from "../records/types.js";
import type { Skills } from "../skills/skills.js";
import { ExecutionTrace } from "../telemetry/execution-trace.js";
import { loadTelemetry } from "../telemetry/tracer.js";
import { type ProgramWorkspace, programWorkspace } from "../workspace/program-workspace.js";
import type { Workspace, WorkspaceOptions } from "../workspace/workspace.js";
import { checkSandboxChoice, openSandbox, type SandboxChoice } from "./backend.js";
import { formatDiagnostics, type TypeDiagnostic } from "./diagnostics.js";
import { type EnvelopeOptions, renderEnvelope } from "./envelope.js";
import { composeInterceptors, type ExecutionInterceptor, redactValue } from "./interceptor.js";
import { type Preparer, SLICE_DECLARATIONS_AT, SlicedPreparer } from "./sliced-preparer.js";
import { ArgumentValidator, type CallToolFunction, createToolHandler } from "./tool-bridge.js";
import { createToolLimiter, ToolLimiter, type ToolLimitsConfig } from "./tool-limits.js";
import { mentionedNames, PROGRAM_FACTORY, PROGRAM_SETUP, programPrologue } from "./transpile.js";
import {
  ProgramPreparer,
  startCheckWorker,
  startTypeCheckerWarmUp,
  type TypeCheckBudget,
} from "./type-check-service.js";
import { unknownToolDiagnostics } from "./unknown-tools.js";

/** `off`: run unchecked. `warn`: run anyway and report findings. `error`: report and do not run. */
export type TypeCheckMode = "off" | "warn" | "error";

/** What the executor needs from a tool catalogue: the tools to generate an API from, and a way to call them. */
export interface ExecutorCatalogue {
  /** The servers and their tools. */
  servers(): readonly ServerDefinition[] | Promise<readonly ServerDefinition[]>;
  callTool: CallToolFunction;
  /** Changes whenever the tool list changes; the executor regenerates its API and declarations then. */
  readonly version?: number;
}

/** Options of {@link createExecutor}; `policy`, `approve` and `approveProgram` are described in {@link PolicyOptions}. */
export interface ExecutorOptions extends PolicyOptions {
  /** The tools programs may call. Or give `servers` and `callTool` instead. */
  catalogue?: ExecutorCatalogue;
  /** A fixed tool list (with `callTool`), when there is no catalogue. */
  servers?: readonly ServerDefinition[];
  callTool?: CallToolFunction;
  /**
   * The backend: a {@link Sandbox} (it stays yours to close), or a factory the executor calls once and
   * closes with itself, e.g. `quickjs()` from `@codecall/sandbox-quickjs`.
   */
  sandbox: SandboxChoice;
  /**
   * Type-check programs before running them. Default `error`. TypeScript's compiled code is kept in a V8
   * code cache in this user's cache folder (`~/.cache/codecall` on Linux), else a folder of theirs in the OS
   * temp dir: `CODECALL_COMPILE_CACHE=0` turns it off, `CODECALL_COMPILE_CACHE=<dir>` sets the folder.
   */
  typeCheck?: TypeCheckMode;
  /** Default limits for every execution (core's {@link resolveLimits} defaults fill the rest). */
  limits?: Partial<ExecutionLimits>;
  /** The envelope's size cap. */
  envelope?: EnvelopeOptions;
  /** Privacy or policy hook on the host side of the bridge. Default: identity. */
  interceptor?: ExecutionInterceptor;
  /**
   * Keep one sandbox context for all executions, so globals a program sets are there for the next.
   * Default `false`: each execution starts in a fresh context.
   */
  persistState?: boolean;
  /** Options for code generation. */
  codegen?: GenerateOptions;
  /**
   * Built-in tools a program may call beside the catalogue's (discovery's `codecall.searchTools`, say):
   * receives the catalogue's handler and returns the one programs talk to.
   */
  programTools?: (catalogueTools: ToolHandler) => ToolHandler;
  /**
   * Generate the typed API on first use instead of at creation, so a large catalogue starts at once
   * (code mode over 10,000 tools). Codegen errors then surface on first use. Default false.
   */
  deferApi?: boolean;
  /** Overrides of the type-checker's (deliberately lenient) compiler options. */
  compilerOptions?: ts.CompilerOptions;
  /**
   * What one type-check may cost: time, the checker thread's memory, program size. A program over
   * them fails with TYPE_CHECK_LIMIT (see {@link TypeCheckBudget} for the defaults).
   */
  typeCheckBudget?: TypeCheckBudget;
  /** Record every execution (see `@codecall/core/records`) and hand each record here. */
  onRecord?: (record: ExecutionRecord) => void;
  /**
   * Files programs keep between executions (the `workspace` global) and saved skills (the `skills` global,
   * `import ... from "./skills/<name>"`): a workspace you made (yours to close) or options for one.
   * Default: none, and programs see neither global.
   */
  workspace?: Workspace | WorkspaceOptions;
  /**
   * Per-tool limits by glob over `server.tool`: concurrency, rate, timeout, retries (see
   * {@link ToolLimitsConfig}); or a {@link ToolLimiter} to share its budgets with other executors. Without
   * it, only tools annotated `idempotentHint: true` are retried after transport failures.
   */
  tools?: ToolLimitsConfig | ToolLimiter;
}

export interface ExecuteOptions {
  signal?: AbortSignal;
  /** Logs and tool calls as they happen. */
  onEvent?: (event: ExecutionEvent) => void;
  /** Limits for this execution, over the executor's. */
  limits?: Partial<ExecutionLimits>;
  /** Overrides the executor's type-check mode for this execution. */
  typeCheck?: TypeCheckMode;
  /** The execution's id in events, traces and records. Default: a new UUID. */
  runId?: string;
  /** The MCP session the program came through, recorded on its spans (`mcp.session.id`). */
  sessionId?: string;
  /** Record this execution: the result carries its {@link ExecutionRecord} (replay it with `replayRecord`). */
  record?: boolean;
  /** Values `Date.now()` / `new Date()` and `Math.random()` return, in order (a replay's); taped in the result. */
  nondeterminism?: ExecuteRequest["nondeterminism"];
}

/** An execution's outcome, its type-check findings, and the envelope the model reads. */
export interface ExecutionResult extends ExecutionOutcome {
  /** Type-check findings (in mode `warn` the program ran anyway; in `error` it did not run). */
  diagnostics: TypeDiagnostic[];
  /** The size-capped JSON text to hand to the model. */
  envelope: string;
  /** The execution's record, when `record` was asked for. */
  record?: ExecutionRecord;
  /** What the model should know although the program ran (type-check findings in `warn`, a changed tool under a skill). */
  warnings?: string[];
  /** The execution's id: on every event it streamed, its spans and its run record. */
  runId: string;
}

/** Runs models' TypeScript programs against MCP tools in a sandbox. */
export interface Executor {
  /** Type-checks, strips and runs one program. Never throws: failures are `ok: false` with a typed error. */
  execute(code: string, options?: ExecuteOptions): Promise<ExecutionResult>;
  /** Type-checks a program without running it. */
  check(code: string): Promise<TypeDiagnostic[]>;
  /**
   * Calls one tool by its id (`<serverIdent>.<toolIdent>`, as in the generated API) the way a program's
   * call goes: arguments validated, then the interceptor (policy, privacy) before and after. Returns the
   * value a program would receive. For serving tools to clients that do not run programs.
   */
  callTool(toolId: string, args: unknown, options?: { signal?: AbortSignal }): Promise<unknown>;
  /** The generated API programs are checked and run against (regenerated when the catalogue changes). */
  api(): Promise<GeneratedApi>;
  /**
   * Resolves once the type-checker holds this API's declarations and the standard library, warm. The
   * executor starts this by itself when it is created (unless type-checking is off); await it to keep the
   * first program from waiting for it.
   */
  warmUp(): Promise<void>;
  /** The backend in use. */
  readonly sandbox: Sandbox;
  /** The workspace programs see, when the executor has one. */
  readonly workspace?: Workspace;
  /** The skills saved in that workspace. */
  readonly skills?: Skills;
  /** Frees the executor's sandbox context, and the sandbox itself when the executor created it. */
  close(): Promise<void>;
}

/** Everything derived from one version of the tool list. */
interface ApiState {
  version: number | undefined;
  api: GeneratedApi;
  serverIdents: Set<string>;
  handler: ToolHandler;
  /** Type-checks and strips programs off the host thread (TypeScript loads in the checker's worker only). */
  preparer: Preparer;
  /** The bindings prologue by the servers a program uses: the same few sets come back run after run. */
  prologues: Map<string, string>;
}

/**
 * Creates an executor: opens the backend (CONFIG_INVALID at once when none was given) and generates the
 * typed API from the tools.
 */
export async function createExecutor(options: ExecutorOptions): Promise<Executor> {
  const catalogue = toCatalogue(options);
  const defaultLimits = resolveLimits(options.limits);
  const defaultMode = checkMode(options.typeCheck ?? "error");
  const limiter =
    options.tools instanceof ToolLimiter ? options.tools : createToolLimiter(options.tools, "tools");
  // @opentelemetry/api (when installed) loads while the sandbox opens and the API is generated.
  const telemetryReady = loadTelemetry();
  const budget = options.typeCheckBudget ?? {};
  // The policy sees each call first, as the program made it (before privacy restores any token).
  const gate = createPolicyGate(options);
  const interceptor = composeInterceptors(gate.interceptor, options.interceptor);
  const redact = interceptor?.redact?.bind(interceptor);
  const programTools = options.programTools ?? ((tools: ToolHandler) => tools);
  const files: ProgramWorkspace | undefined = options.workspace
    ? programWorkspace(options.workspace, {
        current: async () => {
          const s = await current();
          return {
            api: s.api,
            prepare: (code, check, imported) => s.preparer.prepare(code, check, imported),
          };
        },
      })
    : undefined;
  const wrapTools = files
    ? (tools: ToolHandler) => programTools(files.tools(tools, interceptor))
    : programTools;
  // Opened once the options above are known to be valid; a sandbox this executor owns is closed below if
  // the API cannot be built.
  const { sandbox, owned: ownsSandbox } = await openSandbox(options.sandbox);
  // Every program is stripped in the checker's thread, which starts now, in the background; unless
  // type-checking is off, TypeScript and its standard library load there too.
  if (defaultMode === "off") startCheckWorker(budget);
  else startTypeCheckerWarmUp(budget);
  // The engine starts (a thread, a WebAssembly compile, a first run) now, in the background: the first
  // program then finds it ready instead of starting it.
  void sandbox.warmUp?.().catch(() => undefined);
  let session: Promise<SandboxSession> | undefined;
  let state: Promise<ApiState> | undefined;
  let closed = false;
  /**
   * The check a cancelled run left running in the process-wide checker: the next run waits for it, so
   * runs cancelled one after another cannot queue up checks that every other executor then waits behind.
   */
  let abandoned: Promise<unknown> | undefined;

  const build = async (version: number | undefined): Promise<ApiState> => {
    const servers = await catalogue.servers();
    let api: GeneratedApi;
    try {
      api = generateApi([...servers], options.codegen);
    } catch (error) {
      throw CodecallError.from(error, "CODEGEN_FAILED");
    }
    const validator = new ArgumentValidator();
    validator.warmUp();
    return {
      version,
      api,
      serverIdents: new Set(api.servers.map((s) => s.ident)),
      handler: wrapTools(
        createToolHandler({
          tools: api.tools,
          callTool: catalogue.callTool,
          interceptor,
          validator,
          limiter,
        }),
      ),
      // Over thousands of tools, each program is checked against the declarations of the tools it names.
      preparer:
        api.tools.length >= SLICE_DECLARATIONS_AT
          ? new SlicedPreparer(api, files?.declarations, options.compilerOptions, budget)
          : new ProgramPreparer(
              files ? { ...api.declarations, ...files.declarations } : api.declarations,
              options.compilerOptions,
              budget,
            ),
      prologues: new Map(),
    };
  };
  const current = async (): Promise<ApiState> => {
    const version = catalogue.version;
    if (state) {
      const ready = await state.catch(() => undefined);
      if (ready && ready.version === version) return ready;
      ready?.preparer.dispose();
    }
    state = build(version);
    if (defaultMode !== "off") {
      state.then((s) => s.preparer.warmUp(true)).catch(() => undefined);
    }
    return state;
  };
  const openSession = () => {
    session ??= sandbox.createSession();
    return session;
  };
  // TypeScript's findings (from the checker's thread) plus unknown tool ids, each with the nearest real names.
  const withUnknownTools = (s: ApiState, code: string, diagnostics: TypeDiagnostic[]) =>
    unknownToolDiagnostics(
      code,
      diagnostics,
      s.api.tools.map((t) => t.id),
    );

  if (!options.deferApi) {
    try {
      await current();
    } catch (error) {
      if (ownsSandbox) await sandbox.close().catch(() => undefined);
      throw error;
    }
  }

  const executor: Executor = {
    sandbox,
    ...(files ? { workspace: files.workspace, skills: files.skills } : {}),
    async api() {
      return (await current()).api;
    },
    async warmUp() {
      await (await current()).preparer.warmUp();
    },
    async check(code) {
      if (typeof code !== "string")
        throw new CodecallError("PROGRAM_SYNTAX", "The program must be a string of TypeScript.");
      const s = await current();
      const linked = await files?.link(code, s.api, s.preparer.prepare.bind(s.preparer));
      return withUnknownTools(s, code, (await s.preparer.prepare(code, true, linked?.files)).diagnostics);
    },
    async callTool(toolId, args, call = {}) {
      if (closed) throw new CodecallError("SANDBOX_DISPOSED", "This executor was closed. Create a new one.");
      const s = await current();
      return gate.direct(async () =>
        s.handler(
          { name: toolId, args: args as never },
          { signal: call.signal ?? new AbortController().signal },
        ),
      );
    },
    async execute(code, run = {}) {
      const started = performance.now();
      const trace = new ExecutionTrace(await telemetryReady, {
        runId: run.runId ?? randomUUID(),
        sessionId: run.sessionId,
        backend: sandbox.name,
        onEvent: run.onEvent && redactEvents(run.onEvent, redact),
      });
      const recorder =
        run.record || options.onRecord
          ? new ExecutionRecorder({
              program: String(code),
              backend: sandbox.name,
              limits: limitsOrDefault(defaultLimits, run.limits),
              typeCheck: run.typeCheck ?? defaultMode,
              redacted: redact !== undefined,
            })
          : undefined;
      const fail = (error: CodecallError, diagnostics: TypeDiagnostic[] = []) =>
        finish(
          {
            ok: false,
            error: error.toJSON(),
            logs: [],
            toolCalls: [],
            stats: emptyStats(sandbox.name, started),
          },
          diagnostics,
        );
      const finish = (
        outcome: ExecutionOutcome,
        diagnostics: TypeDiagnostic[],
        warnings?: string[],
      ): ExecutionResult => {
        const clean = redactOutcome(trace.finish(outcome), redact);
        const envelope = renderEnvelope({ ...clean, ...(warnings ? { warnings } : {}) }, options.envelope);
        const result: ExecutionResult = {
          ...clean,
          diagnostics,
          envelope,
          runId: trace.runId,
          ...(warnings ? { warnings } : {}),
        };
        if (recorder) {
          const record = recorder.finish(result);
          options.onRecord?.(record);
          if (run.record) result.record = record;
        }
        return result;
      };
      try {
        if (closed)
          throw new CodecallError("SANDBOX_DISPOSED", "This executor was closed. Create a new one.");
        if (typeof code !== "string")
          throw new CodecallError("PROGRAM_SYNTAX", "The program must be a string of TypeScript.");
        const limits = resolveLimits(defaultLimits, run.limits);
        const mode = checkMode(run.typeCheck ?? defaultMode);
        // A cancelled run does not wait for what comes before its sandbox (a cold check takes seconds).
        const orAbort = <T>(work: Promise<T> | T): Promise<T> =>
          unlessAborted(work, run.signal, (left) => {
            const settled: Promise<unknown> = left.then(
              () => undefined,
              () => undefined,
            );
            abandoned = settled;
            void settled.then(() => {
              if (abandoned === settled) abandoned = undefined;
            });
          });
        if (abandoned) await orAbort(abandoned);
        const s = await orAbort(current());

        // Checked (unless off) and stripped in the checker's thread; a program seen before is answered from cache.
        // Imported skills are checked beside the program; one whose tools changed is checked whatever the mode.
        const linked = await orAbort(files?.link(code, s.api, s.preparer.prepare.bind(s.preparer)));
        const prepared = await orAbort(
          trace.phase("codecall.type_check", () =>
            s.preparer.prepare(code, mode !== "off" || !!linked?.mustCheck, linked?.files),
          ),
        );
        const skillReport = linked?.report(prepared.diagnostics);
        if (skillReport?.error) return fail(skillReport.error, prepared.diagnostics);
        // A record of a program that fails its check still names the servers the program did.
        recorder?.useApi(
          s.api,
          [...mentionedNames(prepared.js ?? "")].filter((n) => s.serverIdents.has(n)),
        );
        const diagnostics = mode === "off" ? [] : withUnknownTools(s, code, prepared.diagnostics);
        if (mode === "error" && diagnostics.length > 0) return fail(typeCheckError(diagnostics), diagnostics);
        const js = prepared.js;
        if (js === undefined)
          throw prepared.stripError ?? new CodecallError("PROGRAM_SYNTAX", "The program does not parse.");
        const modules = (await linked?.modules()) ?? "";
        const used = [...mentionedNames(js + modules)].filter((n) => s.serverIdents.has(n));
        if (modules) recorder?.useApi(s.api, used);
        if (linked) recorder?.useSkills(linked.files);
        const taping = recorder ? "record" : run.nondeterminism;
        const request = {
          code: js,
          prologue: prologueFor(s, used) + (files?.runtime ?? "") + modules,
          setup: PROGRAM_SETUP,
          tools: trace.tools(recorder ? recorder.wrap(s.handler) : s.handler, s.api),
          ...(taping ? { nondeterminism: taping } : {}),
          limits,
          ...(run.signal ? { signal: run.signal } : {}),
          onEvent: trace.onEvent,
        };
        // A user's answer may take minutes: a cancelled run stops waiting for it (the answer is then unused).
        const admission = await unlessAborted(
          gate.admit(
            code,
            s.api.tools,
            () =>
              s.preparer.analyze(
                code,
                [...mentionedNames(code)].filter((n) => s.serverIdents.has(n)),
              ),
            linked?.moduleTools,
          ),
          run.signal,
          () => undefined,
        );
        if (admission?.refusal) return fail(admission.refusal, diagnostics);
        const start = async () =>
          options.persistState ? (await openSession()).execute(request) : sandbox.execute(request);
        const outcome = await trace.phase("codecall.run", () => (admission ? admission.run(start) : start()));
        const found = [
          ...(diagnostics.length ? formatDiagnostics(diagnostics).split("\n") : []),
          ...(skillReport?.warnings ?? []),
        ];
        return finish(outcome, diagnostics, found.length ? found : undefined);
      } catch (error) {
        return fail(CodecallError.from(error, "SANDBOX_CRASHED"));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      const open = session;
      session = undefined;
      void state?.then((s) => s.preparer.dispose()).catch(() => undefined);
      if (open) await open.then((x) => x.dispose()).catch(() => undefined);
      if (ownsSandbox) await sandbox.close();
      await files?.close();
    },
  };
  return executor;
}

/**
 * `work`, or ABORTED as soon as `signal` aborts; the work then goes on in the background (a check into the
 * cache) and `onAbandoned` gets it.
 */
function unlessAborted<T>(
  work: Promise<T> | T,
  signal: AbortSignal | undefined,
  onAbandoned: (work: Promise<T>) => void,
): Promise<T> {
  if (!signal) return Promise.resolve(work);
  // As the sandbox answers an abort: a reason that is a CodecallError is the error.
  const cancelled = () =>
    CodecallError.isInstance(signal.reason)
      ? signal.reason
      : new CodecallError(
          "ABORTED",
          `The execution was cancelled before it ran${signal.reason instanceof Error ? `: ${signal.reason.message}` : "."}`,
        );
  if (signal.aborted) {
    onAbandoned(Promise.resolve(work));
    return Promise.reject(cancelled());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      onAbandoned(Promise.resolve(work));
      reject(cancelled());
    };
    signal.addEventListener("abort", onAbort, { once: true });
    Promise.resolve(work)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Most prologues kept per API: one per set of servers programs used. */
const MAX_PROLOGUES = 64;

/** The generated bindings of `used` servers, built once per set and API version. */
function prologueFor(s: ApiState, used: string[]): string {
  const key = used.join(",");
  let prologue = s.prologues.get(key);
  if (prologue === undefined) {
    prologue = programPrologue(runtimeFor(s.api, used, { factory: PROGRAM_FACTORY }));
    if (s.prologues.size >= MAX_PROLOGUES) s.prologues.clear();
    s.prologues.set(key, prologue);
  }
  return prologue;
}

function toCatalogue(options: ExecutorOptions): ExecutorCatalogue {
  const given = options.catalogue;
  if (given) {
    return {
      servers: () => given.servers(),
      callTool: (server, tool, args, call) => given.callTool(server, tool, args, call),
      get version() {
        return given.version;
      },
    };
  }
  const { servers, callTool } = options;
  if (!servers || !callTool) {
    throw new CodecallError(
      "CONFIG_INVALID",
      "createExecutor needs `catalogue`, or both `servers` and `callTool`.",
    );
  }
  return { servers: () => servers, callTool };
}

/** The limits a record notes; invalid ones fail the execution itself, with its own error. */
function limitsOrDefault(
  defaults: ExecutionLimits,
  given: Partial<ExecutionLimits> | undefined,
): ExecutionLimits {
  try {
    return resolveLimits(defaults, given);
  } catch {
    return defaults;
  }
}

/**
 * The checks of {@link createExecutor}'s options that open nothing (the backend, `typeCheck`, `limits`,
 * `tools`, `policy`). Code mode runs them before it starts any MCP server, so a mistake in them fails at
 * once instead of after every server has started (or timed out).
 */
export function checkExecutorOptions(
  options: Pick<ExecutorOptions, "sandbox" | "typeCheck" | "limits" | "tools" | "policy">,
): void {
  checkSandboxChoice(options.sandbox);
  checkMode(options.typeCheck ?? "error");
  resolveLimits(options.limits);
  if (!(options.tools instanceof ToolLimiter)) createToolLimiter(options.tools, "tools");
  if (options.policy) validatePolicy(options.policy);
}

function checkMode(mode: TypeCheckMode): TypeCheckMode {
  if (mode === "off" || mode === "warn" || mode === "error") return mode;
  throw new CodecallError(
    "CONFIG_INVALID",
    `typeCheck must be "off", "warn" or "error", got ${JSON.stringify(mode)}.`,
  );
}

function typeCheckError(diagnostics: TypeDiagnostic[]): CodecallError {
  const first = diagnostics[0]!;
  return new CodecallError(
    "TYPE_CHECK_FAILED",
    `The program does not type-check (${diagnostics.length} error${diagnostics.length === 1 ? "" : "s"}); nothing ran.\n${formatDiagnostics(diagnostics)}`,
    { line: first.line, column: first.column, details: { diagnostics } },
  );
}

function emptyStats(backend: string, started: number): ExecutionOutcome["stats"] {
  return { backend, wallMs: performance.now() - started, toolCalls: 0, outputBytes: 0, contextReset: false };
}

/** Applies the interceptor's `redact` to everything of an outcome that leaves the execution. */
function redactOutcome(
  outcome: ExecutionOutcome,
  redact: ((text: string) => string) | undefined,
): ExecutionOutcome {
  if (!redact) return outcome;
  const out: ExecutionOutcome = {
    ...outcome,
    logs: outcome.logs.map((l) => ({ ...l, message: redact(l.message) })),
  };
  if (outcome.value !== undefined) out.value = redactValue(outcome.value as JsonValue, redact);
  if (outcome.error) {
    out.error = { ...outcome.error, message: redact(outcome.error.message) };
    if (outcome.error.stack !== undefined) out.error.stack = redact(outcome.error.stack);
  }
  return out;
}

function redactEvents(
  onEvent: (event: ExecutionEvent) => void,
  redact: ((text: string) => string) | undefined,
): (event: ExecutionEvent) => void {
  if (!redact) return onEvent;
  return (event) => {
    if (event.type === "log") onEvent({ ...event, message: redact(event.message) });
    else if ((event.type === "tool-result" || event.type === "tool-retry") && event.error)
      onEvent({ ...event, error: { ...event.error, message: redact(event.error.message) } });
    else onEvent(event);
  };
}
