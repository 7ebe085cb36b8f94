/**
 * A run's memory limit below its isolate's.
 *
 * isolated-vm fixes an isolate's `memoryLimit` when the isolate is made (from the session's first
 * execution), and nothing lowers it later: V8's heap limit of a live isolate cannot shrink, and the heap
 * statistics a host-side check would need wait for the isolate's lock, which the running program holds.
 * A later execution asking for less (a session opened with the default 128 MiB, then a 32 MiB run) was
 * held only to the isolate's limit: a memory bomb grew the host by 115-170 MiB where a 32 MiB isolate
 * stops it at about 40-60 MiB.
 *
 * isolated-vm counts ArrayBuffer memory against the same limit as the heap (its allocator adds it to the
 * heap's used size in every check), for every context of the isolate. So, for such a run, a context of the
 * same isolate that no program ever runs in holds one ArrayBuffer (the ballast) of the difference (a
 * program of the session may have replaced `ArrayBuffer` in its own context): the program then hits isolated-vm's own memory check where a
 * fresh isolate with the run's limit would. The ballast costs no resident memory: V8 allocates it with
 * `calloc`, which maps a large block without touching its pages. Written here because neither isolated-vm
 * nor V8 offers a per-run limit.
 */

const MiB = 1024 * 1024;

/**
 * Runs once in the ballast's own context (with `context.evalClosure`) and returns
 * `setBallast(bytes)`: drops the ballast it holds, then allocates one of `bytes` (none for 0). Dropping
 * first lets isolated-vm's allocator collect the old one when the two would not fit together. Returns
 * false when the allocation is refused: the session's own state already exceeds what the run may use.
 */
export const BALLAST_SOURCE = `"use strict";
var ArrayBufferCtor = ArrayBuffer, ballast = null;
return function setBallast(bytes) {
  ballast = null;
  if (bytes > 0) {
    try { ballast = new ArrayBufferCtor(bytes); } catch (e) { return false; }
  }
  return true;
};
`;

/**
 * Bytes of ballast a run needs in an isolate of `isolateMb` MiB: the part of the isolate's limit over
 * the run's `memoryBytes`, both in whole MiB as an isolate's own limit is (rounded up, never below
 * `minMb`, the smallest limit an isolate can have); 0 when the run may use the whole isolate.
 */
export function ballastBytes(isolateMb: number, runMemoryBytes: number, minMb: number): number {
  const runMb = Math.max(minMb, Math.ceil(runMemoryBytes / MiB));
  return Math.max(0, isolateMb - runMb) * MiB;
}
