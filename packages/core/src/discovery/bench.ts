/**
 * The discovery benchmark behind `codecall bench discovery` and the bench app: the default ranker and
 * plain BM25 on the whole task set, per fold, cross-validated tuning, a per-component ablation and, when
 * tasks carry annotated steps, the gain of searching with one query per sub-task.
 */
import { createBm25Retriever } from "./baseline.js";
import {
  type CrossValidation,
  crossValidate,
  type DiscoveryFigures,
  type RankerCandidate,
  recallAndMrr,
} from "./cross-validate.js";
import { createLexicalRetriever, type LexicalOptions } from "./lexical.js";
import type { DiscoveryTask } from "./livemcpbench.js";
import { scoreDiscovery, summarizeTasks, type TaskScore } from "./score.js";
import type { Retriever, ToolDocument } from "./types.js";

/** What {@link benchDiscovery} measures. */
export interface DiscoveryBenchOptions {
  tools: readonly ToolDocument[];
  tasks: readonly DiscoveryTask[];
  /** Folds for cross-validation. Default 4. */
  folds?: number;
  /** Random lexical settings the tuning picks from, per fold. Default 60; 0 skips tuning. */
  settings?: number;
  /** Seed of the random settings. Default 7. */
  seed?: number;
  /** More rankers to score on the whole set and per fold (an embedding hybrid, say). */
  extra?: readonly Retriever[];
  /**
   * Random settings per cross-validation of the held-out ablation: for each component, the tuning is run
   * again with the component off in every setting, and both are scored on held-out folds. Default 0 (no
   * held-out ablation; it costs one tuning per component).
   */
  ablationSettings?: number;
}

/** Held-out figures of the tuned ranker with a component available and with it off in every setting. */
export interface HeldOutWorth {
  withIt: Pick<DiscoveryFigures, "recallAt5" | "mrr">;
  without: Pick<DiscoveryFigures, "recallAt5" | "mrr">;
  /** `withIt` minus `without`: what the component is worth on tasks the tuning never saw. */
  worth: { recallAt5: number; mrr: number };
}

/** One component of the default ranker switched off. */
export interface AblationRow {
  component: string;
  /** The default ranker with it toggled (without it, or with it for a `+` component), on all tasks. */
  without: DiscoveryFigures;
  /** What it adds on all tasks (default minus without). */
  worth: { recallAt5: number; mrr: number };
  /** In how many folds it helps (mean of Recall@5 and MRR on the fold's tasks), of `folds`. */
  helpsInFolds: number;
  /** With `ablationSettings`: the component's worth on held-out folds, settings tuned on the others. */
  heldOut?: HeldOutWorth;
}

/** The result of {@link benchDiscovery}. */
export interface DiscoveryBench {
  tools: number;
  tasks: number;
  folds: number;
  /** Each ranker on all tasks. */
  whole: Record<string, DiscoveryFigures>;
  /** Each ranker per fold (fixed settings, so every fold is unseen by the scoring). */
  perFold: Record<string, DiscoveryFigures[]>;
  /** Picking lexical settings on the other folds, scored on the held-out one. */
  tuned?: Omit<CrossValidation, "whole">;
  ablation: AblationRow[];
  /** Question alone vs. question plus each annotated step as its own query (fused), default ranker. */
  subQueries?: {
    question: DiscoveryFigures;
    questionAndSteps: DiscoveryFigures;
    /** Plain BM25 with the same queries: how much of the gain is the queries, how much the ranker. */
    bm25QuestionAndSteps: DiscoveryFigures;
  };
}

/**
 * The ranker's components and the setting that toggles each: off for those on by default, on for those
 * off by default (marked `+`).
 */
export const LEXICAL_COMPONENTS: Readonly<Record<string, LexicalOptions>> = {
  "parameters field (names, descriptions, enum values)": {
    fields: { parameters: { weight: 0, b: 0.75 } },
  },
  "output schema field": { fields: { output: { weight: 0, b: 0.75 } } },
  "server field (server name and description)": { fields: { server: { weight: 0, b: 0.5 } } },
  "sibling share (server grouping)": { siblingWeight: 0 },
  "server slots (core tools of the best server)": { serverSlots: 0 },
  "joint server order (of the first five)": { jointServerWeight: 0 },
  "character trigrams": { ngramWeight: 0 },
  "pseudo-relevance feedback": { feedbackWeight: 0 },
  "+clauses of long queries": { clauseWeight: 1 },
  "+server scored as its own document": { serverWeight: 0.3 },
};

/** Runs the benchmark; about a second per 10 settings on the LiveMCPBench dev set. */
export async function benchDiscovery(options: DiscoveryBenchOptions): Promise<DiscoveryBench> {
  const { tools, tasks, folds = 4, settings = 60, seed = 7 } = options;
  const rankers: Retriever[] = [createBm25Retriever(), createLexicalRetriever(), ...(options.extra ?? [])];
  const whole: Record<string, DiscoveryFigures> = {};
  const perFold: Record<string, DiscoveryFigures[]> = {};
  const perTaskOf = new Map<string, TaskScore[]>();
  for (const retriever of rankers) {
    const scores = await scoreDiscovery({ tools, tasks, retriever });
    whole[retriever.name] = figures(scores.perTask);
    perFold[retriever.name] = foldsOf(scores.perTask, folds).map(figures);
    perTaskOf.set(retriever.name, scores.perTask);
  }
  const base = perTaskOf.get("lexical")!;
  const ablation: AblationRow[] = [];
  for (const [component, toggle] of Object.entries(LEXICAL_COMPONENTS)) {
    const toggled = (await scoreDiscovery({ tools, tasks, retriever: createLexicalRetriever(toggle) }))
      .perTask;
    // For a component on by default, "with" is the default; for one off by default, the toggled ranker.
    const added = component.startsWith("+");
    const [withIt, without] = added ? [toggled, base] : [base, toggled];
    const w = figures(without);
    const d = figures(withIt);
    const byFold = foldsOf(withIt, folds).map(
      (rows, f) => recallAndMrr(figures(rows)) - recallAndMrr(figures(foldsOf(without, folds)[f]!)),
    );
    ablation.push({
      component,
      without: figures(toggled),
      worth: { recallAt5: round(d.recallAt5 - w.recallAt5), mrr: round(d.mrr - w.mrr) },
      helpsInFolds: byFold.filter((gain) => gain > 0).length,
    });
  }
  const ablationSettings = options.ablationSettings ?? 0;
  if (ablationSettings > 0) {
    const heldOut = async (override?: LexicalOptions) =>
      (
        await crossValidate({
          tools,
          tasks,
          folds,
          candidates: randomSettings(ablationSettings, seed, override),
        })
      ).heldOut;
    const withIt = pick(await heldOut());
    for (const row of ablation) {
      const without = pick(await heldOut(offSetting(row.component)));
      row.heldOut = {
        withIt,
        without,
        worth: {
          recallAt5: round(withIt.recallAt5 - without.recallAt5),
          mrr: round(withIt.mrr - without.mrr),
        },
      };
    }
  }
  let tuned: DiscoveryBench["tuned"];
  if (settings > 0) {
    const { whole: _, ...rest } = await crossValidate({
      tools,
      tasks,
      folds,
      candidates: randomSettings(settings, seed),
    });
    tuned = rest;
  }
  let subQueries: DiscoveryBench["subQueries"];
  if (tasks.some((task) => task.steps?.length)) {
    const queries = (task: DiscoveryTask) => [task.question, ...(task.steps ?? [])];
    const fused = await scoreDiscovery({ tools, tasks, queries });
    const bm25 = await scoreDiscovery({ tools, tasks, queries, retriever: createBm25Retriever() });
    subQueries = {
      question: whole["lexical"]!,
      questionAndSteps: figures(fused.perTask),
      bm25QuestionAndSteps: figures(bm25.perTask),
    };
  }
  return {
    tools: tools.length,
    tasks: tasks.length,
    folds,
    whole,
    perFold,
    ...(tuned ? { tuned } : {}),
    ablation,
    ...(subQueries ? { subQueries } : {}),
  };
}

/** The setting that turns a component of {@link LEXICAL_COMPONENTS} off (a `+` component's knobs at 0). */
function offSetting(component: string): LexicalOptions {
  const toggle = LEXICAL_COMPONENTS[component]!;
  if (!component.startsWith("+")) return toggle;
  return Object.fromEntries(Object.keys(toggle).map((key) => [key, 0])) as LexicalOptions;
}

function pick(f: DiscoveryFigures): Pick<DiscoveryFigures, "recallAt5" | "mrr"> {
  return { recallAt5: f.recallAt5, mrr: f.mrr };
}

/** `setting` with `override` laid over it (fields merged one by one). */
function overridden(setting: LexicalOptions, override?: LexicalOptions): LexicalOptions {
  if (!override) return setting;
  return { ...setting, ...override, fields: { ...setting.fields, ...override.fields } };
}

/**
 * `count` random lexical settings around the defaults (the default first), reproducible by `seed`, each
 * with `override` laid over it (to hold a component off in all of them).
 */
export function randomSettings(count: number, seed = 7, override?: LexicalOptions): RankerCandidate[] {
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const out: RankerCandidate[] = [
    { name: "default", retriever: createLexicalRetriever(overridden({}, override)) },
  ];
  for (let i = 1; i < count; i++) {
    const setting: LexicalOptions = {
      k1: pick([0.9, 1.2, 1.6]),
      siblingWeight: pick([0, 0.15, 0.3, 0.5]),
      serverWeight: pick([0, 0, 0.3, 0.6]),
      ngramWeight: pick([0, 0.2, 0.4]),
      feedbackWeight: pick([0, 0.2, 0.4]),
      clauseWeight: pick([0, 1, 2]),
      fields: {
        name: { weight: pick([2, 3, 5]), b: 0.5 },
        lead: { weight: pick([0.5, 1, 2]), b: 0.75 },
        description: { weight: pick([0.25, 0.5, 1]), b: 0.75 },
        parameters: { weight: pick([0.25, 0.5, 1]), b: 0.75 },
        output: { weight: pick([0, 0.3]), b: 0.75 },
        server: { weight: pick([0.3, 0.6, 1.2]), b: 0.5 },
      },
    };
    const final = overridden(setting, override);
    out.push({ name: JSON.stringify(final), retriever: createLexicalRetriever(final) });
  }
  return out;
}

/** The benchmark as plain text: whole set, folds, tuning, ablation, sub-queries. */
export function formatDiscoveryBench(report: DiscoveryBench): string {
  const f3 = (v: number) => v.toFixed(3);
  const row = (name: string, f: DiscoveryFigures) =>
    `${name.padEnd(34)} ${String(f.tasks).padStart(5)} ${[f.recallAt5, f.recallAt10, f.mrr, f.ndcgAt10].map((v) => f3(v).padStart(9)).join(" ")}`;
  const header = `${"ranker".padEnd(34)} ${"tasks".padStart(5)} ${["Recall@5", "Recall@10", "MRR", "nDCG@10"].map((h) => h.padStart(9)).join(" ")}`;
  const lines = [`${report.tasks} tasks, ${report.tools} tools`, "", "All tasks:", header];
  for (const [name, f] of Object.entries(report.whole)) lines.push(row(name, f));
  lines.push("", `Per fold (task i in fold i % ${report.folds}; fixed settings):`, header);
  for (const [name, list] of Object.entries(report.perFold)) {
    for (const [i, f] of list.entries()) lines.push(row(`${name} fold ${i}`, f));
  }
  if (report.tuned) {
    const t = report.tuned;
    lines.push("", "Settings tuned on the other folds, scored on the held-out fold:", header);
    lines.push(row("held-out (tuned lexical)", t.heldOut), row("held-out bm25", t.heldOutBaseline));
    lines.push(row("training (tuned lexical)", t.training), row("training bm25", t.trainingBaseline));
    lines.push(
      `gain over bm25, held-out / training: Recall@5 ${t.gainRatio.recallAt5}, MRR ${t.gainRatio.mrr}`,
    );
  }
  lines.push(
    "",
    "Ablation (default ranker with one component toggled: - off, + on):",
    `${header}  worth R@5 / MRR  helps in folds`,
  );
  for (const a of report.ablation)
    lines.push(
      `${row(a.component.startsWith("+") ? a.component : `- ${a.component}`, a.without)}  ${a.worth.recallAt5.toFixed(3)} / ${a.worth.mrr.toFixed(3)}  ${a.helpsInFolds}/${report.folds}`,
    );
  const heldOut = report.ablation.filter((a) => a.heldOut);
  if (heldOut.length) {
    const w = heldOut[0]!.heldOut!.withIt;
    lines.push(
      "",
      `Held-out worth (tuned on the other folds with the component available vs. off in every setting; with all: Recall@5 ${f3(w.recallAt5)}, MRR ${f3(w.mrr)}):`,
    );
    for (const a of heldOut)
      lines.push(
        `${a.component.replace(/^\+/, "").padEnd(50)} without: ${f3(a.heldOut!.without.recallAt5)} / ${f3(a.heldOut!.without.mrr)}  worth: ${f3(a.heldOut!.worth.recallAt5)} / ${f3(a.heldOut!.worth.mrr)}`,
      );
  }
  if (report.subQueries) {
    lines.push("", "One query vs. one per annotated step (a model stating its sub-tasks):", header);
    lines.push(
      row("question", report.subQueries.question),
      row("question + steps, fused", report.subQueries.questionAndSteps),
      row("bm25: question + steps, fused", report.subQueries.bm25QuestionAndSteps),
    );
  }
  return lines.join("\n");
}

function foldsOf(rows: readonly TaskScore[], folds: number): TaskScore[][] {
  return Array.from({ length: folds }, (_, f) => rows.filter((_, i) => i % folds === f));
}

function figures(rows: readonly TaskScore[]): DiscoveryFigures {
  const { perTask: _, ...rest } = summarizeTasks(rows);
  return rest;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
