import type { Worker as NodeWorker } from "node:worker_threads";
import { quickjs } from "@codecall/sandbox-quickjs";
import { describe, expect, it, vi } from "vitest";
import { createExecutor } from "../src/executor/index.js";
import { CHECK_WORKER_YOUNG_GENERATION_MB } from "../src/executor/type-check-service.js";

/** Every worker thread started in this file, as Node reports it (its real resource limits once online). */
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

describe("the type-check worker's memory", () => {
  it("runs with a small young generation and the caller's heap budget, and still checks", async () => {
    // V8 grows a thread's semi-spaces to the cap while TypeScript loads and keeps them: at 32 MiB the
    // checker's new space held 28 MB of RSS for about 10 MB of live data. The limits are read back from the
    // running thread, as V8 applied them; the heap budget is the caller's own (a memory budget no one else
    // in this file uses, so this executor gets a thread of its own).
    const executor = await createExecutor({
      sandbox: quickjs(),
      servers: [],
      callTool: async () => ({ content: [] }),
      typeCheckBudget: { memoryMb: 300 },
    });
    try {
      await executor.warmUp();
      const wrong = await executor.execute('const n: number = "text";\nreturn n;');
      expect(wrong.ok).toBe(false);
      const right = await executor.execute("const n: number = 2;\nreturn n * 21;");
      expect(right).toMatchObject({ ok: true, value: 42 });
      const checker = started.filter((w) => w.resourceLimits?.maxOldGenerationSizeMb === 300);
      expect(checker).toHaveLength(1);
      expect(checker[0]!.resourceLimits?.maxYoungGenerationSizeMb).toBe(CHECK_WORKER_YOUNG_GENERATION_MB);
      expect(CHECK_WORKER_YOUNG_GENERATION_MB).toBeLessThanOrEqual(8);
    } finally {
      await executor.close();
    }
  });
});
