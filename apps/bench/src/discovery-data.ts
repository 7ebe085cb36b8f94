/** What the discovery suite and the discovery experiments share: the vendored LiveMCPBench data and a bigger catalogue made from it. */
import { readFileSync } from "node:fs";
import type { DiscoveryFigures, RetrieverIndex, ToolDocument } from "@codecall/core/discovery";
import { median, round } from "./stats.js";

/** A file of the vendored LiveMCPBench data (`data/livemcpbench/`), parsed. */
export function liveMcpBenchData(file: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../data/livemcpbench/${file}`, import.meta.url), "utf8"));
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
