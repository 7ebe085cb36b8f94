/**
 * The independent privacy evaluation set: tool results in the shapes MCP servers return (CRM exports,
 * tickets, logs, sheets, CSV and markdown tables, calendars, payments, commits, config dumps, FHIR
 * patients, mail), each with every personal value labelled by type and with hard negatives that must
 * survive. Written from issue 22's list of shapes and public format references only (this generator
 * was written without reading the project's detectors or its corpus generator).
 */
import type { JsonValue } from "../../src/json.js";
import { fieldNegative, infraNegative, type Negative, PLACEHOLDERS, textNegative } from "./negatives.js";
import {
  CALLING_CODE,
  COUNTRY_NAME,
  CULTURE_OF,
  card,
  emailFor,
  iban,
  ipv4,
  ipv6,
  LANG,
  type Person,
  PHONE_REGIONS,
  type PhoneRegion,
  person,
  phone,
  Rng,
  ssn,
} from "./values.js";

export const SCORED_TYPES = ["EMAIL", "PHONE", "CARD", "IBAN", "SSN", "IPV4", "IPV6", "NAME"] as const;
export type ScoredType = (typeof SCORED_TYPES)[number];

/** One labelled personal value: `value` exactly as it appears (a JSON number's decimal digits). */
export interface Label {
  type: ScoredType;
  value: string;
  /** Other spans that count as finding it (a URL-encoded `+` left outside the token). */
  alts?: string[];
  /** Phrases of the same result where the value is an ordinary word (`June` in a date): no copy there. */
  besides?: string[];
}

/** One tool result with its labels. */
export interface Sample {
  id: string;
  shape: string;
  result: JsonValue;
  labels: Label[];
  negatives: Negative[];
  /** Regions the deployment configured (`phone.regions`), when the case needs it. */
  regions?: string[];
}

/** Collects labels and negatives while a shape is built. */
class Builder {
  readonly labels: Label[] = [];
  readonly negatives: Negative[] = [];
  constructor(readonly r: Rng) {}
  label<T extends string | number>(type: ScoredType, value: T, alts?: string[]): T {
    if (!this.labels.some((l) => l.type === type && l.value === String(value)))
      this.labels.push({ type, value: String(value), alts });
    return value;
  }
  name(v: string): string {
    return this.label("NAME", v);
  }
  /** A placeholder in a personal field: must not be taken. */
  placeholder(): string {
    const v = this.r.pick(PLACEHOLDERS);
    this.negatives.push({ kind: "placeholder", text: v, exact: true });
    return v;
  }
  /** A free field holding a hard negative; added to `obj`. */
  fieldNeg(obj: Record<string, JsonValue>): void {
    const f = fieldNegative(this.r);
    let key = f.key;
    while (key in obj) key = `${key}_2`;
    obj[key] = f.value;
    this.negatives.push(f.neg);
  }
  textNeg(): string {
    const t = textNegative(this.r);
    this.negatives.push({ kind: t.kind, text: t.text, core: t.core, allow: t.allow, exact: t.exact });
    return t.phrase;
  }
}

/** How a national phone's region is made known. */
type Signal = "country-code" | "country-name" | "locale" | "international" | "key-only" | "config";

function pickRegion(r: Rng): PhoneRegion {
  return r.chance(0.25) ? r.pick(["US", "GB"] as const) : r.pick(PHONE_REGIONS);
}
function pickSignal(r: Rng): Signal {
  return r.pick([
    "country-code",
    "country-code",
    "country-name",
    "locale",
    "international",
    "key-only",
    "config",
  ] as const);
}

const textBlock = (text: string): JsonValue => ({ type: "text", text });
/** JSON text as a server would write it, optionally ASCII-only (`\u` escapes for non-ASCII). */
function jsonText(r: Rng, v: JsonValue): string {
  let s = JSON.stringify(v, null, r.chance(0.5) ? 2 : undefined);
  if (r.chance(0.25))
    s = s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return s;
}
/** The envelope: structured content with a text copy, a text block only, or several text blocks. */
function envelope(r: Rng, data: JsonValue, summary: string): JsonValue {
  const roll = r.next();
  if (roll < 0.35) return { content: [textBlock(jsonText(r, data))], structuredContent: data };
  if (roll < 0.7) return { content: [textBlock(jsonText(r, data))] };
  if (roll < 0.85) return { content: [textBlock(summary), textBlock(jsonText(r, data))] };
  return { content: [textBlock(summary)], structuredContent: data };
}

// ---------- the shapes ----------

function crmContact(
  b: Builder,
  region: PhoneRegion,
  signal: Signal,
  regions: string[],
): Record<string, JsonValue> {
  const r = b.r;
  const p = person(r, CULTURE_OF[region]);
  const c: Record<string, JsonValue> = { id: `${r.pick(["003", "cus_", "ct-"])}${r.alnum(12)}` };
  const nameStyle = r.int(0, 4);
  if (nameStyle === 0) {
    c.firstName = b.name(p.given);
    c.lastName = b.name(p.family);
  } else if (nameStyle === 1) c.full_name = b.name(p.full);
  else if (nameStyle === 2) c.displayName = b.name(p.full);
  else if (nameStyle === 3) c.primary_contact_full_name_for_billing_purposes = b.name(p.full);
  else c.contactName = b.name(p.full);
  c[r.pick(["email", "emailAddress", "work_email", "e_mail"])] = b.label("EMAIL", emailFor(r, p));
  const ph = phone(r, region, signal === "international" ? "international" : "any");
  const key = r.pick([
    "phone",
    "phoneNumber",
    "mobile",
    "mobile_no",
    "tel",
    "telephone",
    "contact_number",
    "cell",
    "whatsapp",
  ]);
  if (r.chance(0.15)) {
    // stored as a number: international without "+" or national without trunk prefix
    const num = ph.international ? ph.digits : ph.digits.replace(/^0/, "");
    c[r.pick(["msisdn", "mobile_no", "phone", "phone_number"])] = b.label("PHONE", Number(num));
  } else c[key] = b.label("PHONE", ph.text);
  if (r.chance(0.2))
    c.fax = r.chance(0.5)
      ? b.placeholder()
      : b.label("PHONE", phone(r, region, ph.international ? "international" : "national").text);
  applySignal(b, c, region, signal, regions);
  c.company = r.pick([
    "Acme GmbH",
    "Globex SARL",
    "Initech Ltd",
    "Umbrella S.p.A.",
    "Hooli Inc.",
    "Soylent BV",
  ]);
  c.stage = r.pick(["lead", "customer", "churned", "prospect"]);
  if (r.chance(0.6)) b.fieldNeg(c);
  return c;
}

function applySignal(
  b: Builder,
  c: Record<string, JsonValue>,
  region: PhoneRegion,
  signal: Signal,
  regions: string[],
): void {
  const r = b.r;
  if (signal === "country-code") c[r.pick(["country", "countryCode", "country_code"])] = region;
  else if (signal === "country-name") c.country = COUNTRY_NAME[region];
  else if (signal === "locale")
    c[r.pick(["locale", "lang", "language"])] = r.chance(0.5) ? LANG[region] : LANG[region].replace("-", "_");
  else if (signal === "config" && !regions.includes(region)) regions.push(region);
}

function crmExport(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const regions: string[] = [];
  const n = b.r.int(1, 4);
  const contacts: JsonValue[] = [];
  for (let i = 0; i < n; i++) contacts.push(crmContact(b, pickRegion(b.r), pickSignal(b.r), regions));
  return {
    data: { contacts, total: n, next_cursor: b.r.chance(0.5) ? null : b.r.alnum(16) },
    summary: `Found ${n} contacts.`,
    regions,
  };
}

function ticket(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const regions: string[] = [];
  const region = pickRegion(r);
  const reporter = person(r, CULTURE_OF[region]);
  const assignee = person(r);
  const fields: Record<string, JsonValue> = {
    key: `${r.pick(["SUP", "OPS", "HELP"])}-${r.int(10, 9999)}`,
    summary: r.pick([
      "Cannot log in",
      "Refund request",
      "Invoice missing",
      "App crashes on start",
      "Change billing address",
    ]),
    status: r.pick(["Open", "In Progress", "Resolved"]),
  };
  const roleStyle = r.int(0, 3);
  if (roleStyle === 0)
    fields.reporter = {
      displayName: b.name(reporter.full),
      emailAddress: b.label("EMAIL", emailFor(r, reporter)),
      accountId: r.hex(24),
    };
  else if (roleStyle === 1)
    fields.reporter = {
      login: `${reporter.given.toLowerCase().replace(/[^a-z]/g, "")}${r.int(1, 99)}`,
      name: b.name(reporter.full),
    };
  else fields.requester = { name: b.name(reporter.full), email: b.label("EMAIL", emailFor(r, reporter)) };
  fields.assignee = r.chance(0.15)
    ? b.placeholder()
    : r.chance(0.5)
      ? b.name(assignee.full)
      : { displayName: b.name(assignee.full) };
  const ph = phone(r, region, r.chance(0.5) ? "international" : "national");
  const label = labelFor(region);
  const body = [
    r.pick(["Hi team,", "Hello,", "Dear support,"]),
    `${r.pick(["Customer called about", "Follow-up on", "Escalated:"])} ${String(fields.summary).toLowerCase()}; ${b.textNeg()}.`,
    `${label} ${b.label("PHONE", ph.text)}`,
    r.chance(0.5) ? `Email: ${b.label("EMAIL", emailFor(r, reporter))}` : b.textNeg(),
  ];
  if (r.chance(0.35))
    body.push(`Card on file: ${b.label("CARD", card(r).text)} (exp ${r.int(1, 12)}/${r.int(26, 32)})`);
  if (!ph.international && region !== "US" && region !== "GB" && r.chance(0.5))
    fields.customer_country = region;
  fields.description = body.join("\n");
  const comments: JsonValue[] = [];
  for (let i = r.int(0, 2); i > 0; i--) {
    const a = person(r);
    comments.push({
      author: r.chance(0.5) ? b.name(a.full) : { name: b.name(a.full), login: r.alnum(6).toLowerCase() },
      body: `Checked, ${b.textNeg()}.`,
      created: new Date(1_700_000_000_000 + r.int(0, 9e9)).toISOString(),
    });
  }
  fields.comments = comments;
  b.fieldNeg(fields);
  return { data: { issue: fields }, summary: `Ticket ${fields.key}`, regions };
}

/** Phone labels in the record's language (words people write before a number). */
function labelFor(region: PhoneRegion): string {
  const labels: Record<PhoneRegion, string> = {
    US: "Phone:",
    GB: "Tel:",
    FR: "Tél. :",
    DE: "Telefon:",
    IN: "Mobile:",
    ES: "Teléfono:",
    IT: "Cellulare:",
    BR: "Celular:",
    JP: "電話:",
    NL: "Telefoon:",
    AU: "Mobile:",
    MX: "Tel.:",
  };
  return labels[region];
}

function logLines(b: Builder): { data: JsonValue; summary: string; text: true } {
  const r = b.r;
  const lines: string[] = [];
  for (let i = r.int(3, 8); i > 0; i--) {
    const ts = new Date(1_700_000_000_000 + r.int(0, 9e9)).toISOString();
    const kind = r.int(0, 5);
    if (kind === 0)
      lines.push(
        `${ts} INFO auth login ok user=${b.label("EMAIL", emailFor(r, person(r)))} ip=${b.label("IPV4", ipv4(r))}`,
      );
    else if (kind === 1)
      lines.push(
        `${ts} WARN http ${r.pick(["GET", "POST"])} /api/v${r.int(1, 3)}/orders 429 client=${b.label("IPV6", ipv6(r))} ${b.textNeg()}`,
      );
    else if (kind === 2) {
      const region = pickRegion(r);
      const ph = phone(r, region, "international");
      const compact = `+${CALLING_CODE[region]}${ph.digits.slice(CALLING_CODE[region].length)}`;
      if (r.chance(0.4)) {
        const enc = compact.replace("+", "%2B");
        lines.push(
          `${ts} INFO sms GET /send?to=${b.label("PHONE", enc, [compact.slice(1)])}&tpl=otp status=200`,
        );
      } else
        lines.push(
          `${ts} INFO sms sent to=${b.label("PHONE", compact)} provider=${r.pick(["twilio", "vonage"])}`,
        );
    } else if (kind === 3) {
      const e = emailFor(r, person(r));
      const enc = encodeURIComponent(e);
      lines.push(`${ts} DEBUG GET /unsubscribe?email=${b.label("EMAIL", enc)}&list=${r.int(1, 40)} 302`);
    } else if (kind === 4)
      lines.push(
        `${ts} INFO upstream ${b.label("IPV4", ipv4(r))}:${r.int(1024, 65535)} ${b.textNeg()} (${r.int(2, 900)}ms)`,
      );
    else lines.push(`${ts} ERROR job ${r.hex(8)} failed: ${b.textNeg()}`);
  }
  return { data: lines.join("\n"), summary: "", text: true };
}

function sheet(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const regions: string[] = [];
  const region = pickRegion(r);
  const withCountry = region !== "US" && region !== "GB" ? true : r.chance(0.5);
  const header = [
    r.pick(["Full Name", "Name", "Customer", "Contact", "Owner"]),
    r.pick(["Email", "E-mail", "Email Address"]),
    r.pick(["Phone", "Mobile", "Tel", "Phone Number"]),
  ];
  if (withCountry) header.push("Country");
  header.push(r.pick(["Order", "Invoice", "Plan"]));
  const rows: JsonValue[][] = [header];
  for (let i = r.int(1, 5); i > 0; i--) {
    const p = person(r, CULTURE_OF[region]);
    const ph = phone(r, region, "national");
    const row: JsonValue[] = [
      r.chance(0.08) ? b.placeholder() : b.name(p.full),
      b.label("EMAIL", emailFor(r, p)),
      r.chance(0.2) ? b.label("PHONE", Number(ph.digits.replace(/^0/, ""))) : b.label("PHONE", ph.text),
    ];
    if (withCountry) row.push(r.chance(0.7) ? region : COUNTRY_NAME[region]);
    const f = fieldNegative(r);
    row.push(f.value);
    b.negatives.push(f.neg);
    rows.push(row);
  }
  return {
    data: {
      range: `Sheet1!A1:${String.fromCharCode(64 + header.length)}${rows.length}`,
      majorDimension: "ROWS",
      values: rows,
    },
    summary: `Read ${rows.length - 1} rows.`,
    regions,
  };
}

function csv(b: Builder): { data: JsonValue; summary: string; text: true; regions: string[] } {
  const r = b.r;
  const regions: string[] = [];
  const region = pickRegion(r);
  const md = r.chance(0.4);
  const cols = [
    r.pick(["name", "customer_name", "Full Name", "assignee"]),
    "email",
    r.pick(["phone", "mobile", "tel"]),
    "country",
    r.pick(["ref", "version", "sku"]),
  ];
  const rows: string[][] = [];
  for (let i = r.int(2, 6); i > 0; i--) {
    const p = person(r, CULTURE_OF[region]);
    const ph = phone(r, region, r.chance(0.3) ? "international" : "national");
    const f = fieldNegative(r);
    b.negatives.push(f.neg);
    const neg = String(f.value);
    rows.push([
      b.name(p.full),
      b.label("EMAIL", emailFor(r, p)),
      b.label("PHONE", ph.text),
      r.chance(0.8) ? region : COUNTRY_NAME[region],
      neg,
    ]);
  }
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const text = md
    ? [
        `| ${cols.join(" | ")} |`,
        `|${cols.map(() => "---").join("|")}|`,
        ...rows.map((row) => `| ${row.join(" | ")} |`),
      ].join("\n")
    : [cols.join(","), ...rows.map((row) => row.map(quote).join(","))].join("\n");
  return { data: text, summary: "", text: true, regions };
}

function calendar(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const regions: string[] = [];
  const region = pickRegion(r);
  const org = person(r, CULTURE_OF[region]);
  const attendees: JsonValue[] = [
    {
      email: b.label("EMAIL", emailFor(r, org)),
      displayName: b.name(org.full),
      organizer: true,
      responseStatus: "accepted",
    },
  ];
  for (let i = r.int(1, 4); i > 0; i--) {
    const a = person(r);
    attendees.push(
      r.chance(0.3)
        ? { email: b.label("EMAIL", emailFor(r, a)), responseStatus: "needsAction" }
        : {
            email: b.label("EMAIL", emailFor(r, a)),
            displayName: b.name(a.full),
            responseStatus: r.pick(["accepted", "tentative", "declined"]),
          },
    );
  }
  const dial = phone(r, region, "international");
  const monthFirst = org.given;
  const ev: Record<string, JsonValue> = {
    id: r.alnum(26).toLowerCase(),
    summary: r.pick(["Quarterly review", "Onboarding call", "Contract renewal", "Standup"]),
    start: {
      dateTime: `2025-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}T09:00:00+01:00`,
      timeZone: "Europe/Paris",
    },
    organizer: { email: (attendees[0] as { email: string }).email, displayName: org.full },
    attendees,
    description: `Dial-in: ${b.label("PHONE", dial.text)} PIN ${r.digits(6)}#\n${b.textNeg()}`,
    hangoutLink: `https://meet.example.com/${r.alnum(3).toLowerCase()}-${r.alnum(4).toLowerCase()}-${r.alnum(3).toLowerCase()}`,
  };
  if (["April", "May", "June", "August"].includes(monthFirst)) {
    const phrase = `Renewal due 3 ${monthFirst} 2026`;
    ev.notes = phrase;
    b.negatives.push({ kind: "month-word", text: phrase, core: null });
  }
  return { data: ev, summary: `Event ${ev.summary}`, regions };
}

function payment(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const regions: string[] = [];
  const region = pickRegion(r);
  const p = person(r, CULTURE_OF[region]);
  const signal = pickSignal(r);
  const billing: Record<string, JsonValue> = {
    name: b.name(p.full),
    email: b.label("EMAIL", emailFor(r, p)),
    phone: b.label("PHONE", phone(r, region, signal === "international" ? "international" : "any").text),
    address: {
      line1: `${r.int(1, 200)} ${r.pick(["Main St", "Rue de la Paix", "Hauptstraße", "Via Roma"])}`,
      postal_code: r.digits(5),
      country: region,
    },
  };
  if (signal === "config") regions.push(region);
  const pay: Record<string, JsonValue> = {
    id: `pi_${r.alnum(24)}`,
    amount: r.int(100, 999999),
    currency: r.pick(["eur", "usd", "gbp", "brl", "inr", "jpy"]),
    billing_details: billing,
  };
  const method = r.int(0, 2);
  if (method === 0)
    pay.card = {
      brand: "visa",
      last4: r.digits(4),
      exp_month: r.int(1, 12),
      exp_year: r.int(2026, 2032),
      number: b.label("CARD", card(r).text),
    };
  else if (method === 1)
    pay.sepa_debit = { iban: b.label("IBAN", iban(r).text), mandate: `MD-${r.alnum(10)}` };
  else pay.payout = { account_holder_name: b.name(person(r).full), iban: b.label("IBAN", iban(r).text) };
  b.fieldNeg(pay);
  b.fieldNeg(pay);
  const memo = r.chance(0.4)
    ? `Paid with card ${b.label("CARD", card(r).text)}; ${b.textNeg()}`
    : `Transfer to ${b.label("IBAN", iban(r).text)}; ${b.textNeg()}`;
  pay.statement_descriptor = memo;
  return { data: pay, summary: `Payment ${pay.id}`, regions };
}

function commits(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const list: JsonValue[] = [];
  for (let i = r.int(1, 4); i > 0; i--) {
    const a = person(r);
    const bot = r.chance(0.1);
    const author: Record<string, JsonValue> = bot
      ? {
          name: "dependabot[bot]",
          email: b.label("EMAIL", "49699333+dependabot[bot]@users.noreply.github.com"),
        }
      : {
          name: b.name(a.full),
          email: b.label("EMAIL", emailFor(r, a)),
          date: new Date(1_690_000_000_000 + r.int(0, 9e9)).toISOString(),
        };
    if (bot) b.negatives.push({ kind: "bot-author", text: "dependabot[bot]", exact: true });
    const c: Record<string, JsonValue> = {
      sha: r.hex(40),
      commit: {
        author,
        message: `${r.pick(["fix", "feat", "chore"])}: ${b.textNeg()}\n\nCo-authored-by: ${b.name(person(r).full)} <${b.label("EMAIL", emailFor(r, person(r)))}>`,
      },
      author: bot
        ? null
        : {
            login: `${a.family.toLowerCase().replace(/[^a-z]/g, "")}-${r.int(1, 99)}`,
            id: r.int(1000, 9_999_999),
          },
    };
    b.negatives.push({ kind: "hash", text: c.sha as string });
    list.push(c);
  }
  const repo: Record<string, JsonValue> = { commits: list };
  b.fieldNeg(repo);
  return { data: repo, summary: `${list.length} commits`, regions: [] };
}

function configDump(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const cfg: Record<string, JsonValue> = {
    service: r.pick(["billing", "gateway", "search", "notifier"]),
    listen: `${b.label("IPV4", ipv4(r))}:${r.int(1024, 9999)}`,
    upstreams: [b.label("IPV4", ipv4(r)), b.label("IPV6", ipv6(r))],
    admin_contact: b.label("EMAIL", emailFor(r, person(r))),
    on_call: {
      name: b.name(person(r).full),
      pager: b.label("PHONE", phone(r, pickRegion(r), "international").text),
    },
  };
  for (let i = r.int(2, 4); i > 0; i--) b.fieldNeg(cfg);
  return { data: cfg, summary: "Configuration", regions: [] };
}

function fhirPatient(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const region = pickRegion(r);
  const p = person(r, CULTURE_OF[region]);
  const given = [b.name(p.given)];
  if (r.chance(0.3)) given.push(b.name(person(r, CULTURE_OF[region]).given));
  const ph = phone(r, region, r.chance(0.3) ? "international" : "national");
  const pat: Record<string, JsonValue> = {
    resourceType: "Patient",
    id: r.alnum(10).toLowerCase(),
    meta: {
      versionId: String(r.int(1, 9)),
      lastUpdated: new Date(1_700_000_000_000 + r.int(0, 9e9)).toISOString(),
    },
    name: [{ use: "official", family: b.name(p.family), given }],
    telecom: [
      { system: "phone", value: b.label("PHONE", ph.text), use: r.pick(["home", "mobile", "work"]) },
      { system: "email", value: b.label("EMAIL", emailFor(r, p)) },
    ],
    gender: r.pick(["male", "female", "other", "unknown"]),
    birthDate: `${r.int(1940, 2010)}-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}`,
    address: [
      {
        city: r.pick([
          "Lyon",
          "Köln",
          "Pune",
          "Sevilla",
          "Torino",
          "Recife",
          "Osaka",
          "Utrecht",
          "Perth",
          "Puebla",
          "Leeds",
          "Denver",
        ]),
        country: region,
      },
    ],
    communication: [{ language: { coding: [{ system: "urn:ietf:bcp:47", code: LANG[region] }] } }],
  };
  if (r.chance(0.3))
    pat.generalPractitioner = [
      { reference: `Practitioner/${r.int(100, 99999)}`, display: b.name(person(r).full) },
    ];
  return {
    data: r.chance(0.5) ? { resourceType: "Bundle", type: "searchset", entry: [{ resource: pat }] } : pat,
    summary: "Patient",
    regions: [],
  };
}

function mail(b: Builder): { data: JsonValue; summary: string; text: true; regions: string[] } {
  const r = b.r;
  const region = pickRegion(r);
  const from = person(r, CULTURE_OF[region]);
  const to = person(r);
  const ph = phone(r, region, r.chance(0.4) ? "international" : "national");
  const text = [
    `From: ${b.name(from.full)} <${b.label("EMAIL", emailFor(r, from))}>`,
    `To: ${r.chance(0.5) ? `${b.name(to.full)} <${b.label("EMAIL", emailFor(r, to))}>` : b.label("EMAIL", emailFor(r, to))}`,
    `Date: ${new Date(1_700_000_000_000 + r.int(0, 9e9)).toUTCString()}`,
    `Subject: ${r.pick(["Re: invoice", "Your order", "Meeting notes", "Access request"])}`,
    "",
    r.pick(["Hi,", "Bonjour,", "Hallo,", "Hola,"]),
    `${b.textNeg()}.`,
    "",
    "--",
    from.full,
    `${labelFor(region)} ${b.label("PHONE", ph.text)}`,
  ].join("\n");
  return { data: text, summary: "", text: true, regions: [] };
}

function hrRecord(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const p = person(r, "US");
  const e: Record<string, JsonValue> = { employee_id: `E${r.digits(6)}`, legal_name: b.name(p.full) };
  const k = r.int(0, 4);
  if (k === 0) e.ssn = b.label("SSN", ssn(r).text);
  else if (k === 1) e.social_security_number = b.label("SSN", ssn(r, false, "").text);
  else if (k === 2) {
    let s = ssn(r, false, "");
    while (s.digits.startsWith("0")) s = ssn(r, false, "");
    e.ssn = b.label("SSN", Number(s.digits));
  } else if (k === 3) e.itin = b.label("SSN", ssn(r, true).text);
  else e.tax_id = b.label("SSN", ssn(r, r.chance(0.5), r.pick(["-", "."])).text);
  e.notes = `Verified SSN ${b.label("SSN", ssn(r, false, r.pick(["-", " ", "."])).text)} on file; ${b.textNeg()}`;
  e.direct_deposit = {
    iban: b.label("IBAN", iban(r).text),
    bank: r.pick(["Chase", "Barclays", "BNP Paribas"]),
  };
  e.work_phone = b.label("PHONE", phone(r, "US").text);
  b.fieldNeg(e);
  b.fieldNeg(e);
  return { data: { employee: e }, summary: "Employee", regions: [] };
}

// ---------- more shapes: the APIs of common SaaS and the text formats of contacts and calendars ----------

function googleContacts(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const connections: JsonValue[] = [];
  for (let i = r.int(1, 3); i > 0; i--) {
    const region = pickRegion(r);
    const p = person(r, CULTURE_OF[region]);
    connections.push({
      resourceName: `people/c${r.digits(18)}`,
      etag: `%${r.alnum(20)}`,
      names: [{ displayName: b.name(p.full), givenName: b.name(p.given), familyName: b.name(p.family) }],
      emailAddresses: [{ value: b.label("EMAIL", emailFor(r, p)), type: r.pick(["home", "work"]) }],
      phoneNumbers: [
        {
          value: b.label("PHONE", phone(r, region, "national").text),
          type: r.pick(["mobile", "home", "work"]),
        },
      ],
      addresses: [{ countryCode: region, city: r.pick(["Lyon", "Bonn", "Pune", "Bari"]) }],
    });
  }
  return {
    data: { connections, totalPeople: connections.length },
    summary: `${connections.length} contacts`,
    regions: [],
  };
}

function hubspot(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const results: JsonValue[] = [];
  for (let i = r.int(1, 3); i > 0; i--) {
    const region = pickRegion(r);
    const p = person(r, CULTURE_OF[region]);
    const props: Record<string, JsonValue> = {
      firstname: b.name(p.given),
      lastname: b.name(p.family),
      email: b.label("EMAIL", emailFor(r, p)),
      phone: b.label("PHONE", phone(r, region).text),
      country: r.chance(0.5) ? region : COUNTRY_NAME[region],
      hs_object_id: String(r.int(10000, 99999999)),
      createdate: new Date(1_690_000_000_000 + r.int(0, 9e9)).toISOString(),
    };
    if (r.chance(0.4)) props.mobilephone = b.label("PHONE", phone(r, region, "international").text);
    results.push({ id: props.hs_object_id!, properties: props, archived: false });
  }
  return { data: { results, paging: null }, summary: "HubSpot contacts", regions: [] };
}

function salesforce(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const records: JsonValue[] = [];
  for (let i = r.int(1, 3); i > 0; i--) {
    const region = pickRegion(r);
    const p = person(r, CULTURE_OF[region]);
    const company = r.pick([
      "Acme GmbH",
      "Globex Corporation",
      "Initech",
      "Stark Industries",
      "Wayne Enterprises",
    ]);
    records.push({
      attributes: { type: "Contact", url: `/services/data/v59.0/sobjects/Contact/003${r.alnum(15)}` },
      Id: `003${r.alnum(15)}`,
      Name: b.name(p.full),
      Email: b.label("EMAIL", emailFor(r, p)),
      Phone: b.label("PHONE", phone(r, region).text),
      MailingCountry: COUNTRY_NAME[region],
      Account: { attributes: { type: "Account" }, Name: company },
    });
    b.negatives.push({ kind: "company-name", text: company, exact: true });
  }
  return { data: { totalSize: records.length, done: true, records }, summary: "SOQL", regions: [] };
}

function slack(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const messages: JsonValue[] = [];
  for (let i = r.int(1, 4); i > 0; i--) {
    const p = person(r);
    const uid = `U0${r.alnum(8)}`;
    b.negatives.push({ kind: "user-id", text: uid });
    messages.push({
      type: "message",
      user: uid,
      ts: `${r.int(1_690_000_000, 1_760_000_000)}.${r.digits(6)}`,
      text: `<@${uid}> ${b.textNeg()}`,
      user_profile: {
        real_name: b.name(p.full),
        display_name: b.name(p.full),
        name: `${p.given[0]!.toLowerCase()}${p.family.toLowerCase().replace(/[^a-z]/g, "")}`,
        team: `T0${r.alnum(8)}`,
      },
    });
  }
  return { data: { ok: true, messages, has_more: false }, summary: "Slack history", regions: [] };
}

function helpdesk(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const p = person(r);
  const tickets: JsonValue[] = [
    {
      id: r.int(1000, 999999),
      subject: r.pick(["Refund", "Login issue", "Order missing"]),
      via: {
        channel: "email",
        source: {
          from: { address: b.label("EMAIL", emailFor(r, p)), name: b.name(p.full) },
          to: { address: "support@example.com", name: b.placeholder() },
        },
      },
      tags: ["email", r.pick(["vip", "refund", "billing"])],
    },
  ];
  b.labels.push({ type: "EMAIL", value: "support@example.com" });
  return { data: { tickets, count: 1 }, summary: "Tickets", regions: [] };
}

function vcard(b: Builder): { data: JsonValue; summary: string; text: true; regions: string[] } {
  const r = b.r;
  const cards: string[] = [];
  for (let i = r.int(1, 3); i > 0; i--) {
    const region = pickRegion(r);
    const p = person(r, CULTURE_OF[region]);
    cards.push(
      [
        "BEGIN:VCARD",
        "VERSION:3.0",
        `FN:${b.name(p.full)}`,
        `N:${p.family};${p.given};;;`,
        `TEL;TYPE=${r.pick(["CELL", "WORK", "HOME"])}:${b.label("PHONE", phone(r, region, "international").text)}`,
        `EMAIL;TYPE=INTERNET:${b.label("EMAIL", emailFor(r, p))}`,
        `UID:${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`,
        "END:VCARD",
      ].join("\r\n"),
    );
    b.labels.push({ type: "NAME", value: p.family }, { type: "NAME", value: p.given });
  }
  return { data: cards.join("\r\n"), summary: "", text: true, regions: [] };
}

function ics(b: Builder): { data: JsonValue; summary: string; text: true; regions: string[] } {
  const r = b.r;
  const org = person(r);
  const lines = [
    "BEGIN:VCALENDAR",
    "BEGIN:VEVENT",
    `UID:${r.hex(16)}@calendar.example.com`,
    `DTSTART:2025${String(r.int(1, 12)).padStart(2, "0")}${String(r.int(10, 28))}T090000Z`,
    `SUMMARY:${r.pick(["Kick-off", "Review", "1:1"])}`,
    `ORGANIZER;CN=${b.name(org.full)}:mailto:${b.label("EMAIL", emailFor(r, org))}`,
  ];
  for (let i = r.int(1, 3); i > 0; i--) {
    const a = person(r);
    lines.push(
      `ATTENDEE;CN=${b.name(a.full)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:${b.label("EMAIL", emailFor(r, a))}`,
    );
  }
  lines.push("END:VEVENT", "END:VCALENDAR");
  b.negatives.push({ kind: "ics-uid", text: lines[2]!.slice(4) });
  return { data: lines.join("\r\n"), summary: "", text: true, regions: [] };
}

function europeanCsv(b: Builder): { data: JsonValue; summary: string; text: true; regions: string[] } {
  const r = b.r;
  const region = r.pick(["FR", "DE", "ES", "IT", "NL"] as const);
  const headers: Record<string, string[]> = {
    FR: ["Nom", "Prénom", "Téléphone", "Courriel", "Pays"],
    DE: ["Nachname", "Vorname", "Telefon", "E-Mail", "Land"],
    ES: ["Apellido", "Nombre", "Teléfono", "Correo", "País"],
    IT: ["Cognome", "Nome", "Telefono", "Email", "Paese"],
    NL: ["Achternaam", "Voornaam", "Telefoon", "E-mail", "Land"],
  };
  const rows = [headers[region]!.join(";")];
  for (let i = r.int(1, 4); i > 0; i--) {
    const p = person(r, CULTURE_OF[region]);
    rows.push(
      [
        b.name(p.family),
        b.name(p.given),
        b.label("PHONE", phone(r, region, "national").text),
        b.label("EMAIL", emailFor(r, p)),
        region,
      ].join(";"),
    );
  }
  return { data: rows.join("\n"), summary: "", text: true, regions: [] };
}

function gitLog(b: Builder): { data: JsonValue; summary: string; text: true; regions: string[] } {
  const r = b.r;
  const out: string[] = [];
  for (let i = r.int(1, 3); i > 0; i--) {
    const a = person(r);
    const sha = r.hex(40);
    b.negatives.push({ kind: "hash", text: sha });
    out.push(
      `commit ${sha}`,
      `Author: ${b.name(a.full)} <${b.label("EMAIL", emailFor(r, a))}>`,
      `Date:   ${new Date(1_690_000_000_000 + r.int(0, 9e9)).toUTCString()}`,
      "",
      `    ${b.textNeg()}`,
      "",
    );
  }
  return { data: out.join("\n"), summary: "", text: true, regions: [] };
}

function ndjsonLogs(b: Builder): { data: JsonValue; summary: string; text: true; regions: string[] } {
  const r = b.r;
  const lines: string[] = [];
  for (let i = r.int(2, 5); i > 0; i--) {
    const region = pickRegion(r);
    const ph = phone(r, region, "international");
    const rec: Record<string, JsonValue> = {
      ts: new Date(1_700_000_000_000 + r.int(0, 9e9)).toISOString(),
      level: r.pick(["info", "warn"]),
      event: r.pick(["sms.sent", "otp.verified", "login"]),
      msisdn: b.label("PHONE", Number(ph.digits)),
      client_ip: r.chance(0.7) ? b.label("IPV4", ipv4(r)) : b.label("IPV6", ipv6(r)),
      latency_ms: r.int(3, 900),
    };
    b.fieldNeg(rec);
    lines.push(JSON.stringify(rec));
  }
  return { data: lines.join("\n"), summary: "", text: true, regions: [] };
}

function signature(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const region = pickRegion(r);
  const p = person(r, CULTURE_OF[region]);
  const lab = r.pick(["M:", "Mob:", "Mobile:", "T:", "Tel:", "Ph:", "Phone:", "Cell:"]);
  const ph = phone(r, region, r.chance(0.5) ? "international" : "national");
  const body = `Thanks,\n${p.full}\n${r.pick(["Account Manager", "CTO", "Support Lead"])}\n${lab} ${b.label("PHONE", ph.text)}\n${b.label("EMAIL", emailFor(r, p))}`;
  const msg: Record<string, JsonValue> = {
    id: r.hex(16),
    from: { emailAddress: { name: b.name(p.full), address: b.label("EMAIL", emailFor(r, p)) } },
    body: { contentType: "text", content: body },
    receivedDateTime: new Date(1_700_000_000_000 + r.int(0, 9e9)).toISOString(),
  };
  if (!ph.international && region !== "US" && region !== "GB") msg.locale = LANG[region];
  return { data: { value: [msg] }, summary: "Messages", regions: [] };
}

function airtable(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const records: JsonValue[] = [];
  for (let i = r.int(1, 3); i > 0; i--) {
    const region = pickRegion(r);
    const p = person(r, CULTURE_OF[region]);
    const style = r.int(0, 4);
    const name =
      style === 0
        ? `${p.family}, ${p.given}`
        : style === 1
          ? `${p.family.toUpperCase()} ${p.given}`
          : style === 2
            ? `Dr. ${p.full}`
            : style === 3 && region === "JP"
              ? r.pick(["山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲"])
              : p.full;
    const fields: Record<string, JsonValue> = {
      Name: b.name(name),
      Email: b.label("EMAIL", emailFor(r, p)),
      Phone: b.label("PHONE", phone(r, region).text),
      Country: COUNTRY_NAME[region],
      Status: r.pick(["Active", "Lead", "Closed"]),
    };
    const f = infraNegative(r);
    fields[f.key] = f.value;
    b.negatives.push(f.neg);
    records.push({
      id: `rec${r.alnum(14)}`,
      createdTime: new Date(1_690_000_000_000 + r.int(0, 9e9)).toISOString(),
      fields,
    });
  }
  return { data: { records }, summary: "Airtable records", regions: [] };
}

function shipping(b: Builder): { data: JsonValue; summary: string; regions: string[] } {
  const r = b.r;
  const region = pickRegion(r);
  const p = person(r, CULTURE_OF[region]);
  const ph = phone(r, region, "international");
  const e164 = `+${ph.digits}`;
  const order: Record<string, JsonValue> = {
    id: `ord_${r.alnum(16)}`,
    shipping: {
      name: b.name(p.full),
      phone: b.label("PHONE", ph.text),
      address: { line1: `${r.int(1, 99)} High Street`, country: region },
    },
    notes: `Contact via <a href="tel:${b.label("PHONE", e164)}">phone</a> or https://wa.me/${b.label("PHONE", ph.digits)}`,
    customer_ip: b.label("IPV6", ipv6(r)),
    callback: `http://[${b.label("IPV6", ipv6(r))}]:${r.int(1024, 9999)}/hook`,
    payout_iban: b.label("IBAN", iban(r).text),
  };
  for (let i = 0; i < 3; i++) {
    const f = infraNegative(r);
    let key = f.key;
    while (key in order) key += "_2";
    order[key] = f.value;
    b.negatives.push(f.neg);
  }
  return { data: order, summary: `Order ${order.id}`, regions: [] };
}

const SHAPES = {
  crmExport,
  ticket,
  logLines,
  sheet,
  csv,
  calendar,
  payment,
  commits,
  configDump,
  fhirPatient,
  mail,
  hrRecord,
  googleContacts,
  hubspot,
  salesforce,
  slack,
  helpdesk,
  vcard,
  ics,
  europeanCsv,
  gitLog,
  ndjsonLogs,
  signature,
  airtable,
  shipping,
};

/** The set: `count` samples from `seed`. */
export function generate(count = 3000, seed = 20261205): Sample[] {
  const r = new Rng(seed);
  const names = Object.keys(SHAPES) as (keyof typeof SHAPES)[];
  const out: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const shape = names[i % names.length]!;
    const b = new Builder(r);
    const made = SHAPES[shape](b) as { data: JsonValue; summary: string; text?: true; regions?: string[] };
    const result: JsonValue = made.text
      ? r.chance(0.2)
        ? { content: [textBlock(`${shape} output:`), textBlock(made.data as string)] }
        : { content: [textBlock(made.data as string)] }
      : envelope(r, made.data, made.summary);
    const regions = made.regions?.length ? ["US", "GB", ...made.regions] : undefined;
    out.push({ id: `${shape}-${i}`, shape, result, labels: b.labels, negatives: b.negatives, regions });
  }
  return out;
}

export type { Person };
