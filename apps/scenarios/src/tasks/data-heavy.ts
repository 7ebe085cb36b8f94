/** Data-heavy tasks: a 10,000-row sheet and a two-hour transcript, filtered in code instead of in context. */
import { codeModeSteps, envelopeValue, inOrder, json, money, say, turn, use } from "../conversation.js";
import { meeting, revenueByRegion } from "../data/index.js";
import type { Scenario } from "../scenario.js";
import { expectAnswer } from "./checks.js";

type Sheet = { values: string[][] };

/** Q3 revenue per region from the sheet's cells: what the scripted classic model works out from its context. */
function q3FromCells(values: string[][]): Array<[string, number]> {
  const totals: Record<string, number> = {};
  for (const [date = "", region = "", , units = "0", price = "0"] of values.slice(1)) {
    const month = Number(date.slice(5, 7));
    if (month >= 7 && month <= 9) totals[region] = (totals[region] ?? 0) + Number(units) * Number(price);
  }
  return Object.entries(totals).sort((a, b) => b[1] - a[1]);
}

export const salesQ3: Scenario = {
  id: "sales-q3",
  title: "Top region by Q3 revenue in a 10,000-row sales sheet",
  kind: "data-heavy",
  covers: "aggregate a large sheet",
  servers: ["data"],
  prompts: () => [
    "Using the 2025 sales sheet, which region had the highest revenue (units x unit price) in Q3, July to September, and how much was it?",
  ],
  script: (mode) =>
    mode === "code"
      ? inOrder(
          codeModeSteps({
            intro: "I'll look for the tool that reads the sales sheet.",
            search: { query: "read the sales sheet rows", limit: 3 },
            program: `const { values } = await data.getSalesSheet();
const totals: Record<string, number> = {};
for (const [date, region, , units, unitPrice] of values.slice(1)) {
  const month = Number(date.slice(5, 7));
  if (month < 7 || month > 9) continue;
  totals[region] = (totals[region] ?? 0) + Number(units) * Number(unitPrice);
}
const ranked = Object.entries(totals)
  .sort((a, b) => b[1] - a[1])
  .map(([region, revenue]) => ({ region, revenue: Math.round(revenue * 100) / 100 }));
return { rows: values.length - 1, ranked };`,
            answer: (v: { ranked: Array<{ region: string; revenue: number }> }) =>
              `${v.ranked[0]!.region} had the highest Q3 revenue: ${money(v.ranked[0]!.revenue)} (next: ${v.ranked[1]!.region}, ${money(v.ranked[1]!.revenue)}).`,
          }),
        )
      : inOrder([
          () => turn(say("I'll read the sales sheet."), use("data__get_sales_sheet", {})),
          (c) => {
            const [[top, revenue], [next, second]] = q3FromCells(json<Sheet>(c.last[0]!).values) as [
              [string, number],
              [string, number],
            ];
            return turn(
              say(`${top} had the highest Q3 revenue: ${money(revenue)} (next: ${next}, ${money(second)}).`),
            );
          },
        ]),
  async check({ answer }) {
    const [region, revenue] = Object.entries(revenueByRegion(7, 9)).sort((a, b) => b[1] - a[1])[0]!;
    return expectAnswer(answer, {
      number: revenue,
      tolerance: 1,
      phrases: [region],
      describe: `${region}, ${money(revenue)}`,
    });
  },
};

const ACTION = /^\[[\d:]+\] [^:]+: (\w+), please take an action item to (.+) by (\w+)\.$/;

export const transcriptActions: Scenario = {
  id: "transcript-actions",
  title: "Action items for one person in a two-hour meeting transcript (20,000+ words)",
  kind: "data-heavy",
  covers: "filter a long transcript",
  servers: ["data"],
  prompts: () => [
    "List every action item assigned to Marta Kowalski in the latest planning meeting transcript, with its due day.",
  ],
  script: (mode) => {
    const answer = (lines: string[]) => {
      const items = lines.flatMap((l) => {
        const m = ACTION.exec(l);
        return m && m[1] === "Marta" ? [`- ${m[2]} (by ${m[3]})`] : [];
      });
      return `Marta Kowalski has ${items.length} action items:\n${items.join("\n")}`;
    };
    return mode === "code"
      ? inOrder([
          () =>
            turn(
              say("I'll find the transcript tool."),
              use("search_tools", { query: "meeting transcript", detail: "full", limit: 3 }),
            ),
          () =>
            turn(
              say("The transcript is long; I'll pull out only the lines that assign action items."),
              use("execute_code", {
                code: `const { text } = await data.getMeetingTranscript();
const lines = text.split("\\n");
const actions = lines.filter((line) => /action item/i.test(line));
return { lines: lines.length, actions };`,
              }),
            ),
          (c) => turn(say(answer(envelopeValue<{ actions: string[] }>(c.last[0]).actions))),
        ])
      : inOrder([
          () => turn(say("I'll read the transcript."), use("data__get_meeting_transcript", {})),
          (c) => turn(say(answer(json<{ text: string }>(c.last[0]!).text.split("\n")))),
        ]);
  },
  async check({ answer }) {
    const mine = meeting().actionItems.filter((a) => a.owner === "Marta Kowalski");
    return expectAnswer(answer, {
      phrases: mine.map((a) => a.task),
      describe: `${mine.length} items: ${mine.map((a) => a.task).join("; ")}`,
    });
  },
};
