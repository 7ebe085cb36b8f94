import type IsolatedVM from "isolated-vm";

/**
 * Isolates this process disposed whose thread may still be running.
 *
 * `isolate.dispose()` asks V8 to terminate, and V8 checks for that only between JavaScript operations:
 * a single native loop (a regular expression's `replace` or `split` over a huge string, `JSON.stringify`
 * or `for...in` over a huge typed array) runs on to its end on an isolated-vm thread, with a core and
 * memory past the isolate's limit (a 16 MiB `replace` kept a core for about 20 s and grew the host's RSS by
 * up to 570 MiB before it ended). The run it belonged to has already ended with its typed error. Such
 * isolates are counted here, process-wide (they share the process's cores and memory whatever adapter
 * made them), and a run starts only while fewer than {@link MAX_STOPPED_RUNNING} are left: a caller that
 * sends stuck programs one after another gets them stopped at the limit, then waits, instead of piling
 * up threads that each hold a core and hundreds of MiB.
 *
 * When the thread lets go is learnt from a heap-statistics request queued just before `dispose()`: the
 * isolate runs its tasks in order, so the request settles (refused, the isolate being gone) only once
 * the thread finished what it was running. An idle isolate's settles within milliseconds.
 */
export const MAX_STOPPED_RUNNING = 2;

/** Disposed isolates whose thread has not let go yet. */
const running = new Set<IsolatedVM.Isolate>();
/** Isolates V8 gave up on: isolated-vm parks their thread for good, asleep (see `parkedForGood`). */
const parked = new WeakSet<IsolatedVM.Isolate>();
/** Runs waiting for room (see `roomToRun`), woken when an isolate leaves `running`. */
const waiting = new Set<() => void>();
const noop = () => {};

function release(isolate: IsolatedVM.Isolate): void {
  if (!running.delete(isolate)) return;
  for (const wake of waiting) wake();
}

/** Disposes `isolate` (if it is not already) and counts it until its thread lets go. */
export function disposeIsolate(isolate: IsolatedVM.Isolate): void {
  let probe: Promise<unknown> | undefined;
  try {
    if (isolate.isDisposed) return;
    probe = isolate.getHeapStatistics();
    isolate.dispose();
  } catch {
    // Already gone.
  }
  if (!probe || parked.has(isolate)) return;
  running.add(isolate);
  probe.then(
    () => release(isolate),
    () => release(isolate),
  );
}

/**
 * V8 gave up on `isolate` (isolated-vm's `onCatastrophicError`): isolated-vm parks its thread for good,
 * asleep, so it is not counted (its probe would never settle, and two such would stop the backend).
 */
export function parkedForGood(isolate: IsolatedVM.Isolate): void {
  parked.add(isolate);
  release(isolate);
}

/** Disposed isolates whose thread has not let go yet. */
export function stoppedStillRunning(): number {
  return running.size;
}

/**
 * Resolves true once fewer than {@link MAX_STOPPED_RUNNING} disposed isolates still run (at once when
 * that is so already), or false when `signal` aborts first (the run's wall-clock limit, or its caller).
 */
export async function roomToRun(signal: AbortSignal): Promise<boolean> {
  let wake = noop;
  const woken = () => wake();
  signal.addEventListener("abort", woken);
  waiting.add(woken);
  try {
    while (running.size >= MAX_STOPPED_RUNNING && !signal.aborted)
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
  } finally {
    waiting.delete(woken);
    signal.removeEventListener("abort", woken);
  }
  return !signal.aborted;
}
