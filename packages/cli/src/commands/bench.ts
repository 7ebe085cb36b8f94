import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  benchDiscovery,
  createBm25Retriever,
  formatDiscoveryBench,
  formatDiscoveryScores,
  liveMcpBenchTasks,
  liveMcpBenchTools,
  type Retriever,
  scoreDiscovery,
} from "@codecall/core/discovery";
import type { Command } from "commander";
import { importOptional } from "../backends.js";
import { type CliIo, progress, usageError } from "../io.js";

/** The optional package holding the offline English embedding model. */
const LOCAL_MODEL_PACKAGE = "@codecall/embeddings-en";

interface DiscoveryFlags {
  tools: string;
  tasks: string;
  baseline?: boolean;
  folds?: string;
  settings?: string;
  localModel?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** `codecall bench discovery`: scores tool search on a LiveMCPBench-format catalogue and task file. */
export function benchCommand(program: Command, io: CliIo): void {
  const bench = program.command("bench").description("Measure codecall on your data");
  bench
    .command("discovery")
    .description("Score search_tools (Recall@5/10, MRR, nDCG@10) on a catalogue and annotated tasks")
    .requiredOption("--tools <file>", "the catalogue, in LiveMCPBench tools.json format")
    .requiredOption(
      "--tasks <file>",
      "the tasks, in LiveMCPBench annotated format (Question + Annotator Metadata.Tools)",
    )
    .option("--baseline", "also score a plain BM25 ranker, for comparison")
    .option(
      "--folds <n>",
      "also score per fold (task i in fold i % n), tune on the other folds, ablate each ranker component",
    )
    .option("--settings <n>", "random ranker settings the per-fold tuning picks from (with --folds)", "60")
    .option(
      "--local-model",
      `also score the lexical ranker fused with the offline English embedding model (${LOCAL_MODEL_PACKAGE}, installed separately)`,
    )
    .option("--json", "print the scores (per task included) as JSON")
    .option("-q, --quiet", "no progress on stderr")
    .action(async (flags: DiscoveryFlags) => {
      const note = progress(io, flags.quiet);
      const tools = liveMcpBenchTools(await readJson(resolve(io.cwd, flags.tools), "--tools"));
      const tasks = liveMcpBenchTasks(await readJson(resolve(io.cwd, flags.tasks), "--tasks"));
      note(`scoring ${tasks.length} tasks against ${tools.length} tools`);
      const extra = flags.localModel ? [await localHybrid(io.cwd)] : [];
      if (extra.length) note("the local model embeds every tool once: tens of milliseconds per tool");
      if (flags.folds !== undefined) {
        const folds = count(flags.folds, "--folds", 2);
        const settings = count(flags.settings ?? "60", "--settings", 0);
        const report = await benchDiscovery({ tools, tasks, folds, settings, extra });
        io.stdout(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatDiscoveryBench(report)}\n`);
        return;
      }
      const scores = [await scoreDiscovery({ tools, tasks })];
      if (flags.baseline)
        scores.push(await scoreDiscovery({ tools, tasks, retriever: createBm25Retriever() }));
      for (const retriever of extra) scores.push(await scoreDiscovery({ tools, tasks, retriever }));
      io.stdout(flags.json ? `${JSON.stringify(scores, null, 2)}\n` : `${formatDiscoveryScores(scores)}\n`);
    });
}

/** The lexical ranker fused with the local model, from the user's project or beside the CLI. */
async function localHybrid(cwd: string): Promise<Retriever> {
  const loaded = await importOptional(LOCAL_MODEL_PACKAGE, cwd);
  const create = "module" in loaded ? loaded.module.createLocalHybridRetriever : undefined;
  if (typeof create !== "function") {
    throw usageError(
      `--local-model needs ${LOCAL_MODEL_PACKAGE}, which is not installed here.`,
      `Install it in your project or next to codecall (npm install ${LOCAL_MODEL_PACKAGE}), or leave out --local-model.`,
    );
  }
  return (await create()) as Retriever;
}

function count(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw usageError(
      `${flag} needs a whole number of at least ${min}, not "${text}".`,
      `Pass e.g. ${flag} 4.`,
    );
  }
  return value;
}

async function readJson(path: string, flag: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw usageError(
      `Cannot read ${flag} ${path}: ${(error as Error).message}`,
      `Pass a JSON file to ${flag}.`,
    );
  }
}
