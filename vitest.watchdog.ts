/**
 * A safety net for the test run, not behaviour under test: a test that blocks its process's thread for
 * good (a synchronous call into an engine that never returns) would hold the whole run until CI's time
 * limit, with nothing printed to say which test. A watchdog thread in each forked test process watches a
 * heartbeat of the test's thread; after {@link STUCK_MS} without one it names the test that was running
 * on stderr and kills the process, so the run goes on and reports that file as failed.
 */
import { isMainThread, Worker } from "node:worker_threads";
import { beforeEach } from "vitest";

// CODECALL_TEST_STUCK_MS: a shorter limit, to try the watchdog itself.
const STUCK_MS = Number(process.env.CODECALL_TEST_STUCK_MS) || 8 * 60_000;
const NAME_BYTES = 2048;
const WATCHDOG = `
const { workerData } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const beat = new Float64Array(workerData.beat);
const name = new Uint8Array(workerData.name);
setInterval(() => {
  const silentMs = Date.now() - beat[0];
  if (silentMs < workerData.stuckMs) return;
  const end = name.indexOf(0);
  const test = Buffer.from(name.subarray(0, end < 0 ? name.length : end)).toString();
  writeSync(2, "\\n[test watchdog] process " + process.pid + ": its thread has been blocked for " +
    Math.round(silentMs / 1000) + " s in: " + test + ". Killing it so the run can go on.\\n");
  process.kill(process.pid, "SIGKILL");
}, 5_000);
`;

const state = globalThis as { __codecallWatchdog?: { name: Uint8Array } };
// Only in a forked test process: killing a worker-thread pool's process would end the whole run.
if (isMainThread && typeof process.send === "function" && state.__codecallWatchdog === undefined) {
  const beat = new Float64Array(new SharedArrayBuffer(8));
  const name = new Uint8Array(new SharedArrayBuffer(NAME_BYTES));
  beat[0] = Date.now();
  setInterval(() => {
    beat[0] = Date.now();
  }, 1_000).unref();
  new Worker(WATCHDOG, {
    eval: true,
    workerData: { beat: beat.buffer, name: name.buffer, stuckMs: STUCK_MS },
  }).unref();
  state.__codecallWatchdog = { name };
}

beforeEach((context) => {
  const watchdog = state.__codecallWatchdog;
  if (!watchdog) return;
  const text = new TextEncoder().encode(`${context.task.file?.name ?? "?"} > ${context.task.name}`);
  watchdog.name.fill(0);
  watchdog.name.set(text.subarray(0, NAME_BYTES - 1));
});
