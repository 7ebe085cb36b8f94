/** A running execution's wall-clock deadline. */
export interface Deadline {
  /** `performance.now()` time at which the execution is over its wall-clock limit. */
  readonly at: number;
  /** Called once, when the deadline has passed and the entry is still registered. */
  expire(): void;
}

/** Node timers can fire up to a millisecond before `performance.now()` says the time is reached. */
const EARLY_MS = 1;

/**
 * The wall-clock deadlines of every running execution on one Node timer, armed for the earliest. Most
 * executions end long before their deadline, so starting and ending one only adds and removes a set
 * entry: no timer is created, rescheduled or cleared per execution, which took a fifth of core's own time
 * in a warm execution. When the timer fires it expires what is due and re-arms for the next deadline.
 * While any deadline is registered the timer keeps the process alive, as a per-run timer would.
 */
export class Deadlines {
  private readonly entries = new Set<Deadline>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer fires (Infinity: none armed). */
  private firesAt = Number.POSITIVE_INFINITY;

  add(deadline: Deadline): void {
    this.entries.add(deadline);
    if (deadline.at < this.firesAt) this.arm(deadline.at);
    else if (this.entries.size === 1) this.timer?.ref();
  }

  delete(deadline: Deadline): void {
    if (this.entries.delete(deadline) && this.entries.size === 0) this.timer?.unref();
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.firesAt = at;
    this.timer = setTimeout(this.fire, Math.max(0, at - performance.now()));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.firesAt = Number.POSITIVE_INFINITY;
    const now = performance.now() + EARLY_MS;
    let next = Number.POSITIVE_INFINITY;
    for (const deadline of this.entries) {
      if (deadline.at <= now) {
        this.entries.delete(deadline);
        deadline.expire();
      } else if (deadline.at < next) next = deadline.at;
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  };
}
