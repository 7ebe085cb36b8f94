/**
 * A second independent labelled set (issue 22), written from the issue's shapes and public format
 * knowledge without reading the detectors or the first set's value lists: other name cultures and
 * scripts, other phone regions (PL, SE, CH, BE, AT, KR, CN, ZA, TR, PT, IE ...) and spellings, other
 * key conventions (localized, very long, nested `author`/`assignee`/`billing_details`), other envelopes
 * (2-D `values` with a header row, TSV, markdown, YAML-like config, mail headers, `\u`-escaped copies)
 * and other hard negatives (OIDs, Windows builds, ISBNs, tracking numbers, epoch times under time keys,
 * scoped package specs, image digests). Scored with the same rules (`score.ts`).
 */
import type { JsonValue } from "../../src/json.js";
import type { Label, Sample, ScoredType } from "./generate.js";
import type { Negative } from "./negatives.js";
import { Rng } from "./values.js";

// ---------- names ----------
interface P {
  given: string;
  family: string;
  full: string;
}
// [given names, family names, family name first]
const CULTURES: [string[], string[], boolean][] = [
  [["Lan", "Minh", "Thảo", "Hùng", "Ngọc Anh"], ["Nguyễn", "Trần", "Lê", "Phạm"], true],
  [["Min-jun", "Seo-yeon", "Ji-ho", "Hye-jin"], ["Kim", "Park", "Choi", "Jeong"], true],
  [["Fatima", "Omar", "Youssef", "Layla", "Khalid"], ["Al-Sayed", "Haddad", "El-Masri", "bin Rashid"], false],
  [["Chukwuemeka", "Adaeze", "Oluwaseun", "Ngozi"], ["Okafor", "Adeyemi", "Nwosu", "Balogun"], false],
  [["Małgorzata", "Wojciech", "Agnieszka", "Krzysztof"], ["Wójcik", "Kowalczyk", "Szymański"], false],
  [["Sanne", "Pieter", "Femke", "Joost"], ["van der Berg", "de Vries", "van Dijk", "Bakker"], false],
  [["Siobhán", "Niamh", "Pádraig", "Ciarán"], ["O'Brien", "Ní Bhriain", "McCarthy", "Ó Súilleabháin"], false],
  [["Şükrü", "Ayşe", "Emre", "Gülşen"], ["Yılmaz", "Öztürk", "Çelik", "Doğan"], false],
  [["Priya", "Arjun", "Lakshmi", "Venkatesh"], ["Raghunathan", "Iyer", "Chatterjee", "Reddy"], false],
  [["María José", "Juan Carlos", "Lucía", "Íñigo"], ["García López", "Fernández-Ruiz", "de la Cruz"], false],
  [["Päivi", "Jussi", "Zsófia", "Bence"], ["Virtanen", "Mäkinen", "Nagy", "Szabó"], false],
  [["Eleni", "Giorgos", "Dimitra"], ["Papadopoulou", "Georgiou", "Konstantinidis"], false],
  [["Дмитрий", "Екатерина", "Ольга"], ["Иванов", "Смирнова", "Кузнецов"], false],
  [["伟", "娜", "敏", "静"], ["王", "李", "张", "刘"], true],
  [["Anne-Marie", "Jean-Baptiste", "Thérèse"], ["Dubois-Laurent", "Lefèvre", "Mercier"], false],
  [["Tomasz", "Ingrid", "Björn", "Astrid"], ["Lindqvist", "Johansson", "Åberg"], false],
];
/** Given names that are ordinary words too (months, virtues): a person in a name field. */
const WORD_GIVEN = ["April", "May", "June", "August", "Grace", "Hope", "Summer", "Joy"];

function person(r: Rng): P {
  const [gs, fs, familyFirst] = r.pick(CULTURES);
  const given = r.chance(0.06) ? r.pick(WORD_GIVEN) : r.pick(gs);
  const family = r.pick(fs);
  const han = /\p{Script=Han}/u.test(given);
  const full = han ? `${family}${given}` : familyFirst ? `${family} ${given}` : `${given} ${family}`;
  return { given, family, full };
}
const asciiFold = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z]/g, "")
    .toLowerCase();

// ---------- emails ----------
const DOMAINS = ["example.io", "corp.example", "mail.example.com.br", "example.co.jp", "sub.example.org"];
function email(r: Rng, p: P): string {
  const g = asciiFold(p.given) || `user${r.int(1, 999)}`;
  const f = asciiFold(p.family) || `x${r.int(1, 99)}`;
  const roll = r.next();
  if (roll < 0.1)
    return `${p.given.toLowerCase().replace(/[ ']/g, "")}@${r.pick(["exämple.de", "пример.рф", "example.com"])}`;
  if (roll < 0.2) return `${g}.${f}+${r.pick(["orders", "q4", "ci"])}@${r.pick(DOMAINS)}`;
  if (roll < 0.3) return `${f}_${g[0]}@${r.pick(DOMAINS)}`.toUpperCase();
  if (roll < 0.4) return `${g}-${f}.${r.int(1, 99)}@${r.pick(DOMAINS)}`;
  return `${g}.${f}@${r.pick(DOMAINS)}`;
}

// ---------- phones ----------
interface Region {
  cc: string;
  trunk: string;
  /** National significant number groups. */
  nsn: (r: Rng) => string[];
  /** A spelling of the national number; `sep` joins groups. */
  national?: (g: string[], sep: string) => string;
  country: string;
  lang: string;
}
const d = (r: Rng, n: number) => r.digits(n);
const REGIONS: Record<string, Region> = {
  US: {
    cc: "1",
    trunk: "",
    nsn: (r) => [`${r.int(2, 9)}${d(r, 2)}`, `${r.int(2, 9)}${d(r, 2)}`, d(r, 4)],
    national: (g) => `(${g[0]}) ${g[1]}-${g[2]}`,
    country: "United States",
    lang: "en-US",
  },
  FR: {
    cc: "33",
    trunk: "0",
    nsn: (r) => [String(r.pick([1, 6, 7, 9])), d(r, 2), d(r, 2), d(r, 2), d(r, 2)],
    country: "France",
    lang: "fr-FR",
  },
  DE: {
    cc: "49",
    trunk: "0",
    nsn: (r) => [`1${r.pick(["51", "60", "72", "76"])}`, d(r, 8)],
    country: "Deutschland",
    lang: "de-DE",
  },
  IN: {
    cc: "91",
    trunk: "0",
    nsn: (r) => [`${r.int(6, 9)}${d(r, 4)}`, d(r, 5)],
    national: (g, s) => g.join(s),
    country: "India",
    lang: "hi-IN",
  },
  ES: {
    cc: "34",
    trunk: "",
    nsn: (r) => [`6${d(r, 2)}`, d(r, 3), d(r, 3)],
    country: "España",
    lang: "es-ES",
  },
  IT: {
    cc: "39",
    trunk: "",
    nsn: (r) => [`3${d(r, 2)}`, d(r, 3), d(r, 4)],
    country: "Italia",
    lang: "it-IT",
  },
  BR: {
    cc: "55",
    trunk: "",
    nsn: (r) => [String(r.int(11, 99)), `9${d(r, 4)}`, d(r, 4)],
    national: (g) => `(${g[0]}) ${g[1]}-${g[2]}`,
    country: "Brasil",
    lang: "pt-BR",
  },
  JP: {
    cc: "81",
    trunk: "0",
    nsn: (r) => [r.pick(["90", "80", "70"]), d(r, 4), d(r, 4)],
    national: (g) => `0${g.join("-")}`,
    country: "Japan",
    lang: "ja-JP",
  },
  PL: {
    cc: "48",
    trunk: "",
    nsn: (r) => [`${r.pick([5, 6, 7, 8])}${d(r, 2)}`, d(r, 3), d(r, 3)],
    country: "Polska",
    lang: "pl-PL",
  },
  SE: {
    cc: "46",
    trunk: "0",
    nsn: (r) => [`7${r.pick([0, 2, 3, 6])}`, d(r, 3), d(r, 2), d(r, 2)],
    national: (g) => `0${g[0]}-${g[1]} ${g[2]} ${g[3]}`,
    country: "Sverige",
    lang: "sv-SE",
  },
  CH: {
    cc: "41",
    trunk: "0",
    nsn: (r) => [`7${r.pick([6, 7, 8, 9])}`, d(r, 3), d(r, 2), d(r, 2)],
    country: "Schweiz",
    lang: "de-CH",
  },
  BE: {
    cc: "32",
    trunk: "0",
    nsn: (r) => [`4${r.pick([7, 8, 9])}${d(r, 1)}`, d(r, 2), d(r, 2), d(r, 2)],
    country: "Belgique",
    lang: "nl-BE",
  },
  AT: {
    cc: "43",
    trunk: "0",
    nsn: (r) => [`6${r.pick(["64", "60", "76", "99"])}`, d(r, 7)],
    country: "Österreich",
    lang: "de-AT",
  },
  KR: {
    cc: "82",
    trunk: "0",
    nsn: (r) => ["10", d(r, 4), d(r, 4)],
    national: (g) => `0${g.join("-")}`,
    country: "South Korea",
    lang: "ko-KR",
  },
  CN: {
    cc: "86",
    trunk: "",
    nsn: (r) => [`1${r.pick([3, 5, 8])}${d(r, 1)}`, d(r, 4), d(r, 4)],
    country: "China",
    lang: "zh-CN",
  },
  ZA: {
    cc: "27",
    trunk: "0",
    nsn: (r) => [`${r.pick([6, 7, 8])}${r.int(1, 4)}`, d(r, 3), d(r, 4)],
    country: "South Africa",
    lang: "en-ZA",
  },
  TR: {
    cc: "90",
    trunk: "0",
    nsn: (r) => [`5${r.int(0, 5)}${d(r, 1)}`, d(r, 3), d(r, 2), d(r, 2)],
    country: "Türkiye",
    lang: "tr-TR",
  },
  PT: {
    cc: "351",
    trunk: "",
    nsn: (r) => [`9${r.pick([1, 2, 3, 6])}${d(r, 1)}`, d(r, 3), d(r, 3)],
    country: "Portugal",
    lang: "pt-PT",
  },
  IE: {
    cc: "353",
    trunk: "0",
    nsn: (r) => [`8${r.pick([3, 5, 6, 7, 9])}`, d(r, 3), d(r, 4)],
    country: "Ireland",
    lang: "en-IE",
  },
  MX: {
    cc: "52",
    trunk: "",
    nsn: (r) => [String(r.pick([55, 33, 81])), d(r, 4), d(r, 4)],
    country: "México",
    lang: "es-MX",
  },
};
const REGION_CODES = Object.keys(REGIONS);
const SEPS = [" ", " ", " ", "-", "\u00a0", "\u202f", "\u2011", "\u2013", "."];

interface Phone {
  text: string;
  /** International digits without `+`. */
  e164: string;
  /** National digits without trunk prefix. */
  nsn: string;
  intl: boolean;
}
function phone(r: Rng, code: string, intl = r.chance(0.4)): Phone {
  const reg = REGIONS[code]!;
  const g = reg.nsn(r);
  const sep = r.pick(SEPS);
  const nsn = g.join("");
  let text: string;
  if (intl) {
    const st = r.next();
    text =
      st < 0.25
        ? `+${reg.cc}${nsn}`
        : st < 0.35
          ? `00${reg.cc} ${g.join(" ")}`
          : `+${reg.cc}${sep === "." ? " " : sep}${g.join(sep)}`;
  } else if (reg.national && r.chance(0.6)) text = reg.national(g, sep);
  else {
    const gg = [...g];
    gg[0] = reg.trunk + gg[0];
    text = gg.join(sep);
  }
  return { text, e164: reg.cc + nsn, nsn, intl };
}

// ---------- cards, IBANs, SSNs, IPs ----------
function luhn(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let n = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
    sum += n;
  }
  return String((10 - (sum % 10)) % 10);
}
function cardDigits(r: Rng, broken = false): string {
  const s = r.next();
  const [prefix, len] =
    s < 0.3
      ? ["4", 16]
      : s < 0.5
        ? [`5${r.int(1, 5)}`, 16]
        : s < 0.6
          ? [`2${r.int(221, 720)}`, 16]
          : s < 0.75
            ? [r.pick(["34", "37"]), 15]
            : s < 0.85
              ? ["6011", 16]
              : s < 0.93
                ? [`35${r.int(28, 89)}`, 16]
                : ["36", 14];
  const body = prefix + r.digits(len - 1 - prefix.length);
  const c = luhn(body);
  return body + (broken ? String((Number(c) + r.int(1, 9)) % 10) : c);
}
function groupCard(r: Rng, digits: string): string {
  const sep = r.pick(["", " ", "-", ".", "\u00a0", " "]);
  if (digits.length === 15) return [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)].join(sep);
  return digits.match(/.{1,4}/g)!.join(sep);
}
const IBAN_SPECS: [string, string][] = [
  ["DE", "18n"],
  ["GB", "4a14n"],
  ["ES", "20n"],
  ["NL", "4a10n"],
  ["BE", "12n"],
  ["CH", "17n"],
  ["AT", "16n"],
  ["PL", "24n"],
  ["SE", "20n"],
  ["PT", "21n"],
  ["IE", "4a14n"],
  ["NO", "11n"],
  ["DK", "14n"],
  ["FI", "14n"],
  ["IT", "1a22n"],
  ["FR", "23n"],
  ["TR", "22n"],
  ["SA", "20n"],
];
function ibanText(r: Rng, broken = false): string {
  const [cc, spec] = r.pick(IBAN_SPECS);
  let bban = "";
  for (const [, n, t] of spec.matchAll(/(\d+)([an])/g))
    for (let i = 0; i < Number(n); i++)
      bban += t === "n" ? r.int(0, 9) : String.fromCharCode(65 + r.int(0, 25));
  const num = `${bban}${cc}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let m = 0;
  for (const ch of num) m = (m * 10 + Number(ch)) % 97;
  let check = 98 - m;
  if (broken) check = ((check + r.int(1, 50)) % 97) + 2;
  const compact = `${cc}${String(check).padStart(2, "0")}${bban}`;
  const st = r.next();
  if (st < 0.3) return compact;
  if (st < 0.45) return compact.toLowerCase();
  const sep = st < 0.7 ? " " : st < 0.85 ? "-" : "\u00a0";
  const grouped = compact.match(/.{1,4}/g)!.join(sep);
  return r.chance(0.2) ? grouped.toLowerCase() : grouped;
}
function ssnText(r: Rng, itin = false): { text: string; digits: string } {
  const area = itin ? r.int(900, 999) : r.pick([r.int(1, 665), r.int(667, 899)]);
  const group = itin ? r.pick([r.int(50, 65), r.int(70, 88), r.int(90, 92), r.int(94, 99)]) : r.int(1, 99);
  const a = String(area).padStart(3, "0");
  const g = String(group).padStart(2, "0");
  const s = String(r.int(1, 9999)).padStart(4, "0");
  const sep = r.pick(["-", "-", ".", " ", ""]);
  return { text: `${a}${sep}${g}${sep}${s}`, digits: a + g + s };
}
const ipv4 = (r: Rng) =>
  r.chance(0.3)
    ? `${r.pick(["10", "172.20", "192.168"])}.${r.int(0, 255)}.${r.int(1, 254)}`.replace(
        /^10\./,
        `10.${r.int(0, 255)}.`,
      )
    : `${r.int(11, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
function ipv6(r: Rng): string {
  const h = () => r.hex(r.int(1, 4)).replace(/^0+(?=.)/, "");
  const roll = r.next();
  if (roll < 0.3) return `2001:db8:${h()}::${h()}:${h()}`;
  if (roll < 0.5) return `2a0${r.int(0, 9)}:${h()}:${h()}:${h()}:${h()}:${h()}:${h()}:${h()}`;
  if (roll < 0.65) return `fd${r.hex(2)}:${h()}:${h()}::${h()}`;
  if (roll < 0.8) return `2600:${h()}:${h()}:${h()}::${h()}`.toUpperCase();
  return `2404:6800:${h()}:${h()}::${h()}`;
}

// ---------- hard negatives ----------
/** A negative for free text or a non-personal field; `shown` is what is written when not `text`. */
function negative(r: Rng): Negative & { shown?: string } {
  const v = () => `${r.int(0, 20)}.${r.int(0, 30)}.${r.int(0, 300)}.${r.int(0, 9999)}`;
  const n = (kind: string, text: string, extra: Partial<Negative> = {}): Negative => ({
    kind,
    text,
    ...extra,
  });
  switch (r.int(0, 25)) {
    case 0:
      return n("version", `v${v()}`);
    case 1:
      return n("version", `build ${r.int(10, 22)}.0.${r.int(10000, 22999)}.${r.int(1, 4000)}`);
    case 2:
      return n(
        "user-agent",
        `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/${r.int(90, 130)}.0.${r.int(4000, 6999)}.${r.int(10, 250)} Safari/537.36 Edg/${r.int(90, 130)}.0.${r.int(1000, 2999)}.${r.int(10, 99)}`,
      );
    case 3:
      return n(
        "oid",
        `${r.pick(["1.3.6.1.4.1", "2.16.840.1.113730", "1.2.840.113549.1"])}.${r.int(1, 400)}.${r.int(1, 9)}`,
      );
    case 4:
      return n(
        "asset",
        `${r.pick(["sprite", "badge", "splash", "apple-touch-icon"])}@${r.int(2, 3)}x.${r.pick(["png", "webp"])}`,
      );
    case 5:
      return n(
        "package",
        `${r.pick(["@acme/ui", "@types/node", "lodash", "@babel/core"])}@${r.int(1, 20)}.${r.int(0, 30)}.${r.int(0, 9)}`,
      );
    case 6:
      return n("image-digest", `ghcr.io/acme/api@sha256:${r.hex(64)}`);
    case 7:
      return n(
        "git-remote",
        `ssh://git@${r.pick(["gitlab.example.com:2222", "git.example.org"])}/${r.pick(["infra", "team-a"])}/${r.pick(["deploy", "api"])}.git`,
      );
    case 8:
      return n(
        "git-remote",
        `git@${r.pick(["github.com", "bitbucket.org"])}:${r.pick(["acme", "octo-org"])}/${r.pick(["web", "sdk-js"])}.git`,
      );
    case 9: {
      const user = r.pick(["deploy", "svc_ci", "admin", "postgres"]);
      const pw = `${r.alnum(10)}${r.int(10, 99)}`;
      const host = r.pick(["db.internal.example", "cache.example.net", "registry.example.io"]);
      const port = r.int(1000, 9999);
      const url = `${r.pick(["postgres", "redis", "https", "amqp"])}://${user}:${pw}@${host}:${port}/x`;
      // the password may become a SECRET; the host and port must survive and nothing may be an email
      return {
        ...n("url-credentials", `@${host}:${port}/x`, { core: `${user}:${pw}@${host}`, allow: ["SECRET"] }),
        shown: url,
      };
    }
    case 10:
      return n("order-number", `${r.int(100, 999)}-${r.digits(7)}-${r.digits(7)}`);
    case 11:
      return n("tracking", `1Z${r.alnum(6).toUpperCase()}${r.digits(10)}`);
    case 12:
      return n("isbn", `978-${r.int(0, 9)}-${r.digits(3)}-${r.digits(5)}-${r.int(0, 9)}`);
    case 13:
      return n("ein", `${r.int(10, 99)}-${r.digits(7)}`);
    case 14:
      return n("hash", r.hex(40));
    case 15:
      return n("uuid", `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-a${r.hex(3)}-${r.hex(12)}`);
    case 16:
      return n(
        "timestamp",
        new Date(1_650_000_000_000 + r.int(0, 9e10)).toISOString().replace("Z", `${r.digits(3)}Z`),
      );
    case 17:
      return n("card-luhn-fail", groupCard(r, cardDigits(r, true)));
    case 18:
      return n("iban-mod97-fail", ibanText(r, true));
    case 19:
      return n("mac", Array.from({ length: 6 }, () => r.hex(2).toUpperCase()).join(":"));
    case 20:
      return n(
        "rust-path",
        `${r.pick(["serde", "tokio", "std"])}::${r.pick(["de", "io", "net"])}::${r.pick(["Error", "Result"])}`,
      );
    case 21:
      return n("dotted-date", `${r.int(1, 28)}.${r.int(1, 12)}.${r.int(2015, 2030)}`);
    case 22:
      return n("coordinates", `${r.int(-80, 80)}.${r.digits(6)}, ${r.int(-170, 170)}.${r.digits(6)}`);
    case 23:
      return n("ssn-invalid", `${r.pick(["000", "666"])}-${r.digits(2)}-${r.digits(4)}`);
    case 24:
      return n("amount", `${r.int(1, 999)},${r.digits(3)},${r.digits(3)}.${r.digits(2)}`);
    default: {
      // JSON text escapes the backslashes: the folder's name is what must survive
      const folder = `App ${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 99)}`;
      return { ...n("windows-path", folder), shown: `C:\\Program Files\\${folder}\\bin` };
    }
  }
}
const PLACEHOLDERS = [
  "n/a",
  "N/A",
  "none",
  "—",
  "Support",
  "Unknown",
  "System",
  "Billing Team",
  "Guest",
  "TBD",
  "Customer Service",
  "no-reply",
];

// ---------- builder ----------
class B {
  readonly labels: Label[] = [];
  readonly negatives: Negative[] = [];
  readonly regions: string[] = [];
  constructor(readonly r: Rng) {}
  l<T extends string | number>(type: ScoredType, value: T, alts?: string[]): T {
    if (!this.labels.some((x) => x.type === type && x.value === String(value)))
      this.labels.push({ type, value: String(value), alts });
    return value;
  }
  name(v: string): string {
    return this.l("NAME", v);
  }
  neg(): string {
    const { shown, ...x } = negative(this.r);
    this.negatives.push(x);
    return shown ?? x.text;
  }
  placeholder(): string {
    const v = this.r.pick(PLACEHOLDERS);
    this.negatives.push({ kind: "placeholder", text: v, exact: true });
    return v;
  }
  /** A phone of `code` with a region signal written into `rec` (or configured). */
  phone(code: string, rec: Record<string, JsonValue> | null, intl?: boolean): Phone {
    const p = phone(this.r, code, intl);
    if (!p.intl) this.signal(code, rec);
    return p;
  }
  signal(code: string, rec: Record<string, JsonValue> | null): void {
    const roll = this.r.int(0, 3);
    if (rec && roll === 0) rec[this.r.pick(["country", "country_iso", "countryCode"])] = code;
    else if (rec && roll === 1) rec[this.r.pick(["country", "Country"])] = REGIONS[code]!.country;
    else if (rec && roll === 2) rec[this.r.pick(["locale", "language"])] = REGIONS[code]!.lang;
    else if (!this.regions.includes(code) && code !== "US") this.regions.push(code);
  }
}
type Made = { data: JsonValue; text?: boolean; summary?: string };

const NAME_KEYS = [
  "displayName",
  "display_name",
  "owner",
  "contactFullName",
  "requester_name",
  "cardholder_name",
  "account_holder",
  "emergencyContactName",
  "recipient_name",
  "patientName",
  "customerFullNameAsEnteredAtCheckoutForShippingV2",
  "nombre_completo",
  "nom_complet",
  "vollstaendiger_name",
  "nome_completo",
  "Name",
  "fullName",
  "spouse_name",
  "guardian",
];
const PHONE_KEYS = [
  "msisdn",
  "mobile_no",
  "phone",
  "phoneNumber",
  "tel",
  "Telefon",
  "telefono",
  "telefone",
  "portable",
  "contact_number",
  "whatsapp",
  "cell_phone",
  "primaryPhone",
  "emergency_contact_phone",
];

// ---------- shapes ----------
function contact(b: B): Record<string, JsonValue> {
  const r = b.r;
  const p = person(r);
  const code = r.pick(REGION_CODES);
  const c: Record<string, JsonValue> = { id: r.int(1, 9e6) };
  if (r.chance(0.3)) {
    c.first_name = b.name(p.given);
    c.last_name = b.name(p.family);
  } else c[r.pick(NAME_KEYS)] = b.name(p.full);
  c[r.pick(["email", "mail", "emailAddress", "correo", "courriel"])] = b.l("EMAIL", email(r, p));
  const ph = b.phone(code, c);
  if (r.chance(0.25)) c[r.pick(PHONE_KEYS)] = b.l("PHONE", Number(ph.intl ? ph.e164 : ph.nsn));
  else c[r.pick(PHONE_KEYS)] = b.l("PHONE", ph.text);
  if (r.chance(0.2)) c.fax = b.placeholder();
  if (r.chance(0.5)) c[r.pick(["version", "client", "build", "ref", "notes"])] = b.neg();
  return c;
}

/** GitHub/Jira-like issues: author, assignee {login, name}, owner. */
function issues(b: B): Made {
  const r = b.r;
  const items: JsonValue[] = [];
  for (let i = r.int(1, 3); i > 0; i--) {
    const a = person(r);
    const s = person(r);
    items.push({
      key: `PROJ-${r.int(1, 9999)}`,
      author: r.chance(0.5) ? b.name(a.full) : { name: b.name(a.full), email: b.l("EMAIL", email(r, a)) },
      assignee: r.chance(0.2)
        ? b.placeholder()
        : { login: `${asciiFold(s.given)}${r.int(1, 99)}`, name: b.name(s.full) },
      body: `Steps: upgrade to ${b.neg()} then run. Reported from ${b.l("IPV4", ipv4(r))}.`,
      labels: ["bug"],
    });
  }
  return { data: { issues: items } };
}

/** Google Sheets values: 2-D array with a header row, phones as numbers or strings. */
function sheet(b: B): Made {
  const r = b.r;
  const code = r.pick(REGION_CODES);
  if (code !== "US") b.regions.push(code);
  const header = [
    r.pick(["Full Name", "Nom complet", "Nombre", "Vollständiger Name", "Nome", "Contact"]),
    r.pick(["Email", "E-mail", "Correo", "Courriel"]),
    r.pick(["Mobile", "Phone", "Téléphone", "Telefon", "Teléfono", "Tel."]),
    r.pick(["IBAN", "Bank account (IBAN)"]),
    "Version",
  ];
  const rows: JsonValue[] = [header];
  for (let i = r.int(2, 5); i > 0; i--) {
    const p = person(r);
    const ph = phone(r, code);
    rows.push([
      r.chance(0.1) ? b.placeholder() : b.name(p.full),
      b.l("EMAIL", email(r, p)),
      r.chance(0.4) ? b.l("PHONE", Number(ph.intl ? ph.e164 : ph.nsn)) : b.l("PHONE", ph.text),
      b.l("IBAN", ibanText(r)),
      b.neg(),
    ]);
  }
  return { data: { range: "Sheet1!A1:E9", majorDimension: "ROWS", values: rows } };
}

/** Payments: Stripe-like billing_details, cards with dots/NBSP, SSN/ITIN under tax keys. */
function payment(b: B): Made {
  const r = b.r;
  const p = person(r);
  const code = r.pick(REGION_CODES);
  const billing: Record<string, JsonValue> = { name: b.name(p.full), email: b.l("EMAIL", email(r, p)) };
  const ph = b.phone(code, billing.address ? null : billing);
  billing.phone = b.l("PHONE", ph.text);
  const digits = cardDigits(r);
  const cardVal =
    digits.length <= 15 && r.chance(0.3) ? b.l("CARD", Number(digits)) : b.l("CARD", groupCard(r, digits));
  const s = ssnText(r, r.chance(0.3));
  const taxKey = r.pick(["ssn", "social_security_number", "tax_id_ssn", "itin", "SSN"]);
  const taxVal =
    r.chance(0.25) && !s.digits.startsWith("0") ? b.l("SSN", Number(s.digits)) : b.l("SSN", s.text);
  return {
    data: {
      id: `pi_${r.alnum(24)}`,
      amount: r.int(100, 99999),
      billing_details: billing,
      payment_method: { card_number: cardVal, exp: `${r.int(1, 12)}/${r.int(26, 32)}` },
      payout: { iban: b.l("IBAN", ibanText(r)) },
      kyc: { [taxKey]: taxVal },
      metadata: { order: b.neg(), sdk: b.neg() },
    },
  };
}

/** Mail: RFC 5322 headers, body with phone and IBAN labels. */
function mail(b: B): Made {
  const r = b.r;
  const from = person(r);
  const to = person(r);
  const code = r.pick(REGION_CODES);
  const ph = phone(r, code, true);
  const body = [
    `From: ${b.name(from.full)} <${b.l("EMAIL", email(r, from))}>`,
    `To: "${b.name(to.full)}" <${b.l("EMAIL", email(r, to))}>`,
    `Subject: Invoice ${b.neg()}`,
    "",
    `Hi, please wire to IBAN ${b.l("IBAN", ibanText(r))}. My mobile: ${b.l("PHONE", ph.text)}.`,
    `Build: ${b.neg()}`,
  ].join("\n");
  return { data: body, text: true };
}

/** Access logs with IPs, URL-encoded emails/phones in query strings, user agents. */
function logs(b: B): Made {
  const r = b.r;
  const lines: string[] = [];
  for (let i = r.int(3, 7); i > 0; i--) {
    const ts = new Date(1_700_000_000_000 + r.int(0, 9e9)).toISOString();
    const k = r.int(0, 4);
    if (k === 0) lines.push(`${ts} ${b.l("IPV4", ipv4(r))} - "GET /v1/x HTTP/1.1" 200 "${b.neg()}"`);
    else if (k === 1)
      lines.push(`${ts} conn from [${b.l("IPV6", ipv6(r))}]:${r.int(1024, 65535)} ${b.neg()}`);
    else if (k === 2) {
      const e = encodeURIComponent(email(r, person(r)));
      lines.push(`${ts} GET /subscribe?list=${r.int(1, 9)}&email=${b.l("EMAIL", e)} 302`);
    } else if (k === 3) {
      const code = r.pick(REGION_CODES.filter((c) => c !== "US"));
      const p = phone(r, code, true);
      const compact = `+${p.e164}`;
      const enc = r.chance(0.5) ? compact.replace("+", "%2B") : encodeURIComponent(p.text);
      lines.push(`${ts} POST /otp?tel=${b.l("PHONE", enc, [compact.slice(1), p.e164])}&ttl=300 202`);
    } else lines.push(`${ts} forwarded-for: ${b.l("IPV4", ipv4(r))}, ${b.l("IPV4", ipv4(r))} ${b.neg()}`);
  }
  return { data: lines.join("\n"), text: true };
}

/** Calendar events: organizer/attendees with displayName, dial-in phones. */
function calendar(b: B): Made {
  const r = b.r;
  const attendees: JsonValue[] = [];
  for (let i = r.int(1, 4); i > 0; i--) {
    const p = person(r);
    attendees.push({
      email: b.l("EMAIL", email(r, p)),
      displayName: b.name(p.full),
      responseStatus: "accepted",
    });
  }
  const o = person(r);
  const month = r.pick(["April", "May", "June", "August"]);
  b.negatives.push({ kind: "month-word", text: `review in ${month}`, core: null });
  return {
    data: {
      items: [
        {
          summary: `Q${r.int(1, 4)} review in ${month}`,
          organizer: { email: b.l("EMAIL", email(r, o)), displayName: b.name(o.full) },
          attendees,
          description: `Dial-in ${b.l("PHONE", phone(r, r.pick(REGION_CODES), true).text)} PIN ${r.digits(6)}`,
          location: b.neg(),
        },
      ],
    },
  };
}

/** HR / FHIR-like record with given/family arrays and national phones. */
function hr(b: B): Made {
  const r = b.r;
  const p = person(r);
  const code = r.pick(REGION_CODES);
  const rec: Record<string, JsonValue> = {
    resourceType: "Patient",
    name: [{ family: b.name(p.family), given: [b.name(p.given)] }],
  };
  const ph = b.phone(code, rec);
  rec.telecom = [
    { system: "phone", value: b.l("PHONE", ph.text), use: "mobile" },
    { system: "email", value: b.l("EMAIL", email(r, p)) },
  ];
  if (code === "US" || r.chance(0.3)) {
    const s = ssnText(r);
    rec.identifier = [{ system: "http://hl7.org/fhir/sid/us-ssn", value: b.l("SSN", s.text) }];
  }
  rec.meta = { versionId: b.neg(), source: b.neg() };
  return { data: rec };
}

/** Markdown / TSV tables of contacts, as a program or server prints them. */
function table(b: B): Made {
  const r = b.r;
  const md = r.chance(0.5);
  const code = r.pick(REGION_CODES);
  if (code !== "US") b.regions.push(code);
  const head = ["Name", "Email", "Phone", "Card", "Note"];
  const rows = [head];
  for (let i = r.int(2, 4); i > 0; i--) {
    const p = person(r);
    rows.push([
      b.name(p.full),
      b.l("EMAIL", email(r, p)),
      b.l("PHONE", phone(r, code).text),
      b.l("CARD", groupCard(r, cardDigits(r))),
      b.neg(),
    ]);
  }
  const text = md
    ? rows
        .map((x, i) => `| ${x.join(" | ")} |${i === 0 ? `\n|${x.map(() => "---").join("|")}|` : ""}`)
        .join("\n")
    : rows.map((x) => x.join("\t")).join("\n");
  return { data: text, text: true };
}

/** Config dump as YAML-like text: infrastructure values, one admin contact. */
function config(b: B): Made {
  const r = b.r;
  const p = person(r);
  const lines = [
    `version: ${b.neg()}`,
    `upstream: ${b.l("IPV4", ipv4(r))}`,
    `bind6: "${b.l("IPV6", ipv6(r))}"`,
    `remote: ${b.neg()}`,
    `image: ${b.neg()}`,
    `admin_contact: ${b.name(p.full)}`,
    `admin_email: ${b.l("EMAIL", email(r, p))}`,
    `oncall_phone: ${b.l("PHONE", phone(r, r.pick(REGION_CODES), true).text)}`,
    `started_at: ${r.int(1_600_000_000, 1_800_000_000)}`,
  ];
  return { data: lines.join("\n"), text: true };
}

/** A CRM page of contacts. */
function crm(b: B): Made {
  const contacts: JsonValue[] = [];
  for (let i = b.r.int(1, 4); i > 0; i--) contacts.push(contact(b));
  return { data: { data: contacts, has_more: b.r.chance(0.5) } };
}

/** Commits with author/committer objects and signoff trailers. */
function commits(b: B): Made {
  const r = b.r;
  const out: JsonValue[] = [];
  for (let i = r.int(1, 4); i > 0; i--) {
    const a = person(r);
    out.push({
      sha: r.hex(40),
      commit: {
        author: {
          name: b.name(a.full),
          email: b.l("EMAIL", email(r, a)),
          date: new Date(1.7e12 + r.int(0, 9e9)).toISOString(),
        },
        message: `bump ${b.neg()}\n\nSigned-off-by: ${b.name(a.full)} <${b.l("EMAIL", email(r, a))}>`,
      },
    });
  }
  return { data: out };
}

/** A filled-in form as text (`Label: value` lines, localized), with a month-like first name and dates. */
function form(b: B): Made {
  const r = b.r;
  const p = person(r);
  const month = r.pick(["April", "May", "June", "August"]);
  const given = r.chance(0.4) ? month : p.given;
  const code = r.pick(REGION_CODES.filter((c) => c !== "US"));
  const ph = phone(r, code, false);
  const s = ssnText(r);
  const [first, last, mobile] = r.pick([
    ["First name", "Last name", "Mobile"],
    ["Vorname", "Nachname", "Mobil"],
    ["Prénom", "Nom", "Portable"],
    ["Nombre", "Apellidos", "Móvil"],
    ["Nome", "Cognome", "Cellulare"],
  ]);
  const due = `renewal due ${r.int(1, 28)} ${month} ${r.int(2025, 2030)}`;
  b.negatives.push({ kind: "month-word", text: due, core: null });
  const lines = [
    `${first}: ${b.name(given)}`,
    `${last}: ${b.name(p.family)}`,
    `${mobile}: ${b.l("PHONE", ph.text)}`,
    `${r.pick(["SSN", "Social Security No.", "ssn"])}: ${b.l("SSN", s.text)}`,
    `Notes: ${due}; client ${b.neg()}`,
  ];
  return { data: lines.join("\n"), text: true };
}

/** Events whose payload is JSON inside a JSON string, with epoch times and numeric ids beside it. */
function events(b: B): Made {
  const r = b.r;
  const out: JsonValue[] = [];
  for (let i = r.int(1, 3); i > 0; i--) {
    const p = person(r);
    const month = r.pick(["April", "May", "June", "August"]);
    const given = r.chance(0.5) ? month : p.given;
    const created = r.int(1_600_000_000, 1_800_000_000);
    const orderId = r.int(2_000_000_000, 9_999_999_999);
    b.negatives.push({ kind: "epoch", text: String(created) }, { kind: "numeric-id", text: String(orderId) });
    const note = `trial ends in ${month}`;
    b.negatives.push({ kind: "month-word", text: note, core: null });
    const payload = {
      firstName: b.name(given),
      lastName: b.name(p.family),
      email: b.l("EMAIL", email(r, p)),
      plan: "pro",
    };
    out.push({ event: "signup", created, order_id: orderId, payload: JSON.stringify(payload), note });
  }
  return { data: { events: out } };
}

const SHAPES: Record<string, (b: B) => Made> = {
  crm,
  issues,
  sheet,
  payment,
  mail,
  logs,
  calendar,
  hr,
  table,
  config,
  commits,
  form,
  events,
};

const block = (text: string): JsonValue => ({ type: "text", text });
function jsonText(r: Rng, v: JsonValue): string {
  const s = JSON.stringify(v, null, r.chance(0.3) ? 2 : undefined);
  return r.chance(0.3)
    ? s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    : s;
}
function wrap(r: Rng, m: Made): JsonValue {
  if (m.text)
    return r.chance(0.25)
      ? { content: [block("Result:"), block(m.data as string)] }
      : { content: [block(m.data as string)] };
  const roll = r.next();
  if (roll < 0.4) return { content: [block(jsonText(r, m.data))], structuredContent: m.data as JsonValue };
  if (roll < 0.75) return { content: [block(jsonText(r, m.data))] };
  return { content: [block("Here are the records:"), block(jsonText(r, m.data))] };
}

/** The second set: `count` results, fixed seed. */
export function generate2(count = 2000, seed = 20261206): Sample[] {
  const r = new Rng(seed);
  const names = Object.keys(SHAPES);
  const out: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const shape = names[i % names.length]!;
    const b = new B(r);
    const made = SHAPES[shape]!(b);
    // A month in a date of the same result is a word, not a copy of a first name `June`.
    const dates = b.negatives.filter((n) => n.kind === "month-word").map((n) => n.text);
    if (dates.length > 0)
      for (const l of b.labels) if (l.type === "NAME" && !l.value.includes(" ")) l.besides = dates;
    const regions = b.regions.length ? ["US", "GB", ...b.regions] : undefined;
    out.push({
      id: `${shape}-${i}`,
      shape,
      result: wrap(r, made),
      labels: b.labels,
      negatives: b.negatives,
      regions,
    });
  }
  return out;
}
