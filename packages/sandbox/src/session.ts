import {
  type ContextSource,
  FIRST_PRELUDE,
  LATER_PRELUDE,
  type PreparedContext,
  withSetup,
} from "./context-source.js";
import type { Deadlines } from "./deadlines.js";
import { CodecallError } from "./errors.js";
import { type ExecutionLimits, resolveLimits } from "./limits.js";
import { abortedError, errorText, failedBeforeRun } from "./outcome.js";
import { PROGRAM_FILENAME, wrapProgram } from "./prelude.js";
import { Run, SignalSource } from "./run.js";
import type { RunResultV1, SandboxCapabilitiesV1 } from "./spec-v1.js";
import type { ExecuteRequest, ExecutionOutcome, SandboxSession } from "./types.js";

const noop = () => {};

/** One live context and its queue: executions run one at a time, in order. */
export class Session implements SandboxSession {
  private context: Promise<PreparedContext> | undefined;
  private readonly signals = new SignalSource();
  /** Executions accepted and not yet settled; the first of a burst starts at once, the rest queue. */
  private active = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** The execution in progress, stopped with SANDBOX_DISPOSED if the session is disposed under it. */
  private running: Run | undefined;
  disposed = false;
  private disposing: Promise<void> | undefined;

  constructor(
    private readonly backend: string,
    /** The adapter's: how its engine takes answers. */
    private readonly capabilities: Pick<SandboxCapabilitiesV1, "acknowledgesAnswers" | "rawStringAnswers">,
    private readonly contexts: ContextSource,
    private readonly deadlines: Deadlines,
    private readonly limits: ExecutionLimits,
    private readonly onDispose: () => void,
  ) {}

  execute(request: ExecuteRequest): Promise<ExecutionOutcome> {
    // runOne never rejects; the rejection handler only keeps the queue moving if it ever did.
    const run =
      this.active++ === 0
        ? this.runOne(request)
        : this.queue.then(
            () => this.runOne(request),
            () => this.runOne(request),
          );
    this.queue = run;
    return run;
  }

  /** Idempotent: every call returns the same promise, settled once the context is gone. */
  dispose(): Promise<void> {
    if (!this.disposing) {
      this.disposed = true;
      this.running?.stop(
        new CodecallError("SANDBOX_DISPOSED", "The session was disposed while the program ran."),
      );
      this.disposing = this.dropContext().finally(() => this.onDispose());
    }
    return this.disposing;
  }

  private async dropContext(): Promise<void> {
    const context = this.context;
    this.context = undefined;
    if (context) await context.then((p) => p.context.dispose()).catch(noop);
  }

  private async runOne(request: ExecuteRequest): Promise<ExecutionOutcome> {
    const started = performance.now();
    try {
      const fail = (error: CodecallError) => failedBeforeRun(this.backend, started, error);
      if (this.disposed)
        return fail(new CodecallError("SANDBOX_DISPOSED", "This sandbox session was disposed."));
      let limits = this.limits;
      if (request.limits) {
        try {
          limits = resolveLimits(this.limits, request.limits);
        } catch (error) {
          return fail(CodecallError.from(error, "CONFIG_INVALID"));
        }
      }
      const callerSignal = request.signal;
      if (callerSignal?.aborted) return fail(abortedError(callerSignal));

      let prepared: PreparedContext;
      let reset = false;
      try {
        this.context ??= this.contexts.open(limits);
        prepared = await this.context;
        if (request.setup !== undefined && request.setup !== prepared.setup && prepared.programRun) {
          // A setup first brought after programs ran would run in globals they may have changed: one could
          // have planted the names it seals or patched `Object.defineProperty`. It gets a fresh context.
          await this.dropContext();
          reset = true;
          this.context = this.contexts.open(limits);
          prepared = await this.context;
        }
      } catch (error) {
        this.context = undefined;
        return fail(
          CodecallError.from(
            error,
            "SANDBOX_UNAVAILABLE",
            `Could not create a ${this.backend} sandbox: ${errorText(error)}`,
          ),
        );
      }
      // Creating a context can take a while (a remote VM): the session may be disposed or the caller may
      // give up meanwhile.
      if (this.disposed)
        return fail(new CodecallError("SANDBOX_DISPOSED", "The session was disposed while the program ran."));
      if (callerSignal?.aborted) return fail(abortedError(callerSignal));

      // A setup this context has not run yet runs with the prelude (a spare usually ran it already), not in
      // the program's script: a backend that must put back what the prelude sealed (QuickJS) then records
      // what the setup sealed before any program could replace it.
      const setup = request.setup !== prepared.setup ? request.setup : undefined;
      const { source, lineOffset, columnOffset } = wrapProgram(
        request.code,
        request.prologue,
        request.nondeterminism,
        limits.maxOutputBytes,
      );
      if (request.setup !== undefined) prepared.setup = request.setup;
      const run = new Run({
        backend: this.backend,
        request,
        started,
        limits,
        position: { lineOffset, columnOffset },
        signals: this.signals,
        deadlines: this.deadlines,
        acknowledgesAnswers: this.capabilities.acknowledgesAnswers === true,
        rawStringAnswers: this.capabilities.rawStringAnswers === true,
      });
      const prelude = withSetup(prepared.preludeRun ? LATER_PRELUDE : FIRST_PRELUDE, setup);
      prepared.preludeRun = true;
      prepared.programRun = true;

      this.deadlines.add(run);
      const onCallerAbort = callerSignal ? () => run.stop(abortedError(callerSignal)) : undefined;
      if (onCallerAbort) callerSignal!.addEventListener("abort", onCallerAbort, { once: true });
      this.running = run;
      let result: RunResultV1 | undefined;
      try {
        prepared.context.run(prelude, { source, filename: PROGRAM_FILENAME }, run.bridge(), run.control).then(
          (r) => run.complete(r),
          (error: unknown) => run.crash(error),
        );
        result = await run.result;
      } finally {
        this.running = undefined;
        this.deadlines.delete(run);
        run.release();
        if (onCallerAbort) callerSignal!.removeEventListener("abort", onCallerAbort);
      }

      const outcome = run.outcome(result);
      if (reset) outcome.stats.contextReset = true;
      if (!outcome.ok && (result?.kind !== "completed" || run.stopReason)) {
        // The engine was stopped or failed mid-run: its state is unknown, so the next execution starts fresh.
        outcome.stats.contextReset = true;
        await this.dropContext();
      }
      this.contexts.refillSoon(request.setup);
      return outcome;
    } finally {
      // Counted here, not by a reaction on the returned promise: one promise less per execution.
      this.active--;
    }
  }
}
