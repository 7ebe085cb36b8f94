import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  benchDiscovery,
  clauses,
  createBm25Retriever,
  createHybridRetriever,
  createLexicalRetriever,
  crossValidate,
  type Retriever,
  randomSettings,
  reciprocalRankFusion,
  scoreDiscovery,
  searchQueries,
  type ToolDocument,
} from "../src/discovery/index.js";
import { catalogue, devTasks } from "./discovery-fixtures.js";

const tool = (id: string, description: string, extra: Partial<ToolDocument> = {}): ToolDocument => ({
  id,
  name: id.split(".")[1]!,
  server: id.split(".")[0]!,
  description,
  ...extra,
});

/**
 * A server whose core tool (`create_document`) shares no word with the question, beside tools of other
 * servers that match it word for word.
 */
const WORD_SERVER = (() => {
  const server = { serverDescription: "Create and edit Word documents" };
  const docs = [
    tool("docs.add_table", "Adds a table of values to a document.", server),
    tool("docs.search_replace", "Searches text in a document and replaces it.", server),
    tool("docs.get_text", "Gets the text of a document.", server),
    tool("docs.create_document", "Creates a new Word document.", server),
    tool("docs.add_paragraph", "Adds a paragraph to a document.", server),
    tool("sheets.sales_table", "Reads the sales table of a spreadsheet."),
    tool("sheets.quarterly_sales", "Sums quarterly sales."),
    tool("charts.table_chart", "Draws a chart of a table."),
    tool("notes.sales_summary", "Writes a summary of sales figures."),
    tool("notes.quarterly_summary", "Writes a quarterly summary."),
  ];
  return { docs, query: "add a table of quarterly sales to the report document" };
})();

const ids = async (docs: ToolDocument[], query: string, options = {}) => {
  const index = await createLexicalRetriever(options).index(docs);
  return (await index.search(query, { limit: docs.length })).map((hit) => docs[hit.doc]!.id);
};

describe("what the ranker knows comes from the tools' own text", () => {
  it("has no word table in its sources (no synonym list, glossary or stem exceptions)", () => {
    const dir = new URL("../src/discovery/", import.meta.url);
    for (const file of readdirSync(dir)) {
      const source = readFileSync(new URL(file, dir), "utf8");
      expect(source, file).not.toMatch(/SYNONYM|GLOSSARY|STEM_EXCEPTIONS/);
      // A CJK word table would show as quoted Chinese strings.
      expect(source, file).not.toMatch(/"[\u4e00-\u9fff]{2,}"/);
    }
  });

  it("finds a tool by an enum value of its parameters", async () => {
    const docs = [
      tool("units.convert", "Converts a quantity.", {
        inputSchema: {
          type: "object",
          properties: { unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
        },
      }),
      tool("text.translate", "Converts text to another language."),
    ];
    expect((await ids(docs, "fahrenheit please"))[0]).toBe("units.convert");
  });

  it("finds a tool by a field of its output schema", async () => {
    const docs = [
      tool("geo.lookup", "Looks a place up.", {
        outputSchema: {
          type: "object",
          properties: { latitude: { type: "number" }, longitude: { type: "number" } },
        },
      }),
      tool("geo.describe", "Describes a place."),
    ];
    expect((await ids(docs, "latitude of a place"))[0]).toBe("geo.lookup");
  });

  it("lets a tool inherit its server's words, and its siblings share the best sibling's score", async () => {
    const docs = [
      tool("stocks.quote", "Gets a quote.", { serverDescription: "Stock market data" }),
      tool("stocks.history", "Gets past values.", { serverDescription: "Stock market data" }),
      tool("weather.today", "Gets the day's weather.", { serverDescription: "Daily weather" }),
    ];
    const ranked = await ids(docs, "stock market quote");
    expect(ranked[0]).toBe("stocks.quote");
    expect(ranked[1]).toBe("stocks.history");
  });

  it("gives the best tool's server slots for its core tools, ranked by the server's own description", async () => {
    const { docs, query } = WORD_SERVER;
    const top5 = async (options = {}) => (await ids(docs, query, options)).slice(0, 5);
    // The question never says "create": only the server's description ranks that tool first among its own.
    expect(await top5({ serverSlots: 0 })).not.toContain("docs.create_document");
    const slotted = await top5();
    expect(slotted[0]).toBe("docs.add_table");
    expect(slotted).toContain("docs.create_document");
    expect(slotted.filter((id) => id.startsWith("docs.")).length).toBe(3);
    // A filtered search (one server's tools) is the ranking's own; the slots keep the number of hits and
    // non-increasing scores.
    const index = await createLexicalRetriever().index(docs);
    const plainIndex = await createLexicalRetriever({ serverSlots: 0 }).index(docs);
    const inDocs = (doc: number) => docs[doc]!.server === "docs";
    const filtered = await index.search(query, { limit: 5, filter: inDocs });
    expect(filtered).toEqual(await plainIndex.search(query, { limit: 5, filter: inDocs }));
    // A list shorter than the slots' window is the ranking's own.
    const short = await index.search(query, { limit: 3 });
    const plain = await plainIndex.search(query, { limit: 3 });
    expect(short.map((hit) => hit.doc)).toEqual(plain.map((hit) => hit.doc));
    const hits = await index.search(query, { limit: 7 });
    expect(hits).toHaveLength(7);
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
  });

  it("a hybrid gives the lexical ranker's server slots to the fused ranking, not fused into it", async () => {
    const { docs, query } = WORD_SERVER;
    // A second ranker that agrees with the lexical one on the best tool and puts the core tool last.
    const second: Retriever = {
      name: "second",
      index: (documents) => ({
        search: (_query, { limit }) =>
          documents
            .map((_, doc) => ({
              doc,
              score: documents[doc]!.id === "docs.create_document" ? 0.1 : doc === 0 ? 2 : 1,
            }))
            .sort((a, b) => b.score - a.score || a.doc - b.doc)
            .slice(0, limit),
      }),
    };
    const hybrid = createHybridRetriever({ retrievers: [createLexicalRetriever(), second] });
    const top5 = (await (await hybrid.index(docs)).search(query, { limit: 5 })).map(
      (hit) => docs[hit.doc]!.id,
    );
    expect(top5[0]).toBe("docs.add_table");
    // Fusing the slotted list would rank the core tool below five tools both rankers hold above it.
    expect(top5).toContain("docs.create_document");
    expect(top5.filter((id) => id.startsWith("docs.")).length).toBe(3);
  });

  it("orders the first five by the tool's score and its server's joint score, keeping which tools they are", async () => {
    const travel = { serverDescription: "Plan a trip: its budget, currency exchange rates and flights" };
    const units = { serverDescription: "Converts between units of measure" };
    const docs = [
      tool("units.convert_currency", "Converts an amount of currency.", units),
      tool("units.convert_length", "Converts a length.", units),
      tool("units.convert_weight", "Converts a weight.", units),
      tool("units.list_units", "Lists the units it knows.", units),
      tool("travel.exchange_rates", "Gets today's currency exchange rates.", travel),
      tool("travel.plan_budget", "Plans the budget of a trip.", travel),
      tool("travel.book_flight", "Books a flight.", travel),
      tool("notes.write", "Writes a note."),
    ];
    const query = "convert currency for a trip budget";
    const off = await ids(docs, query, { jointServerWeight: 0 });
    const on = await ids(docs, query);
    // Together the travel server's tools cover the question better than the units server's, so its
    // exchange-rate tool comes before the units server's length converter, which alone scores as much.
    expect(off.indexOf("travel.exchange_rates")).toBeGreaterThan(off.indexOf("units.convert_length"));
    expect(on.indexOf("travel.exchange_rates")).toBeLessThan(on.indexOf("units.convert_length"));
    expect(new Set(on.slice(0, 5))).toEqual(new Set(off.slice(0, 5)));
    expect(on.slice(5)).toEqual(off.slice(5));
    const hits = await (await createLexicalRetriever().index(docs)).search(query, { limit: 8 });
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
  });

  it("gives no server slots to a server whose own text tells its tools apart in no way", async () => {
    // No description: every tool matches the server's name alike, so it has no core tools to promote
    // (its first tools in catalogue order are no better than any other).
    const docs = [
      tool("github.add_label", "Adds a label."),
      tool("github.add_comment", "Adds a comment."),
      tool("github.close_issue", "Closes an issue."),
      tool("github.list_issues", "Lists the issues of a repository."),
      tool("jira.close_ticket", "Closes an issue ticket."),
      tool("jira.reopen_ticket", "Reopens an issue."),
      tool("gitlab.merge", "Merges the branch of an issue."),
      tool("notes.list_notes", "Lists notes."),
    ];
    const query = "close the issue";
    expect(await ids(docs, query, { jointServerWeight: 0 })).toEqual(
      await ids(docs, query, { serverSlots: 0 }),
    );
  });

  it("leaves a filtered search (one server's tools) to the ranking's own order", async () => {
    const server = { serverDescription: "Read and write files on disk" };
    const docs = [
      tool("fs.delete_file", "Deletes a file.", server),
      tool("fs.delete_directory", "Deletes a directory.", server),
      tool("fs.delete_tree", "Deletes a directory tree.", server),
      tool("fs.delete_link", "Deletes a symbolic link.", server),
      tool("fs.delete_temp", "Deletes temporary entries.", server),
      tool("fs.read_file", "Reads a file from disk.", server),
      tool("fs.write_file", "Writes a file to disk.", server),
      tool("web.delete_page", "Deletes a web page."),
    ];
    const inFs = (doc: number) => docs[doc]!.server === "fs";
    const search = async (serverSlots?: number) =>
      (await createLexicalRetriever(serverSlots === undefined ? {} : { serverSlots }).index(docs)).search(
        "delete",
        {
          limit: 5,
          filter: inFs,
        },
      );
    expect(await search()).toEqual(await search(0));
  });

  it("matches an identifier written as one word by character trigrams", async () => {
    const docs = [tool("charts.wordcloud", "Draws a picture."), tool("charts.bars", "Draws bars.")];
    expect((await ids(docs, "word cloud", { feedbackWeight: 0 }))[0]).toBe("charts.wordcloud");
    const without = await createLexicalRetriever({ ngramWeight: 0, feedbackWeight: 0 }).index(docs);
    expect(await without.search("word cloud", { limit: 2 })).toEqual([]);
  });

  it("splits a long request into clauses", () => {
    expect(clauses("Find the weather in Paris, then write a summary file and email it to Bob.")).toEqual([
      "Find the weather in Paris",
      "write a summary file",
      "email it to Bob.",
    ]);
    expect(clauses("weather in Paris")).toEqual([]);
  });
});

describe("fusion and several queries", () => {
  it("fuses rankings by reciprocal rank, ties to the earlier document", () => {
    const fused = reciprocalRankFusion(
      [
        [
          { doc: 1, score: 9 },
          { doc: 2, score: 5 },
        ],
        [
          { doc: 2, score: 0.9 },
          { doc: 3, score: 0.1 },
        ],
      ],
      3,
    );
    expect(fused.map((hit) => hit.doc)).toEqual([2, 1, 3]);
    expect(
      reciprocalRankFusion([[{ doc: 4, score: 1 }], [{ doc: 3, score: 1 }]], 2).map((h) => h.doc),
    ).toEqual([3, 4]);
  });

  it("a list of queries finds the tools of each sub-task", async () => {
    const index = await createLexicalRetriever().index(catalogue);
    const one = await searchQueries(index, "get the weather forecast and write the result to a file", {
      limit: 6,
    });
    const many = await searchQueries(index, ["weather forecast", "write a file"], { limit: 6 });
    const names = (hits: typeof many) => hits.map((hit) => catalogue[hit.doc]!.name);
    expect(names(many).some((name) => /weather|forecast/i.test(name))).toBe(true);
    expect(names(many)).toContain("write_file");
    expect(one.length).toBe(6);
  });
});

describe("cross-validation", () => {
  it("picks per fold on the other folds and scores every task once, held out", async () => {
    const cv = await crossValidate({
      tools: catalogue,
      tasks: devTasks,
      folds: 4,
      candidates: [
        { name: "bm25", retriever: createBm25Retriever() },
        { name: "lexical", retriever: createLexicalRetriever() },
      ],
    });
    expect(cv.folds).toHaveLength(4);
    expect(cv.heldOut.tasks).toBe(48);
    expect(cv.folds.map((f) => f.test.tasks)).toEqual([12, 12, 12, 12]);
    // The lexical ranker wins every training split, so held-out equals its whole-set figures.
    for (const fold of cv.folds) expect(fold.chosen).toBe("lexical");
    const whole = await scoreDiscovery({ tools: catalogue, tasks: devTasks });
    expect(cv.heldOut.recallAt5).toBeCloseTo(whole.recallAt5, 2);
    expect(cv.heldOut.mrr).toBeCloseTo(whole.mrr, 2);
    expect(cv.heldOut.recallAt5).toBeGreaterThan(cv.heldOutBaseline.recallAt5);
    expect(cv.gainRatio.recallAt5).toBeGreaterThan(0.5);
  });
});

describe("held-out ablation", () => {
  it("holds a component off in every random setting, the default included", () => {
    const off = randomSettings(6, 7, { ngramWeight: 0, fields: { output: { weight: 0, b: 0.75 } } });
    expect(off).toHaveLength(6);
    for (const candidate of off.slice(1)) {
      const setting = JSON.parse(candidate.name);
      expect(setting.ngramWeight).toBe(0);
      expect(setting.fields.output.weight).toBe(0);
      // The other knobs still vary: the override replaces one knob, not the setting.
      expect(setting.fields.name).toBeDefined();
    }
    const plain = randomSettings(6, 7).map((c) => c.name);
    expect(off.map((c) => c.name)).not.toEqual(plain);
  });

  it("scores each component on held-out folds, tuned with it available vs. off", async () => {
    const report = await benchDiscovery({
      tools: catalogue,
      tasks: devTasks,
      settings: 0,
      ablationSettings: 3,
    });
    expect(report.ablation.length).toBeGreaterThan(3);
    const withIt = report.ablation[0]!.heldOut!.withIt;
    for (const row of report.ablation) {
      const held = row.heldOut!;
      // One tuning with everything available, shared by all rows.
      expect(held.withIt).toEqual(withIt);
      expect(held.worth.recallAt5).toBeCloseTo(withIt.recallAt5 - held.without.recallAt5, 3);
      expect(held.worth.mrr).toBeCloseTo(withIt.mrr - held.without.mrr, 3);
    }
    // Holding a component off changes the ranking somewhere (else the ablation would measure nothing).
    expect(report.ablation.some((row) => row.heldOut!.worth.mrr !== 0)).toBe(true);
    // Without `ablationSettings` there is no held-out ablation.
    const plain = await benchDiscovery({ tools: catalogue, tasks: devTasks.slice(0, 8), settings: 0 });
    expect(plain.ablation.every((row) => row.heldOut === undefined)).toBe(true);
  }, 120_000);
});
