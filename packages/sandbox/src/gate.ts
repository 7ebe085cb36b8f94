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
   * signal's reason if it aborts first, and with the close error if the gate closes first.
   */
  async enter(signal?: AbortSignal): Promise<() => void> {
    if (this.closedWith) throw this.closedWith;
    signal?.throwIfAborted();
    if (this.active < this.size) this.active++;
    else await this.wait(signal);
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

  private wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.waiting.delete(waiter);
        reject(signal!.reason);
      };
      // The place passes straight to the waiter: `active` stays as it is.
      const waiter = {
        admit: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        refuse: (error: unknown) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
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
