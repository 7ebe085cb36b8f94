import { describe, expect, it } from "vitest";
import { createSandbox, type SandboxAdapterV1 } from "../src/index.js";

/**
 * An adapter whose programs run until the test lets them finish, counting the contexts alive at once (each
 * stands for a worker thread, an isolate or a VM).
 */
function heldAdapter() {
  const state = { created: 0, alive: 0, peak: 0 };
  const waiting: Array<() => void> = [];
  const adapter: SandboxAdapterV1 = {
    specificationVersion: "v1",
    name: "held",
    capabilities: {
      isolation: "none",
      memoryLimit: false,
      cpuTimeLimit: false,
      persistentState: true,
      remote: false,
    },
    async createContext() {
      state.created++;
      state.peak = Math.max(state.peak, ++state.alive);
      return {
        async run(_prelude, script) {
          if (script.source.includes("return 1")) await new Promise<void>((resolve) => waiting.push(resolve));
          return { kind: "completed", report: '{"ok":true,"value":1}' };
        },
        async dispose() {
          state.alive--;
        },
      };
    },
  };
  /** Lets every program running now finish, once they have all started. */
  const finishRunning = async () => {
    await new Promise((r) => setTimeout(r, 20));
    for (const resolve of waiting.splice(0)) resolve();
  };
  return { adapter, state, finishRunning };
}

async function drain(runs: Promise<unknown>[], finishRunning: () => Promise<void>) {
  let settled = false;
  const all = Promise.all(runs).finally(() => {
    settled = true;
  });
  while (!settled) await finishRunning();
  return all;
}

describe("one-shot executions in flight are bounded per sandbox", () => {
  it("runs at most maxConcurrentExecutions at once; the rest wait their turn and all finish", async () => {
    const { adapter, state, finishRunning } = heldAdapter();
    const sandbox = createSandbox(adapter, { spareContext: false, maxConcurrentExecutions: 3 });
    const runs = Array.from({ length: 20 }, () => sandbox.execute({ code: "return 1" }));
    const outcomes = await drain(runs, finishRunning);
    expect(outcomes.map((o) => (o as { value: unknown }).value)).toEqual(Array(20).fill(1));
    expect(state.created).toBe(20);
    expect(state.peak).toBe(3);
    await sandbox.close();
  });

  it("is 8 by default", async () => {
    const { adapter, state, finishRunning } = heldAdapter();
    const sandbox = createSandbox(adapter, { spareContext: false });
    await drain(
      Array.from({ length: 30 }, () => sandbox.execute({ code: "return 1" })),
      finishRunning,
    );
    expect(state.peak).toBe(8);
    await sandbox.close();
  });

  it("an execution aborted while it waits ends ABORTED without a context, and the queue moves on", async () => {
    const { adapter, state, finishRunning } = heldAdapter();
    const sandbox = createSandbox(adapter, { spareContext: false, maxConcurrentExecutions: 1 });
    const first = sandbox.execute({ code: "return 1" });
    const controller = new AbortController();
    const queued = sandbox.execute({ code: "return 1", signal: controller.signal });
    const after = sandbox.execute({ code: "return 1" });
    controller.abort();
    const aborted = await queued;
    expect(aborted.ok).toBe(false);
    expect(aborted.error?.code).toBe("ABORTED");
    expect(state.created).toBe(1);
    const [one, three] = await drain([first, after], finishRunning);
    expect([one, three].map((o) => (o as { value: unknown }).value)).toEqual([1, 1]);
    expect(state.created).toBe(2);
    await sandbox.close();
  });

  it("an execution waits at most its own wall-clock limit, then ends SANDBOX_TIMEOUT without running", async () => {
    const { adapter, state, finishRunning } = heldAdapter();
    const sandbox = createSandbox(adapter, { spareContext: false, maxConcurrentExecutions: 1 });
    const first = sandbox.execute({ code: "return 1" });
    const waited = await sandbox.execute({ code: "return 1", limits: { wallTimeMs: 200 } });
    expect(waited.error?.code).toBe("SANDBOX_TIMEOUT");
    expect(waited.error?.message).toContain("waited to run");
    expect(state.created).toBe(1);
    await drain([first], finishRunning);
    // The place it never took is still there for the next one.
    expect((await drain([sandbox.execute({ code: "return 1" })], finishRunning))[0]).toMatchObject({
      value: 1,
    });
    await sandbox.close();
  });

  it("closing the sandbox refuses the waiting executions with SANDBOX_DISPOSED", async () => {
    const { adapter, state } = heldAdapter();
    const sandbox = createSandbox(adapter, { spareContext: false, maxConcurrentExecutions: 1 });
    const first = sandbox.execute({ code: "return 1" });
    const queued = sandbox.execute({ code: "return 1" });
    await new Promise((r) => setTimeout(r, 20));
    const closing = sandbox.close();
    const refused = await queued;
    expect(refused.error?.code).toBe("SANDBOX_DISPOSED");
    expect(refused.error?.message).toContain("waited to run");
    await closing;
    // The running one is stopped by the close as before.
    expect((await first).error?.code).toBe("SANDBOX_DISPOSED");
    expect(state.created).toBe(1);
  });

  it("sessions keep their context and are not counted", async () => {
    const { adapter, state, finishRunning } = heldAdapter();
    const sandbox = createSandbox(adapter, { spareContext: false, maxConcurrentExecutions: 1 });
    const sessions = await Promise.all([sandbox.createSession(), sandbox.createSession()]);
    const runs = sessions.map((s) => s.execute({ code: "return 1" }));
    await drain(runs, finishRunning);
    expect(state.peak).toBe(2);
    await sandbox.close();
  });

  it("refuses a bound that is not a whole number of at least 1 with CONFIG_INVALID", () => {
    const { adapter } = heldAdapter();
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => createSandbox(adapter, { maxConcurrentExecutions: bad })).toThrow(
        expect.objectContaining({ code: "CONFIG_INVALID" }),
      );
    }
  });
});
