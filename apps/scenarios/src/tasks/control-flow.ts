/** Control flow a program does in one run and classic mode does turn by turn: pages, retries, polling. */
import { codeModeSteps, inOrder, json, type ScriptStep, say, turn, use } from "../conversation.js";
import { issues, q4RowCount, SKUS, stockOnHand } from "../data/index.js";
import type { Issue } from "../data/tracker.js";
import type { Scenario } from "../scenario.js";
import { expectAnswer } from "./checks.js";

export const openBugs: Scenario = {
  id: "open-bugs-paginated",
  title: "Count open bugs in a tracker listed 50 issues a page",
  kind: "control-flow",
  covers: "a loop with pagination",
  servers: ["data"],
  prompts: () => ["How many open issues in the tracker are labelled 'bug'?"],
  script: (mode) => {
    if (mode === "code")
      return inOrder(
        codeModeSteps({
          intro: "I'll find how to list tracker issues.",
          search: { query: "list tracker issues", limit: 3 },
          program: `let cursor: string | undefined;
let pages = 0;
let bugs = 0;
do {
  const page = await data.trackerListIssues({ status: "open", pageSize: 50, cursor });
  pages++;
  bugs += page.issues.filter((issue) => issue.labels.includes("bug")).length;
  cursor = page.nextCursor ?? undefined;
} while (cursor);
return { pages, bugs };`,
          answer: (v: { bugs: number; pages: number }) => `There are ${v.bugs} open issues labelled 'bug'.`,
        }),
      );
    // Classic: one page per turn, following nextCursor, then count what it read.
    const step: ScriptStep = (c) => {
      const pages = c.all
        .filter((r) => r.name === "data__tracker_list_issues")
        .map((r) => json<{ issues: Issue[]; nextCursor: string | null }>(r));
      const last = pages.at(-1);
      if (!last || last.nextCursor)
        return turn(
          say(last ? "More pages; fetching the next one." : "I'll list the open issues."),
          use("data__tracker_list_issues", {
            status: "open",
            pageSize: 50,
            ...(last ? { cursor: last.nextCursor } : {}),
          }),
        );
      const bugs = pages.flatMap((p) => p.issues).filter((i) => i.labels.includes("bug")).length;
      return turn(say(`There are ${bugs} open issues labelled 'bug'.`));
    };
    return step;
  },
  async check({ answer }) {
    const n = issues().filter((i) => i.status === "open" && i.labels.includes("bug")).length;
    return expectAnswer(answer, { number: n, describe: `${n} open bugs` });
  },
};

export const stockRetry: Scenario = {
  id: "stock-retry",
  title: "Total stock of six SKUs from a warehouse API that fails every third call",
  kind: "control-flow",
  covers: "a retry after a transient failure",
  servers: ["data"],
  prompts: () => [`What is the total number of units on hand across SKUs ${SKUS.join(", ")}?`],
  script: (mode) => {
    if (mode === "code")
      return inOrder(
        codeModeSteps({
          intro: "I'll find the inventory tool.",
          search: { query: "inventory units on hand for a SKU", limit: 3 },
          program: `// The warehouse API is flaky: retry each lookup a few times.
async function withRetry<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts) throw error;
      console.log(\`retry \${i}: \${error.message}\`);
    }
  }
}
const skus = ${JSON.stringify(SKUS)};
const levels = [];
for (const sku of skus) levels.push(await withRetry(() => data.inventoryLevel({ sku })));
return { total: levels.reduce((n, l) => n + l.onHand, 0), levels };`,
          answer: (v: { total: number }) =>
            `There are ${v.total.toLocaleString("en-US")} units on hand across the six SKUs.`,
        }),
      );
    // Classic: ask for all six at once, then retry whichever failed until none did.
    return (c) => {
      if (c.turn === 0)
        return turn(say("I'll check each SKU."), ...SKUS.map((sku) => use("data__inventory_level", { sku })));
      const failed = c.last.filter((r) => r.isError).map((r) => String(r.input.sku));
      if (failed.length)
        return turn(
          say(`The warehouse API timed out for ${failed.join(", ")}; retrying.`),
          ...failed.map((sku) => use("data__inventory_level", { sku })),
        );
      const onHand = new Map<string, number>();
      for (const r of c.all)
        if (!r.isError) onHand.set(String(r.input.sku), json<{ onHand: number }>(r).onHand);
      const total = [...onHand.values()].reduce((a, b) => a + b, 0);
      return turn(say(`There are ${total.toLocaleString("en-US")} units on hand across the six SKUs.`));
    };
  },
  async check({ answer }) {
    const total = Object.values(stockOnHand()).reduce((a, b) => a + b, 0);
    return expectAnswer(answer, { number: total, describe: `${total} units` });
  },
};

export const exportPoll: Scenario = {
  id: "export-poll",
  title: "Start a slow export and poll it until it is done",
  kind: "control-flow",
  covers: "a slow tool, then a poll until a condition holds",
  servers: ["data"],
  prompts: () => ["Export the Q4 sales report and tell me how many rows the export has once it is done."],
  script: (mode) => {
    if (mode === "code")
      return inOrder(
        codeModeSteps({
          intro: "I'll find the export tools.",
          search: { query: "export report job status", limit: 3 },
          program: `const { jobId } = await data.startExport({ report: "q4-sales" });
let status = await data.exportStatus({ jobId });
let polls = 1;
while (status.state !== "done" && polls < 50) {
  status = await data.exportStatus({ jobId });
  polls++;
}
return { ...status, polls };`,
          answer: (v: { rowCount: number; file: string }) =>
            `The Q4 export is done: ${v.rowCount.toLocaleString("en-US")} rows, in ${v.file}.`,
        }),
      );
    return (c) => {
      if (c.turn === 0)
        return turn(say("I'll start the export."), use("data__start_export", { report: "q4-sales" }));
      const last = json<{
        jobId: string;
        state?: string;
        rowCount?: number;
        file?: string;
        progress?: number;
      }>(c.last[0]!);
      if (last.state === "done")
        return turn(
          say(`The Q4 export is done: ${last.rowCount!.toLocaleString("en-US")} rows, in ${last.file}.`),
        );
      return turn(
        say(
          last.state ? `Still running (${last.progress}%); checking again.` : "Started; checking its status.",
        ),
        use("data__export_status", { jobId: last.jobId }),
      );
    };
  },
  async check({ answer }) {
    const rows = q4RowCount();
    return expectAnswer(answer, { number: rows, describe: `${rows} rows` });
  },
};
