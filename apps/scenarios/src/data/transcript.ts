/**
 * A two-hour planning meeting, transcribed: 760 timestamped utterances (over 20,000 words) among six
 * people, with action items assigned along the way ("Marta, please take an action item to ... by Friday.").
 */
import { createRandom, SEED } from "./random.js";

export const SPEAKERS = [
  "Priya Raman",
  "Marta Kowalski",
  "Jon Okafor",
  "Lena Fischer",
  "Sam Ito",
  "Dev Patel",
];
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
/** Every task is distinct, so an answer can be checked task by task. */
const TASKS = [
  "refresh the churn dashboard",
  "draft the pricing FAQ",
  "audit the SSO configuration",
  "book the customer advisory board",
  "rewrite the onboarding email sequence",
  "benchmark the CSV importer",
  "close out the SOC 2 evidence folder",
  "update the partner price list",
  "interview three Enterprise admins",
  "prototype the usage-based invoice",
  "clean up the stale feature flags",
  "write the Q1 hiring plan",
  "review the webhook retry policy",
  "migrate the status page",
  "prepare the board metrics deck",
  "triage the P1 backlog",
  "renegotiate the CDN contract",
  "document the data retention policy",
  "run the pricing survey",
  "fix the billing export timezone bug",
  "publish the API deprecation notice",
  "set up the support rotation",
  "analyse the trial conversion funnel",
  "test the disaster recovery runbook",
  "localise the checkout page",
  "summarise the win-loss interviews",
  "plan the offsite agenda",
  "upgrade the analytics warehouse",
  "collect the security questionnaire answers",
  "ship the dark mode beta",
];
const OPENERS = [
  "So",
  "Right",
  "Okay",
  "Honestly",
  "I think",
  "Just to add",
  "From my side",
  "Quick point",
  "Yeah",
  "Building on that",
];
const SUBJECTS = [
  "the Enterprise pipeline",
  "our churn numbers",
  "the onboarding flow",
  "the pricing change",
  "the support queue",
  "the Q4 forecast",
  "the partner channel",
  "the roadmap",
  "the migration",
  "the new dashboard",
  "trial signups",
  "the hiring plan",
];
const VERBS = [
  "looks healthier than",
  "is still behind",
  "depends a lot on",
  "is tracking close to",
  "needs more work than",
  "came in above",
  "slipped compared to",
  "should be measured against",
];
const OBJECTS = [
  "what we planned in September",
  "last quarter",
  "the target we set",
  "the numbers from the West region",
  "what customers told us",
  "the benchmark from the pilot",
  "the budget",
  "the plan we agreed last week",
];
const TAILS = [
  "so we should keep an eye on it.",
  "and I'd like us to revisit it next week.",
  "which is good news overall.",
  "but the data is noisy.",
  "and nobody has flagged a blocker yet.",
  "though it varies by segment.",
  "so let's not overreact.",
  "and I can share the details afterwards.",
];

export interface ActionItem {
  owner: string;
  task: string;
  due: string;
}

let cached: { text: string; actionItems: ActionItem[]; words: number } | undefined;

/** The transcript text and its action items, the same every run. */
export function meeting(): { text: string; actionItems: ActionItem[]; words: number } {
  if (cached) return cached;
  const random = createRandom(SEED * 1000 + 4);
  const lines: string[] = [];
  const actionItems: ActionItem[] = [];
  const tasks = [...TASKS];
  let seconds = 0;
  const stamp = () => {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    return [h, m, s].map((n) => String(n).padStart(2, "0")).join(":");
  };
  const utterances = 760;
  for (let i = 0; i < utterances; i++) {
    seconds += random.int(3, 7);
    const speaker = random.pick(SPEAKERS);
    // Spread the action items over the meeting.
    if (tasks.length > 0 && i % Math.floor(utterances / TASKS.length) === 17) {
      const owner = random.pick(SPEAKERS.filter((s) => s !== speaker));
      const task = tasks.shift()!;
      const due = random.pick(DAYS);
      actionItems.push({ owner, task, due });
      lines.push(
        `[${stamp()}] ${speaker}: ${owner.split(" ")[0]}, please take an action item to ${task} by ${due}.`,
      );
      seconds += random.int(2, 4);
      lines.push(`[${stamp()}] ${owner}: Sure, I'll take that.`);
      continue;
    }
    const sentences = random.int(1, 2);
    const parts = [`${random.pick(OPENERS)},`];
    for (let k = 0; k < sentences; k++)
      parts.push(
        `${random.pick(SUBJECTS)} ${random.pick(VERBS)} ${random.pick(OBJECTS)}, ${random.pick(TAILS)}`,
      );
    lines.push(`[${stamp()}] ${speaker}: ${parts.join(" ")}`);
  }
  const text = `${lines.join("\n")}\n`;
  cached = { text, actionItems, words: text.split(/\s+/).filter(Boolean).length };
  return cached;
}
