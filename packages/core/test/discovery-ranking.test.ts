import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TermAnalyzer } from "../src/discovery/analyze.js";
import {
  analyze,
  createBm25Retriever,
  createEmbeddingRetriever,
  createHybridRetriever,
  createLexicalRetriever,
  formatDiscoveryScores,
  hashedEmbedding,
  type Retriever,
  scoreDiscovery,
  splitWords,
  type ToolDocument,
} from "../src/discovery/index.js";
import { Vocabulary } from "../src/discovery/vocabulary.js";
import { CodecallError } from "../src/errors.js";
import { catalogue, devTasks } from "./discovery-fixtures.js";

describe("text analysis", () => {
  it("splits identifiers on camelCase, snake_case, dashes and digits", () => {
    expect(splitWords("getHTMLPage get_weather-now v2api")).toEqual([
      "get",
      "html",
      "page",
      "get",
      "weather",
      "now",
      "v",
      "2",
      "api",
    ]);
  });
  it("stems, drops stop words, and indexes CJK by character bigrams, with no word table", () => {
    expect(analyze("Searching the files")).toEqual(["search", "file"]);
    expect(analyze("获取天气预报")).toEqual(["获取", "取天", "天气", "气预", "预报"]);
    // Porter as the library has it: no hand-made exceptions.
    expect(analyze("news maps")).toEqual(["new", "map"]);
  });
  it("gives the index the same terms as analyze, from its caches too, for every catalogue text", () => {
    const vocabulary = new Vocabulary();
    const analyzer = new TermAnalyzer(vocabulary);
    const texts = catalogue.flatMap((tool) => [
      tool.name,
      tool.description ?? "",
      tool.serverDescription ?? "",
    ]);
    texts.push("ÉCOLE straße getÄpfel 获取abc天气 x2Y", "", "获取");
    for (let pass = 0; pass < 2; pass++) {
      for (const text of texts) {
        const ids = analyzer.ids(text);
        expect(ids).toEqual(analyze(text).map((term) => vocabulary.find(term)));
      }
    }
    expect(vocabulary.find("天气")).toBeGreaterThanOrEqual(0);
    expect(vocabulary.find("not-a-term")).toBe(-1);
  });
});

describe("ranking on LiveMCPBench (527 tools, 48 dev tasks)", () => {
  it("the plain BM25 baseline lands near the README's floor (R@5 0.23, R@10 0.34, MRR 0.42)", async () => {
    const scores = await scoreDiscovery({
      tools: catalogue,
      tasks: devTasks,
      retriever: createBm25Retriever(),
    });
    expect(scores.goldNames).toBe(131);
    expect(scores.missingGoldNames).toBe(4);
    expect(Math.abs(scores.recallAt5 - 0.23)).toBeLessThan(0.05);
    expect(Math.abs(scores.recallAt10 - 0.34)).toBeLessThan(0.05);
    expect(Math.abs(scores.mrr - 0.42)).toBeLessThan(0.05);
  });

  it("the lexical ranker, knowing no task word, beats the baseline on every metric (Recall@5 0.37+, MRR 0.5+)", async () => {
    const base = await scoreDiscovery({
      tools: catalogue,
      tasks: devTasks,
      retriever: createBm25Retriever(),
    });
    const lexical = await scoreDiscovery({ tools: catalogue, tasks: devTasks });
    expect(lexical.retriever).toBe("lexical");
    expect(lexical.recallAt5).toBeGreaterThan(base.recallAt5 * 1.4);
    expect(lexical.recallAt10).toBeGreaterThan(base.recallAt10);
    expect(lexical.mrr).toBeGreaterThan(base.mrr * 1.2);
    expect(lexical.recallAt5).toBeGreaterThanOrEqual(0.37);
    expect(lexical.mrr).toBeGreaterThanOrEqual(0.5);
    expect(lexical.ndcgAt10).toBeGreaterThan(base.ndcgAt10);
    const table = formatDiscoveryScores([base, lexical]);
    expect(table.split("\n")).toHaveLength(4);
    expect(table).toContain("Recall@5");
  });

  it("an English question reaches a tool described only in Chinese", async () => {
    const index = await createLexicalRetriever().index(catalogue);
    const hits = await index.search("search the web with Bing", { limit: 5 });
    expect(hits.map((hit) => catalogue[hit.doc]!.id)).toContain("bing-cn-mcp.bing_search");
  });

  it("weighs words inside paths below words of the request", async () => {
    const tool = (name: string, description: string): ToolDocument => ({
      id: name,
      name,
      server: "s",
      description,
    });
    const docs = [tool("markdown_tool", "Works on markdown."), tool("report_tool", "Works on a report.")];
    const index = await createLexicalRetriever({ ngramWeight: 0, feedbackWeight: 0 }).index(docs);
    // `markdown` comes only from the path; `report` is asked for.
    const hits = await index.search("write a report to /root/markdown/a.md", { limit: 2 });
    expect(hits.map((hit) => hit.doc)).toEqual([1, 0]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it("breaks ties by position and honours the filter and limit", async () => {
    const twin = (id: string): ToolDocument => ({
      id,
      name: "read_file",
      server: "s",
      description: "Read a file.",
    });
    const index = await createLexicalRetriever().index([twin("b"), twin("a"), twin("c")]);
    const hits = await index.search("read file", { limit: 2 });
    expect(hits.map((hit) => hit.doc)).toEqual([0, 1]);
    expect(hits[0]!.score).toBe(hits[1]!.score);
    expect(
      (await index.search("read file", { limit: 5, filter: (doc) => doc === 2 })).map((h) => h.doc),
    ).toEqual([2]);
  });

  it("scores any retriever plugged in through the interface, counting missing gold names as misses", async () => {
    // An oracle that ranks exactly the task's gold tools first: recall is 1 except for names no tool has.
    const oracle: Retriever = {
      name: "oracle",
      index: (docs) => ({
        search: (query, { limit }) => {
          const gold = new Set(devTasks.find((task) => task.question === query)!.gold);
          return docs.flatMap((doc, i) => (gold.has(doc.name) ? [{ doc: i, score: 1 }] : [])).slice(0, limit);
        },
      }),
    };
    const scores = await scoreDiscovery({ tools: catalogue, tasks: devTasks, retriever: oracle });
    expect(scores.retriever).toBe("oracle");
    expect(scores.mrr).toBeGreaterThan(0.95);
    expect(scores.recallAt10).toBeLessThan(1);
    expect(scores.recallAt10).toBeGreaterThan(0.95);
    const none: Retriever = { name: "none", index: () => ({ search: () => [] }) };
    const empty = await scoreDiscovery({ tools: catalogue, tasks: devTasks, retriever: none });
    expect([empty.recallAt5, empty.recallAt10, empty.mrr, empty.ndcgAt10]).toEqual([0, 0, 0, 0]);
  });
});

describe("embedding retrievers (a deterministic local embedding standing in for a model)", () => {
  const docs: ToolDocument[] = [
    { id: "fs.read_file", name: "read_file", server: "fs", description: "Read a text file from disk." },
    { id: "mail.send_email", name: "send_email", server: "mail", description: "Send an email message." },
    { id: "web.fetch_page", name: "fetch_page", server: "web", description: "Fetch a web page by URL." },
  ];

  it("embeds tools with embed and each query with embedQuery", async () => {
    const seen: string[][] = [];
    const queries: string[][] = [];
    const base = hashedEmbedding(128);
    const retriever = createEmbeddingRetriever({
      embed: (texts) => {
        seen.push(texts);
        return base(texts);
      },
      embedQuery: (texts) => {
        queries.push(texts);
        return base(texts);
      },
    });
    const index = await retriever.index(docs);
    const hits = await index.search("send an email message", { limit: 3 });
    expect(hits[0]!.doc).toBe(1);
    expect(seen.flat()).toHaveLength(docs.length);
    expect(queries).toEqual([["send an email message"]]);
  });

  it("refuses vectors of the wrong shape with CONFIG_INVALID", async () => {
    const ragged = createEmbeddingRetriever({
      embed: (texts) => texts.map((_, i) => new Array(i + 1).fill(1)),
    });
    await expect(ragged.index(docs)).rejects.toMatchObject({ code: "CONFIG_INVALID" });
  });

  describe("a ranker whose first index failed", () => {
    // Minutes pass by the clock alone; the warnings of the failed index are expected here.
    const onWarning = () => undefined;
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ["Date"] });
      process.on("warning", onWarning);
    });
    afterEach(() => {
      vi.useRealTimers();
      process.off("warning", onWarning);
    });
    /** Fails its first index; later ones answer `hits(documents)` to every query. */
    function flakyRanker(hits: (documents: readonly unknown[]) => Array<{ doc: number; score: number }>) {
      const ranker = {
        attempts: 0,
        retriever: {
          name: "flaky",
          index: (documents) => {
            if (++ranker.attempts === 1) return Promise.reject(new Error("the embedding service is down"));
            return { search: () => hits(documents) };
          },
        } as Retriever,
      };
      return ranker;
    }

    it("is indexed again, in the background, by a search a minute later", async () => {
      // Ranks the last document first, whatever the query: its lead shows when it is fused.
      const flaky = flakyRanker((documents) => [{ doc: documents.length - 1, score: 1 }]);
      const hybrid = createHybridRetriever({
        retrievers: [createLexicalRetriever(), flaky.retriever],
        weights: [1, 5],
      });
      const index = await hybrid.index(docs);
      const top = async () => (await index.search("read a file from disk", { limit: 1 }))[0]!.doc;
      expect(await top()).toBe(0);
      expect(flaky.attempts).toBe(1);
      vi.setSystemTime(Date.now() + 30_000);
      expect(await top()).toBe(0);
      expect(flaky.attempts).toBe(1);
      vi.setSystemTime(Date.now() + 31_000);
      // This search starts the second attempt and does not wait for it; the next one has the ranker back.
      expect(await top()).toBe(0);
      expect(flaky.attempts).toBe(2);
      await new Promise((resolve) => setImmediate(resolve));
      expect(await top()).toBe(docs.length - 1);
    });

    it("coming back during a search leaves that search the weights of the rankers it asked", async () => {
      const flaky = flakyRanker(() => []);
      // Answers after the retry has landed: its hit must keep its own weight (1), not the flaky one's (100).
      const slow: Retriever = {
        name: "slow",
        index: () => ({
          search: async () => {
            await new Promise((resolve) => setTimeout(resolve, 20));
            return [{ doc: 0, score: 1 }];
          },
        }),
      };
      const hybrid = createHybridRetriever({ retrievers: [flaky.retriever, slow], weights: [100, 1] });
      const index = await hybrid.index(docs);
      vi.setSystemTime(Date.now() + 61_000);
      const [hit] = await index.search("anything", { limit: 1 });
      expect(flaky.attempts).toBe(2);
      expect(hit!.doc).toBe(0);
      expect(hit!.score).toBeLessThan(0.1);
    });
  });

  it("a hybrid keeps searching with the rankers that work when one fails (with a warning), and fails when all do or one is misconfigured", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on("warning", onWarning);
    const broken: Retriever = {
      name: "broken",
      index: () => ({
        search: () => {
          throw new CodecallError("MODEL_ERROR", "the model is down");
        },
      }),
    };
    const unbuildable: Retriever = {
      name: "unbuildable",
      index: () => Promise.reject(new Error("no model")),
    };
    for (const failing of [broken, unbuildable]) {
      const hybrid = createHybridRetriever({
        retrievers: [createLexicalRetriever(), failing],
        weights: [1, 5],
      });
      const hits = await (await hybrid.index(docs)).search("read a file from disk", { limit: 2 });
      expect(hits[0]!.doc).toBe(0);
    }
    await new Promise((resolve) => setImmediate(resolve));
    process.off("warning", onWarning);
    expect(warnings.some((w) => w.includes("the model is down"))).toBe(true);
    expect(warnings.some((w) => w.includes("no model"))).toBe(true);
    const none = createHybridRetriever({ retrievers: [broken] });
    await expect((await none.index(docs)).search("read", { limit: 2 })).rejects.toThrow("the model is down");
    // A misconfigured ranker is not hidden: vectors of the wrong shape fail the hybrid.
    const ragged = createEmbeddingRetriever({
      embed: (texts) => texts.map((_, i) => new Array(i + 1).fill(1)),
    });
    await expect(
      createHybridRetriever({ retrievers: [createLexicalRetriever(), ragged] }).index(docs),
    ).rejects.toMatchObject({ code: "CONFIG_INVALID" });
  });
});
