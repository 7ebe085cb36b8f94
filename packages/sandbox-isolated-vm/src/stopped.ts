import { availableParallelism } from "node:os";
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
 * made them).
 *
 * When the thread lets go is learnt from a heap-statistics request queued just before `dispose()`: the
 * isolate runs its tasks in order, so the request settles (refused, the isolate being gone) only once
 * the thread finished what it was running. An idle isolate's settles within milliseconds.
 *
 * Any running program may become such a loop, so checking the count when a run starts is not enough:
 * runs started together all pass the check, and all can end stopped and still running. Runs therefore
 * take a place before they run program code (see {@link placeToRun}), process-wide: places in use are
 * the runs in flight plus the stopped isolates still running, and a run that was stopped hands its place
 * to its isolate, which gives it back only when its thread lets go. So `stoppedStillRunning()` never
 * exceeds {@link MAX_RUNNING} for programs stopped during their runs, however runs are mixed. The cap
 * bounds all runs in flight, so it is not small: normal concurrent traffic (a sandbox runs up to 8
 * executions at once by default) does not queue. A run also starts only while fewer than
 * {@link MAX_STOPPED_RUNNING} stopped isolates still run: programs sent one after another hold at most
 * two loops at once, as before. The cap of concurrent runs, rather than a cap on stopped isolates alone,
 * is the simplest rule that holds: which run V8 will fail to interrupt is not known in advance.
 */
export const MAX_STOPPED_RUNNING = 2;

/** Places: runs in flight plus stopped isolates still running, process-wide (see above). */
export const MAX_RUNNING = Math.max(8, availableParallelism() * 2);

let places = MAX_RUNNING;
/** Runs holding a place. */
let inFlight = 0;
/** Disposed isolates whose thread has not let go yet. */
const running = new Set<IsolatedVM.Isolate>();
/** Isolates V8 gave up on: isolated-vm parks their thread for good, asleep (see `parkedForGood`). */
const parked = new WeakSet<IsolatedVM.Isolate>();
/** Runs waiting for a place, first come first served (see `placeToRun`). */
const waiting: Array<() => void> = [];

function canStart(): boolean {
  return running.size < MAX_STOPPED_RUNNING && inFlight + running.size < places;
}

/** Gives the free places to the runs that waited longest, one each. */
function admit(): void {
  while (waiting.length > 0 && canStart()) {
    inFlight++;
    waiting.shift()!();
  }
}

function release(isolate: IsolatedVM.Isolate): void {
  if (running.delete(isolate)) admit();
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
 * Takes a place for a run (at once when one is free and nobody waits for one), or resolves undefined when
 * `signal` aborts first (the run's wall-clock limit, or its caller). Call the returned function when the
 * run ended, after its isolate was disposed if it was stopped: the place then stays taken by that
 * isolate until its thread lets go.
 */
export async function placeToRun(signal: AbortSignal): Promise<(() => void) | undefined> {
  if (waiting.length === 0 && canStart()) {
    inFlight++;
    return once();
  }
  if (signal.aborted) return undefined;
  let admitted = false;
  let onAbort = () => {};
  const got = await new Promise<boolean>((resolve) => {
    const wake = () => {
      admitted = true;
      resolve(true);
    };
    waiting.push(wake);
    onAbort = () => {
      const at = waiting.indexOf(wake);
      if (at >= 0) waiting.splice(at, 1);
      resolve(admitted);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
  signal.removeEventListener("abort", onAbort);
  return got ? once() : undefined;
}

function once(): () => void {
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    inFlight--;
    admit();
  };
}

/** Runs holding a place now (for this package's tests). */
export function runsInFlight(): number {
  return inFlight;
}

/** Sets the number of places (for this package's tests; the default is {@link MAX_RUNNING}). */
export function setPlacesForTests(count: number): void {
  places = count;
  admit();
}
