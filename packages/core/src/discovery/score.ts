/** Retrieval quality of a ranker on annotated tasks: Recall@5, Recall@10, MRR and nDCG@10. */
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
}

/** Per-task figures, for finding where a ranker fails. */
export interface TaskScore {
  id: string;
  /** Rank (1-based) of each gold name's first tool, `null` when not in the top 10 or not in the catalogue. */
  ranks: Record<string, number | null>;
  reciprocalRank: number;
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
  const { tools, tasks } = options;
  const retriever = options.retriever ?? createLexicalRetriever();
  const index = await retriever.index(tools);
  const names = new Set(tools.map((tool) => tool.name));
  let r5 = 0;
  let r10 = 0;
  let mrr = 0;
  let ndcg = 0;
  let goldNames = 0;
  let missing = 0;
  const perTask: TaskScore[] = [];
  for (const task of tasks) {
    const hits = await index.search(task.question, { limit: DEPTH });
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
    if (gold.size) {
      r5 += found.filter((rank) => rank !== null && rank <= 5).length / gold.size;
      r10 += found.filter((rank) => rank !== null).length / gold.size;
      ndcg += dcg / ideal;
    }
    mrr += reciprocalRank;
    perTask.push({ id: task.id, ranks, reciprocalRank });
  }
  const n = Math.max(1, tasks.length);
  return {
    retriever: retriever.name,
    tasks: tasks.length,
    goldNames,
    missingGoldNames: missing,
    recallAt5: round(r5 / n),
    recallAt10: round(r10 / n),
    mrr: round(mrr / n),
    ndcgAt10: round(ndcg / n),
    perTask,
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
