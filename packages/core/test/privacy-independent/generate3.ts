/**
 * The third independent privacy set: 2,000 tool results in the shapes of SaaS and database APIs the
 * first two sets lack (Stripe, Shopify, Zendesk, Jira, GitHub, Google Sheets/Calendar/People, Microsoft
 * Graph, Twilio, Intercom, Notion, Linear, Salesforce SOQL, Postgres/MySQL rows, psql tables, CSV/TSV,
 * markdown, YAML/INI/.env dumps, logs, mbox headers, vCard, iCalendar, FHIR bundles, payroll and bank
 * exports, analytics hits), each with every personal value labelled by type and with hard negatives
 * (versions, ids, hashes, timestamps, coordinates, prices, order and tracking numbers, SKUs, ISBNs, ports,
 * CIDRs, MAC addresses, placeholders, status labels, team and company names in name-like fields).
 * Written from issue 22's text and public format knowledge only, before reading the detectors or the
 * other two generators (only score.ts's `Sample` shape is shared).
 */
import type { JsonValue } from "../../src/json.js";
import type { Label, Sample, ScoredType } from "./generate.js";
import type { Negative } from "./negatives.js";
import {
  card3,
  email3,
  iban3,
  ipv4_3,
  ipv6_3,
  type Name3,
  name3,
  PHONE3,
  type Phone3,
  phone3,
  REGIONS3,
  type Region3,
  Rng,
  ssn3,
  ssnText,
} from "./values3.js";

type J = JsonValue;
type O = { [k: string]: J };

const COUNTRY: Partial<Record<Region3, string>> = {
  US: "United States",
  GB: "United Kingdom",
  FR: "France",
  DE: "Germany",
  IN: "India",
  ES: "Spain",
  IT: "Italy",
  BR: "Brazil",
  JP: "Japan",
  MX: "Mexico",
  NL: "Netherlands",
  AU: "Australia",
  KR: "South Korea",
  CN: "China",
  RU: "Russia",
  PL: "Poland",
  SE: "Sweden",
  ZA: "South Africa",
  NG: "Nigeria",
  PH: "Philippines",
  TR: "Turkey",
  IL: "Israel",
  AE: "United Arab Emirates",
  CH: "Switzerland",
  IE: "Ireland",
  CA: "Canada",
};
const LANG: Partial<Record<Region3, string>> = {
  FR: "fr-FR",
  DE: "de-DE",
  IN: "en-IN",
  ES: "es-ES",
  IT: "it-IT",
  BR: "pt-BR",
  JP: "ja-JP",
  MX: "es-MX",
  NL: "nl-NL",
  AU: "en-AU",
  KR: "ko-KR",
  CN: "zh-CN",
  RU: "ru-RU",
  PL: "pl-PL",
  SE: "sv-SE",
  TR: "tr-TR",
  GB: "en-GB",
  US: "en-US",
  CH: "de-CH",
  IE: "en-IE",
  ZA: "en-ZA",
  IL: "he-IL",
  AE: "ar-AE",
};
const PHONE_LABEL: Partial<Record<Region3, string[]>> = {
  FR: ["Tél. :", "Téléphone :", "Portable :", "Mobile :"],
  DE: ["Tel.:", "Telefon:", "Handy:", "Mobil:"],
  ES: ["Tel.:", "Teléfono:", "Móvil:"],
  IT: ["Tel.:", "Telefono:", "Cellulare:"],
  BR: ["Tel.:", "Telefone:", "Celular:"],
  JP: ["電話:", "TEL:", "携帯:"],
  NL: ["Tel.:", "Telefoon:", "Mobiel:"],
  IN: ["Mobile:", "Ph:", "Mob:"],
  GB: ["Tel:", "Mobile:", "M:"],
  US: ["Phone:", "Cell:", "T:"],
};

const PLACEHOLDERS = [
  "n/a",
  "N/A",
  "none",
  "None",
  "-",
  "TBD",
  "unknown",
  "Unassigned",
  "Support",
  "—",
  "null",
  "Anonymous",
  "Guest",
  "System",
  "(none)",
  "nobody",
];
const STATUS = [
  "Pending Review",
  "In Progress",
  "Closed Won",
  "Closed Lost",
  "Awaiting Customer",
  "Won't Fix",
  "Needs Triage",
  "Ready for QA",
  "On Hold",
  "Done",
  "Backlog",
  "Escalated",
];
const TEAMS = [
  "Platform Team",
  "Billing Squad",
  "Acme Corp",
  "Globex Corporation",
  "Customer Success",
  "Jira Automation",
  "dependabot[bot]",
  "github-actions[bot]",
  "Data Platform",
  "Initech GmbH",
  "Stark Industries",
  "Sales EMEA",
  "Tier 2 Support",
  "Night Shift",
];
const MONTH_NAMES = ["April", "May", "June", "August", "January"];
const CITIES = [
  "Lyon",
  "München",
  "Pune",
  "Sevilla",
  "Torino",
  "Curitiba",
  "Osaka",
  "Utrecht",
  "Brisbane",
  "Busan",
  "Kraków",
  "Göteborg",
  "Durban",
  "Lagos",
  "Cebu",
  "İzmir",
  "Haifa",
  "Sharjah",
  "Zürich",
  "Cork",
  "Toronto",
  "Austin",
  "Leeds",
];

class B {
  readonly labels: Label[] = [];
  readonly negatives: Negative[] = [];
  constructor(readonly r: Rng) {}
  label<T extends string | number>(type: ScoredType, v: T, alts?: string[], besides?: string[]): T {
    const s = String(v);
    const old = this.labels.find((l) => l.type === type && l.value === s);
    if (!old) this.labels.push({ type, value: s, alts, besides });
    else if (besides) old.besides = [...(old.besides ?? []), ...besides];
    return v;
  }
  name(v: string): string {
    return this.label("NAME", v);
  }
  neg(kind: string, text: string, o: Partial<Negative> = {}): string {
    this.negatives.push({ kind, text, ...o });
    return text;
  }
  /** A placeholder, status label or team name in a name-like field: must not be taken. */
  notAName(): string {
    const roll = this.r.next();
    if (roll < 0.45) return this.neg("placeholder", this.r.pick(PLACEHOLDERS), { exact: true });
    if (roll < 0.7) return this.neg("status-in-name-field", this.r.pick(STATUS), { exact: true });
    return this.neg("team-in-name-field", this.r.pick(TEAMS), { exact: true });
  }
  person(region?: Region3): Name3 {
    return name3(this.r, region);
  }
  email(n: Name3): string {
    return this.label("EMAIL", email3(this.r, n));
  }
  /** A phone of `region` (national or `+cc`), labelled. */
  phone(region: Region3, international = this.r.chance(0.45)): Phone3 {
    const p = phone3(this.r, region, international);
    this.label("PHONE", p.text);
    return p;
  }
  /** A phone as a JSON number (E.164 digits, or a US/CA/IN national number), labelled. */
  phoneNumber(region: Region3): number {
    const p = phone3(this.r, region, true);
    const national = (region === "US" || region === "CA" || region === "IN") && this.r.chance(0.5);
    const v = Number(national ? p.e164.slice(region === "IN" ? 2 : 1) : p.e164);
    return this.label("PHONE", v);
  }
  ipv4(): string {
    return this.label("IPV4", ipv4_3(this.r));
  }
  ipv6(): string {
    const v = ipv6_3(this.r);
    const m = /^::ffff:(.+)$/.exec(v);
    return this.label("IPV6", v, m ? [m[1]!] : undefined);
  }
  card(): string {
    return this.label("CARD", card3(this.r).text);
  }
  iban(): string {
    return this.label("IBAN", iban3(this.r).text);
  }
  ssn(itin = this.r.chance(0.3)): string {
    return this.label("SSN", ssnText(this.r, ssn3(this.r, itin)));
  }
}

// ---------- hard negatives in free fields ----------

const hex = (r: Rng, n: number) => Array.from({ length: n }, () => "0123456789abcdef"[r.int(0, 15)]).join("");
const uuid = (r: Rng) =>
  `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${"89ab"[r.int(0, 3)]}${hex(r, 3)}-${hex(r, 12)}`;
const ver4 = (r: Rng) => `${r.int(1, 20)}.${r.int(0, 20)}.${r.int(0, 99)}.${r.int(0, 250)}`;
const iso = (r: Rng) =>
  `202${r.int(3, 6)}-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}T${String(r.int(0, 23)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}Z`;
const epoch = (r: Rng) => r.int(1_680_000_000, 1_790_000_000);

function isbn13(r: Rng): string {
  const body = `978${r.int(0, 1)}${r.digits(8)}`;
  let s = 0;
  for (let i = 0; i < 12; i++) s += Number(body[i]) * (i % 2 ? 3 : 1);
  const d = body + String((10 - (s % 10)) % 10);
  return `${d.slice(0, 3)}-${d.slice(3, 4)}-${d.slice(4, 8)}-${d.slice(8, 12)}-${d.slice(12)}`;
}

/** A key and value of an ordinary field that looks personal but is not; recorded as a negative. */
function fieldNeg(b: B): [string, J] {
  const r = b.r;
  const pick = r.int(0, 33);
  switch (pick) {
    case 0:
      return ["version", b.neg("version", ver4(r))];
    case 1:
      return [
        "app_version",
        b.neg(
          "version",
          `v${r.int(1, 9)}.${r.int(0, 30)}.${r.int(0, 99)}-rc.${r.int(1, 5)}+build.${r.int(100, 9999)}`,
        ),
      ];
    case 2:
      return [
        "build_id",
        b.neg(
          "build-id",
          `${r.int(2023, 2026)}${String(r.int(1, 12)).padStart(2, "0")}${String(r.int(1, 28)).padStart(2, "0")}.${r.int(1, 40)}`,
        ),
      ];
    case 3:
      return ["sha", b.neg("hash", hex(r, 40))];
    case 4:
      return ["request_id", b.neg("uuid", uuid(r))];
    case 5:
      return ["created_at", b.neg("timestamp", iso(r))];
    case 6:
      return ["created", b.neg("epoch", String(epoch(r)))];
    case 7: {
      const v = epoch(r) * 1000 + r.int(0, 999);
      b.neg("epoch-ms", String(v));
      return ["timestamp_ms", v];
    }
    case 8: {
      const v = Number(`${r.int(-60, 70)}.${r.digits(6)}`);
      b.neg("coordinate", String(v));
      return ["latitude", v];
    }
    case 9:
      return [
        "location",
        b.neg("coordinates", `${r.int(-60, 70)}.${r.digits(5)},${r.int(-120, 150)}.${r.digits(5)}`),
      ];
    case 10:
      return [
        "price",
        b.neg(
          "price",
          r.pick([
            `$${r.int(1, 9)},${r.digits(3)}.${r.digits(2)}`,
            `${r.int(1, 9)}.${r.digits(3)},${r.digits(2)} €`,
            `¥${r.int(1, 99)},${r.digits(3)}`,
            `R$ ${r.int(1, 999)},${r.digits(2)}`,
          ]),
        ),
      ];
    case 11: {
      const v = r.int(1000, 9_999_999);
      b.neg("amount-cents", String(v));
      return ["amount", v];
    }
    case 12:
      return [
        "order_number",
        b.neg(
          "order-number",
          r.pick([
            `#${r.int(1001, 99999)}`,
            `ORD-${r.int(2023, 2026)}-${r.digits(6)}`,
            `PO${r.digits(10)}`,
            `${r.digits(3)}-${r.digits(7)}-${r.digits(7)}`,
          ]),
        ),
      ];
    case 13:
      return [
        "tracking_number",
        b.neg(
          "tracking",
          r.pick([
            `1Z${hex(r, 6).toUpperCase()}${r.digits(10)}`,
            `9400${r.digits(18)}`,
            r.digits(12),
            `JD${r.digits(18)}`,
            `LX${r.digits(9)}CN`,
          ]),
        ),
      ];
    case 14:
      return [
        "sku",
        b.neg(
          "sku",
          `${r.pick(["SKU", "HW", "TS", "BK"])}-${r.digits(4)}-${r.pick(["BLK", "RED", "NAV"])}-${r.pick(["S", "M", "XL"])}`,
        ),
      ];
    case 15:
      return ["isbn", b.neg("isbn", isbn13(r))];
    case 16:
      return [
        "endpoint",
        b.neg(
          "host-port",
          `${r.pick(["localhost", "db.internal", "redis-master", "api.example.com"])}:${r.pick([5432, 6379, 8080, 8443, 3306, 27017])}`,
        ),
      ];
    case 17:
      return [
        "cidr",
        b.neg(
          "cidr",
          r.pick([
            `10.${r.int(0, 255)}.0.0/16`,
            `172.${r.int(16, 31)}.0.0/12`,
            `192.168.${r.int(0, 255)}.0/24`,
            `2001:db8:${hex(r, 4)}::/48`,
          ]),
        ),
      ];
    case 18: {
      const m = Array.from({ length: 6 }, () => hex(r, 2).toUpperCase());
      return ["mac_address", b.neg("mac", m.join(r.pick([":", "-"])))];
    }
    case 19:
      return [
        "user_agent",
        b.neg(
          "user-agent",
          `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${r.int(100, 131)}.0.${r.int(4000, 6999)}.${r.int(10, 250)} Safari/537.36`,
        ),
      ];
    case 20:
      return [
        "artifact",
        b.neg(
          "asset-name",
          r.pick([`app-${ver4(r)}.zip`, `icon@${r.int(2, 3)}x.png`, `logo@2x.webp`, `lib-${ver4(r)}.tar.gz`]),
        ),
      ];
    case 21:
      return [
        "remote",
        b.neg(
          "git-remote",
          `git@${r.pick(["github.com", "gitlab.com", "bitbucket.org"])}:${r.pick(["acme", "octo-org", "data-eng"])}/${r.pick(["api", "web", "infra"])}.git`,
        ),
      ];
    case 22: {
      const user = r.pick(["admin", "svc_backup", "deploy", "etl"]);
      const pass = `${hex(r, 6)}Xy${r.int(10, 99)}`;
      b.neg("url-credentials", `postgres://${user}:`, { core: user, allow: ["SECRET"] });
      b.neg("url-host", "@db.internal:5432/app", { core: "db.internal", allow: ["SECRET"] });
      return ["database_url", `postgres://${user}:${pass}@db.internal:5432/app`];
    }
    case 23:
      return ["image", b.neg("image-ref", `ghcr.io/acme/api@sha256:${hex(r, 64)}`)];
    case 24:
      return ["netmask", b.neg("netmask", r.pick(["255.255.255.0", "255.255.0.0", "255.255.255.128"]))];
    case 25:
      return ["oid", b.neg("oid", `1.3.6.1.4.1.${r.int(1000, 60000)}.${r.int(1, 9)}.${r.int(1, 9)}`)];
    case 26:
      return ["invoice_ref", b.neg("invoice", `INV-${r.int(2023, 2026)}-${r.digits(5)}`)];
    case 27:
      return ["port", b.neg("port", String(r.pick([443, 8080, 5432, 25565])))];
    case 28:
      return [
        "assembly",
        b.neg("version", `Version=${r.int(1, 9)}.0.0.0, Culture=neutral, PublicKeyToken=${hex(r, 16)}`),
      ];
    case 29:
      return [
        "stripe_id",
        b.neg("api-id", `${r.pick(["cus", "pi", "ch", "sub", "price"])}_${hex(r, 14)}${"QxYz"[r.int(0, 3)]}`),
      ];
    case 30:
      return ["card_fingerprint", b.neg("last4", `**** **** **** ${r.digits(4)}`)];
    case 31: {
      const bad = card3(r, false);
      return ["ref_number", b.neg("bad-luhn", bad.digits)];
    }
    case 32: {
      const bad = iban3(r, false);
      return ["reference", b.neg("bad-iban", bad.compact)];
    }
    default:
      return ["ticket_id", b.neg("ticket-id", `${r.pick(["PROJ", "ENG", "OPS", "SUP"])}-${r.int(1, 9999)}`)];
  }
}

/** A sentence of free text holding a hard negative. */
function textNeg(b: B): string {
  const r = b.r;
  const [k, v] = fieldNeg(b);
  return r.pick([
    `${k.replace(/_/g, " ")}: ${v}`,
    `See ${k} ${v} for details.`,
    `(${k}=${v})`,
    `Upgraded to ${ver4(r)} on ${iso(r).slice(0, 10)}; ${k} ${v}.`,
  ]);
}

const addNeg = (b: B, o: O, n = 1) => {
  for (let i = 0; i < n; i++) {
    const [k, v] = fieldNeg(b);
    if (!(k in o)) o[k] = v;
  }
  return o;
};

// ---------- envelopes ----------

const asciiJson = (v: J, indent?: number) =>
  JSON.stringify(v, null, indent).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

/** Wraps a structured result in one of the envelopes MCP servers return. */
function envelope(r: Rng, v: J): J {
  const roll = r.next();
  if (roll < 0.3) return { content: [{ type: "text", text: JSON.stringify(v) }], structuredContent: v };
  if (roll < 0.5) return { content: [{ type: "text", text: JSON.stringify(v, null, 2) }] };
  if (roll < 0.65) return { content: [{ type: "text", text: asciiJson(v) }], structuredContent: v };
  if (roll < 0.75)
    return {
      content: [
        {
          type: "resource",
          resource: {
            uri: `file:///exports/${r.int(1, 999)}.json`,
            mimeType: "application/json",
            text: JSON.stringify(v),
          },
        },
      ],
    };
  if (roll < 0.85) return v;
  // Several text blocks: a heading, then the data, then a footer.
  return {
    content: [
      { type: "text", text: `Found results (page ${r.int(1, 5)}).` },
      { type: "text", text: JSON.stringify(v, null, 1) },
      { type: "text", text: `next_cursor: ${hex(r, 12)}` },
    ],
  };
}
const textResult = (text: string | string[]): J => ({
  content: (Array.isArray(text) ? text : [text]).map((t) => ({ type: "text", text: t })),
});

// ---------- shapes ----------

type Shape = (b: B) => { value: J; text?: boolean; regions?: string[] };

const region = (r: Rng): Region3 => r.pick(REGIONS3);

/** A phone field's value with context for its region: `+cc`, or a national form beside `country`. */
function contactPhone(b: B, o: O, reg: Region3, key = "phone"): void {
  if (b.r.chance(0.15)) {
    o[key] = b.phoneNumber(reg);
    if (!o.country) o.country = reg;
    return;
  }
  const p = b.phone(reg);
  o[key] = p.text;
  if (!p.international) {
    const c = b.r.next();
    if (c < 0.5) o.country = reg;
    else if (c < 0.75) o.country = COUNTRY[reg] ?? reg;
    else o.locale = LANG[reg] ?? `en-${reg}`;
  }
}

const stripeCustomers: Shape = (b) => {
  const r = b.r;
  const data: J[] = [];
  for (let i = 0; i < r.int(1, 4); i++) {
    const reg = region(r);
    const n = b.person(reg);
    const p = b.phone(reg, true);
    data.push(
      addNeg(b, {
        id: `cus_${hex(r, 14)}`,
        object: "customer",
        name: b.name(n.full),
        email: b.email(n),
        phone: p.text,
        address: {
          city: r.pick(CITIES),
          country: reg,
          line1: `${r.int(1, 200)} ${r.pick(["Main St", "Rue de la Paix", "Hauptstraße"])}`,
          postal_code: r.digits(5),
        },
        created: epoch(r),
        currency: r.pick(["usd", "eur", "gbp"]),
        delinquent: false,
        invoice_prefix: hex(r, 8).toUpperCase(),
        metadata: {
          plan: r.pick(["pro", "team"]),
          account_manager: r.chance(0.5) ? b.name(b.person().full) : b.notAName(),
        },
      }),
    );
  }
  return { value: envelope(r, { object: "list", data, has_more: r.chance(0.3), url: "/v1/customers" }) };
};

const stripeCharge: Shape = (b) => {
  const r = b.r;
  const reg = region(r);
  const n = b.person(reg);
  const bd: O = { name: b.name(n.full), email: b.email(n), address: { country: reg, city: r.pick(CITIES) } };
  contactPhone(b, bd, reg);
  const v: O = {
    id: `ch_${hex(r, 24)}`,
    object: "charge",
    amount: r.int(100, 99999),
    billing_details: bd,
    payment_method_details: {
      type: "card",
      card: {
        brand: "visa",
        last4: b.neg("last4", r.digits(4), { exact: true }),
        exp_month: r.int(1, 12),
        exp_year: r.int(2026, 2032),
        fingerprint: hex(r, 16),
      },
    },
    receipt_email: bd.email as string,
    description: `Order ${b.neg("order-number", `#${r.int(1001, 99999)}`)} for ${n.full}`,
    status: "succeeded",
  };
  if (r.chance(0.9)) v.metadata = { card_number_on_file: b.card(), note: textNeg(b) };
  return { value: envelope(r, addNeg(b, v, 2)) };
};

const shopifyOrder: Shape = (b) => {
  const r = b.r;
  const reg = region(r);
  const n = b.person(reg);
  const ship = b.r.chance(0.6) ? n : b.person(reg);
  const sa: O = {
    first_name: b.name(ship.given),
    last_name: b.name(ship.family),
    name: b.name(`${ship.given} ${ship.family}`),
    address1: `${r.int(1, 300)} ${r.pick(["Elm Street", "Calle Mayor", "Via Roma"])}`,
    city: r.pick(CITIES),
    zip: r.digits(5),
    country_code: reg,
    country: COUNTRY[reg] ?? reg,
  };
  const sp = b.phone(reg);
  sa.phone = sp.text;
  const order: O = {
    id: Number(r.digits(13).replace(/^0/, "5")),
    name: b.neg("order-number", `#${r.int(1001, 9999)}`, { exact: true }),
    order_number: r.int(1001, 9999),
    email: b.email(n),
    browser_ip: r.chance(0.7) ? b.ipv4() : b.ipv6(),
    total_price: b.neg("price", `${r.int(10, 999)}.${r.digits(2)}`),
    customer: {
      id: Number(`6${r.digits(12)}`),
      first_name: b.name(n.given),
      last_name: b.name(n.family),
      email: b.email(n),
      state: "enabled",
      tags: b.neg("tag", r.pick(["VIP", "wholesale", "newsletter"]), { exact: true }),
    },
    shipping_address: sa,
    line_items: [
      {
        sku: fieldNeg(b)[1],
        title: r.pick(["Merino Beanie", "Desk Lamp", "Trail Shoe"]),
        vendor: b.neg("team-in-name-field", r.pick(TEAMS), { exact: true }),
        price: "29.00",
      },
    ],
    fulfillments: [
      {
        tracking_company: "UPS",
        tracking_number: b.neg("tracking", `1Z${hex(r, 6).toUpperCase()}${r.digits(10)}`),
      },
    ],
  };
  return { value: envelope(r, { order }) };
};

const zendesk: Shape = (b) => {
  const r = b.r;
  const users: J[] = [];
  const tickets: J[] = [];
  for (let i = 0; i < r.int(1, 3); i++) {
    const reg = region(r);
    const n = b.person(reg);
    const u: O = {
      id: Number(`3${r.digits(11)}`),
      name: b.name(n.full),
      email: b.email(n),
      role: "end-user",
      locale: LANG[reg] ?? "en-US",
      time_zone: "Europe/Paris",
    };
    if (r.chance(0.8)) {
      const p = b.phone(reg);
      u.phone = p.text;
    }
    users.push(u);
    const agent = r.chance(0.6) ? b.name(b.person().full) : b.notAName();
    tickets.push({
      id: r.int(10000, 999999),
      subject: r.pick(["Refund request", "Cannot log in", "Shipping delay"]),
      status: b.neg("status", r.pick(["open", "pending", "solved"]), { exact: true }),
      requester: { name: n.full, email: u.email as string },
      assignee_name: agent,
      via: {
        channel: "email",
        source: {
          from: { name: n.full, address: u.email as string },
          to: {
            name: b.neg("team-in-name-field", "Support", { exact: true }),
            address: b.label("EMAIL", "support@example.com"),
          },
        },
      },
      description: `Hi, this is ${n.given}. ${textNeg(b)} Thanks, ${n.full}`,
      tags: ["billing", b.neg("version", `v${ver4(r)}`)],
    });
  }
  return { value: envelope(r, { tickets, users, count: tickets.length }) };
};

const jira: Shape = (b) => {
  const r = b.r;
  const issues: J[] = [];
  for (let i = 0; i < r.int(1, 4); i++) {
    const reg = region(r);
    const a = b.person(reg);
    const rep = b.person();
    const assignee: J = r.chance(0.75)
      ? {
          accountId: `5b10a2844c20165700ede${r.digits(3)}`,
          displayName: b.name(a.full),
          emailAddress: b.email(a),
          timeZone: "Europe/Berlin",
          active: true,
        }
      : null;
    issues.push({
      key: b.neg("ticket-id", `${r.pick(["PROJ", "ENG", "OPS"])}-${r.int(1, 9999)}`),
      fields: {
        summary: `Fix ${r.pick(["login", "export", "sync"])} regression in ${b.neg("version", `v${r.int(1, 9)}.${r.int(0, 30)}.${r.int(0, 40)}`)}`,
        status: {
          name: b.neg("status-in-name-field", r.pick(STATUS), { exact: true }),
          statusCategory: { key: "indeterminate" },
        },
        assignee,
        reporter: { displayName: b.name(rep.full), emailAddress: b.email(rep) },
        priority: {
          name: b.neg("placeholder", r.pick(["High", "Medium", "Low", "Highest"]), { exact: true }),
        },
        components: [
          {
            name: b.neg("team-in-name-field", r.pick(["Backend", "Mobile App", "Payments API"]), {
              exact: true,
            }),
          },
        ],
        customfield_10020: [{ name: `Sprint ${r.int(1, 99)}`, state: "active" }],
        customfield_10042: r.chance(0.5) ? b.notAName() : null,
        created: iso(r),
      },
    });
  }
  return { value: envelope(r, { startAt: 0, maxResults: 50, total: issues.length, issues }) };
};

const github: Shape = (b) => {
  const r = b.r;
  if (r.chance(0.5)) {
    const commits: J[] = [];
    for (let i = 0; i < r.int(1, 4); i++) {
      const n = b.person();
      const bot = r.chance(0.15);
      const who = bot
        ? b.neg("team-in-name-field", r.pick(["dependabot[bot]", "github-actions[bot]", "renovate[bot]"]), {
            exact: true,
          })
        : b.name(n.full);
      const em = bot
        ? b.label("EMAIL", `${49699333 + r.int(0, 99)}+dependabot[bot]@users.noreply.github.com`)
        : b.email(n);
      commits.push({
        sha: b.neg("hash", hex(r, 40)),
        commit: {
          author: { name: who, email: em, date: iso(r) },
          committer: { name: who, email: em, date: iso(r) },
          message: `Bump lib to ${b.neg("version", ver4(r))}\n\nSigned-off-by: ${bot ? "bot" : n.full} <${em}>`,
        },
        author: bot
          ? null
          : { login: n.handle.replace(/\./g, "-"), id: r.int(1000, 9_999_999), type: "User" },
        html_url: `https://github.com/acme/widgets/commit/${hex(r, 40)}`,
      });
    }
    return { value: envelope(r, commits) };
  }
  const n = b.person();
  const user: O = {
    login: n.handle.replace(/\./g, "-"),
    id: r.int(1000, 9_999_999),
    name: b.name(n.full),
    company: b.neg("team-in-name-field", r.pick(["@acme", "Globex Corporation", "Initech GmbH"]), {
      exact: true,
    }),
    blog: "https://example.com",
    location: r.pick(CITIES),
    email: r.chance(0.6) ? b.email(n) : null,
    bio: textNeg(b),
    twitter_username: null,
  };
  const repo = {
    full_name: b.neg(
      "repo-name",
      `${r.pick(["acme", "octo-org"])}/${r.pick(["widgets", "api-server", "docs"])}`,
      { exact: true },
    ),
    owner: { login: "octo-org", type: "Organization" },
    clone_url: "https://github.com/octo-org/widgets.git",
    ssh_url: b.neg("git-remote", "git@github.com:octo-org/widgets.git"),
  };
  return {
    value: envelope(r, {
      user,
      repo,
      pull: {
        number: r.int(1, 9999),
        title: "Add export",
        user: { login: user.login as J, name: user.name as J },
        requested_reviewers: [{ login: b.person().handle.replace(/\./g, "-") }],
        state: "open",
      },
    }),
  };
};

const SHEET_HEADERS: Record<string, string[]> = {
  en: ["Full Name", "Email", "Phone", "Country", "Status", "Owner"],
  fr: ["Nom complet", "Courriel", "Téléphone", "Pays", "Statut", "Responsable"],
  de: ["Vollständiger Name", "E-Mail", "Telefonnummer", "Land", "Status", "Verantwortlich"],
  es: ["Nombre completo", "Correo electrónico", "Teléfono", "País", "Estado", "Responsable"],
  ja: ["氏名", "メールアドレス", "電話番号", "国", "ステータス", "担当者"],
  pt: ["Nome completo", "E-mail", "Telefone", "País", "Status", "Responsável"],
};

const sheets: Shape = (b) => {
  const r = b.r;
  const lang = r.pick(Object.keys(SHEET_HEADERS));
  const h = SHEET_HEADERS[lang]!;
  const values: J[][] = [h];
  const asNumber = r.chance(0.3);
  for (let i = 0; i < r.int(2, 6); i++) {
    const reg = region(r);
    const n = b.person(reg);
    const phone = asNumber ? b.phoneNumber(reg) : b.phone(reg).text;
    const status = b.neg("status", r.pick(STATUS), { exact: true });
    const owner = r.chance(0.5) ? b.name(b.person().full) : b.notAName();
    values.push([b.name(n.full), b.email(n), phone, reg, status, owner]);
  }
  return {
    value: envelope(r, {
      spreadsheetId: hex(r, 44),
      range: `Sheet1!A1:F${values.length}`,
      majorDimension: "ROWS",
      values,
    }),
  };
};

const calendar: Shape = (b) => {
  const r = b.r;
  const items: J[] = [];
  for (let i = 0; i < r.int(1, 3); i++) {
    const org = b.person();
    const monthName = r.chance(0.15) ? r.pick(MONTH_NAMES) : null;
    const att: J[] = [];
    for (let j = 0; j < r.int(1, 3); j++) {
      const a = b.person();
      const dn = monthName && j === 0 ? `${monthName} ${a.family}` : a.full;
      att.push({
        email: b.email(a),
        displayName: b.name(dn),
        responseStatus: r.pick(["accepted", "needsAction", "tentative"]),
      });
    }
    att.push({
      email: b.label("EMAIL", `c_${hex(r, 16)}@resource.calendar.google.com`),
      displayName: b.neg("room", r.pick(["Room 4.12 (8)", "Boardroom", "Huddle Space 3"]), { exact: true }),
      resource: true,
    });
    items.push({
      id: hex(r, 26),
      summary: monthName ? `${monthName} planning` : r.pick(["Quarterly review", "1:1", "Design sync"]),
      organizer: { email: b.email(org), displayName: b.name(org.full) },
      attendees: att,
      start: { dateTime: iso(r), timeZone: "Europe/Madrid" },
      hangoutLink: `https://meet.google.com/${hex(r, 3)}-${hex(r, 4)}-${hex(r, 3)}`,
      location: r.pick(["Zoom", "Room 4.12", "HQ"]),
    });
  }
  return { value: envelope(r, { kind: "calendar#events", items }) };
};

const people: Shape = (b) => {
  const r = b.r;
  const connections: J[] = [];
  for (let i = 0; i < r.int(1, 4); i++) {
    const reg = region(r);
    const n = b.person(reg);
    const p = b.phone(reg);
    const pn: O = { value: p.text, type: r.pick(["mobile", "home", "work"]) };
    if (r.chance(0.5)) pn.canonicalForm = b.label("PHONE", `+${p.e164}`);
    connections.push({
      resourceName: `people/c${r.digits(19)}`,
      etag: `%${hex(r, 20)}`,
      names: [{ displayName: b.name(n.full), givenName: b.name(n.given), familyName: b.name(n.family) }],
      emailAddresses: [{ value: b.email(n), type: "home" }],
      phoneNumbers: [pn],
      addresses: [{ city: r.pick(CITIES), countryCode: reg }],
      organizations: [
        { name: b.neg("team-in-name-field", r.pick(TEAMS), { exact: true }), title: "Engineer" },
      ],
    });
  }
  return { value: envelope(r, { connections, totalPeople: connections.length }) };
};

const graphUsers: Shape = (b) => {
  const r = b.r;
  const value: J[] = [];
  for (let i = 0; i < r.int(1, 3); i++) {
    const reg = region(r);
    const n = b.person(reg);
    const mob = b.phone(reg);
    const u: O = {
      id: uuid(r),
      displayName: b.name(n.full),
      givenName: b.name(n.given),
      surname: b.name(n.family),
      mail: b.email(n),
      userPrincipalName: b.email(n),
      mobilePhone: mob.text,
      businessPhones: [b.phone(reg, true).text],
      jobTitle: r.pick(["Account Executive", "Support Engineer", null]),
      officeLocation: r.pick(["18/2111", "Building 4", null]),
      preferredLanguage: LANG[reg] ?? "en-US",
      usageLocation: reg,
    };
    value.push(u);
  }
  return {
    value: envelope(r, { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users", value }),
  };
};

const graphMail: Shape = (b) => {
  const r = b.r;
  const value: J[] = [];
  for (let i = 0; i < r.int(1, 3); i++) {
    const reg = region(r);
    const f = b.person(reg);
    const t = b.person();
    const lbl = r.pick(PHONE_LABEL[reg] ?? ["Phone:"]);
    const p = b.phone(reg);
    value.push({
      id: `AAMkAG${hex(r, 30)}`,
      subject: r.pick(["Re: invoice", "Contract renewal", "Quick question"]),
      from: { emailAddress: { name: b.name(f.full), address: b.email(f) } },
      toRecipients: [{ emailAddress: { name: b.name(t.full), address: b.email(t) } }],
      bodyPreview: `Hello ${t.given},\n\nplease find the ${b.neg("invoice", `INV-${r.int(2023, 2026)}-${r.digits(5)}`)} attached.\n\n${f.full}\n${lbl} ${p.text}`,
      receivedDateTime: iso(r),
      internetMessageId: b.neg(
        "message-id",
        `<${hex(r, 12)}@${r.pick(["mail.example.com", "EX01.corp.example"])}>`,
        { allow: ["EMAIL"], core: null },
      ),
    });
  }
  return { value: envelope(r, { value }), regions: r.chance(0.5) ? ["US", "GB"] : undefined };
};

const twilio: Shape = (b) => {
  const r = b.r;
  if (r.chance(0.4)) {
    const reg = region(r);
    const p = phone3(r, reg, true);
    const e = b.label("PHONE", `+${p.e164}`);
    const n = b.person(reg);
    const natText = b.label("PHONE", nationalFormat(p, reg));
    return {
      value: envelope(r, {
        caller_name: { caller_name: b.name(n.full.toUpperCase()), caller_type: "CONSUMER", error_code: null },
        country_code: reg,
        phone_number: e,
        national_format: natText,
        line_type_intelligence: {
          carrier_name: b.neg("team-in-name-field", r.pick(["Vodafone", "T-Mobile USA, Inc.", "Orange"]), {
            exact: true,
          }),
          type: "mobile",
        },
        url: `https://lookups.twilio.com/v2/PhoneNumbers/${b.label("PHONE", encodeURIComponent(e), [e, p.e164])}`,
      }),
    };
  }
  const messages: J[] = [];
  for (let i = 0; i < r.int(1, 4); i++) {
    const a = phone3(r, region(r), true);
    const c = phone3(r, region(r), true);
    messages.push({
      sid: b.neg("api-id", `SM${hex(r, 32)}`),
      account_sid: `AC${hex(r, 32)}`,
      from: b.label("PHONE", `+${a.e164}`),
      to: b.label("PHONE", `+${c.e164}`),
      body: r.pick([
        "Your code is 482913",
        "Your order has shipped",
        `Reply STOP to opt out. Ref ${r.digits(6)}`,
      ]),
      status: "delivered",
      price: b.neg("price", `-0.00${r.int(100, 999)}`),
      num_segments: "1",
      date_created: new Date(epoch(r) * 1000).toUTCString(),
    });
  }
  return { value: envelope(r, { messages, page: 0, page_size: 50 }) };
};

/** The national spelling of an already drawn phone (Twilio's `national_format`). */
function nationalFormat(p: Phone3, reg: Region3): string {
  const plan = PHONE3[reg];
  const nsn = p.e164.slice(plan.cc.length);
  if (plan.cc === "1") return `(${nsn.slice(0, 3)}) ${nsn.slice(3, 6)}-${nsn.slice(6)}`;
  return `${plan.trunk}${nsn.slice(0, 3)} ${nsn.slice(3, 6)} ${nsn.slice(6)}`;
}

const intercom: Shape = (b) => {
  const r = b.r;
  const data: J[] = [];
  for (let i = 0; i < r.int(1, 3); i++) {
    const reg = region(r);
    const n = b.person(reg);
    const c: O = {
      type: "contact",
      id: hex(r, 24),
      role: r.pick(["user", "lead"]),
      email: b.email(n),
      name: r.chance(0.85) ? b.name(n.full) : b.notAName(),
      owner_id: r.int(1000, 99999),
      location: { type: "location", country: COUNTRY[reg] ?? reg, city: r.pick(CITIES) },
      last_seen_ip: r.chance(0.5) ? b.ipv4() : b.ipv6(),
      custom_attributes: addNeg(b, { plan: "growth" }),
    };
    contactPhone(b, c, reg);
    data.push(c);
  }
  return {
    value: envelope(r, { type: "list", data, total_count: data.length, pages: { type: "pages", page: 1 } }),
  };
};

const notion: Shape = (b) => {
  const r = b.r;
  const results: J[] = [];
  const contacts = r.chance(0.5);
  for (let i = 0; i < r.int(1, 3); i++) {
    const reg = region(r);
    const n = b.person(reg);
    const owner = b.person();
    const title = contacts
      ? b.name(n.full)
      : b.neg(
          "task-title",
          r.pick(["Migrate billing to v2", "Q3 Roadmap", "Onboarding checklist", "Vendor review"]),
          { exact: true },
        );
    const props: O = {
      Name: {
        id: "title",
        type: "title",
        title: [{ type: "text", plain_text: title, text: { content: title } }],
      },
      Status: {
        type: "status",
        status: { name: b.neg("status-in-name-field", r.pick(STATUS), { exact: true }), color: "blue" },
      },
      Owner: {
        type: "people",
        people: [
          { object: "user", id: uuid(r), name: b.name(owner.full), person: { email: b.email(owner) } },
        ],
      },
    };
    if (contacts) {
      props.Email = { type: "email", email: b.email(n) };
      const p = b.phone(reg, true);
      props.Phone = { type: "phone_number", phone_number: p.text };
    }
    results.push({
      object: "page",
      id: uuid(r),
      created_time: iso(r),
      properties: props,
      url: `https://www.notion.so/${hex(r, 32)}`,
    });
  }
  return { value: envelope(r, { object: "list", results, next_cursor: null, has_more: false }) };
};

const linear: Shape = (b) => {
  const r = b.r;
  const nodes: J[] = [];
  for (let i = 0; i < r.int(1, 4); i++) {
    const a = b.person();
    const c = b.person();
    nodes.push({
      identifier: b.neg("ticket-id", `ENG-${r.int(1, 9999)}`),
      title: `Crash in build ${b.neg("version", `${r.int(1, 20)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 250)}`)}`,
      assignee: r.chance(0.8)
        ? { name: b.name(a.full), displayName: b.name(a.handle.split(/[._]/)[0]!), email: b.email(a) }
        : null,
      creator: { name: b.name(c.full) },
      state: { name: b.neg("status-in-name-field", r.pick(STATUS), { exact: true }), type: "started" },
      team: { name: b.neg("team-in-name-field", r.pick(TEAMS), { exact: true }), key: "ENG" },
      estimate: r.int(1, 8),
    });
  }
  return {
    value: envelope(r, { data: { issues: { nodes, pageInfo: { hasNextPage: false, endCursor: uuid(r) } } } }),
  };
};

const soql: Shape = (b) => {
  const r = b.r;
  const records: J[] = [];
  for (let i = 0; i < r.int(1, 4); i++) {
    const reg = region(r);
    const n = b.person(reg);
    const own = b.person();
    const acct = b.neg(
      "team-in-name-field",
      r.pick(["Acme Corp", "Globex Corporation", "Initech GmbH", "Umbrella plc", "Soylent Foods"]),
      { exact: true },
    );
    if (r.chance(0.3)) {
      records.push({
        attributes: {
          type: "Opportunity",
          url: `/services/data/v59.0/sobjects/Opportunity/006${hex(r, 15)}`,
        },
        Id: `006${hex(r, 15)}`,
        Name: b.neg("deal-name", `${acct} - ${r.pick(["Renewal", "Expansion", "New Business"])}`, {
          exact: true,
        }),
        StageName: b.neg(
          "status",
          r.pick(["Closed Won", "Closed Lost", "Prospecting", "Negotiation/Review"]),
          { exact: true },
        ),
        Amount: r.int(1000, 900000),
        Owner: { attributes: { type: "User" }, Name: b.name(own.full) },
      });
      continue;
    }
    const rec: O = {
      attributes: { type: "Contact", url: `/services/data/v59.0/sobjects/Contact/003${hex(r, 15)}` },
      Id: `003${hex(r, 15)}`,
      Name: b.name(n.full),
      FirstName: b.name(n.given),
      LastName: b.name(n.family),
      Email: b.email(n),
      MailingCountry: COUNTRY[reg] ?? reg,
      Account: { attributes: { type: "Account" }, Name: acct },
      Owner: { attributes: { type: "User" }, Name: r.chance(0.8) ? b.name(own.full) : b.notAName() },
    };
    const p = b.phone(reg);
    rec.Phone = p.text;
    if (r.chance(0.5)) rec.MobilePhone = b.phone(reg).text;
    records.push(rec);
  }
  return { value: envelope(r, { totalSize: records.length, done: true, records }) };
};

const pgRows: Shape = (b) => {
  const r = b.r;
  const rows: J[] = [];
  const reg0 = region(r);
  for (let i = 0; i < r.int(1, 5); i++) {
    const reg = r.chance(0.6) ? reg0 : region(r);
    const n = b.person(reg);
    const row: O = {
      id: r.int(1, 99999),
      full_name: b.name(n.full),
      email: b.email(n),
      country_code: reg,
      signup_ip: b.ipv4(),
      created_at: iso(r).replace("T", " ").replace("Z", "+00"),
    };
    if (r.chance(0.5)) row.mobile_no = b.phoneNumber(reg);
    else row.phone_number = b.phone(reg).text;
    if (r.chance(0.2)) row.ssn = r.chance(0.5) ? b.ssn(false) : Number(b.label("SSN", ssnNoLeadingZero(r)));
    rows.push(addNeg(b, row));
  }
  const fields = Object.keys(rows[0] as O).map((name) => ({
    name,
    dataTypeID: r.pick([23, 25, 1043, 1184]),
  }));
  return { value: envelope(r, { command: "SELECT", rowCount: rows.length, fields, rows }) };
};

const mysqlArrays: Shape = (b) => {
  const r = b.r;
  const columns = ["id", "customer_name", "contact_email", "msisdn", "country", "last_login_ip", "plan"];
  const rows: J[] = [];
  for (let i = 0; i < r.int(1, 5); i++) {
    const reg = region(r);
    const n = b.person(reg);
    const p = phone3(r, reg, true);
    const ms = r.chance(0.5) ? Number(b.label("PHONE", p.e164)) : b.label("PHONE", p.e164);
    rows.push([
      r.int(1, 9999),
      b.name(n.full),
      b.email(n),
      ms,
      reg,
      r.chance(0.7) ? b.ipv4() : b.ipv6(),
      b.neg("plan", r.pick(["Enterprise", "Pro Annual", "Starter"]), { exact: true }),
    ]);
  }
  return { value: envelope(r, { columns, rows, affectedRows: 0, warningCount: 0 }) };
};

const psqlText: Shape = (b) => {
  const r = b.r;
  const reg = region(r);
  const head = ["id", "name", "email", "phone", "country", "version"];
  const lines: string[][] = [];
  for (let i = 0; i < r.int(2, 5); i++) {
    const rg = r.chance(0.5) ? reg : region(r);
    const n = b.person(rg);
    lines.push([
      String(r.int(1, 999)),
      b.name(n.full),
      b.email(n),
      b.phone(rg, r.chance(0.6)).text,
      rg,
      b.neg("version", ver4(r)),
    ]);
  }
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => [...l[i]!].length)));
  const fmt = (cells: string[]) =>
    ` ${cells.map((c, i) => c + " ".repeat(w[i]! - [...c].length)).join(" | ")}`;
  const text = [
    fmt(head),
    w.map((x) => "-".repeat(x + 2)).join("+"),
    ...lines.map(fmt),
    `(${lines.length} rows)`,
  ].join("\n");
  return { value: textResult(text), text: true };
};

const csvText: Shape = (b) => {
  const r = b.r;
  const tsv = r.chance(0.3);
  const sep = tsv ? "\t" : r.chance(0.25) ? ";" : ",";
  const headers = r.pick([
    ["Name", "Email", "Phone", "Country", "Stage", "Order"],
    ["full_name", "email_address", "mobile", "country_code", "status", "order_id"],
    ["Nom", "E-mail", "Portable", "Pays", "Statut", "Commande"],
    ["Kontakt", "E-Mail-Adresse", "Telefon", "Land", "Status", "Bestellnummer"],
    ["Customer", "Mail", "Tel", "Country", "Lifecycle", "Invoice"],
  ]);
  const q = (s: string) => (!tsv && (s.includes(sep) || s.includes('"')) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = [headers.join(sep)];
  for (let i = 0; i < r.int(2, 6); i++) {
    const reg = region(r);
    const n = b.person(reg);
    const nm = r.chance(0.1) ? b.notAName() : b.name(n.full);
    rows.push(
      [
        nm,
        b.email(n),
        b.phone(reg).text,
        reg,
        b.neg("status", r.pick(STATUS), { exact: true }),
        b.neg("order-number", `ORD-${r.digits(6)}`),
      ]
        .map(q)
        .join(sep),
    );
  }
  const text = rows.join(r.chance(0.3) ? "\r\n" : "\n");
  return {
    value: textResult(r.chance(0.3) ? [`Exported ${rows.length - 1} rows:`, text] : text),
    text: true,
  };
};

const markdown: Shape = (b) => {
  const r = b.r;
  const rows = ["| Assignee | Reporter | Email | Status | Build |", "|---|---|---|---|---|"];
  for (let i = 0; i < r.int(2, 5); i++) {
    const a = b.person();
    const p = b.person();
    const assignee = r.chance(0.7) ? b.name(a.full) : b.notAName();
    rows.push(
      `| ${assignee} | ${b.name(p.full)} | ${b.email(p)} | ${b.neg("status", r.pick(STATUS), { exact: true })} | ${b.neg("build-id", `${r.int(2024, 2026)}.${r.int(1, 12)}.${r.int(1, 28)}.${r.int(1, 99)}`)} |`,
    );
  }
  return { value: textResult(`## Open tickets\n\n${rows.join("\n")}\n\n_${textNeg(b)}_`), text: true };
};

const yamlDump: Shape = (b) => {
  const r = b.r;
  const lines = ["# exported by crm-cli", `generated: ${iso(r)}`, "contacts:"];
  for (let i = 0; i < r.int(1, 4); i++) {
    const reg = region(r);
    const n = b.person(reg);
    const p = b.phone(reg, true);
    lines.push(
      `  - name: ${b.name(n.full)}`,
      `    email: ${b.email(n)}`,
      `    phone: "${p.text}"`,
      `    country: ${reg}`,
      `    owner: ${r.chance(0.6) ? b.name(b.person().full) : b.notAName()}`,
    );
  }
  const [k, v] = fieldNeg(b);
  lines.push(`meta:`, `  ${k}: ${typeof v === "string" ? JSON.stringify(v) : v}`);
  return { value: textResult(lines.join("\n")), text: true };
};

const envDump: Shape = (b) => {
  const r = b.r;
  const n = b.person();
  const reg = region(r);
  if (r.chance(0.5)) {
    const ph = b.label("PHONE", phone3(r, reg, true).text.replace(/\s/g, ""));
    const lines = [
      `APP_VERSION=${b.neg("version", ver4(r))}`,
      `ADMIN_EMAIL=${b.email(n)}`,
      `ONCALL_PHONE=${ph}`,
      `DATABASE_URL=${fieldNeg(b)[1]}`,
      `ALLOWED_CIDR=${b.neg("cidr", `10.${r.int(0, 255)}.0.0/16`)}`,
      `SENTRY_RELEASE=${b.neg("hash", hex(r, 12))}`,
    ];
    return { value: textResult(lines.join("\n")), text: true };
  }
  const p = b.phone(reg, true);
  const lines = [
    "[owner]",
    `name = ${b.name(n.full)}`,
    `email = ${b.email(n)}`,
    `phone = ${p.text}`,
    "",
    "[server]",
    `bind = 0.0.0.0:${b.neg("port", String(r.pick([8080, 8443, 9000])))}`,
    `upstream = ${b.neg("host-port", `backend.internal:${r.int(3000, 9000)}`)}`,
    `client_allow = ${b.ipv4()}`,
    `build = ${b.neg("version", ver4(r))}`,
  ];
  return { value: textResult(lines.join("\n")), text: true };
};

const logs: Shape = (b) => {
  const r = b.r;
  const out: string[] = [];
  for (let i = 0; i < r.int(2, 6); i++) {
    const roll = r.next();
    if (roll < 0.35) {
      const ip = r.chance(0.75) ? b.ipv4() : b.ipv6();
      const n = b.person();
      const em = email3(r, n);
      const qEm = encodeURIComponent(em);
      b.label("EMAIL", qEm, [em]);
      out.push(
        `${ip} - - [12/Mar/2025:10:${r.int(10, 59)}:${r.int(10, 59)} +0000] "GET /api/v2/users?email=${qEm}&page=${r.int(1, 9)} HTTP/1.1" 200 ${r.int(100, 9999)} "-" "${fieldNegUA(b)}"`,
      );
    } else if (roll < 0.65) {
      const n = b.person();
      out.push(
        `ts=${iso(r)} level=info msg="password reset" user_email=${b.email(n)} ip=${b.ipv4()} trace_id=${b.neg("hash", hex(r, 32))} version=${b.neg("version", ver4(r))}`,
      );
    } else {
      const n = b.person();
      const reg = region(r);
      out.push(
        JSON.stringify({
          time: iso(r),
          level: "warn",
          event: "sms_failed",
          to: b.label("PHONE", `+${phone3(r, reg, true).e164}`),
          user: { name: b.name(n.full), id: r.int(1, 99999) },
          remote_addr: b.ipv6(),
          port: r.int(1024, 65535),
        }),
      );
    }
  }
  return { value: textResult(out.join("\n")), text: true };
};
const ssnNoLeadingZero = (r: Rng): string => {
  let v = ssn3(r);
  while (v.startsWith("0")) v = ssn3(r);
  return v;
};
const fieldNegUA = (b: B) =>
  b.neg(
    "user-agent",
    `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${b.r.int(0, 6)} Safari/605.1.15`,
  );

const mbox: Shape = (b) => {
  const r = b.r;
  const f = b.person();
  const t = b.person();
  const c = b.person();
  const fe = b.email(f);
  const te = b.email(t);
  const ce = b.email(c);
  const fname = b.name(f.full);
  const display =
    r.chance(0.3) && !/[^\x20-\x7e]/.test(f.full) && f.full.includes(" ")
      ? `"${f.family}, ${f.given}"`
      : fname;
  if (display !== fname) {
    b.name(f.given);
    b.name(f.family);
  }
  const relay = b.ipv4();
  const reg = region(r);
  const p = b.phone(reg, true);
  const hdr = [
    `From ${fe} ${new Date(epoch(r) * 1000).toUTCString().replace(",", "")}`,
    `Return-Path: <${fe}>`,
    `Received: from mail.example.com (mail.example.com [${relay}]) by mx.example.net with ESMTPS id ${hex(r, 10)}`,
    `From: ${display} <${fe}>`,
    `To: ${b.name(t.full)} <${te}>`,
    `Cc: ${c.full} <${ce}>`,
    `Subject: Re: ${r.pick(["Contract", "Invoice", "Offsite"])} ${b.neg("invoice", `INV-${r.int(2023, 2026)}-${r.digits(5)}`)}`,
    `Message-ID: ${b.neg("message-id", `<${hex(r, 16)}.${r.digits(6)}@mail.example.com>`, { allow: ["EMAIL"], core: null })}`,
    `X-Mailer: ${b.neg("version", `Microsoft Outlook 16.0.${r.int(10000, 19999)}.${r.int(20000, 20999)}`)}`,
    "",
    `Hi ${t.given},`,
    "",
    `Best,\n${f.full}\nMobile: ${p.text}`,
  ];
  b.name(c.full);
  return { value: textResult(hdr.join("\n")), text: true };
};

const vcard: Shape = (b) => {
  const r = b.r;
  const cards: string[] = [];
  for (let i = 0; i < r.int(1, 3); i++) {
    const reg = region(r);
    const n = b.person(reg);
    const p = b.phone(reg, r.chance(0.7));
    const lines = [
      "BEGIN:VCARD",
      r.chance(0.5) ? "VERSION:3.0" : "VERSION:4.0",
      `N:${b.name(n.family)};${b.name(n.given)};;;`,
      `FN:${b.name(n.full)}`,
      `ORG:${b.neg("team-in-name-field", r.pick(TEAMS), { exact: true })}`,
      `TEL;TYPE=${r.pick(["CELL", "WORK,VOICE", "HOME"])}:${p.text}`,
      `EMAIL;TYPE=INTERNET:${b.email(n)}`,
      `ADR;TYPE=HOME:;;${r.int(1, 99)} Some Street;${r.pick(CITIES)};;${r.digits(5)};${COUNTRY[reg] ?? reg}`,
      `REV:${iso(r).replace(/[-:]/g, "")}`,
      `UID:urn:uuid:${b.neg("uuid", uuid(r))}`,
      "END:VCARD",
    ];
    cards.push(lines.join("\r\n"));
  }
  return {
    value: textResult(cards.join("\r\n")),
    text: true,
    regions: r.chance(0.3) ? ["US", "GB"] : undefined,
  };
};

const ical: Shape = (b) => {
  const r = b.r;
  const o = b.person();
  const lines = [
    "BEGIN:VCALENDAR",
    "PRODID:-//Example Corp//CalDAV Client//EN",
    "BEGIN:VEVENT",
    `UID:${b.neg("ical-uid", `${hex(r, 16)}@calendar.example.com`, { allow: ["EMAIL"], core: null })}`,
    `DTSTART:${iso(r).replace(/[-:]/g, "")}`,
    `SUMMARY:${r.pick(["Kickoff", "Sprint review", "Interview"])}`,
    `ORGANIZER;CN=${b.name(o.full)}:mailto:${b.email(o)}`,
  ];
  for (let i = 0; i < r.int(1, 3); i++) {
    const a = b.person();
    const quoted = r.chance(0.3);
    lines.push(
      `ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=${quoted ? `"${b.name(a.full)}"` : b.name(a.full)}:mailto:${b.email(a)}`,
    );
  }
  lines.push(
    `LOCATION:${b.neg("coordinates", `${r.int(10, 60)}.${r.digits(4)}\\,${r.int(1, 20)}.${r.digits(4)}`, { core: null })}`,
    "END:VEVENT",
    "END:VCALENDAR",
  );
  return { value: textResult(lines.join("\r\n")), text: true };
};

const fhir: Shape = (b) => {
  const r = b.r;
  const entry: J[] = [];
  for (let i = 0; i < r.int(1, 3); i++) {
    const reg = region(r);
    const n = b.person(reg);
    const given = n.given.split(" ").filter((g) => g && !g.endsWith("."));
    for (const g of given) b.name(g);
    const p = b.phone(reg);
    entry.push({
      fullUrl: `urn:uuid:${uuid(r)}`,
      resource: {
        resourceType: r.pick(["Practitioner", "Patient", "RelatedPerson"]),
        id: hex(r, 8),
        name: [
          {
            use: "official",
            text: b.name(n.full),
            family: b.name(n.family),
            given,
            prefix: r.chance(0.3) ? ["Dr."] : [],
          },
        ],
        telecom: [
          { system: "phone", value: p.text, use: "mobile" },
          { system: "email", value: b.email(n), use: "work" },
        ],
        address: [{ city: r.pick(CITIES), country: reg }],
        birthDate: `19${r.int(40, 99)}-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}`,
        meta: { versionId: String(r.int(1, 9)), lastUpdated: iso(r) },
      },
    });
  }
  return { value: envelope(r, { resourceType: "Bundle", type: "searchset", total: entry.length, entry }) };
};

const payroll: Shape = (b) => {
  const r = b.r;
  const rows: J[] = [];
  for (let i = 0; i < r.int(1, 4); i++) {
    const n = b.person("US");
    const itin = r.chance(0.3);
    const row: O = {
      employee_id: `E${r.digits(5)}`,
      legal_name: b.name(n.full),
      tax_id_type: itin ? "ITIN" : "SSN",
      [itin ? "itin" : "ssn"]: r.chance(0.2) ? b.label("SSN", ssn3(r, itin)) : b.ssn(itin),
      bank: {
        iban: b.iban(),
        bic: b.neg("bic", r.pick(["DEUTDEFF", "BNPAFRPP", "NWBKGB2L", "INGBNL2A"]), { exact: true }),
        account_holder: b.name(n.full),
      },
      gross: b.neg("price", `${r.int(2, 12)},${r.digits(3)}.${r.digits(2)}`),
      pay_period: `${iso(r).slice(0, 7)}`,
      manager: r.chance(0.7) ? b.name(b.person().full) : b.notAName(),
    };
    rows.push(addNeg(b, row));
  }
  return { value: envelope(r, { payroll_run: uuid(r), employees: rows }) };
};

const bank: Shape = (b) => {
  const r = b.r;
  const tx: J[] = [];
  for (let i = 0; i < r.int(2, 5); i++) {
    const person = r.chance(0.6);
    const n = b.person();
    tx.push({
      booking_date: iso(r).slice(0, 10),
      amount: { value: `-${r.int(1, 999)}.${r.digits(2)}`, currency: "EUR" },
      counterparty_name: person
        ? b.name(n.full)
        : b.neg(
            "team-in-name-field",
            r.pick(["Amazon EU S.a.r.l.", "Deutsche Bahn AG", "Globex Corporation"]),
            { exact: true },
          ),
      counterparty_iban: b.iban(),
      remittance_information: `${b.neg("invoice", `INV-${r.int(2023, 2026)}-${r.digits(5)}`)} / ${b.neg("end-to-end-id", `E2E${r.digits(12)}`)}`,
      mandate_reference: b.neg("bad-iban", iban3(r, false).compact),
    });
  }
  return {
    value: envelope(r, { account: { iban: b.iban(), owner: b.name(b.person().full) }, transactions: tx }),
  };
};

const analytics: Shape = (b) => {
  const r = b.r;
  const hits: J[] = [];
  for (let i = 0; i < r.int(1, 4); i++) {
    const n = b.person();
    const reg = region(r);
    const em = email3(r, n);
    const qEm = encodeURIComponent(em);
    b.label("EMAIL", qEm, [em]);
    const p = phone3(r, reg, true);
    const plus = `+${p.e164}`;
    const qPh = r.chance(0.5) ? encodeURIComponent(plus) : encodeURIComponent(p.text);
    b.label("PHONE", qPh, [plus, p.text, p.e164]);
    hits.push({
      url: `https://shop.example.com/checkout/complete?utm_source=${r.pick(["newsletter", "google"])}&email=${qEm}&tel=${qPh}&order=${b.neg("order-number", String(r.int(100000, 999999)))}`,
      referrer: `https://www.example.com/?q=${b.neg("search", encodeURIComponent(r.pick(["size 10.5", "iphone 15 case", "v2.3.1.4 release"])), { core: null })}`,
      client_ip: b.ipv4(),
      ua: fieldNegUA(b),
      ts: epoch(r),
    });
  }
  return { value: envelope(r, { hits }) };
};

const errorResult: Shape = (b) => {
  const r = b.r;
  const n = b.person();
  const reg = region(r);
  const k = r.int(0, 2);
  const msg =
    k === 0
      ? `User ${b.email(n)} not found in directory (request ${b.neg("uuid", uuid(r))})`
      : k === 1
        ? `Cannot send SMS to ${b.phone(reg, true).text}: number is opted out`
        : `Duplicate contact: ${b.email(n)} already exists (${textNeg(b)})`;
  return { value: { isError: true, content: [{ type: "text", text: msg }] }, text: true };
};

const chat: Shape = (b) => {
  const r = b.r;
  const reg = r.pick(Object.keys(PHONE_LABEL) as Region3[]);
  const n = b.person(reg);
  const lbl = r.pick(PHONE_LABEL[reg]!);
  const p = b.phone(reg, r.chance(0.4));
  const lines = [
    `Transcript ${b.neg("uuid", uuid(r))}`,
    `Customer name: ${b.name(n.full)}`,
    `Email: ${b.email(n)}`,
    `${lbl} ${p.text}`,
  ];
  if (r.chance(0.3)) lines.push(`Card: ${b.card()}`);
  if (r.chance(0.3)) lines.push(`IBAN: ${b.iban()}`);
  if (r.chance(0.2) && reg === "US") lines.push(`SSN: ${b.ssn()}`);
  lines.push(`Agent: ${r.chance(0.5) ? b.name(b.person().full) : b.notAName()}`, `Notes: ${textNeg(b)}`);
  return { value: textResult(lines.join("\n")), text: true };
};

const infra: Shape = (b) => {
  const r = b.r;
  const o: O = {
    service: "api-gateway",
    image: fieldNeg(b)[1],
    replicas: r.int(1, 9),
    last_deploy_by: r.chance(0.6) ? b.name(b.person().full) : b.notAName(),
    peers: [b.ipv4(), b.ipv6()],
  };
  addNeg(b, o, 5);
  return { value: envelope(r, o) };
};

const SHAPES: [string, Shape][] = [
  ["stripe-customers", stripeCustomers],
  ["stripe-charge", stripeCharge],
  ["shopify-order", shopifyOrder],
  ["zendesk", zendesk],
  ["jira", jira],
  ["github", github],
  ["sheets", sheets],
  ["calendar", calendar],
  ["people", people],
  ["graph-users", graphUsers],
  ["graph-mail", graphMail],
  ["twilio", twilio],
  ["intercom", intercom],
  ["notion", notion],
  ["linear", linear],
  ["soql", soql],
  ["pg-rows", pgRows],
  ["mysql-arrays", mysqlArrays],
  ["psql-text", psqlText],
  ["csv", csvText],
  ["markdown", markdown],
  ["yaml", yamlDump],
  ["env-ini", envDump],
  ["logs", logs],
  ["mbox", mbox],
  ["vcard", vcard],
  ["ical", ical],
  ["fhir", fhir],
  ["payroll", payroll],
  ["bank", bank],
  ["analytics", analytics],
  ["error", errorResult],
  ["chat", chat],
  ["infra", infra],
];

/** `n` samples, the same on every run. */
export function generate3(n = 2000, seed = 0x5eed3): Sample[] {
  const r = new Rng(seed);
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const [shape, fn] = SHAPES[i % SHAPES.length]!;
    const b = new B(r);
    const { value, regions } = fn(b);
    // A placeholder that is also a labelled value of the same result would be contradictory.
    const labelled = new Set(b.labels.map((l) => l.value));
    const negatives = b.negatives.filter((x) => !labelled.has(x.text));
    out.push({ id: `${shape}-${i}`, shape, result: value, labels: b.labels, negatives, regions });
  }
  return out;
}
