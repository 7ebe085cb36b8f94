/** The CRM: 40 companies and 400 contacts with personal data (names, emails, phones). */
import { createRandom, SEED } from "./random.js";

export interface Company {
  name: string;
  tier: "Enterprise" | "Growth" | "Starter";
  accountOwner: string;
  renewalMonth: number;
}

export interface Contact {
  id: string;
  name: string;
  email: string;
  phone: string;
  company: string;
  title: string;
  tags: string[];
}

const PREFIXES = [
  "Acme",
  "Globex",
  "Initech",
  "Umbrella",
  "Hooli",
  "Vandelay",
  "Stark",
  "Wayne",
  "Wonka",
  "Tyrell",
];
const SUFFIXES = ["Corp", "Labs", "Group", "Systems"];
const FIRST = [
  "Ada",
  "Grace",
  "Alan",
  "Edsger",
  "Barbara",
  "Donald",
  "Frances",
  "John",
  "Radia",
  "Ken",
  "Margaret",
  "Tim",
  "Sophie",
  "Katherine",
  "Dennis",
  "Hedy",
  "Leslie",
  "Shafi",
  "Whitfield",
  "Lynn",
  "Juris",
  "Niklaus",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Allen",
  "McCarthy",
  "Perlman",
  "Thompson",
  "Hamilton",
  "Wilson",
  "Johnson",
  "Ritchie",
  "Lamarr",
  "Lamport",
  "Goldwasser",
  "Diffie",
  "Conway",
  "Hartmanis",
];
const TITLES = [
  "CTO",
  "VP Engineering",
  "Head of Data",
  "Procurement Lead",
  "Engineering Manager",
  "Analyst",
];
const OWNERS = ["Priya Raman", "Marta Kowalski", "Jon Okafor", "Lena Fischer"];

let cached: { companies: Company[]; contacts: Contact[] } | undefined;

/** The CRM's records, the same every run. */
export function crm(): { companies: Company[]; contacts: Contact[] } {
  if (cached) return cached;
  const random = createRandom(SEED * 1000 + 2);
  const companies: Company[] = PREFIXES.flatMap((p) =>
    SUFFIXES.map((s) => ({
      name: `${p} ${s}`,
      tier: random.weighted(["Enterprise", "Growth", "Starter"] as const, [1, 2, 2]),
      accountOwner: random.pick(OWNERS),
      renewalMonth: random.int(1, 12),
    })),
  );
  const contacts: Contact[] = Array.from({ length: 400 }, (_, i) => {
    const first = random.pick(FIRST);
    const last = random.pick(LAST);
    const company = random.pick(companies);
    const domain = company.name.toLowerCase().replace(/\s+/g, "");
    return {
      id: `C${String(i + 1).padStart(4, "0")}`,
      name: `${first} ${last}`,
      email: `${first}.${last}${i + 1}@${domain}.example`.toLowerCase(),
      phone: `+1 415 555 ${String(1000 + i * 17).slice(-4)}`,
      company: company.name,
      title: random.pick(TITLES),
      tags: random.next() < 0.08 ? ["vip"] : random.next() < 0.3 ? ["newsletter"] : [],
    };
  });
  cached = { companies, contacts };
  return cached;
}

/** Every raw personal value in the CRM: what must not reach the model when tokenization is on. */
export function personalValues(): string[] {
  return crm().contacts.flatMap((c) => [c.email, c.phone]);
}
