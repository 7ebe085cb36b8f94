import type { CodecallError } from "./errors.js";

/**
 * A counting semaphore whose waiters leave when their signal aborts or the gate closes. Hand-written: it
 * is a few lines, and the limiters on npm (p-limit and kin) cannot drop one queued task on its signal.
 */
export class Gate {
  private active = 0;
  private readonly waiting = new Set<{ admit: () => void; refuse: (error: unknown) => void }>();
  private closedWith: CodecallError | undefined;

  constructor(readonly size: number) {}

  /**
   * Resolves once a place is free; call the function it gives back to free it again. Rejects with the
   * signal's reason if it aborts first, with the close error if the gate closes first, and with
   * `timeout.error` if no place frees within `timeout.ms`.
   */
  async enter(
    signal?: AbortSignal,
    timeout?: { ms: number; error: () => CodecallError },
  ): Promise<() => void> {
    if (this.closedWith) throw this.closedWith;
    signal?.throwIfAborted();
    if (this.active < this.size) this.active++;
    else await this.wait(signal, timeout);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.leave();
    };
  }

  /** Refuses every waiter and every later entry with `error`; those inside finish as they are. */
  close(error: CodecallError): void {
    this.closedWith = error;
    for (const waiter of this.waiting) waiter.refuse(error);
    this.waiting.clear();
  }

  private wait(
    signal: AbortSignal | undefined,
    timeout: { ms: number; error: () => CodecallError } | undefined,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = (fn: () => void) => {
        this.waiting.delete(waiter);
        signal?.removeEventListener("abort", onAbort);
        clearTimeout(timer);
        fn();
      };
      const onAbort = () => settle(() => reject(signal!.reason));
      // The place passes straight to the waiter: `active` stays as it is.
      const waiter = {
        admit: () => settle(resolve),
        refuse: (error: unknown) => settle(() => reject(error)),
      };
      const timer = timeout && setTimeout(() => settle(() => reject(timeout.error())), timeout.ms);
      this.waiting.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private leave(): void {
    const next = this.waiting.values().next();
    if (next.done) {
      this.active--;
      return;
    }
    this.waiting.delete(next.value);
    next.value.admit();
  }
}
