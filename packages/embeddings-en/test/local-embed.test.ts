/**
 * The real model, loaded from the installed packages with the network blocked, ranking a handful of tools
 * for questions that share no word with the right tool's text (where a lexical ranker has nothing to go on).
 */
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { CodecallError } from "@codecall/core";
import { createLexicalRetriever, createToolIndex, type ToolDocument } from "@codecall/core/discovery";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createLocalEmbed,
  createLocalEmbeddingRetriever,
  createLocalHybridRetriever,
  type EmbedFunction,
  LOCAL_EMBEDDING_CACHE_SIZE,
  LOCAL_EMBEDDING_DIMENSIONS,
} from "../src/index.js";

const tools: ToolDocument[] = [
  {
    id: "weather.get_forecast",
    name: "get_forecast",
    server: "weather",
    description: "Get the weather forecast (temperature, rain, wind) for a location.",
  },
  {
    id: "mail.send_email",
    name: "send_email",
    server: "mail",
    description: "Send an email to one or more recipients.",
  },
  {
    id: "calendar.create_event",
    name: "create_event",
    server: "calendar",
    description: "Create an event in the user's calendar.",
  },
  { id: "files.delete_file", name: "delete_file", server: "files", description: "Delete a file from disk." },
  {
    id: "stocks.get_quote",
    name: "get_quote",
    server: "stocks",
    description: "Get the latest share price of a listed company.",
  },
  {
    id: "translate.translate_text",
    name: "translate_text",
    server: "translate",
    description: "Translate text into another language.",
  },
];

/** Questions and the tool that answers each; no question shares a word with its tool's text. */
const questions: Array<[string, string]> = [
  ["will it be sunny tomorrow in Lisbon", "weather.get_forecast"],
  ["write a message to my boss", "mail.send_email"],
  ["remove the old report from my computer", "files.delete_file"],
  ["how much is Apple trading at", "stocks.get_quote"],
  ["say this in French", "translate.translate_text"],
];

// Every way out of the process fails and is counted while the model loads: the weights must come from disk.
// In this thread (the stubs do not reach a worker); the worker loads the same files the same way.
const attempts: string[] = [];
const saved = {
  fetch: globalThis.fetch,
  http: http.request,
  httpGet: http.get,
  https: https.request,
  httpsGet: https.get,
  connect: net.connect,
};
let embed: EmbedFunction;

beforeAll(async () => {
  const refuse = (what: string) => () => {
    attempts.push(what);
    throw new Error(`network blocked in this test (${what})`);
  };
  globalThis.fetch = refuse("fetch") as typeof fetch;
  http.request = refuse("http.request") as typeof http.request;
  http.get = refuse("http.get") as typeof http.get;
  https.request = refuse("https.request") as typeof https.request;
  https.get = refuse("https.get") as typeof https.get;
  net.connect = refuse("net.connect") as typeof net.connect;
  try {
    // No cache here: the tests below compare fresh computations.
    embed = await createLocalEmbed({ thread: "main", cache: false });
    await embed(["warm up"]);
  } finally {
    Object.assign(globalThis, { fetch: saved.fetch });
    Object.assign(http, { request: saved.http, get: saved.httpGet });
    Object.assign(https, { request: saved.https, get: saved.httpsGet });
    Object.assign(net, { connect: saved.connect });
  }
});

describe("the local English model", () => {
  it("loads from the installed packages without touching the network", () => {
    expect(attempts).toEqual([]);
  });

  it("embeds texts as unit-scale vectors of 512 numbers, in the order given", async () => {
    const texts = ["a much longer sentence about sending an email to a colleague", "mail", ""];
    const vectors = await embed(texts);
    expect(vectors.map((v) => v.length)).toEqual([512, 512, 512]);
    expect(LOCAL_EMBEDDING_DIMENSIONS).toBe(512);
    // Batched by length inside: the order of the answers is still the order of the texts.
    const [alone] = await embed([texts[0]!]);
    expect(Math.max(...alone!.map((x, i) => Math.abs(x - vectors[0]![i]!)))).toBeLessThan(1e-4);
  });

  it("in a worker thread (the default), gives the same vectors and leaves the event loop free", async () => {
    const inWorker = await createLocalEmbed({ cache: false });
    const texts = Array.from(
      { length: 48 },
      (_, i) => `Tool number ${i} reads a long description of what it does with files, mail and calendars.`,
    );
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const vectors = await Promise.resolve(inWorker(texts)).finally(() => clearInterval(timer));
    // Timers ran while the worker computed; in the calling thread none would (measured: 0 in 4.6 s).
    expect(ticks).toBeGreaterThan(0);
    const here = await embed(texts.slice(0, 2));
    expect(Math.max(...here[0]!.map((x, i) => Math.abs(x - vectors[0]![i]!)))).toBeLessThan(1e-4);
    expect(await inWorker([])).toEqual([]);
  });

  it("answers texts it has embedded from its cache, and computes only the others", async () => {
    const cache = new Map<string, Float32Array>();
    const cached = await createLocalEmbed({ cache });
    const marker = Float32Array.from({ length: 512 }, (_, i) => (i === 0 ? 1 : 0));
    cache.set("a text seen before", marker);
    const [seen, fresh] = await cached(["a text seen before", "a text never seen"]);
    expect(seen).toEqual(Array.from(marker));
    const [computed] = await embed(["a text never seen"]);
    expect(Math.max(...fresh!.map((x, i) => Math.abs(x - computed![i]!)))).toBeLessThan(1e-4);
    expect([...cache.keys()].sort()).toEqual(["a text never seen", "a text seen before"]);
  });

  it("when the cache is full, answers a call mixing its oldest entry and new texts, and holds its size", async () => {
    const cache = new Map<string, Float32Array>();
    for (let i = 0; i < LOCAL_EMBEDDING_CACHE_SIZE; i++) cache.set(`old ${i}`, Float32Array.of(i));
    const cached = await createLocalEmbed({ cache, thread: "main" });
    const [oldest, fresh, other] = await cached(["old 0", "a new text", "another new text"]);
    expect(oldest).toEqual([0]);
    expect(fresh).toHaveLength(LOCAL_EMBEDDING_DIMENSIONS);
    expect(other).toHaveLength(LOCAL_EMBEDDING_DIMENSIONS);
    expect(cache.size).toBe(LOCAL_EMBEDDING_CACHE_SIZE);
    // Used just now, so kept; the next oldest made room for the new texts.
    expect(cache.has("old 0")).toBe(true);
    expect(cache.has("old 1")).toBe(false);
    expect(cache.has("old 2")).toBe(false);
  });

  it("puts related sentences closer than unrelated ones", async () => {
    const [email, message, rm] = await embed([
      "send an email",
      "write a message to someone",
      "delete a folder",
    ]);
    const cos = (a: readonly number[], b: readonly number[]) =>
      a.reduce((s, x, i) => s + x * b[i]!, 0) / Math.hypot(...a) / Math.hypot(...b);
    expect(cos(email!, message!)).toBeGreaterThan(cos(email!, rm!) + 0.1);
  });

  it("ranks the right tool first for questions that share no word with it; the lexical ranker cannot", async () => {
    const semantic = await createToolIndex(tools, { retriever: await createLocalEmbeddingRetriever() });
    const lexical = await createToolIndex(tools, { retriever: createLexicalRetriever() });
    const firsts = async (index: typeof semantic) =>
      Promise.all(questions.map(async ([q]) => (await index.search(q, { limit: 1, detail: "name" }))[0]?.id));
    expect(await firsts(semantic)).toEqual(questions.map(([, id]) => id));
    const lexicalRight = (await firsts(lexical)).filter((id, i) => id === questions[i]![1]).length;
    expect(lexicalRight).toBeLessThan(questions.length);
  });

  it("fuses with the lexical ranker, which keeps the lead where it has evidence", async () => {
    const retriever = await createLocalHybridRetriever();
    expect(retriever.name).toBe("hybrid(lexical+use-lite)");
    const index = await createToolIndex(tools, { retriever });
    const [hit] = await index.search("get the weather forecast for Lisbon", { limit: 1 });
    expect(hit?.id).toBe("weather.get_forecast");
    // A question with no word of the tool: the lexical list is empty, the embedding decides.
    const [sunny] = await index.search("will it be sunny tomorrow in Lisbon", { limit: 1 });
    expect(sunny?.id).toBe("weather.get_forecast");
  });

  it("rejects a bad batch size or thread and texts that are not strings with CONFIG_INVALID", async () => {
    const bad = await createLocalEmbed({ batchSize: 0 }).catch((e: unknown) => e);
    expect(CodecallError.isInstance(bad) && bad.code).toBe("CONFIG_INVALID");
    const where = await createLocalEmbed({ thread: "gpu" as "main" }).catch((e: unknown) => e);
    expect(CodecallError.isInstance(where) && where.code).toBe("CONFIG_INVALID");
    const wrong = await Promise.resolve(embed([42 as unknown as string])).catch((e: unknown) => e);
    expect(CodecallError.isInstance(wrong) && wrong.code).toBe("CONFIG_INVALID");
  });
});
