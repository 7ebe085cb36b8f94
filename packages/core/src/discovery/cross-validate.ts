/**
 * K-fold cross-validation of ranker choices: on each fold, the candidate that scores best on the other
 * folds is picked and scored on the held-out fold. The held-out figures estimate how a ranker tuned on
 * some tasks does on tasks it never saw; the gap to the training figures shows how much tuning overfits.
 */
import { createBm25Retriever } from "./baseline.js";
import type { DiscoveryTask } from "./livemcpbench.js";
import {
  type DiscoveryScores,
  type ScoreDiscoveryOptions,
  scoreDiscovery,
  summarizeTasks,
  type TaskScore,
} from "./score.js";
import type { Retriever, ToolDocument } from "./types.js";

/** The mean figures of some tasks. */
export type DiscoveryFigures = Pick<
  DiscoveryScores,
  "tasks" | "recallAt5" | "recallAt10" | "mrr" | "ndcgAt10"
>;

/** One ranker setting to choose from. */
export interface RankerCandidate {
  name: string;
  retriever: Retriever;
}

/** What {@link crossValidate} takes. */
export interface CrossValidateOptions {
  tools: readonly ToolDocument[];
  tasks: readonly DiscoveryTask[];
  candidates: readonly RankerCandidate[];
  /** What the gain is measured against. Default: plain BM25. */
  baseline?: Retriever;
  /** Number of folds; task `i` is in fold `i % folds`. Default 4. */
  folds?: number;
  /** What "best on the training folds" means. Default: the mean of Recall@5 and MRR. */
  objective?: (figures: DiscoveryFigures) => number;
  queries?: ScoreDiscoveryOptions["queries"];
}

/** One fold's pick and its figures. */
export interface FoldResult {
  fold: number;
  /** The candidate that scored best on the training folds. */
  chosen: string;
  train: DiscoveryFigures;
  trainBaseline: DiscoveryFigures;
  test: DiscoveryFigures;
  testBaseline: DiscoveryFigures;
}

/** The result of {@link crossValidate}. */
export interface CrossValidation {
  folds: FoldResult[];
  /** Every task scored once, by the candidate chosen without it. */
  heldOut: DiscoveryFigures;
  heldOutBaseline: DiscoveryFigures;
  /** Mean over folds of the chosen candidate on its training folds. */
  training: DiscoveryFigures;
  trainingBaseline: DiscoveryFigures;
  /** Held-out gain over the baseline divided by training gain, per metric (1 means no overfitting). */
  gainRatio: { recallAt5: number; mrr: number };
  /** Each candidate's figures on all tasks, for the record (not used to choose). */
  whole: Record<string, DiscoveryFigures>;
}

/** The default objective: Recall@5 and MRR weigh the same. */
export const recallAndMrr = (f: DiscoveryFigures) => (f.recallAt5 + f.mrr) / 2;

/** Cross-validates a choice among rankers; each candidate is scored once per task, folds are sums of those. */
export async function crossValidate(options: CrossValidateOptions): Promise<CrossValidation> {
  const { tools, tasks, candidates, folds = 4, objective = recallAndMrr } = options;
  const score = async (retriever: Retriever) =>
    (
      await scoreDiscovery({
        tools,
        tasks,
        retriever,
        ...(options.queries ? { queries: options.queries } : {}),
      })
    ).perTask;
  const base = await score(options.baseline ?? createBm25Retriever());
  const perCandidate: TaskScore[][] = [];
  for (const candidate of candidates) perCandidate.push(await score(candidate.retriever));
  const pick = (rows: readonly TaskScore[], fold: number, held: boolean) =>
    rows.filter((_, i) => (i % folds === fold) === held);
  const results: FoldResult[] = [];
  const heldOut: TaskScore[] = [];
  const heldOutBase: TaskScore[] = [];
  for (let fold = 0; fold < folds; fold++) {
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    perCandidate.forEach((rows, c) => {
      const value = objective(figures(pick(rows, fold, false)));
      if (value > bestValue) {
        bestValue = value;
        best = c;
      }
    });
    heldOut.push(...pick(perCandidate[best]!, fold, true));
    heldOutBase.push(...pick(base, fold, true));
    results.push({
      fold,
      chosen: candidates[best]!.name,
      train: figures(pick(perCandidate[best]!, fold, false)),
      trainBaseline: figures(pick(base, fold, false)),
      test: figures(pick(perCandidate[best]!, fold, true)),
      testBaseline: figures(pick(base, fold, true)),
    });
  }
  const training = meanFigures(results.map((r) => r.train));
  const trainingBaseline = meanFigures(results.map((r) => r.trainBaseline));
  const held = figures(heldOut);
  const heldBase = figures(heldOutBase);
  const ratio = (metric: "recallAt5" | "mrr") => {
    const trainGain = training[metric] - trainingBaseline[metric];
    return round(trainGain > 0 ? (held[metric] - heldBase[metric]) / trainGain : 0);
  };
  return {
    folds: results,
    heldOut: held,
    heldOutBaseline: heldBase,
    training,
    trainingBaseline,
    gainRatio: { recallAt5: ratio("recallAt5"), mrr: ratio("mrr") },
    whole: Object.fromEntries(candidates.map((c, i) => [c.name, figures(perCandidate[i]!)])),
  };
}

function figures(rows: readonly TaskScore[]): DiscoveryFigures {
  const { perTask: _, ...rest } = summarizeTasks(rows);
  return rest;
}

function meanFigures(list: readonly DiscoveryFigures[]): DiscoveryFigures {
  const mean = (pick: (f: DiscoveryFigures) => number) =>
    round(list.reduce((sum, f) => sum + pick(f), 0) / Math.max(1, list.length));
  return {
    tasks: list.reduce((sum, f) => sum + f.tasks, 0) / Math.max(1, list.length),
    recallAt5: mean((f) => f.recallAt5),
    recallAt10: mean((f) => f.recallAt10),
    mrr: mean((f) => f.mrr),
    ndcgAt10: mean((f) => f.ndcgAt10),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
