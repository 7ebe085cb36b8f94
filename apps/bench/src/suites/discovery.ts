/**
 * Discovery: retrieval quality of the lexical ranker and plain BM25 on LiveMCPBench (with a split-half
 * cross-check), and index build and query time at 10,000 tools (the real 527 varied into copies).
 */
import { readFileSync } from "node:fs";
import {
  createBm25Retriever,
  createLexicalRetriever,
  formatDiscoveryScores,
  liveMcpBenchTasks,
  liveMcpBenchTools,
  scoreDiscovery,
  type ToolDocument,
} from "@codecall/core/discovery";
import { median, round, timeRuns } from "../stats.js";

export const name = "discovery";

const data = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../../../data/livemcpbench/${file}`, import.meta.url), "utf8"));

/** `count` tools made from the real ones: copies under renamed servers, with words of other tools mixed in. */
function varied(tools: ToolDocument[], count: number): ToolDocument[] {
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

export async function run(): Promise<Record<string, unknown>> {
  const tools = liveMcpBenchTools(data("tools.json"));
  const tasks = liveMcpBenchTasks(data("tasks.dev.json"));
  const strip = ({ perTask: _, ...rest }: Awaited<ReturnType<typeof scoreDiscovery>>) => rest;
  const lexical = await scoreDiscovery({ tools, tasks, retriever: createLexicalRetriever() });
  const bm25 = await scoreDiscovery({ tools, tasks, retriever: createBm25Retriever() });
  const even = tasks.filter((_, i) => i % 2 === 0);
  const odd = tasks.filter((_, i) => i % 2 === 1);
  const half = async (part: typeof tasks) => strip(await scoreDiscovery({ tools, tasks: part }));
  process.stderr.write(`${formatDiscoveryScores([bm25, lexical])}\n`);

  const large = varied(tools, 10_000);
  const retriever = createLexicalRetriever();
  const buildMs = await timeRuns(() => retriever.index(large), 5, 1);
  const index = await retriever.index(large);
  const queryMs: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const task of tasks) {
      const t0 = performance.now();
      await index.search(task.question, { limit: 10 });
      queryMs.push(performance.now() - t0);
    }
  }
  return {
    quality: {
      lexical: strip(lexical),
      bm25: strip(bm25),
      table: formatDiscoveryScores([bm25, lexical]),
      crossCheck: {
        note: "Weights were chosen on the even-numbered dev tasks; later ranking changes were kept only if neither half got worse.",
        even: await half(even),
        odd: await half(odd),
      },
    },
    speed: {
      tools: large.length,
      buildMedianMs: round(median(buildMs)),
      queryMedianMs: round(median(queryMs)),
      queryP95Ms: round(queryMs.sort((a, b) => a - b)[Math.floor(queryMs.length * 0.95)]!),
    },
  };
}
