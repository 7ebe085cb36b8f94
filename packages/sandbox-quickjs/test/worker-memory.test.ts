import type { Worker as NodeWorker } from "node:worker_threads";
import { describe, expect, it, vi } from "vitest";
import { quickjs } from "../src/index.js";
import { WORKER_YOUNG_GENERATION_MB } from "../src/worker-host.js";

/** Every worker thread the adapter starts, as Node reports it (its real resource limits once online). */
const started = vi.hoisted(() => [] as NodeWorker[]);

vi.mock("node:worker_threads", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:worker_threads")>();
  class RecordedWorker extends real.Worker {
    constructor(...args: ConstructorParameters<typeof real.Worker>) {
      super(...args);
      started.push(this);
    }
  }
  return { ...real, default: { ...real, Worker: RecordedWorker }, Worker: RecordedWorker };
});

describe("quickjs worker memory over a long session", () => {
  it("runs every worker with a capped V8 young generation, and the session keeps working", async () => {
    // V8 grows a thread's semi-spaces with the bytes that survive its scavenges: uncapped (48 MiB of young
    // generation by default) a session's worker grew its new space from 4 to 32 MiB over a few thousand
    // executions, and kept it. The cap is read back from the running workers, as V8 applied it.
    const sandbox = quickjs();
    try {
      const session = await sandbox.createSession();
      for (let i = 0; i < 200; i++) {
        const out = await session.execute({
          code: `return (await codecall.callTool("echo", { i: ${i} })).i;`,
          tools: async (call) => call.args,
        });
        expect(out.value).toBe(i);
      }
      const online = started.filter((worker) => worker.threadId > 0 && worker.resourceLimits);
      expect(online.length).toBeGreaterThan(0);
      for (const worker of online)
        expect(worker.resourceLimits?.maxYoungGenerationSizeMb).toBe(WORKER_YOUNG_GENERATION_MB);
      await session.dispose();
    } finally {
      await sandbox.close();
    }
  });
});
