/** Tasks across two servers: a join, a copy of personal data with tokenization, a light task, save and resume. */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createWorkspace, type McpConnections } from "@codecall/core";
import { codeModeSteps, inOrder, json, money, say, turn, use } from "../conversation.js";
import { type Company, createRandom, crm, issues, revenue, SEED } from "../data/index.js";
import type { Scenario } from "../scenario.js";
import { workspaceDir } from "../world.js";
import { expectAnswer } from "./checks.js";

/** The renewals file: every third CRM account with a contract value. */
function renewals(): Array<{ company: string; contractValue: number }> {
  const random = createRandom(SEED * 1000 + 20);
  return crm()
    .companies.filter((_, i) => i % 3 === 2)
    .map((c) => ({ company: c.name, contractValue: random.int(20, 400) * 1000 }));
}
const renewalsCsv = () =>
  `company,contract_value\n${renewals()
    .map((r) => `${r.company},${r.contractValue}`)
    .join("\n")}\n`;

export const renewalsJoin: Scenario = {
  id: "renewals-join",
  title: "Join a renewals file with CRM account tiers",
  kind: "join",
  covers: "find and join across two servers",
  servers: ["filesystem", "data"],
  setup: (world) => writeFile(join(world.dir, "renewals.csv"), renewalsCsv()),
  prompts: (world) => [
    `${join(world.dir, "renewals.csv")} lists the accounts renewing soon with their contract values. Which of them are Enterprise tier in the CRM, and what is their combined contract value?`,
  ],
  script: (mode, _session, world) => {
    const path = join(world.dir, "renewals.csv");
    const answer = (names: string[], total: number) =>
      `${names.length} renewing accounts are Enterprise tier (${names.join(", ")}), with a combined contract value of ${money(total)}.`;
    if (mode === "code")
      return inOrder(
        codeModeSteps({
          intro: "I need to read a file and look up CRM accounts.",
          search: { query: "read a text file; CRM company tier", limit: 5 },
          program: `const { content } = await filesystem.readTextFile({ path: ${JSON.stringify(path)} });
const rows = content.trim().split("\\n").slice(1).map((line) => {
  const [company, value] = line.split(",");
  return { company, value: Number(value) };
});
const accounts = await Promise.all(rows.map((r) => data.crmGetCompany({ name: r.company })));
const enterprise = rows.filter((_, i) => accounts[i].tier === "Enterprise");
return { names: enterprise.map((r) => r.company), total: enterprise.reduce((n, r) => n + r.value, 0) };`,
          answer: (v: { names: string[]; total: number }) => answer(v.names, v.total),
        }),
      );
    return inOrder([
      () => turn(say("I'll read the renewals file."), use("filesystem__read_text_file", { path })),
      (c) => {
        const lines = json<{ content: string }>(c.last[0]!).content.trim().split("\n").slice(1);
        return turn(
          say("Now the tier of each account."),
          ...lines.map((l) => use("data__crm_get_company", { name: l.split(",")[0] })),
        );
      },
      (c) => {
        const values = new Map(
          json<{ content: string }>(c.all[0]!)
            .content.trim()
            .split("\n")
            .slice(1)
            .map((l) => {
              const [name, value] = l.split(",");
              return [name!, Number(value)] as const;
            }),
        );
        const enterprise = c.last
          .map((r) => json<Company>(r))
          .filter((a) => a.tier === "Enterprise")
          .map((a) => a.name);
        return turn(
          say(
            answer(
              enterprise,
              enterprise.reduce((n, name) => n + values.get(name)!, 0),
            ),
          ),
        );
      },
    ]);
  },
  async check({ answer }) {
    const tiers = new Map(crm().companies.map((c) => [c.name, c.tier]));
    const mine = renewals().filter((r) => tiers.get(r.company) === "Enterprise");
    const total = mine.reduce((n, r) => n + r.contractValue, 0);
    return expectAnswer(answer, {
      number: total,
      phrases: mine.map((r) => r.company),
      describe: `${mine.map((r) => r.company).join(", ")}: ${money(total)}`,
    });
  },
};

interface GraphEntity {
  name: string;
  entityType: string;
  observations: string[];
}
async function readGraph(connections: McpConnections) {
  const result = await connections.callTool("memory", "read_graph", {});
  return ((result.structuredContent ?? { entities: [] }) as { entities: GraphEntity[] }).entities;
}

export const vipToMemory: Scenario = {
  id: "vip-to-memory",
  title: "Copy the CRM's VIP contacts (emails, phones) into the memory graph",
  kind: "privacy",
  covers: "copy personal data between servers, tokenization on",
  servers: ["data", "memory"],
  // Emails, phones and names become tokens before the model or the program sees them; only memory.* gets
  // the real values back.
  privacy: { flows: { "memory.*": ["EMAIL", "PHONE", "NAME"] } },
  prompts: () => [
    "Copy every CRM contact tagged 'vip' into the memory graph as a 'contact' entity named '<name> (<id>)', with their email, phone and company as observations. Tell me how many you copied.",
  ],
  script: (mode) => {
    type C = { id: string; name: string; email: string; phone: string; company: string };
    const entity = (c: C) => ({
      name: `${c.name} (${c.id})`,
      entityType: "contact",
      observations: [`email: ${c.email}`, `phone: ${c.phone}`, `company: ${c.company}`],
    });
    if (mode === "code")
      return inOrder(
        codeModeSteps({
          intro: "I'll find the CRM search and the memory graph tools.",
          search: { query: "search CRM contacts by tag; create entities in the memory graph", limit: 5 },
          program: `const { contacts } = await data.crmSearchContacts({ tag: "vip" });
await memory.createEntities({
  entities: contacts.map((c) => ({
    name: \`\${c.name} (\${c.id})\`,
    entityType: "contact",
    observations: [\`email: \${c.email}\`, \`phone: \${c.phone}\`, \`company: \${c.company}\`],
  })),
});
return { copied: contacts.length };`,
          answer: (v: { copied: number }) => `I copied ${v.copied} VIP contacts into the memory graph.`,
        }),
      );
    return inOrder([
      () => turn(say("I'll get the VIP contacts."), use("data__crm_search_contacts", { tag: "vip" })),
      (c) =>
        turn(
          say("Now I'll add them to the memory graph."),
          use("memory__create_entities", {
            entities: json<{ contacts: C[] }>(c.last[0]!).contacts.map(entity),
          }),
        ),
      (c) =>
        turn(
          say(
            `I copied ${json<{ contacts: C[] }>(c.all[0]!).contacts.length} VIP contacts into the memory graph.`,
          ),
        ),
    ]);
  },
  async check({ answer, connections }) {
    const vips = crm().contacts.filter((c) => c.tags.includes("vip"));
    const graph = await readGraph(connections);
    const stored = vips.filter((v) =>
      graph.some(
        (e) =>
          e.name === `${v.name} (${v.id})` &&
          e.observations.includes(`email: ${v.email}`) &&
          e.observations.includes(`phone: ${v.phone}`),
      ),
    ).length;
    const result = expectAnswer(answer, {
      number: vips.length,
      describe: `${vips.length} contacts, stored with their real emails and phones`,
    });
    if (stored !== vips.length)
      return {
        ...result,
        correct: false,
        problem: `memory holds ${stored} of ${vips.length} with real values`,
      };
    return result;
  },
};

const ISSUE = "ISS-0042";
export const issueNote: Scenario = {
  id: "issue-note",
  title: "Look up an issue and its reporter, note it in memory (3 small calls)",
  kind: "light",
  covers: "a multi-step light task",
  servers: ["data", "memory"],
  prompts: () => [
    `Look up issue ${ISSUE} in the tracker, find who reported it in the CRM, and add that person to the memory graph as a 'person' entity (named after them) with the observation 'reported ${ISSUE}: <issue title>'. Tell me who it was.`,
  ],
  script: (mode) => {
    if (mode === "code")
      return inOrder(
        codeModeSteps({
          intro: "I'll find the tracker, CRM and memory tools.",
          search: { query: "get issue by id; get CRM contact; create entities in memory graph", limit: 5 },
          program: `const issue = await data.trackerGetIssue({ id: ${JSON.stringify(ISSUE)} });
const reporter = await data.crmGetContact({ id: issue.reporterId });
await memory.createEntities({
  entities: [{ name: reporter.name, entityType: "person", observations: [\`reported ${ISSUE}: \${issue.title}\`] }],
});
return { reporter: reporter.name, company: reporter.company, title: issue.title };`,
          answer: (v: { reporter: string; company: string; title: string }) =>
            `${ISSUE} ("${v.title}") was reported by ${v.reporter} of ${v.company}; I added them to the memory graph.`,
        }),
      );
    type I = { reporterId: string; title: string };
    type P = { name: string; company: string };
    return inOrder([
      () => turn(say("I'll look up the issue."), use("data__tracker_get_issue", { id: ISSUE })),
      (c) =>
        turn(say("Now the reporter."), use("data__crm_get_contact", { id: json<I>(c.last[0]!).reporterId })),
      (c) => {
        const issue = json<I>(c.all[0]!);
        const person = json<P>(c.last[0]!);
        return turn(
          say("Adding them to the memory graph."),
          use("memory__create_entities", {
            entities: [
              {
                name: person.name,
                entityType: "person",
                observations: [`reported ${ISSUE}: ${issue.title}`],
              },
            ],
          }),
        );
      },
      (c) => {
        const issue = json<I>(c.all[0]!);
        const person = json<P>(c.all[1]!);
        return turn(
          say(
            `${ISSUE} ("${issue.title}") was reported by ${person.name} of ${person.company}; I added them to the memory graph.`,
          ),
        );
      },
    ]);
  },
  async check({ answer, connections }) {
    const issue = issues().find((i) => i.id === ISSUE)!;
    const reporter = crm().contacts.find((c) => c.id === issue.reporterId)!;
    const result = expectAnswer(answer, {
      phrases: [reporter.name],
      describe: `${reporter.name}, noted in memory`,
    });
    const graph = await readGraph(connections);
    if (
      !graph.some(
        (e) => e.name === reporter.name && e.observations.includes(`reported ${ISSUE}: ${issue.title}`),
      )
    )
      return { ...result, correct: false, problem: "the memory graph has no such note" };
    return result;
  },
};

/** Revenue per month from the sheet's cells, for months in [from, to]. */
function monthly(values: string[][], from: number, to: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [date = "", , , units = "0", price = "0"] of values.slice(1)) {
    const month = Number(date.slice(5, 7));
    if (month < from || month > to) continue;
    const key = date.slice(0, 7);
    out[key] = Math.round(((out[key] ?? 0) + Number(units) * Number(price)) * 100) / 100;
  }
  return out;
}

export const saveResume: Scenario = {
  id: "save-resume",
  title: "Monthly revenue in two sessions: save progress to a file, resume in a fresh conversation",
  kind: "data-heavy",
  covers:
    "save intermediate results and resume (code mode: codecall's workspace; classic: server-filesystem)",
  servers: ["filesystem", "data"],
  workspace: true,
  prompts: (world, mode) => {
    // Each mode keeps the file where its agent keeps files: code mode in its workspace, classic mode
    // through the filesystem server.
    const file = mode === "code" ? "progress.json in your workspace" : join(world.dir, "progress.json");
    return [
      `Compute the 2025 revenue (units x unit price) of each month from January to June from the sales sheet and save it as JSON ({"YYYY-MM": revenue}) to ${file}, so the report can be resumed later. Stop after June.`,
      `Resume the revenue report: ${file} holds the monthly 2025 revenue computed so far. Add the remaining months of 2025 from the sales sheet, save the complete set back to the file, and tell me the total revenue for 2025.`,
    ];
  },
  script: (mode, session, world) => {
    const path = join(world.dir, "progress.json");
    const total = (months: Record<string, number>) => Object.values(months).reduce((a, b) => a + b, 0);
    if (mode === "code") {
      if (session === 0)
        return inOrder(
          codeModeSteps({
            intro: "I'll find the sales sheet.",
            search: { query: "read the sales sheet", limit: 3 },
            program: `const { values } = await data.getSalesSheet();
const months: Record<string, number> = {};
for (const [date, , , units, unitPrice] of values.slice(1)) {
  const month = Number(date.slice(5, 7));
  if (month > 6) continue;
  const key = date.slice(0, 7);
  months[key] = Math.round(((months[key] ?? 0) + Number(units) * Number(unitPrice)) * 100) / 100;
}
await workspace.writeJSON("progress.json", months);
return { saved: Object.keys(months).sort() };`,
            answer: (v: { saved: string[] }) =>
              `Saved the revenue of ${v.saved.length} months (${v.saved[0]} to ${v.saved.at(-1)}) to progress.json.`,
          }),
        );
      return inOrder(
        codeModeSteps({
          intro: "I'll find the sales sheet; the saved progress is in my workspace.",
          search: { query: "read the sales sheet", limit: 3 },
          program: `const months = await workspace.readJSON<Record<string, number>>("progress.json");
const { values } = await data.getSalesSheet();
const fresh: Record<string, number> = {};
for (const [date, , , units, unitPrice] of values.slice(1)) {
  const key = date.slice(0, 7);
  if (key in months) continue;
  fresh[key] = (fresh[key] ?? 0) + Number(units) * Number(unitPrice);
}
for (const [key, value] of Object.entries(fresh)) months[key] = Math.round(value * 100) / 100;
await workspace.writeJSON("progress.json", months);
const total = Object.values(months).reduce((a, b) => a + b, 0);
return { months: Object.keys(months).length, resumedFrom: Object.keys(fresh).sort()[0], total: Math.round(total * 100) / 100 };`,
          answer: (v: { months: number; total: number }) =>
            `All ${v.months} months are saved. Total revenue for 2025: ${money(v.total)}.`,
        }),
      );
    }
    if (session === 0)
      return inOrder([
        () => turn(say("I'll read the sales sheet."), use("data__get_sales_sheet", {})),
        (c) =>
          turn(
            say("Saving January to June."),
            use("filesystem__write_file", {
              path,
              content: JSON.stringify(
                monthly(json<{ values: string[][] }>(c.last[0]!).values, 1, 6),
                null,
                2,
              ),
            }),
          ),
        () => turn(say("Saved the revenue of 6 months (2025-01 to 2025-06) to progress.json.")),
      ]);
    return inOrder([
      () => turn(say("I'll read the saved progress."), use("filesystem__read_text_file", { path })),
      () => turn(say("Now the sales sheet for the remaining months."), use("data__get_sales_sheet", {})),
      (c) => {
        const saved = JSON.parse(json<{ content: string }>(c.all[0]!).content) as Record<string, number>;
        const months = { ...saved, ...monthly(json<{ values: string[][] }>(c.last[0]!).values, 7, 12) };
        return turn(
          say("Saving all twelve months."),
          use("filesystem__write_file", { path, content: JSON.stringify(months, null, 2) }),
        );
      },
      (c) => {
        const months = JSON.parse(String(c.all[2]!.input.content)) as Record<string, number>;
        return turn(
          say(
            `All ${Object.keys(months).length} months are saved. Total revenue for 2025: ${money(total(months))}.`,
          ),
        );
      },
    ]);
  },
  async check({ answer, mode, world }) {
    const year = revenue(1, 12);
    const result = expectAnswer(answer, {
      number: year,
      tolerance: 1,
      describe: `${money(year)}, 12 months saved`,
    });
    // Code mode's file is read back from the workspace's folder on disk, through a workspace of its own.
    const saved = JSON.parse(
      await (mode === "code"
        ? readWorkspaceFile(workspaceDir(world), "progress.json")
        : readFile(join(world.dir, "progress.json"), "utf8")
      ).catch(() => "{}"),
    ) as Record<string, number>;
    if (Object.keys(saved).length !== 12)
      return { ...result, correct: false, problem: `progress.json has ${Object.keys(saved).length} months` };
    return result;
  },
};

/** A file of the workspace kept in `directory`, read through a workspace of its own (default scope). */
async function readWorkspaceFile(directory: string, path: string): Promise<string> {
  const workspace = createWorkspace({ storage: { directory } });
  try {
    return await workspace.readFile(path);
  } finally {
    await workspace.close();
  }
}
