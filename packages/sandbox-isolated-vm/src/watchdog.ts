/**
 * isolated-vm's `timeout` only covers the synchronous part of an evaluation: once a program awaits a
 * tool call, the code that runs when the answer arrives has no limit. The watchdog reads each isolate's
 * CPU clock from the host and calls `onExceeded` once a context has used more than its budget since the
 * start of its last run, whether a run is in progress or work was left behind by one that finished. The
 * isolate pool watches a released isolate the same way while it waits for its heap figures.
 * One timer serves every live context, and it does not keep the process alive.
 */
export interface Watched {
  /** The isolate's CPU time in nanoseconds, or `undefined` once it is gone. */
  cpuTimeNs(): bigint | undefined;
  /** CPU nanoseconds at the start of the current (or last) run. */
  baselineNs: bigint;
  /** CPU nanoseconds one run may use. */
  budgetNs: bigint;
  onExceeded(): void;
}

const TICK_MS = 10;

export class CpuWatchdog {
  private readonly watched = new Set<Watched>();
  private timer: ReturnType<typeof setInterval> | undefined;

  watch(entry: Watched): void {
    this.watched.add(entry);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), TICK_MS);
      this.timer.unref?.();
    }
  }

  unwatch(entry: Watched): void {
    this.watched.delete(entry);
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private tick(): void {
    for (const entry of this.watched) {
      const now = entry.cpuTimeNs();
      if (now === undefined) continue;
      if (now - entry.baselineNs > entry.budgetNs) {
        this.unwatch(entry);
        entry.onExceeded();
      }
    }
  }
}
