import { ContextSource } from "./context-source.js";
import { Deadlines } from "./deadlines.js";
import { CodecallError } from "./errors.js";
import { Gate } from "./gate.js";
import { type ExecutionLimits, resolveLimits } from "./limits.js";
import { abortedError, failedBeforeRun } from "./outcome.js";
import { Session } from "./session.js";
import type { SandboxAdapterV1 } from "./spec-v1.js";
import type { CreateSandboxOptions, Sandbox } from "./types.js";

/**
 * One-shot executions in flight at once, per sandbox, unless `maxConcurrentExecutions` says otherwise. Each
 * holds a context (a worker thread with its WebAssembly instance, an isolate, a VM) until it ends: 200 at
 * once started 200 QuickJS workers and took 10-25x longer than 200 in a row. Past this many, executions
 * wait their turn, each at most its own wall-time limit (then SANDBOX_TIMEOUT, nothing ran). A tool that
 * runs another program on the same sandbox should use a session, which is not counted, or another sandbox.
 */
const DEFAULT_MAX_CONCURRENT_EXECUTIONS = 8;

/**
 * Wraps a thin {@link SandboxAdapterV1} with the behaviour every backend shares: the prelude and program
 * wrapper, console capture, the tool-call bridge with its budget and size caps, the wall clock (enforced
 * here, outside the engine, on top of the engine's own CPU limit), cancellation, and the outcome.
 */
export function createSandbox(adapter: SandboxAdapterV1, options: CreateSandboxOptions = {}): Sandbox {
  if (adapter.specificationVersion !== "v1") {
    throw new CodecallError(
      "CONFIG_INVALID",
      `Sandbox adapter "${adapter.name}" implements specification ${String(adapter.specificationVersion)}; this @codecall/sandbox supports v1. Install matching versions.`,
    );
  }
  const baseLimits = resolveLimits(options.limits);
  const concurrent = options.maxConcurrentExecutions ?? DEFAULT_MAX_CONCURRENT_EXECUTIONS;
  if (!Number.isInteger(concurrent) || concurrent < 1) {
    throw new CodecallError(
      "CONFIG_INVALID",
      `maxConcurrentExecutions must be a whole number of at least 1; got ${String(concurrent)}.`,
    );
  }
  const sessions = new Set<Session>();
  const spares = options.spareContext ?? !adapter.capabilities.remote;
  const contexts = new ContextSource(adapter, spares ? baseLimits : undefined);
  const deadlines = new Deadlines();
  const gate = new Gate(concurrent);
  const open = (limits: Partial<ExecutionLimits> | undefined) => {
    const session = new Session(
      adapter.name,
      adapter.capabilities,
      contexts,
      deadlines,
      limits ? resolveLimits(baseLimits, limits) : baseLimits,
      () => sessions.delete(session),
    );
    sessions.add(session);
    return session;
  };

  return {
    name: adapter.name,
    capabilities: adapter.capabilities,
    async createSession(sessionOptions = {}) {
      return open(sessionOptions.limits);
    },
    async execute(request) {
      const started = performance.now();
      const wall = request.limits?.wallTimeMs;
      const waitMs = typeof wall === "number" && wall > 0 ? wall : baseLimits.wallTimeMs;
      let leave: () => void;
      try {
        leave = await gate.enter(request.signal, {
          ms: waitMs,
          error: () =>
            new CodecallError(
              "SANDBOX_TIMEOUT",
              `The program waited to run longer than its wall-clock limit of ${waitMs} ms, behind ${gate.size} others; nothing ran.`,
              {
                hint: "The sandbox is running as many programs as it may at once. Try again shortly, or raise maxConcurrentExecutions.",
                details: { limitMs: waitMs, maxConcurrentExecutions: gate.size },
              },
            ),
        });
      } catch (error) {
        const refused = CodecallError.isInstance(error) ? error : abortedError(request.signal!);
        return failedBeforeRun(adapter.name, started, refused);
      }
      try {
        const session = open(undefined);
        try {
          return await session.execute(request);
        } finally {
          // Disposed before returning, not later: the next execution reuses what this one frees (a
          // QuickJS instance), which a deferred disposal would make it create anew.
          await session.dispose();
        }
      } finally {
        leave();
      }
    },
    warmUp: () => contexts.warmUp(),
    async close() {
      gate.close(
        new CodecallError("SANDBOX_DISPOSED", "The sandbox was closed while the program waited to run."),
      );
      await Promise.all([...sessions].map((s) => s.dispose()));
      await contexts.close();
      await adapter.close?.();
    },
  };
}
