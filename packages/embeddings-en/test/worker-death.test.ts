/**
 * The model's worker dying (an out-of-memory kill, a crash) must not break the embed functions and
 * retrievers made before: the call in flight is retried once with a new worker, and later calls use it.
 */
import type { Worker } from "node:worker_threads";
import { expect, it, vi } from "vitest";

const workers: Worker[] = [];
vi.mock("node:worker_threads", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:worker_threads")>();
  class Tracked extends real.Worker {
    constructor(...args: ConstructorParameters<typeof real.Worker>) {
      super(...args);
      workers.push(this);
    }
  }
  return { ...real, Worker: Tracked };
});

it("a call in flight when the worker dies is answered by a new worker, and the same embed function keeps working", async () => {
  const { createLocalEmbed, LOCAL_EMBEDDING_DIMENSIONS } = await import("../src/index.js");
  const embed = await createLocalEmbed({ cache: false, batchSize: 4 });
  expect(workers).toHaveLength(1);
  const texts = Array.from({ length: 24 }, (_, i) => `text number ${i} about the weather`);
  const inFlight = embed(texts);
  await workers[0]!.terminate();
  const vectors = await inFlight;
  expect(vectors).toHaveLength(texts.length);
  expect(vectors.every((v) => v.length === LOCAL_EMBEDDING_DIMENSIONS)).toBe(true);
  expect(workers).toHaveLength(2);
  expect(await embed(["and later"])).toHaveLength(1);
  expect(workers).toHaveLength(2);
}, 120_000);
