import { ContextSource } from "./context-source.js";
import { Deadlines } from "./deadlines.js";
import { CodecallError } from "./errors.js";
import { type ExecutionLimits, resolveLimits } from "./limits.js";
import { Session } from "./session.js";
import type { SandboxAdapterV1 } from "./spec-v1.js";
import type { CreateSandboxOptions, Sandbox } from "./types.js";

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
  const sessions = new Set<Session>();
  const spares = options.spareContext ?? !adapter.capabilities.remote;
  const contexts = new ContextSource(adapter, spares ? baseLimits : undefined);
  const deadlines = new Deadlines();
  const open = (limits: Partial<ExecutionLimits> | undefined) => {
    const session = new Session(
      adapter.name,
      adapter.capabilities.acknowledgesAnswers === true,
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
      const session = open(undefined);
      try {
        return await session.execute(request);
      } finally {
        // Disposed before returning, not later: the next execution reuses what this one frees (a
        // QuickJS instance), which a deferred disposal would make it create anew.
        await session.dispose();
      }
    },
    warmUp: () => contexts.warmUp(),
    async close() {
      await Promise.all([...sessions].map((s) => s.dispose()));
      await contexts.close();
      await adapter.close?.();
    },
  };
}
