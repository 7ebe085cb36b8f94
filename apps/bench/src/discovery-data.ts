/** What the discovery suite and the discovery experiments share: the vendored LiveMCPBench data and a bigger catalogue made from it. */
import { readFileSync } from "node:fs";
import {
  createEmbeddingRetriever,
  type DiscoveryFigures,
  type DiscoveryTask,
  liveMcpBenchTasks,
  liveMcpBenchTools,
  type Retriever,
  type RetrieverIndex,
  type ToolDocument,
} from "@codecall/core/discovery";
import { median, round } from "./stats.js";

/** A file of the vendored LiveMCPBench data (`data/livemcpbench/`), parsed. */
export function liveMcpBenchData(file: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../data/livemcpbench/${file}`, import.meta.url), "utf8"));
}

/** The vendored LiveMCPBench catalogue and its 48 dev tasks, as the experiments read them. */
export function devData(): { tools: ToolDocument[]; tasks: DiscoveryTask[] } {
  return {
    tools: liveMcpBenchTools(liveMcpBenchData("tools.json")),
    tasks: liveMcpBenchTasks(liveMcpBenchData("tasks.dev.json")),
  };
}

/**
 * The optional local English model (`@codecall/embeddings-en`) as an embedding ranker, each text embedded
 * once per process: the experiments index the same catalogue in every fold.
 */
export async function memoizedLocalModel(): Promise<Retriever> {
  const { createLocalEmbed } = await import("@codecall/embeddings-en");
  const raw = await createLocalEmbed();
  const cache = new Map<string, readonly number[]>();
  return createEmbeddingRetriever({
    name: "use-lite",
    batchSize: 1024,
    embed: async (texts) => {
      const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
      if (missing.length) for (const [i, v] of (await raw(missing)).entries()) cache.set(missing[i]!, v);
      return texts.map((t) => cache.get(t)!);
    },
  });
}

/** `count` tools made from the real ones: copies under renamed servers, with words of other tools mixed in. */
export function varied(tools: ToolDocument[], count: number): ToolDocument[] {
  return Array.from({ length: count }, (_, i) => {
    const tool = tools[i % tools.length]!;
    const other = tools[(i * 7 + 3) % tools.length]!;
    const copy = Math.floor(i / tools.length);
    return {
      ...tool,
      id: `${tool.server}_${copy}.${tool.name}`,
      server: `${tool.server}_${copy}`,
      description: `${tool.description ?? ""} ${copy ? (other.description ?? "").slice(0, 80) : ""}`,
    };
  });
}

/** One line of an experiment's table: the name padded to `width`, then R@5, R@10 and MRR. */
export function figuresRow(
  name: string,
  f: Pick<DiscoveryFigures, "recallAt5" | "recallAt10" | "mrr">,
  width: number,
): string {
  const f3 = (v: number) => v.toFixed(3);
  return `${name.padEnd(width)} ${f3(f.recallAt5)}  ${f3(f.recallAt10)}  ${f3(f.mrr)}`;
}

/**
 * Prints each index's median and p95 query time over `questions`, sampled round robin (the first of six
 * passes warms up).
 */
export async function printQueryTimes(
  indexes: Record<string, RetrieverIndex>,
  questions: readonly string[],
): Promise<void> {
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(indexes).map((name) => [name, []]));
  for (let pass = 0; pass < 6; pass++)
    for (const question of questions)
      for (const [name, index] of Object.entries(indexes)) {
        const t0 = performance.now();
        await index.search(question, { limit: 10 });
        if (pass > 0) ms[name]!.push(performance.now() - t0);
      }
  console.log(`\nQuery time at 10,000 tools (5 rounds of the ${questions.length} questions):`);
  for (const [name, list] of Object.entries(ms))
    console.log(
      `  ${name.padEnd(44)} median ${round(median(list))} ms, p95 ${round(list.sort((a, b) => a - b)[Math.floor(list.length * 0.95)]!)} ms`,
    );
}
