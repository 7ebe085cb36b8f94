/**
 * `pnpm bench`: runs every suite in `src/suites/` (or those named on the command line) one after another
 * and writes all figures to `results/latest.json`, with the machine it ran on. Suites export `name` (the
 * file's name) and `run()`, which returns a JSON object of figures. A run with the scenarios suite also
 * writes `results/report.md` with SVG charts (see `report/write.ts`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

interface Suite {
  name: string;
  run(): Promise<Record<string, unknown>>;
}

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
// A suite's file is named after it (`suites/privacy.ts` is "privacy"): a run of some suites imports only
// theirs, so it does not load every suite's dependencies, nor run their top-level code.
const names = readdirSync(join(here, "suites"))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.slice(0, -3))
  .sort();
const unknown = only.filter((n) => !names.includes(n));
if (unknown.length > 0) {
  process.stderr.write(`bench: no suite named ${unknown.join(", ")}; the suites are ${names.join(", ")}\n`);
  process.exit(2);
}

const results: Record<string, unknown> = {};
for (const file of names) {
  if (only.length && !only.includes(file)) continue;
  const suite = (await import(join(here, "suites", `${file}.ts`))) as Suite;
  if (suite.name !== file) throw new Error(`suites/${file}.ts names itself "${suite.name}"`);
  process.stderr.write(`bench: ${suite.name} ...\n`);
  const t0 = performance.now();
  try {
    results[suite.name] = await suite.run();
  } catch (error) {
    results[suite.name] = { error: error instanceof Error ? error.stack : String(error) };
    process.exitCode = 1;
  }
  process.stderr.write(`bench: ${suite.name} done in ${Math.round(performance.now() - t0)} ms\n`);
}

const report = {
  date: new Date().toISOString(),
  machine: {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
  },
  note: "Medians of one run on a shared machine: compare ratios within this file, not across runs.",
  results,
};
const out = join(here, "..", "results", only.length ? `partial-${only.join("-")}.json` : "latest.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report.results, null, 2)}\n\nwritten to ${out}\n`);

// With the scenarios suite in this run: the markdown report and its charts beside the JSON. Machinery
// figures come from this run, or else from latest.json (the report says which).
if (results.scenarios && !(results.scenarios as { error?: unknown }).error) {
  const { writeReport } = await import("./report/write.js");
  const latest = join(dirname(out), "latest.json");
  const machinery =
    out !== latest && existsSync(latest)
      ? { file: JSON.parse(readFileSync(latest, "utf8")), path: "apps/bench/results/latest.json" }
      : undefined;
  writeReport(report, dirname(out), machinery);
  process.stdout.write(`report written to ${join(dirname(out), "report.md")}\n`);
}
