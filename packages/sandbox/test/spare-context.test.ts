import { describe, expect, it } from "vitest";
import { createSandbox, type SandboxAdapterV1 } from "../src/index.js";

interface Ctx {
  id: number;
  memoryBytes: number;
  runs: Array<{ prelude: string; script: string }>;
  disposed: boolean;
  /** Made as core's spare (ContextOptionsV1.spare). */
  spare: boolean;
}

/** An adapter that records every context it makes, what each ran, and whether it was disposed. */
function recordingAdapter(remote = false): { adapter: SandboxAdapterV1; contexts: Ctx[] } {
  const contexts: Ctx[] = [];
  const adapter: SandboxAdapterV1 = {
    specificationVersion: "v1",
    name: "recording",
    capabilities: {
      isolation: "none",
      memoryLimit: false,
      cpuTimeLimit: false,
      persistentState: true,
      remote,
    },
    async createContext({ limits, spare }) {
      const ctx: Ctx = {
        id: contexts.length,
        memoryBytes: limits.memoryBytes,
        runs: [],
        disposed: false,
        spare: spare === true,
      };
      contexts.push(ctx);
      return {
        async run(prelude, script) {
          ctx.runs.push({ prelude: prelude.source, script: script.source });
          const empty = script.source.includes("async function () {})");
          return {
            kind: "completed",
            report: empty ? '{"ok":true,"undefined":true}' : '{"ok":true,"value":1}',
          };
        },
        async dispose() {
          ctx.disposed = true;
        },
      };
    },
  };
  return { adapter, contexts };
}

const turn = () => new Promise((r) => setImmediate(r));
const programRuns = (c: Ctx) => c.runs.filter((r) => r.script.includes("return 1")).length;

describe("spare context", () => {
  it("tells the adapter which contexts are spares, so it starts nothing more ahead of them", async () => {
    const { adapter, contexts } = recordingAdapter();
    const sandbox = createSandbox(adapter, { spareContext: true });
    await sandbox.warmUp!();
    // Under other limits than the spare's, so this session makes a context of its own.
    const session = await sandbox.createSession({ limits: { memoryBytes: 32 * 1024 * 1024 } });
    expect((await session.execute({ code: "return 1" })).value).toBe(1);
    expect(contexts.map((c) => c.spare)).toEqual([true, false]);
    await sandbox.close();
  });

  it("runs the setup the last execution brought ahead of time, with the prelude, and not again", async () => {
    const { adapter, contexts } = recordingAdapter();
    const sandbox = createSandbox(adapter);
    const setup = "globalThis.shared = 1;";
    for (let i = 0; i < 2; i++) {
      expect((await sandbox.execute({ code: "return 1", setup })).value).toBe(1);
      await turn();
      await turn();
    }
    const [first, spare] = contexts;
    // The first context had no spare: it ran the setup with its first prelude, not in the program's script
    // (QuickJS records what a prelude sealed, so no program replaces it for later ones).
    expect(first!.runs[0]!.prelude).toContain("__codecallRun");
    expect(first!.runs[0]!.prelude).toContain(setup);
    expect(first!.runs[0]!.script).not.toContain(setup);
    // The spare made after it ran the setup with the prelude; the program it then served did not.
    expect(spare!.runs[0]!.prelude).toContain(setup);
    expect(spare!.runs[1]!.script).toContain("return 1");
    expect(spare!.runs[1]!.script).not.toContain(setup);
    expect(spare!.runs[1]!.prelude).toBe("");
    await sandbox.close();
  });

  it("runs a setup the spare's prelude did not bring as the next run's prelude, not in the program", async () => {
    const { adapter, contexts } = recordingAdapter();
    const sandbox = createSandbox(adapter);
    // Made before any setup was known.
    await sandbox.warmUp!();
    const setup = "globalThis.shared = 1;";
    const session = await sandbox.createSession();
    expect((await session.execute({ code: "return 1", setup })).value).toBe(1);
    expect((await session.execute({ code: "return 1", setup })).value).toBe(1);
    const [spare] = contexts;
    expect(spare!.runs[0]!.prelude).not.toContain(setup);
    expect(spare!.runs.slice(1).map((r) => r.prelude)).toEqual([setup, ""]);
    for (const r of spare!.runs.slice(1)) expect(r.script).not.toContain(setup);
    await sandbox.close();
  });

  it("prepares a spare after a fresh execution and hands it to exactly one later execution", async () => {
    const { adapter, contexts } = recordingAdapter();
    const sandbox = createSandbox(adapter);
    for (let i = 0; i < 3; i++) {
      expect((await sandbox.execute({ code: "return 1" })).value).toBe(1);
      await turn();
      await turn();
    }
    // The first execution made its own context; the next two each took a spare prepared for them.
    expect(contexts.length).toBe(4);
    const [first, ...spares] = contexts;
    expect(first!.runs[0]!.prelude).toContain("__codecallRun");
    for (const spare of spares) {
      // Prelude and the empty warm-up run first; the program then runs without the prelude again.
      expect(spare.runs[0]!.prelude).toContain("__codecallRun");
      expect(spare.runs[0]!.script).toBe("__codecallRun(async function () {})");
    }
    for (const used of spares.slice(0, 2)) {
      expect(used.runs[1]!.prelude).toBe("");
      expect(used.disposed).toBe(true);
    }
    // Never shared: every context ran at most one program.
    for (const c of contexts) expect(programRuns(c)).toBeLessThanOrEqual(1);
    // The last spare is idle until close, which disposes it.
    expect(spares[2]!.disposed).toBe(false);
    expect(programRuns(spares[2]!)).toBe(0);
    await sandbox.close();
    expect(contexts.every((c) => c.disposed)).toBe(true);
  });

  it("is used by a session whose time, call and output limits differ: a context fixes only its memory", async () => {
    const { adapter, contexts } = recordingAdapter();
    const sandbox = createSandbox(adapter);
    await sandbox.warmUp!();
    expect(contexts.length).toBe(1);
    const limits = { wallTimeMs: 5_000, cpuTimeMs: 2_000, maxToolCalls: 7, maxOutputBytes: 1024 };
    expect((await sandbox.execute({ code: "return 1", limits })).value).toBe(1);
    expect(contexts.length).toBe(1);
    expect(programRuns(contexts[0]!)).toBe(1);
    await sandbox.close();
  });

  it("is not used by a session whose memory limit differs from the sandbox's", async () => {
    const { adapter, contexts } = recordingAdapter();
    const sandbox = createSandbox(adapter);
    await sandbox.execute({ code: "return 1" });
    await turn();
    await turn();
    expect(contexts.length).toBe(2);
    await sandbox.execute({ code: "return 1", limits: { memoryBytes: 32 * 1024 * 1024 } });
    expect(contexts.length).toBe(3);
    expect(contexts[2]!.memoryBytes).toBe(32 * 1024 * 1024);
    expect(programRuns(contexts[1]!)).toBe(0);
    await sandbox.close();
    expect(contexts.every((c) => c.disposed)).toBe(true);
  });

  it("is off for remote backends and when turned off", async () => {
    for (const [remote, spareContext] of [
      [true, undefined],
      [false, false],
    ] as const) {
      const { adapter, contexts } = recordingAdapter(remote);
      const sandbox = createSandbox(adapter, spareContext === undefined ? {} : { spareContext });
      await sandbox.execute({ code: "return 1" });
      await turn();
      await sandbox.execute({ code: "return 1" });
      await turn();
      expect(contexts.length).toBe(2);
      expect(contexts.every((c) => programRuns(c) === 1)).toBe(true);
      await sandbox.close();
    }
  });

  it("warmUp prepares the spare before the first execution, which then makes no context of its own", async () => {
    const { adapter, contexts } = recordingAdapter();
    const sandbox = createSandbox(adapter);
    await Promise.all([sandbox.warmUp!(), sandbox.warmUp!()]);
    expect(contexts.length).toBe(1);
    expect(contexts[0]!.runs).toEqual([
      { prelude: expect.stringContaining("__codecallRun"), script: "__codecallRun(async function () {})" },
    ]);
    expect((await sandbox.execute({ code: "return 1" })).value).toBe(1);
    expect(contexts.length).toBe(1);
    expect(programRuns(contexts[0]!)).toBe(1);
    expect(contexts[0]!.runs[1]!.prelude).toBe("");
    await sandbox.close();
    expect(contexts.every((c) => c.disposed)).toBe(true);
  });

  it("warmUp makes nothing for remote backends, with spares off, or after close", async () => {
    for (const [remote, spareContext, closeFirst] of [
      [true, undefined, false],
      [false, false, false],
      [false, undefined, true],
    ] as const) {
      const { adapter, contexts } = recordingAdapter(remote);
      const sandbox = createSandbox(adapter, spareContext === undefined ? {} : { spareContext });
      if (closeFirst) await sandbox.close();
      await sandbox.warmUp!();
      expect(contexts.length).toBe(0);
      await sandbox.close();
    }
  });

  it("makes no spare after close", async () => {
    const { adapter, contexts } = recordingAdapter();
    const sandbox = createSandbox(adapter);
    await sandbox.execute({ code: "return 1" });
    await sandbox.close();
    await turn();
    await turn();
    expect(contexts.length).toBe(1);
  });
});
