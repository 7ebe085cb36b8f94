/**
 * A labelled corpus of tool results in MCP shapes, generated from a fixed seed: CRM exports, tickets,
 * logs, sheets (2-D arrays with a header row), calendars, payments, commits, config dumps, FHIR patients,
 * chat messages, results with several text blocks and JSON (ASCII-escaped, as Python's `json.dumps`
 * writes it) inside text blocks. Every personal value is labelled with its type and exact text; hard
 * negatives (versions, user agents, asset names, git remotes, ids, hashes, timestamps, numbers failing
 * their checksum, placeholders, month names) are listed so a scorer can check they survive untouched.
 *
 * Vocabularies and structures vary on purpose (key spellings, languages, separators, nesting) so that a
 * score on this set says something about the class of results, not about a few examples. The scorer
 * ({@link scoreCorpus}) is shared by the test and the bench.
 */

import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js/max";
import examples from "libphonenumber-js/mobile/examples";
import type { JsonValue } from "../src/json.js";

/** A personal value and where the scorer expects it. `prose`: a name in free text (scored apart). */
export interface Label {
  type: string;
  value: string;
  prose?: boolean;
}

/** One tool result with its labels and the hard negatives it holds. */
export interface Sample {
  shape: string;
  value: JsonValue;
  labels: Label[];
  negatives: string[];
}

// ------------------------------------------------------------------------------------------ randomness

/** mulberry32: a small seeded PRNG so every run sees the same data. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => int(0, 9)).join("");
  const chance = (p: number) => next() < p;
  return { next, int, pick, digits, chance };
}
export type Rng = ReturnType<typeof rng>;

// ------------------------------------------------------------------------------------------ vocabularies

const FIRST = (
  "Ann Bob Chloé David Emma Farid Grace Hiro Inès Jonas Kemal Lena Mei Noah Olga Pavel Quentin Rosa " +
  "Sven Tomás Ulla Víctor Wanda Xavier Yuki Zoltán Aisha Bjørn Carmen Dmitri Elif Fatima Giulia Hannah " +
  "Ibrahim Jürgen Kofi Laila Mateo Nadia Oskar Priya Rahul Sofia Thanh Uchenna Valentina Wei Yara Zeynep " +
  "Amara Benedikt Cátia Diego Eero Freya Gaspard Hamid Ingrid Jana Kenji Lucía Magnus Niamh Obinna " +
  "Pilar Renée Saanvi Tariq Ugo Vera Wojciech Ximena Yusuf Zofia Ana-Maria Jean-Luc Siobhán"
).split(" ");
/** First names that are also month names: fine in a name field, never to be replaced in dates. */
const MONTH_FIRST = ["April", "May", "June", "August"];
const LAST = (
  "Lee Stone Martin Okafor Schmidt Rossi Tanaka Novak García Dubois Nguyen Kowalski Andersson Müller " +
  "Fernández Silva Kaur Sharma Yılmaz Ivanova Haddad Mensah Papadopoulos Kim Park O'Brien MacLeod " +
  "Van der Berg De la Cruz Lindqvist Horvat Petrović Nakamura Okonkwo Alvarez Costa Moreau Lefèvre " +
  "Bianchi Jansen Nowak Popescu Santos Wagner Becker Hoffmann Kelly Walsh Murphy Singh Patel Chen Wang " +
  "Rahman Hussain Abebe Diallo Cohen Friedman Larsen Virtanen Kovács Novotná Dimitrov Ahmadi Tan Lim " +
  "Ferreira Romero Navarro Ortega Brennan Whitaker Ashworth Okoro Bergström Dąbrowski Øvergaard"
)
  .replace("Van der Berg", "Van_der_Berg")
  .replace("De la Cruz", "De_la_Cruz")
  .split(" ")
  .map((s) => s.replace(/_/g, " "));
const NON_LATIN = [
  "李明",
  "王小红",
  "田中 太郎",
  "佐藤 花子",
  "김민준",
  "Иван Петров",
  "Анна Смирнова",
  "محمد علي",
  "فاطمة الزهراء",
  "Γιώργος Παπαδόπουλος",
  "דוד כהן",
  "अमित शर्मा",
];
const PLACEHOLDERS = [
  "n/a",
  "N/A",
  "none",
  "None",
  "-",
  "unknown",
  "Support",
  "TBD",
  "null",
  "—",
  "Unassigned",
];
const WORDS = (
  "the report was updated after review and customer asked for refund on order status pending shipped " +
  "invoice attached please confirm delivery window next week thanks for quick reply issue persists " +
  "after upgrade we rolled back deployment ticket escalated priority high low medium resolved"
).split(" ");
const COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell"];
const TLD_DOMAINS = [
  "example.com",
  "mail.example.org",
  "corp.example.co.uk",
  "example.io",
  "uni.example.edu",
  "beispiel.de",
  "exemple.fr",
  "ejemplo.es",
  "esempio.it",
  "example.com.br",
  "example.co.jp",
  "example.in",
];
const IDN_DOMAINS = ["bücher.example", "münchen-beispiel.de", "exämple.de", "пример.рф", "例え.jp"];

const REGIONS: CountryCode[] = [
  "US",
  "CA",
  "GB",
  "FR",
  "DE",
  "IN",
  "ES",
  "IT",
  "BR",
  "JP",
  "NL",
  "MX",
  "AU",
  "PL",
  "SE",
  "CH",
  "BE",
  "AT",
  "PT",
  "IE",
  "ZA",
  "NG",
  "KR",
  "TR",
  "AR",
  "SG",
  "DK",
  "NO",
  "FI",
  "CZ",
];
const LANG_OF: Partial<Record<CountryCode, string>> = {
  FR: "fr",
  DE: "de",
  ES: "es",
  IT: "it",
  BR: "pt",
  PT: "pt",
  JP: "ja",
  NL: "nl",
  PL: "pl",
  SE: "sv",
  TR: "tr",
  KR: "ko",
  MX: "es",
  AR: "es",
  DK: "da",
  FI: "fi",
  CZ: "cs",
  NO: "nb",
};
const countryNames = new Intl.DisplayNames(["en"], { type: "region" });

// ------------------------------------------------------------------------------------------ values

const stripAccents = (s: string) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "");

export function personName(r: Rng): string {
  const roll = r.next();
  if (roll < 0.08) return r.pick(NON_LATIN);
  const first = r.pick(FIRST);
  const last = r.pick(LAST);
  if (roll < 0.18) return `${first} ${String.fromCharCode(65 + r.int(0, 25))}. ${last}`;
  if (roll < 0.24) return `${first} ${last}-${r.pick(LAST).replace(/ /g, "")}`;
  if (roll < 0.3) return `${first} ${r.pick(FIRST)} ${last}`;
  return `${first} ${last}`;
}

function emailFor(r: Rng, name: string): string {
  const parts = name
    .toLowerCase()
    .split(/[\s.]+/)
    .filter((p) => p.length > 1);
  let local =
    parts.length >= 2
      ? r.pick([
          `${parts[0]}.${parts.at(-1)}`,
          `${parts[0]![0]}${parts.at(-1)}`,
          `${parts[0]}_${parts.at(-1)}`,
          `${parts[0]}+${r.pick(["news", "crm", "x"])}`,
          `${parts.at(-1)}${r.int(1, 99)}`,
        ])
      : `${parts[0] ?? "user"}${r.int(1, 999)}`;
  local = local.replace(/[\s']/g, "");
  const ascii = /^[\x20-\x7e]*$/.test(local);
  if (!ascii || r.chance(0.7)) local = stripAccents(local);
  if (!/^[a-z0-9._+-]+$/.test(local) && r.chance(0.6)) local = `user${r.digits(4)}`;
  const domain = r.chance(0.08) ? r.pick(IDN_DOMAINS) : r.pick(TLD_DOMAINS);
  return `${local}@${domain}`;
}

/** A mobile number of `region`, its digits after the example's first four varied: possible, maybe unassigned. */
function phoneOf(r: Rng, region: CountryCode) {
  const example = (examples as Record<string, string>)[region]!;
  const keep = Math.min(4, example.length - 4);
  let national = example.slice(0, keep) + r.digits(example.length - keep);
  if (region === "US" || region === "CA") {
    // NANP: NXX-NXX-XXXX; any such area code, assigned or not (`(543) 862-4483`).
    national = `${r.int(2, 9)}${r.digits(2)}${r.int(2, 9)}${r.digits(6)}`;
  }
  const n = parsePhoneNumberFromString(national, region)!;
  return n;
}

/** Separators of every kind a person or a spreadsheet uses. */
const SPACES = [" ", " ", " ", "\u00a0", "\u202f"];
const DASHES = ["-", "-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212"];

function regroup(r: Rng, formatted: string): string {
  const roll = r.next();
  if (roll < 0.45) return formatted;
  if (roll < 0.6) return formatted.replace(/ /g, r.pick(SPACES));
  if (roll < 0.78) {
    const dash = r.pick(DASHES);
    return formatted.replace(/(\d) (?=\d)/g, `$1${dash}`);
  }
  if (roll < 0.88) return formatted.replace(/(\d) (?=\d)/g, "$1.");
  return formatted;
}

/** A phone as written in `region`: national (needs context) or international. */
function phoneText(r: Rng, region: CountryCode, international: boolean): string {
  const n = phoneOf(r, region);
  if (international) {
    const f = n.formatInternational();
    return regroup(r, r.chance(0.15) ? f.replace(/^\+/, "00") : f);
  }
  let f = n.formatNational();
  if (region === "US" || region === "CA") {
    const d = n.nationalNumber;
    f = r.pick([
      `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`,
      `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`,
      `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`,
      `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`,
      `1-${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`,
    ]);
    return f;
  }
  return regroup(r, f);
}

const luhnDigit = (body: string): string => {
  for (let d = 0; d <= 9; d++) {
    const s = body + d;
    let sum = 0;
    for (let i = 0; i < s.length; i++) {
      let x = Number(s[s.length - 1 - i]);
      if (i % 2) x = x * 2 > 9 ? x * 2 - 9 : x * 2;
      sum += x;
    }
    if (sum % 10 === 0) return String(d);
  }
  return "0";
};
const group4 = (s: string, sep = " ") => s.match(/.{1,4}/g)!.join(sep);

function cardDigits(r: Rng): string {
  const [prefix, len] = r.pick([
    ["4", 16],
    ["4", 16],
    ["51", 16],
    ["55", 16],
    ["2221", 16],
    ["34", 15],
    ["37", 15],
    ["6011", 16],
    [String(r.int(3528, 3589)), 16],
  ] as const);
  const body = prefix + r.digits(len - prefix.length - 1);
  return body + luhnDigit(body);
}
function cardText(r: Rng): string {
  const n = cardDigits(r);
  if (n.length === 15 && r.chance(0.5)) return `${n.slice(0, 4)} ${n.slice(4, 10)} ${n.slice(10)}`;
  return r.pick([n, group4(n), group4(n), group4(n, "-"), group4(n, "."), group4(n, "\u00a0")]);
}
function badCard(r: Rng): string {
  const n = cardDigits(r);
  const broken = n.slice(0, -1) + String((Number(n.at(-1)) + r.int(1, 9)) % 10);
  return r.pick([broken, group4(broken)]);
}

const mod97 = (s: string) =>
  [...s].reduce(
    (acc, c) => (acc * (c >= "A" ? 100 : 10) + (c >= "A" ? c.charCodeAt(0) - 55 : Number(c))) % 97,
    0,
  );
const upper = (r: Rng, n: number) =>
  Array.from({ length: n }, () => String.fromCharCode(65 + r.int(0, 25))).join("");
function ibanRaw(r: Rng, valid: boolean): string {
  const [country, bban] = r.pick([
    () => ["DE", r.digits(18)],
    () => ["GB", upper(r, 4) + r.digits(14)],
    () => ["NL", upper(r, 4) + r.digits(10)],
    () => ["FR", r.digits(23)],
    () => ["ES", r.digits(20)],
    () => ["IT", upper(r, 1) + r.digits(22)],
    () => ["BE", r.digits(12)],
    () => ["CH", r.digits(17)],
    () => ["PL", r.digits(24)],
  ])() as [string, string];
  let check = 98 - mod97(`${bban}${country}00`);
  if (!valid) check = ((check + r.int(1, 90)) % 97) + 2;
  if (!valid && check === 98 - mod97(`${bban}${country}00`)) check = (check % 97) + 1;
  return `${country}${String(check).padStart(2, "0")}${bban}`;
}
function ibanText(r: Rng): string {
  const iban = ibanRaw(r, true);
  const roll = r.next();
  if (roll < 0.3) return iban;
  if (roll < 0.6) return group4(iban);
  if (roll < 0.75) return group4(iban).toLowerCase();
  if (roll < 0.88) return group4(iban, "-");
  return iban.toLowerCase();
}

function ssnParts(r: Rng): [string, string, string] {
  let area = r.int(1, 899);
  if (area === 666) area = 667;
  return [
    String(area).padStart(3, "0"),
    String(r.int(1, 99)).padStart(2, "0"),
    String(r.int(1, 9999)).padStart(4, "0"),
  ];
}
function itinParts(r: Rng): [string, string, string] {
  const group = r.pick([r.int(70, 88), r.int(90, 92), r.int(94, 99)]);
  return [`9${r.digits(2)}`, String(group), String(r.int(1, 9999)).padStart(4, "0")];
}

function ipv4(r: Rng): string {
  return r.pick([
    () => `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
    () => `${r.int(11, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
    () => `192.168.${r.int(0, 255)}.${r.int(1, 254)}`,
    () => `172.${r.int(16, 31)}.${r.int(0, 255)}.${r.int(1, 254)}`,
  ])();
}
function ipv6(r: Rng): string {
  const h = () => r.int(0, 0xffff).toString(16);
  return r.pick([
    () => `2001:db8:${h()}:${h()}::${h()}`,
    () => `fe80::${h()}:${h()}:${h()}:${h()}`,
    () => Array.from({ length: 8 }, h).join(":"),
    () => `2a00:1450:${h()}:${h()}::${r.int(1, 200)}`,
    () => `::ffff:192.0.2.${r.int(1, 254)}`,
    () => `2606:4700:${h()}::${h()}`.toUpperCase(),
  ])();
}

// ------------------------------------------------------------------------------------------ negatives

const date = (r: Rng) =>
  `2024-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}T${String(r.int(0, 23)).padStart(2, "0")}:${r.int(10, 59)}:${r.int(10, 59)}Z`;
const hex = (r: Rng, n: number) => Array.from({ length: n }, () => r.int(0, 15).toString(16)).join("");
const MONTHS = ["January", "March", "April", "May", "June", "July", "August", "October", "December"];

/** Look-alikes of personal values: none may be tokenized. */
export function hardNegative(r: Rng): string {
  return r.pick<() => string>([
    () => `${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 9)}.${r.int(0, 9)}`,
    () => `v${r.int(1, 12)}.${r.int(0, 20)}.${r.int(0, 9)}.${r.int(0, 99)}`,
    () =>
      `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${r.int(100, 130)}.0.${r.int(1000, 6999)}.${r.int(10, 250)} Safari/537.36`,
    () => `Chrome/${r.int(100, 130)}.0.${r.int(0, 255)}.${r.int(10, 200)}`,
    () => `app-${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.zip`,
    () => `release-${r.int(1, 30)}.${r.int(0, 12)}.${r.int(0, 30)}.${r.int(0, 200)}.tar.gz`,
    () =>
      `${r.pick(["icon", "logo", "avatar", "hero", "btn-close"])}@${r.int(2, 3)}x.${r.pick(["png", "jpg", "webp"])}`,
    () =>
      `git@${r.pick(["github.com", "gitlab.com", "bitbucket.org"])}:${r.pick(["acme", "org"])}/${r.pick(["api", "web", "infra"])}.git`,
    () => `ssh://git@git.example.com:${r.int(22, 7999)}/team/repo.git`,
    () => `npm i @scope/pkg@${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}`,
    () => `ORD-${2000 + r.int(0, 30)}-${r.digits(6)}`,
    () => `INV-${r.digits(4)}-${r.digits(4)}-${r.digits(4)}`,
    () => `order #${r.int(1, 9)}${r.digits(9)}`,
    () => `${r.int(1, 9)}${r.digits(11)}`,
    () => `${1_600_000_000_000 + r.int(0, 1e9)}`,
    () => hex(r, 40),
    () => `sha256:${hex(r, 64)}`,
    () => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`,
    () => date(r),
    () =>
      `${String(r.int(1, 28)).padStart(2, "0")}.${String(r.int(1, 12)).padStart(2, "0")}.${2000 + r.int(0, 30)}`,
    () => `${r.pick(MONTHS)} ${r.int(1, 28)}, 2024`,
    () => `${r.int(10, 23)}:${r.int(10, 59)}:${r.int(10, 59)}`,
    () => Array.from({ length: 6 }, () => r.int(0, 255).toString(16).padStart(2, "0")).join(":"),
    () => badCard(r),
    () => group4(ibanRaw(r, false)),
    () => ibanRaw(r, false),
    () => `${r.pick(["000", "666"])}-${r.digits(2)}-${r.digits(4)}`,
    // Area 900-999 outside the ITIN groups.
    () => `9${r.digits(2)}-${r.pick(["0", "1", "2", "3", "4"])}${r.int(0, 9)}-${r.digits(4)}`,
    () => `${r.int(100, 899)}-00-${r.digits(4)}`,
    () => `978-${r.int(0, 1)}-${r.digits(2)}-${r.digits(6)}-${r.int(0, 9)}`,
    () => `1Z${upper(r, 3)}${r.digits(13)}`,
    () => `node:${r.int(16, 22)}.${r.int(0, 15)}.${r.int(0, 9)}-alpine`,
    () => `${r.int(300, 999)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(0, 255)}`,
    () => `+1 ${r.int(100, 199)}-${r.int(200, 999)}-${r.digits(4)}`,
    () => `${r.int(10, 99)}.${r.digits(4)}, ${r.int(1, 99)}.${r.digits(4)}`,
    () => `user@localhost`,
    () => `EUR ${r.int(1, 999)}.${r.digits(2)}`,
    () => `${r.int(1, 999)} ${r.digits(3)} ${r.digits(3)}`,
    () => `std::vector<int>`,
  ])();
}

// ------------------------------------------------------------------------------------------ builders

/** Collects labels and negatives while a shape is built. */
class Builder {
  labels: Label[] = [];
  negatives: string[] = [];
  constructor(readonly r: Rng) {}
  label<T extends string>(type: string, value: T, prose = false): T {
    this.labels.push(prose ? { type, value, prose } : { type, value });
    return value;
  }
  neg(value?: string): string {
    const v = value ?? hardNegative(this.r);
    this.negatives.push(v);
    return v;
  }
  name(): string {
    return this.label("NAME", personName(this.r));
  }
  email(name?: string): string {
    return this.label("EMAIL", emailFor(this.r, name ?? personName(this.r)));
  }
  sentence(n: number): string {
    return Array.from({ length: n }, () => this.r.pick(WORDS)).join(" ");
  }
}

/** Spellings of one key concept, in the styles APIs use. */
const spell = (r: Rng, words: string[]): string => {
  const style = r.int(0, 3);
  if (style === 0) return words.join("_");
  if (style === 1)
    return (
      words[0]! +
      words
        .slice(1)
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join("")
    );
  if (style === 2) return words.join("-");
  return words.join("_").toUpperCase();
};

const PHONE_KEYS = [
  ["phone"],
  ["phone", "number"],
  ["mobile"],
  ["mobile", "no"],
  ["msisdn"],
  ["tel"],
  ["cell", "phone"],
  ["work", "phone"],
  ["contact", "number"],
  ["fax"],
  ["telephone"],
  ["whatsapp"],
];
const EMAIL_KEYS = [
  ["email"],
  ["email", "address"],
  ["work", "email"],
  ["e", "mail"],
  ["contact", "email"],
  ["mail"],
];
const FIRST_KEYS = [["first", "name"], ["given", "name"], ["forename"], ["first"]];
const LAST_KEYS = [["last", "name"], ["family", "name"], ["surname"], ["last"]];
const FULL_KEYS = [
  ["full", "name"],
  ["display", "name"],
  ["contact", "name"],
  ["customer", "name"],
  ["name"],
  ["account", "holder", "name"],
  ["primary", "contact", "person", "full", "legal", "name", "as", "registered"],
];
const ROLE_KEYS = [
  "author",
  "assignee",
  "owner",
  "reporter",
  "requester",
  "creator",
  "reviewer",
  "approver",
  "organizer",
];

/** The region's context as a record would carry it: a code, a name, a locale or a language. */
function regionContext(r: Rng, region: CountryCode): [string, string] {
  return r.pick<[string, string]>([
    [spell(r, ["country"]), region],
    [spell(r, ["country", "code"]), region.toLowerCase()],
    ["country", countryNames.of(region)!],
    ["locale", `${LANG_OF[region] ?? "en"}-${region}`],
    ["locale", `${LANG_OF[region] ?? "en"}_${region}`],
  ]);
}

/** A phone labelled in context: under a phone key it may be national; as a number sometimes. */
function phoneField(b: Builder, region: CountryCode): JsonValue {
  const r = b.r;
  if (r.chance(0.12)) {
    const n = phoneOf(r, region);
    const digits = r.chance(0.5) ? `${n.countryCallingCode}${n.nationalNumber}` : n.nationalNumber;
    if (digits.length >= 7 && !digits.startsWith("0")) return Number(b.label("PHONE", digits));
  }
  return b.label("PHONE", phoneText(r, region, r.chance(0.4)));
}

function contact(b: Builder): Record<string, JsonValue> {
  const r = b.r;
  const region = r.pick(REGIONS);
  const first = r.chance(0.04) ? r.pick(MONTH_FIRST) : r.chance(0.06) ? r.pick(NON_LATIN) : r.pick(FIRST);
  const last = r.pick(LAST);
  const out: Record<string, JsonValue> = { id: `cus_${r.digits(10)}` };
  const [ck, cv] = regionContext(r, region);
  if (r.chance(0.5)) {
    out[spell(r, r.pick(FIRST_KEYS))] = b.label("NAME", first);
    out[spell(r, r.pick(LAST_KEYS))] = b.label("NAME", last);
  } else {
    out[spell(r, r.pick(FULL_KEYS))] = b.label("NAME", `${first} ${last}`);
  }
  out[spell(r, r.pick(EMAIL_KEYS))] = r.chance(0.05)
    ? b.neg(r.pick(PLACEHOLDERS))
    : b.email(`${first} ${last}`);
  out[spell(r, r.pick(PHONE_KEYS))] = r.chance(0.05) ? b.neg(r.pick(PLACEHOLDERS)) : phoneField(b, region);
  out[ck] = cv;
  out.company = `${r.pick(COMPANIES)} ${r.pick(["GmbH", "Ltd", "Inc", "SA", "KK"])}`;
  out.created_at = b.neg(date(r));
  if (r.chance(0.3)) out.owner = r.chance(0.5) ? b.name() : { login: `u${r.digits(5)}`, name: b.name() };
  if (r.chance(0.2)) out[spell(r, ["middle", "name"])] = b.neg(r.pick(PLACEHOLDERS));
  if (r.chance(0.4)) {
    const other = phoneText(r, region, false);
    out.notes = `${b.sentence(6)}. ${r.pick(["Tel.", "Phone:", "mobile", "call back on", "Tél :", "Telefon:", "Móvil:", "電話"])} ${b.label("PHONE", other)}. ${b.sentence(4)} ${b.neg()}`;
  } else out.notes = `${b.sentence(8)} ${b.neg()}`;
  if (r.chance(0.15))
    out.ssn = b.label(
      "SSN",
      r.chance(0.5) ? ssnParts(r).join("") : ssnParts(r).join(r.pick(["-", ".", " "])),
    );
  if (r.chance(0.1)) out[spell(r, ["tax", "id"])] = b.label("SSN", itinParts(r).join("-"));
  return out;
}

function crmExport(b: Builder): JsonValue {
  const r = b.r;
  const rows = Array.from({ length: r.int(2, 6) }, () => contact(b));
  return r.pick<() => JsonValue>([
    () => ({ data: rows, has_more: r.chance(0.5), total: rows.length }),
    () => ({ results: rows.map((p) => ({ properties: p, archived: false, updatedAt: b.neg(date(r)) })) }),
    () => rows,
  ])();
}

function person(b: Builder): JsonValue {
  const r = b.r;
  const name = personName(r);
  return r.pick<() => JsonValue>([
    () => ({ displayName: b.label("NAME", name), emailAddress: b.email(name), accountId: hex(r, 24) }),
    () => ({
      login: `${stripAccents(name.split(" ")[0]!).toLowerCase()}${r.int(1, 99)}`,
      name: b.label("NAME", name),
      id: r.int(1, 1e7),
    }),
    () => ({ name: b.label("NAME", name), email: b.email(name) }),
    () => b.label("NAME", name),
    () => ({
      id: `usr_${hex(r, 8)}`,
      full_name: b.label("NAME", name),
      avatar: b.neg(`https://cdn.example.com/a/${hex(r, 6)}@2x.png`),
    }),
  ])();
}

function ticket(b: Builder): JsonValue {
  const r = b.r;
  const from = personName(r);
  const fromEmail = emailFor(r, from);
  const header = r.chance(0.5)
    ? `From: ${b.label("NAME", from)} <${b.label("EMAIL", fromEmail)}>\nSubject: ${b.sentence(4)}\n\n`
    : "";
  const ipLine = r.chance(0.4) ? ` Client IP ${b.label("IPV4", ipv4(r))}.` : "";
  const role1 = r.pick(ROLE_KEYS);
  const role2 = r.pick(ROLE_KEYS.filter((k) => k !== role1));
  return {
    key: `${upper(r, 3)}-${r.int(1, 9999)}`,
    fields: {
      summary: b.sentence(6),
      status: { name: r.pick(["Open", "In Progress", "Done"]) },
      [role1]: r.chance(0.07) ? b.neg(r.pick(PLACEHOLDERS)) : person(b),
      [role2]: person(b),
      description: `${header}${b.sentence(12)} on ${b.neg()}. Build ${b.neg(`${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}`)}.${ipLine}`,
      comment: {
        comments: Array.from({ length: r.int(0, 3) }, () => ({
          author: person(b),
          body: `${b.sentence(10)} ${r.chance(0.3) ? `Reach me at ${b.label("PHONE", phoneText(r, r.pick(REGIONS), true))}` : b.neg()}`,
          created: b.neg(date(r)),
        })),
      },
      attachment: [
        { filename: b.neg(`${r.pick(["screenshot", "icon", "logo"])}@2x.png`), size: r.int(1000, 99999) },
      ],
    },
  };
}

function logText(b: Builder, lines: number): string {
  const r = b.r;
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const name = personName(r);
    const parts = [
      b.neg(date(r)),
      r.pick(["INFO", "WARN", "ERROR"]),
      `ip=${b.label("IPV4", ipv4(r))}`,
      r.chance(0.3) ? `ip6=${b.label("IPV6", ipv6(r))}` : `req=${b.neg(hex(r, 16))}`,
      `user=${b.email(name)}`,
      `ua="${b.neg(hardNegative(r).replace(/"/g, ""))}"`,
      `path=/download/${b.neg(`app-${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.zip`)}`,
      `${r.pick([200, 201, 404, 500])} ${r.int(1, 900)}ms`,
    ];
    out.push(parts.join(" "));
  }
  return out.join("\n");
}

function logs(b: Builder): JsonValue {
  return { content: [{ type: "text", text: logText(b, b.r.int(3, 10)) }] };
}

const SHEET_HEADERS: [string, string][] = [
  ["Full Name", "NAME"],
  ["Name", "NAME"],
  ["Customer", "NAME"],
  ["Contact Person", "NAME"],
  ["Nom", "NAME"],
  ["Email", "EMAIL"],
  ["E-mail Address", "EMAIL"],
  ["Phone", "PHONE"],
  ["Mobile No.", "PHONE"],
  ["Tel", "PHONE"],
];

function sheet(b: Builder): JsonValue {
  const r = b.r;
  const region = r.pick(REGIONS);
  const cols: [string, string][] = [
    r.pick(SHEET_HEADERS.slice(0, 5)),
    r.pick(SHEET_HEADERS.slice(5, 7)),
    r.pick(SHEET_HEADERS.slice(7)),
    ["Country", "COUNTRY"],
    ["Order", "NEG"],
    ["Amount", "AMOUNT"],
  ];
  const values: JsonValue[][] = [cols.map((c) => c[0])];
  for (let i = 0, n = r.int(2, 8); i < n; i++) {
    const name = personName(r);
    values.push(
      cols.map(([, kind]) => {
        if (kind === "NAME") return b.label("NAME", name);
        if (kind === "EMAIL") return b.email(name);
        if (kind === "PHONE") return phoneField(b, region);
        if (kind === "COUNTRY") return region;
        if (kind === "NEG") return b.neg(`ORD-${r.digits(6)}`);
        return r.int(1, 9999) / 100;
      }),
    );
  }
  const delimiter = r.pick([",", "\t", ";"]);
  return r.chance(0.7)
    ? { range: `Sheet1!A1:F${values.length}`, majorDimension: "ROWS", values }
    : { content: [{ type: "text", text: values.map((row) => row.map(String).join(delimiter)).join("\n") }] };
}

function calendar(b: Builder): JsonValue {
  const r = b.r;
  const organizer = personName(r);
  return {
    items: Array.from({ length: r.int(1, 4) }, () => ({
      id: hex(r, 26),
      summary: `${r.pick(["Sync", "Review", "1:1", "Planning"])} ${r.pick(MONTHS)} ${r.int(1, 28)}`,
      start: { dateTime: b.neg(date(r)), timeZone: "Europe/Berlin" },
      organizer: { email: b.email(organizer), displayName: b.label("NAME", organizer), self: false },
      attendees: Array.from({ length: r.int(1, 4) }, () => {
        const n = personName(r);
        return { email: b.email(n), displayName: b.label("NAME", n), responseStatus: "accepted" };
      }),
      location: r.chance(0.3)
        ? `Dial-in ${b.label("PHONE", phoneText(r, r.pick(REGIONS), true))}`
        : "Room 4.2.1",
      hangoutLink: `https://meet.example.com/${hex(r, 3)}-${hex(r, 4)}-${hex(r, 3)}`,
    })),
  };
}

function payment(b: Builder): JsonValue {
  const r = b.r;
  const name = personName(r);
  const region = r.pick(REGIONS);
  const cardValue = r.chance(0.2) ? Number(b.label("CARD", cardDigits(r))) : b.label("CARD", cardText(r));
  return {
    id: `ch_${hex(r, 24)}`,
    amount: r.int(100, 99999),
    currency: r.pick(["eur", "usd", "gbp"]),
    billing_details: {
      name: b.label("NAME", name),
      email: b.email(name),
      phone: phoneField(b, region),
      address: { country: region, postal_code: `${r.digits(5)}` },
    },
    payment_method_details: {
      card: {
        number: cardValue,
        brand: "visa",
        exp_month: r.int(1, 12),
        exp_year: 2029,
        fingerprint: hex(r, 16),
      },
      sepa_debit: r.chance(0.5)
        ? { iban: b.label("IBAN", ibanText(r)), mandate: `mandate_${hex(r, 10)}` }
        : null,
    },
    description:
      `Payment for ${b.neg()} ref ${b.neg(badCard(r))} ${r.chance(0.3) ? `IBAN ${b.label("IBAN", ibanText(r))}` : ""}`.trim(),
    receipt_number: b.neg(`${r.int(1000, 9999)}-${r.int(1000, 9999)}`),
  };
}

function commits(b: Builder): JsonValue {
  const r = b.r;
  const list = Array.from({ length: r.int(1, 4) }, () => {
    const a = personName(r);
    const co = personName(r);
    const message = `${b.sentence(5)}\n\n${r.chance(0.4) ? `Co-authored-by: ${b.label("NAME", co)} <${b.email(co)}>` : b.neg()}`;
    return {
      sha: b.neg(hex(r, 40)),
      commit: {
        author: { name: b.label("NAME", a), email: b.email(a), date: b.neg(date(r)) },
        message,
      },
      author: {
        login: `${stripAccents(a.split(" ")[0]!).toLowerCase()}-${hex(r, 3)}`,
        avatar_url: `https://avatars.example.com/u/${r.int(1, 1e7)}`,
      },
    };
  });
  if (r.chance(0.5)) return list;
  // `git log` as text.
  const text = list
    .map((c) => {
      const a = c.commit.author;
      return `commit ${c.sha}\nAuthor: ${a.name} <${a.email}>\nDate:   ${a.date}\n\n    ${c.commit.message.replace(/\n/g, "\n    ")}`;
    })
    .join("\n\n");
  return { content: [{ type: "text", text }] };
}

function configDump(b: Builder): JsonValue {
  const r = b.r;
  const user = r.pick(["app", "svc_user", "admin", "deploy"]);
  const secret = `${hex(r, 6)}${r.pick(["Xy", "Q9", "zz"])}${r.digits(3)}`;
  const lines = [
    `DATABASE_URL=postgres://${user}:${b.label("SECRET", secret)}@db.internal:5432/app`,
    `GIT_REMOTE=${b.neg(`git@github.com:${r.pick(["acme", "org"])}/svc.git`)}`,
    `IMAGE=${b.neg(`registry.example.com/app:${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}`)}`,
    `VERSION=${b.neg(`${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 99)}`)}`,
    `BIND_ADDR=${b.label("IPV4", ipv4(r))}`,
    `ADMIN_EMAIL=${b.email()}`,
    `SUPPORT_PHONE=${b.label("PHONE", phoneText(r, r.pick(REGIONS), true))}`,
    `ASSET=${b.neg(`${r.pick(["icon", "logo"])}@${r.int(2, 3)}x.png`)}`,
    `BUILD_ID=${b.neg()}`,
    `CHECKSUM=${b.neg(hex(r, 32))}`,
  ];
  if (r.chance(0.5)) {
    const pw = `${hex(r, 4)}${r.digits(4)}`;
    lines.push(`REDIS_URL=redis://default:${b.label("SECRET", pw)}@cache.internal:6379/0`);
  }
  const text = r.chance(0.5)
    ? lines.join("\n")
    : lines.map((l) => l.replace(/^(\w+)=/, (_, k: string) => `${k.toLowerCase()}: `)).join("\n");
  return { content: [{ type: "text", text }] };
}

function fhirPatient(b: Builder): JsonValue {
  const r = b.r;
  const region = r.pick(REGIONS);
  const given = [r.pick(FIRST), ...(r.chance(0.3) ? [r.pick(FIRST)] : [])];
  const family = r.pick(LAST);
  const [area, group, serial] = ssnParts(r);
  return {
    resourceType: "Patient",
    id: hex(r, 12),
    name: [{ use: "official", family: b.label("NAME", family), given: given.map((g) => b.label("NAME", g)) }],
    telecom: [
      { system: "phone", value: b.label("PHONE", phoneText(r, region, r.chance(0.5))), use: "mobile" },
      { system: "email", value: b.email(`${given[0]} ${family}`) },
    ],
    address: [{ city: "Springfield", country: region }],
    identifier: [
      { system: "http://hl7.org/fhir/sid/us-ssn", value: b.label("SSN", `${area}${group}${serial}`) },
      { system: "urn:oid:1.2.36.146.595.217.0.1", value: b.neg(r.digits(8)) },
    ],
    birthDate: b.neg(`19${r.int(40, 99)}-0${r.int(1, 9)}-1${r.int(0, 9)}`),
  };
}

const PROSE = [
  (n: string) => `please call ${n} tomorrow about the renewal`,
  (n: string) => `${n} asked whether the invoice was sent`,
  (n: string) => `Met with ${n} and the team to review the plan.`,
  (n: string) => `Forwarding this to ${n}, who owns the account now.`,
  (n: string) => `Thanks ${n}!`,
  (n: string) => `Escalated by ${n} after the outage.`,
];

function chat(b: Builder): JsonValue {
  const r = b.r;
  const region = r.pick(REGIONS.filter((x) => x !== "US" && x !== "CA"));
  const lang = LANG_OF[region] ?? "en";
  const messages = Array.from({ length: r.int(1, 4) }, () => {
    const who = personName(r);
    const prose = b.label("NAME", personName(r), true);
    const bits = [r.pick(PROSE)(prose)];
    if (r.chance(0.4)) bits.push(`My number is ${b.label("PHONE", phoneText(r, region, false))}.`);
    if (r.chance(0.3)) bits.push(`Card ${b.label("CARD", cardText(r))} was declined.`);
    if (r.chance(0.2)) bits.push(`SSN: ${b.label("SSN", ssnParts(r).join(""))}`);
    if (r.chance(0.3)) bits.push(`See ${b.neg()}.`);
    if (r.chance(0.2))
      bits.push(
        `Unsubscribe: https://mail.example.com/u?email=${b.label("EMAIL", encodeURIComponent(emailFor(r, who)))}&id=${hex(r, 8)}`,
      );
    if (r.chance(0.15))
      bits.push(
        `Callback: https://crm.example.com/call?to=${b.label(
          "PHONE",
          encodeURIComponent(
            phoneText(r, region, true)
              .replace(/[^\d+ ]/g, " ")
              .replace(/ +/g, " "),
          ),
        )}`,
      );
    return {
      user: { name: b.label("NAME", who), email: b.email(who) },
      lang,
      text: bits.join(" "),
      ts: b.neg(`${1_700_000_000 + r.int(0, 1e8)}.${r.digits(6)}`),
    };
  });
  return { channel: hex(r, 9), messages };
}

/** Escapes every non-ASCII character as `\uXXXX`, as Python's `json.dumps` does by default. */
const asciiJson = (v: JsonValue) =>
  JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** An MCP result with structured content and text copies (some ASCII-escaped), or several text blocks. */
function mcpWrapped(b: Builder, inner: (b: Builder) => JsonValue): JsonValue {
  const r = b.r;
  const value = inner(b);
  if (typeof value === "object" && value !== null && !Array.isArray(value) && "content" in value)
    return value;
  const roll = r.next();
  if (roll < 0.35) return value;
  if (roll < 0.6) {
    return {
      content: [{ type: "text", text: r.chance(0.5) ? asciiJson(value) : JSON.stringify(value, null, 2) }],
      structuredContent: value,
    };
  }
  if (roll < 0.8) return { content: [{ type: "text", text: asciiJson(value) }] };
  return {
    content: [
      { type: "text", text: `Found ${r.int(1, 9)} records.` },
      { type: "text", text: JSON.stringify(value) },
    ],
  };
}

const SHAPES: Record<string, (b: Builder) => JsonValue> = {
  crm: crmExport,
  ticket,
  logs,
  sheet,
  calendar,
  payment,
  commits,
  config: configDump,
  fhir: fhirPatient,
  chat,
};

/** Python's `repr` of a JSON value, as `str(result)` in a Python tool writes it. */
export function pythonRepr(v: JsonValue): string {
  if (v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") {
    // Python quotes with `'` unless the string holds one and no `"`.
    const quote = v.includes("'") && !v.includes('"') ? '"' : "'";
    const escaped = v
      .replace(/\\/g, "\\\\")
      .replaceAll(quote, `\\${quote}`)
      .replace(/\n/g, "\\n")
      .replace(/\r/g, "\\r")
      .replace(/\t/g, "\\t");
    return `${quote}${escaped}${quote}`;
  }
  if (Array.isArray(v)) return `[${v.map(pythonRepr).join(", ")}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${pythonRepr(k)}: ${pythonRepr(x)}`)
    .join(", ")}}`;
}

/**
 * The samples whose structured value is known (the value itself, its `structuredContent`, or the JSON of
 * one of its text blocks), each rewritten as one text block holding that value's Python `repr`, with the
 * same labels and negatives.
 */
export function asPythonRepr(samples: readonly Sample[]): Sample[] {
  const structured = (value: JsonValue): JsonValue | undefined => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
    if (value.structuredContent !== undefined) return value.structuredContent;
    if (!Array.isArray(value.content)) return value;
    for (const block of value.content) {
      const text = (block as { text?: unknown }).text;
      if (typeof text !== "string") continue;
      try {
        const parsed = JSON.parse(text) as JsonValue;
        if (typeof parsed === "object" && parsed !== null) return parsed;
      } catch {
        // not JSON: the next block
      }
    }
    return undefined;
  };
  return samples.flatMap((s) => {
    const value = structured(s.value);
    if (value === undefined) return [];
    return [{ ...s, value: { content: [{ type: "text", text: pythonRepr(value) }] } }];
  });
}

/** `count` samples from `seed`, shapes in turn. */
export function generateCorpus(seed: number, count: number): Sample[] {
  const r = rng(seed);
  const names = Object.keys(SHAPES);
  const out: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const shape = names[i % names.length]!;
    const b = new Builder(r);
    const value = mcpWrapped(b, SHAPES[shape]!);
    out.push({
      shape,
      value: JSON.parse(JSON.stringify(value)) as JsonValue,
      labels: b.labels,
      negatives: b.negatives,
    });
  }
  return out;
}

/** A single-string log of about `bytes` characters, three personal values per line. */
export function bigLog(seed: number, bytes: number): string {
  const r = rng(seed);
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const line = `${date(r)} INFO ip=${ipv4(r)} user=${emailFor(r, personName(r))} phone=${phoneText(r, "US", false)} GET /api/v1/orders/${r.digits(6)} 200 ${r.int(1, 900)}ms`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n");
}

// ------------------------------------------------------------------------------------------ scoring

/** Counts of one type. */
export interface TypeScore {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

/** What {@link scoreCorpus} reports. */
export interface CorpusScore {
  types: Record<string, TypeScore>;
  /** Names in free text, when a name detector is on (otherwise recall is 0). */
  prose: TypeScore;
  negatives: number;
  /** Hard negatives changed by tokenization. */
  negativesHit: number;
  negativeRate: number;
  negativeExamples: string[];
  /** A few misses and false positives per type, for a report. */
  examples: Record<string, { missed: string[]; wrong: string[] }>;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/**
 * Scores a tokenizer on `samples`: `run` tokenizes one sample's value and returns the vault entries it
 * issued (type and raw value) and the tokenized value. A label is found when an entry of its type holds
 * exactly its text; an entry matching no label is a false positive of its type. A hard negative counts
 * as hit when its text no longer appears in the tokenized output.
 */
export function scoreCorpus(
  samples: readonly Sample[],
  run: (value: JsonValue) => { entries: { type: string; value: string }[]; output: JsonValue },
): CorpusScore {
  const counts: Record<string, { tp: number; fp: number; fn: number }> = {};
  const examples: Record<string, { missed: string[]; wrong: string[] }> = {};
  const prose = { tp: 0, fp: 0, fn: 0 };
  const bump = (type: string) => {
    counts[type] ??= { tp: 0, fp: 0, fn: 0 };
    examples[type] ??= { missed: [], wrong: [] };
    return counts[type]!;
  };
  let negatives = 0;
  let negativesHit = 0;
  const negHits: string[] = [];
  for (const s of samples) {
    const { entries, output } = run(s.value);
    const got = new Map<string, number>();
    for (const e of entries)
      got.set(`${e.type}\u0000${e.value}`, (got.get(`${e.type}\u0000${e.value}`) ?? 0) + 1);
    const proseKeys = new Set(s.labels.filter((l) => l.prose).map((l) => `${l.type}\u0000${l.value}`));
    const wanted = new Set(s.labels.filter((l) => !l.prose).map((l) => `${l.type}\u0000${l.value}`));
    for (const key of wanted) {
      const [type, value] = key.split("\u0000") as [string, string];
      const c = bump(type);
      if (got.has(key)) {
        c.tp++;
        got.delete(key);
      } else {
        c.fn++;
        if (examples[type]!.missed.length < 8) examples[type]!.missed.push(`${s.shape}: ${value}`);
      }
    }
    for (const key of proseKeys) {
      if (wanted.has(key)) continue; // the same name also sits in a field
      if (got.has(key)) {
        prose.tp++;
        got.delete(key);
      } else prose.fn++;
    }
    for (const key of got.keys()) {
      const [type, value] = key.split("\u0000") as [string, string];
      bump(type).fp++;
      if (examples[type]!.wrong.length < 8) examples[type]!.wrong.push(`${s.shape}: ${value}`);
    }
    const text = JSON.stringify(output);
    for (const n of new Set(s.negatives)) {
      negatives++;
      // Changed in place, or remembered (a placeholder is short: its text survives elsewhere).
      if (!text.includes(JSON.stringify(n).slice(1, -1)) || entries.some((e) => e.value === n)) {
        negativesHit++;
        if (negHits.length < 30) negHits.push(`${s.shape}: ${n}`);
      }
    }
  }
  const finish = (c: { tp: number; fp: number; fn: number }): TypeScore => ({
    ...c,
    precision: round(c.tp / (c.tp + c.fp || 1)),
    recall: round(c.tp / (c.tp + c.fn || 1)),
  });
  return {
    types: Object.fromEntries(Object.entries(counts).map(([t, c]) => [t, finish(c)])),
    prose: finish(prose),
    negatives,
    negativesHit,
    negativeRate: round(negativesHit / (negatives || 1)),
    negativeExamples: negHits,
    examples,
  };
}
