/** Retrieval quality of a ranker on annotated tasks: Recall@5, Recall@10, MRR and nDCG@10. */
import { searchQueries } from "./fusion.js";
import { createLexicalRetriever } from "./lexical.js";
import type { DiscoveryTask } from "./livemcpbench.js";
import type { Retriever, ToolDocument } from "./types.js";

/** What {@link scoreDiscovery} scores. */
export interface ScoreDiscoveryOptions {
  /** The catalogue. */
  tools: readonly ToolDocument[];
  /** The tasks, e.g. from `liveMcpBenchTasks`. */
  tasks: readonly DiscoveryTask[];
  /** The ranker; the lexical one by default. */
  retriever?: Retriever;
  /**
   * The query or queries searched for a task (several are fused, as `search_tools` does with a list).
   * Default: the task's question.
   */
  queries?: (task: DiscoveryTask) => string | readonly string[];
}

/** Per-task figures, for finding where a ranker fails. */
export interface TaskScore {
  id: string;
  /** Rank (1-based) of each gold name's first tool, `null` when not in the top 10 or not in the catalogue. */
  ranks: Record<string, number | null>;
  reciprocalRank: number;
  recallAt5: number;
  recallAt10: number;
  ndcgAt10: number;
}

/** Mean figures over all tasks (each task weighs the same). */
export interface DiscoveryScores {
  retriever: string;
  tasks: number;
  /** Gold tool names across tasks, and how many of them no catalogue tool has (scored as misses). */
  goldNames: number;
  missingGoldNames: number;
  recallAt5: number;
  recallAt10: number;
  mrr: number;
  ndcgAt10: number;
  perTask: TaskScore[];
}

const DEPTH = 10;

/**
 * Scores a ranker: each task's question is the query and its gold tool names the relevant set. A tool is
 * relevant when its `name` is a gold name (a name several servers share matches any of them, once);
 * gold names no tool has count as misses.
 */
export async function scoreDiscovery(options: ScoreDiscoveryOptions): Promise<DiscoveryScores> {
  const { tools, tasks, queries = (task) => task.question } = options;
  const retriever = options.retriever ?? createLexicalRetriever();
  const index = await retriever.index(tools);
  const names = new Set(tools.map((tool) => tool.name));
  let goldNames = 0;
  let missing = 0;
  const perTask: TaskScore[] = [];
  for (const task of tasks) {
    const hits = await searchQueries(index, queries(task), { limit: DEPTH });
    const gold = new Set(task.gold);
    goldNames += gold.size;
    for (const name of gold) if (!names.has(name)) missing++;
    const ranks: Record<string, number | null> = Object.fromEntries(task.gold.map((name) => [name, null]));
    let dcg = 0;
    let reciprocalRank = 0;
    hits.forEach((hit, i) => {
      const name = tools[hit.doc]!.name;
      if (!gold.has(name) || ranks[name] !== null) return;
      ranks[name] = i + 1;
      dcg += 1 / Math.log2(i + 2);
      if (reciprocalRank === 0) reciprocalRank = 1 / (i + 1);
    });
    let ideal = 0;
    for (let i = 0; i < Math.min(gold.size, DEPTH); i++) ideal += 1 / Math.log2(i + 2);
    const found = Object.values(ranks);
    const share = (n: number) => (gold.size ? n / gold.size : 0);
    perTask.push({
      id: task.id,
      ranks,
      reciprocalRank,
      recallAt5: share(found.filter((rank) => rank !== null && rank <= 5).length),
      recallAt10: share(found.filter((rank) => rank !== null).length),
      ndcgAt10: gold.size ? dcg / ideal : 0,
    });
  }
  return { retriever: retriever.name, goldNames, missingGoldNames: missing, ...summarizeTasks(perTask) };
}

/** Mean figures over some tasks' scores (a fold, say), each task weighing the same. */
export function summarizeTasks(
  perTask: readonly TaskScore[],
): Pick<DiscoveryScores, "tasks" | "recallAt5" | "recallAt10" | "mrr" | "ndcgAt10" | "perTask"> {
  const n = Math.max(1, perTask.length);
  const mean = (pick: (t: TaskScore) => number) => round(perTask.reduce((sum, t) => sum + pick(t), 0) / n);
  return {
    tasks: perTask.length,
    recallAt5: mean((t) => t.recallAt5),
    recallAt10: mean((t) => t.recallAt10),
    mrr: mean((t) => t.reciprocalRank),
    ndcgAt10: mean((t) => t.ndcgAt10),
    perTask: [...perTask],
  };
}

/** The scores of one or more rankers as a plain-text table. */
export function formatDiscoveryScores(scores: readonly DiscoveryScores[]): string {
  const header = ["retriever", "tasks", "Recall@5", "Recall@10", "MRR", "nDCG@10"];
  const rows = scores.map((s) => [
    s.retriever,
    String(s.tasks),
    ...[s.recallAt5, s.recallAt10, s.mrr, s.ndcgAt10].map((v) => v.toFixed(3)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
