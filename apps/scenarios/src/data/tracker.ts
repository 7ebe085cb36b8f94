/** The issue tracker: 600 issues, listed a page at a time. */
import { crm } from "./crm.js";
import { createRandom, SEED } from "./random.js";

export interface Issue {
  id: string;
  title: string;
  status: "open" | "in_progress" | "closed";
  priority: "P1" | "P2" | "P3" | "P4";
  labels: string[];
  company: string;
  reporterId: string;
  assignee: string;
}

const AREAS = [
  "login",
  "billing export",
  "search",
  "dashboard",
  "API rate limits",
  "SSO",
  "webhooks",
  "CSV import",
];
const PROBLEMS = [
  "fails intermittently",
  "is slow for large accounts",
  "shows the wrong totals",
  "times out",
  "needs a retry option",
  "returns 500",
];
const LABELS = ["bug", "feature", "docs", "performance", "security"];
const ASSIGNEES = ["sam", "dev", "lena", "jon", "marta"];

let cached: Issue[] | undefined;

/** The tracker's issues, the same every run. */
export function issues(): Issue[] {
  if (cached) return cached;
  const random = createRandom(SEED * 1000 + 3);
  const { contacts } = crm();
  cached = Array.from({ length: 600 }, (_, i): Issue => {
    const reporter = random.pick(contacts);
    const labels = LABELS.filter(() => random.next() < 0.3);
    return {
      id: `ISS-${String(i + 1).padStart(4, "0")}`,
      title: `${random.pick(AREAS)} ${random.pick(PROBLEMS)}`,
      status: random.weighted(["open", "in_progress", "closed"] as const, [45, 15, 40]),
      priority: random.weighted(["P1", "P2", "P3", "P4"] as const, [1, 3, 4, 2]),
      labels: labels.length ? labels : ["bug"],
      company: reporter.company,
      reporterId: reporter.id,
      assignee: random.pick(ASSIGNEES),
    };
  });
  return cached;
}
