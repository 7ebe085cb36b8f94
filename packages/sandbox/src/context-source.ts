import type { ExecutionLimits } from "./limits.js";
import { PRELUDE_FILENAME, PRELUDE_SOURCE, PROGRAM_FILENAME } from "./prelude.js";
import type { HostBridgeV1, SandboxAdapterV1, SandboxContextV1, ScriptV1 } from "./spec-v1.js";

/** A context, whether core's prelude and a program have run in it, and the last request setup it ran. */
export interface PreparedContext {
  context: SandboxContextV1;
  preludeRun: boolean;
  /** A program ran in it: its globals are no longer the prelude's alone. */
  programRun?: boolean;
  setup?: string | undefined;
}

/** The prelude for a context's first run, and for every later one (nothing to evaluate). */
export const FIRST_PRELUDE: ScriptV1 = Object.freeze({ source: PRELUDE_SOURCE, filename: PRELUDE_FILENAME });
export const LATER_PRELUDE: ScriptV1 = Object.freeze({ source: "", filename: PRELUDE_FILENAME });

/**
 * `prelude` followed by a request's setup the context has not run yet. With the prelude, whose frames
 * reported stacks leave out (the setup's lines are not the program's), and before the program, so a
 * backend that puts back what the prelude sealed (QuickJS) also records what the setup sealed.
 */
export function withSetup(prelude: ScriptV1, setup: string | undefined): ScriptV1 {
  if (!setup) return prelude;
  return { filename: prelude.filename, source: prelude.source ? `${prelude.source}\n;${setup}` : setup };
}

/** The script a spare runs once: the prelude's own runner with an empty program. Sets nothing. */
const WARM_UP: ScriptV1 = Object.freeze({
  source: "__codecallRun(async function () {})",
  filename: PROGRAM_FILENAME,
});
const WARM_UP_REPORT = '{"ok":true,"undefined":true}';
/** The spare belongs to no execution: nothing it could send reaches anyone. */
const NO_HOST: HostBridgeV1 = {
  call: async () => '{"ok":false,"error":{"code":"TOOL_NOT_FOUND","message":"No tools."}}',
  log: () => {},
};

interface Spare {
  limits: ExecutionLimits;
  ready: Promise<PreparedContext | undefined>;
}

/**
 * Hands sessions their context. With `spares` on, it keeps one context ready ahead of time (created, with
 * the prelude evaluated, never run a program), so a fresh execution does not wait for context creation
 * and the prelude. The spare is built off the latency path (after an execution ends, in a later turn of the event loop),
 * handed to exactly one session, and disposed on {@link close}. It is only used when the session's limits
 * equal the ones it was made with (an engine may set its memory limit once, at creation).
 */
export class ContextSource {
  private spare: Spare | undefined;
  /** The setup the last execution brought (ExecuteRequest.setup): the next spare runs it ahead of time. */
  private setup: string | undefined;
  private refill: ReturnType<typeof setImmediate> | undefined;
  private closed = false;
  /** A spare failed to prepare: the adapter cannot make them here, so stop trying. */
  private failed = false;

  constructor(
    private readonly adapter: SandboxAdapterV1,
    private readonly spareLimits: ExecutionLimits | undefined,
  ) {}

  /** A context for a session's first execution under `limits`. */
  async open(limits: ExecutionLimits): Promise<PreparedContext> {
    const spare = this.spare;
    // A context fixes only its memory limit at creation (ContextOptionsV1): the rest are the run's.
    if (spare && spare.limits.memoryBytes === limits.memoryBytes) {
      this.spare = undefined;
      const prepared = await spare.ready;
      if (prepared) return prepared;
    }
    return { context: await this.adapter.createContext({ limits }), preludeRun: false };
  }

  /**
   * Makes a spare, if there is none, after the current turn of the event loop. Sessions call it when an
   * execution ends, so the spare's creation does not compete with a program waiting on its tools.
   */
  refillSoon(setup: string | undefined): void {
    if (setup !== undefined) this.setup = setup;
    this.scheduleRefill();
  }

  /** Makes the spare now, if there is none; resolves once it is ready (or could not be made). */
  async warmUp(): Promise<void> {
    if (!this.spareLimits || this.closed || this.failed) return;
    if (this.refill) clearImmediate(this.refill);
    this.refill = undefined;
    this.spare ??= { limits: this.spareLimits, ready: this.prepare(this.spareLimits) };
    await this.spare.ready;
  }

  /** Disposes the spare. No spare is made afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.refill) clearImmediate(this.refill);
    this.refill = undefined;
    const spare = this.spare;
    this.spare = undefined;
    await spare?.ready.then((p) => p?.context.dispose()).catch(() => undefined);
  }

  private scheduleRefill(): void {
    if (!this.spareLimits || this.closed || this.failed || this.spare || this.refill) return;
    this.refill = setImmediate(() => {
      this.refill = undefined;
      if (this.closed || this.spare || !this.spareLimits) return;
      this.spare = { limits: this.spareLimits, ready: this.prepare(this.spareLimits) };
    });
  }

  /** Creates a context and runs the prelude in it; undefined when that fails (sessions then make their own). */
  private async prepare(limits: ExecutionLimits): Promise<PreparedContext | undefined> {
    let context: SandboxContextV1 | undefined;
    const setup = this.setup;
    try {
      context = await this.adapter.createContext({ limits, spare: true });
      const result = await context.run(withSetup(FIRST_PRELUDE, setup), WARM_UP, NO_HOST, {
        limits,
        signal: new AbortController().signal,
      });
      if (result.kind === "completed" && result.report === WARM_UP_REPORT && !this.closed)
        return { context, preludeRun: true, setup };
    } catch {
      // Fall through: no spare.
    }
    if (!this.closed) this.failed = true;
    await context?.dispose().catch(() => undefined);
    return undefined;
  }
}
