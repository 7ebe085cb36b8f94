/**
 * Value makers for the independent privacy set: each returns a well-formed value of one type, spelled
 * the way real systems spell it. Formats come from public references (national telephone numbering
 * plans, the SWIFT IBAN registry, the SSA's SSN/ITIN rules, card scheme prefixes), not from the
 * project's detectors or its own corpus generator.
 */

/** A small seeded generator (mulberry32): the set must be the same on every run. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  digits(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
  hex(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += "0123456789abcdef"[this.int(0, 15)];
    return s;
  }
  alnum(n: number): string {
    const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let s = "";
    for (let i = 0; i < n; i++) s += a[this.int(0, a.length - 1)];
    return s;
  }
}

// ---------- names ----------
/** Given and family names by culture (common names from public census-style lists). */
const PEOPLE: Record<string, { given: string[]; family: string[] }> = {
  US: {
    given: [
      "Michael",
      "Jennifer",
      "Tyrone",
      "Ashley",
      "Brandon",
      "Latoya",
      "Kevin",
      "Megan",
      "Dwayne",
      "Hannah",
    ],
    family: [
      "Johnson",
      "Williams",
      "Brown",
      "Jones",
      "Miller",
      "Davis",
      "Wilson",
      "Anderson",
      "Thompson",
      "Moore",
    ],
  },
  GB: {
    given: ["Oliver", "Amelia", "Harry", "Isla", "George", "Poppy", "Alfie", "Freya", "Siobhan", "Rhys"],
    family: [
      "Smith",
      "Taylor",
      "Evans",
      "Hughes",
      "O'Brien",
      "Patel",
      "Wright",
      "Walker",
      "Roberts",
      "McAllister",
    ],
  },
  FR: {
    given: [
      "Jean-Luc",
      "Amélie",
      "François",
      "Chloé",
      "Hélène",
      "Théo",
      "Léa",
      "Anne-Marie",
      "Benoît",
      "Maëlle",
    ],
    family: [
      "Dubois",
      "Lefèvre",
      "Moreau",
      "Girard",
      "Rousseau",
      "Fontaine",
      "Chevalier",
      "Lemaître",
      "Faure",
      "Bonnet",
    ],
  },
  DE: {
    given: [
      "Jürgen",
      "Lukas",
      "Sabine",
      "Günther",
      "Katrin",
      "Maximilian",
      "Annegret",
      "Jörg",
      "Leonie",
      "Dieter",
    ],
    family: [
      "Müller",
      "Schneider",
      "Fischer",
      "Weiß",
      "Schäfer",
      "Köhler",
      "Hoffmann",
      "Krüger",
      "Becker",
      "Schulze",
    ],
  },
  IN: {
    given: ["Aarav", "Priya", "Vihaan", "Ananya", "Rohan", "Sneha", "Arjun", "Lakshmi", "Karthik", "Divya"],
    family: [
      "Sharma",
      "Iyer",
      "Reddy",
      "Nair",
      "Gupta",
      "Chatterjee",
      "Menon",
      "Deshpande",
      "Kulkarni",
      "Banerjee",
    ],
  },
  ES: {
    given: [
      "Alejandro",
      "Lucía",
      "Javier",
      "Carmen",
      "Álvaro",
      "Nuria",
      "Íñigo",
      "Begoña",
      "Sergio",
      "Rocío",
    ],
    family: [
      "García",
      "Fernández",
      "López",
      "Martínez",
      "Sánchez",
      "Pérez",
      "Gómez",
      "de la Cruz",
      "Núñez",
      "Ortega",
    ],
  },
  IT: {
    given: [
      "Giuseppe",
      "Francesca",
      "Lorenzo",
      "Chiara",
      "Matteo",
      "Giulia",
      "Niccolò",
      "Federica",
      "Alessandro",
      "Ilaria",
    ],
    family: [
      "Rossi",
      "Russo",
      "Ferrari",
      "Esposito",
      "Bianchi",
      "Romano",
      "Colombo",
      "Ricci",
      "Marino",
      "D'Angelo",
    ],
  },
  BR: {
    given: [
      "João",
      "Ana Clara",
      "Gabriel",
      "Beatriz",
      "Thiago",
      "Larissa",
      "Luíza",
      "Rafael",
      "Conceição",
      "Vinícius",
    ],
    family: [
      "Silva",
      "Santos",
      "Oliveira",
      "Souza",
      "Pereira",
      "Costa",
      "Rodrigues",
      "Almeida",
      "Nascimento",
      "Araújo",
    ],
  },
  JP: {
    given: ["Haruto", "Yui", "Sota", "Aoi", "Ren", "Sakura", "Takumi", "Hina", "Kenji", "Yuki"],
    family: [
      "Sato",
      "Suzuki",
      "Takahashi",
      "Tanaka",
      "Watanabe",
      "Ito",
      "Yamamoto",
      "Nakamura",
      "Kobayashi",
      "Kato",
    ],
  },
  NL: {
    given: ["Daan", "Sanne", "Bram", "Fleur", "Joris", "Lotte", "Thijs", "Eline", "Sem", "Femke"],
    family: [
      "de Jong",
      "Jansen",
      "de Vries",
      "van den Berg",
      "Bakker",
      "Visser",
      "Smit",
      "Meijer",
      "de Boer",
      "Mulder",
    ],
  },
  PL: {
    given: [
      "Łukasz",
      "Małgorzata",
      "Krzysztof",
      "Agnieszka",
      "Paweł",
      "Zofia",
      "Wojciech",
      "Katarzyna",
      "Michał",
      "Joanna",
    ],
    family: [
      "Nowak",
      "Kowalski",
      "Wiśniewska",
      "Wójcik",
      "Kamiński",
      "Lewandowska",
      "Zieliński",
      "Szymańska",
      "Woźniak",
      "Dąbrowski",
    ],
  },
  NG: {
    given: [
      "Chinedu",
      "Ngozi",
      "Oluwaseun",
      "Adaeze",
      "Emeka",
      "Funmilayo",
      "Ikechukwu",
      "Yetunde",
      "Babatunde",
      "Amaka",
    ],
    family: [
      "Okafor",
      "Adeyemi",
      "Okonkwo",
      "Balogun",
      "Eze",
      "Afolabi",
      "Nwosu",
      "Ogunleye",
      "Obi",
      "Adebayo",
    ],
  },
};
export const CULTURES = Object.keys(PEOPLE);
/** Given names that are also month names: a real person's name here, ordinary words elsewhere. */
export const MONTH_GIVEN = ["April", "May", "June", "August"];

export interface Person {
  given: string;
  family: string;
  full: string;
  culture: string;
}
export function person(r: Rng, culture = r.pick(CULTURES)): Person {
  const p = PEOPLE[culture]!;
  const given = r.chance(0.03) ? r.pick(MONTH_GIVEN) : r.pick(p.given);
  const family = r.pick(p.family);
  return { given, family, full: `${given} ${family}`, culture };
}

// ---------- emails ----------
const DOMAINS = [
  "example.com",
  "example.org",
  "mail.example.net",
  "corp.example.co.uk",
  "example.de",
  "example.fr",
];
const IDN_DOMAINS = ["bücher.example", "münchen-example.de", "exemple-société.fr", "例え.jp"];
const ascii = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ł/g, "l")
    .replace(/Ł/g, "L")
    .replace(/[^A-Za-z0-9]/g, "")
    .toLowerCase();

/** An address for `p`: ASCII, plus-tags, subdomains, non-ASCII local parts or IDN domains. */
export function emailFor(r: Rng, p: Person): string {
  const g = ascii(p.given);
  const f = ascii(p.family);
  const roll = r.next();
  if (roll < 0.08)
    return `${p.given.toLowerCase().replace(/[ ']/g, "")}.${p.family.toLowerCase().replace(/[ ']/g, "")}@${r.pick(DOMAINS)}`;
  if (roll < 0.14) return `${g}.${f}@${r.pick(IDN_DOMAINS)}`;
  if (roll < 0.24) return `${g}+${r.pick(["billing", "news", "test", "crm"])}@${r.pick(DOMAINS)}`;
  if (roll < 0.34) return `${g[0]}${f}${r.int(1, 99)}@${r.pick(DOMAINS)}`;
  if (roll < 0.42) return `${g}_${f}@${r.pick(DOMAINS)}`.toUpperCase();
  return `${g}.${f}@${r.pick(DOMAINS)}`;
}

// ---------- phones ----------
export const PHONE_REGIONS = [
  "US",
  "GB",
  "FR",
  "DE",
  "IN",
  "ES",
  "IT",
  "BR",
  "JP",
  "NL",
  "AU",
  "MX",
] as const;
export type PhoneRegion = (typeof PHONE_REGIONS)[number];
export const CALLING_CODE: Record<PhoneRegion, string> = {
  US: "1",
  GB: "44",
  FR: "33",
  DE: "49",
  IN: "91",
  ES: "34",
  IT: "39",
  BR: "55",
  JP: "81",
  NL: "31",
  AU: "61",
  MX: "52",
};
export const COUNTRY_NAME: Record<PhoneRegion, string> = {
  US: "United States",
  GB: "United Kingdom",
  FR: "France",
  DE: "Germany",
  IN: "India",
  ES: "Spain",
  IT: "Italy",
  BR: "Brazil",
  JP: "Japan",
  NL: "Netherlands",
  AU: "Australia",
  MX: "Mexico",
};
export const LANG: Record<PhoneRegion, string> = {
  US: "en-US",
  GB: "en-GB",
  FR: "fr",
  DE: "de",
  IN: "hi-IN",
  ES: "es",
  IT: "it",
  BR: "pt-BR",
  JP: "ja",
  NL: "nl",
  AU: "en-AU",
  MX: "es-MX",
};
/** Which culture's names go with a phone region. */
export const CULTURE_OF: Record<PhoneRegion, string> = {
  US: "US",
  GB: "GB",
  FR: "FR",
  DE: "DE",
  IN: "IN",
  ES: "ES",
  IT: "IT",
  BR: "BR",
  JP: "JP",
  NL: "NL",
  AU: "GB",
  MX: "ES",
};

/** A national significant number as digit groups, from each plan's published structure. */
function nsnGroups(r: Rng, region: PhoneRegion): { groups: string[]; trunk: string; mobile: boolean } {
  const d = (n: number) => r.digits(n);
  const n29 = () => String(r.int(2, 9));
  switch (region) {
    case "US": // NANP: NXX NXX XXXX (ranges need not be assigned)
      return { groups: [n29() + d(2), n29() + d(2), d(4)], trunk: "1", mobile: false };
    case "GB":
      return r.chance(0.5)
        ? { groups: [`7${r.int(4, 9)}${d(2)}`, d(6)], trunk: "0", mobile: true } // 07xxx xxxxxx
        : r.chance(0.5)
          ? { groups: [`20`, `7${d(3)}`, d(4)], trunk: "0", mobile: false } // 020 7xxx xxxx
          : { groups: [`1${d(2)}`, d(3), d(4)], trunk: "0", mobile: false }; // 01xx xxx xxxx
    case "FR": {
      const lead = r.pick(["1", "2", "3", "4", "5", "6", "7", "9"]);
      return { groups: [lead, d(2), d(2), d(2), d(2)], trunk: "0", mobile: lead === "6" || lead === "7" };
    }
    case "DE":
      return r.chance(0.5)
        ? {
            groups: [`1${r.pick(["51", "52", "57", "60", "62", "70", "71", "76"])}`, d(r.pick([7, 8]))],
            trunk: "0",
            mobile: true,
          }
        : r.chance(0.5)
          ? { groups: ["30", d(r.pick([7, 8]))], trunk: "0", mobile: false } // Berlin
          : {
              groups: [r.pick(["89", "40", "69", "221", "711"]), d(r.pick([6, 7]))],
              trunk: "0",
              mobile: false,
            };
    case "IN":
      return r.chance(0.7)
        ? { groups: [`${r.int(6, 9)}${d(4)}`, d(5)], trunk: "0", mobile: true }
        : { groups: [r.pick(["22", "11", "80", "44"]), d(4), d(4)], trunk: "0", mobile: false };
    case "ES":
      return r.chance(0.5)
        ? { groups: [`6${d(2)}`, d(2), d(2), d(2)], trunk: "", mobile: true }
        : { groups: [`9${r.int(1, 8)}${d(1)}`, d(3), d(3)], trunk: "", mobile: false };
    case "IT":
      return r.chance(0.5)
        ? { groups: [`3${r.int(2, 9)}${d(1)}`, d(3), d(4)], trunk: "", mobile: true }
        : { groups: [r.pick(["06", "02", "011", "055"]), d(4), d(r.pick([3, 4]))], trunk: "", mobile: false };
    case "BR":
      return r.chance(0.6)
        ? { groups: [String(r.int(11, 99)).replace(/0$/, "1"), `9${d(4)}`, d(4)], trunk: "0", mobile: true }
        : {
            groups: [String(r.int(11, 99)).replace(/0$/, "1"), `${r.int(2, 5)}${d(3)}`, d(4)],
            trunk: "0",
            mobile: false,
          };
    case "JP":
      return r.chance(0.5)
        ? { groups: [r.pick(["90", "80", "70"]), d(4), d(4)], trunk: "0", mobile: true }
        : r.chance(0.5)
          ? { groups: ["3", d(4), d(4)], trunk: "0", mobile: false }
          : { groups: [r.pick(["6", "52", "92", "11"]), d(4 - 0), d(4)], trunk: "0", mobile: false };
    case "NL":
      return r.chance(0.5)
        ? { groups: ["6", d(8)], trunk: "0", mobile: true }
        : { groups: [r.pick(["20", "10", "70", "30"]), d(3), d(4)], trunk: "0", mobile: false };
    case "AU":
      return r.chance(0.5)
        ? { groups: [`4${d(2)}`, d(3), d(3)], trunk: "0", mobile: true }
        : { groups: [r.pick(["2", "3", "7", "8"]), d(4), d(4)], trunk: "0", mobile: false };
    case "MX":
      return { groups: [r.pick(["55", "33", "81"]), d(4), d(4)], trunk: "", mobile: false };
  }
}

const DASHES = ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212"];
const SPACES = [" ", "\u00a0", "\u202f"];

export interface Phone {
  text: string;
  region: PhoneRegion;
  international: boolean;
  /** The digits a JSON number would hold (international without `+`, or national without trunk). */
  digits: string;
}

/** A phone of `region` in one of the spellings people and systems use. */
export function phone(
  r: Rng,
  region: PhoneRegion,
  mode: "national" | "international" | "any" = "any",
): Phone {
  const { groups, trunk } = nsnGroups(r, region);
  const cc = CALLING_CODE[region];
  const intl = mode === "international" || (mode === "any" && r.chance(0.35));
  const sepRoll = r.next();
  const sep =
    sepRoll < 0.55
      ? " "
      : sepRoll < 0.7
        ? "-"
        : sepRoll < 0.78
          ? "."
          : sepRoll < 0.9
            ? r.pick(SPACES)
            : r.pick(DASHES);
  const nsn = groups.join("");
  let text: string;
  if (intl) {
    const style = r.next();
    if (style < 0.2) text = `+${cc}${nsn}`;
    else if (style < 0.3 && trunk === "0") text = `+${cc} (0)${groups.join(sep)}`;
    else if (style < 0.4) text = `00${cc} ${groups.join(sep)}`;
    else if (style < 0.5 && region === "US") text = `+1 (${groups[0]}) ${groups[1]}-${groups[2]}`;
    else text = `+${cc}${sep === "." ? " " : sep}${groups.join(sep)}`;
    return { text, region, international: true, digits: cc + nsn };
  }
  const style = r.next();
  if (region === "US") {
    if (style < 0.4) text = `(${groups[0]}) ${groups[1]}-${groups[2]}`;
    else if (style < 0.5) text = `1-${groups.join("-")}`;
    else text = groups.join(sep);
  } else if (region === "BR" && style < 0.6) {
    text = `(${groups[0]}) ${groups[1]}-${groups[2]}`;
  } else if (region === "AU" && style < 0.4 && groups[0]!.length === 1) {
    text = `(0${groups[0]}) ${groups[1]} ${groups[2]}`;
  } else if (region === "DE" && style < 0.25) {
    text = `0${groups[0]}/${groups.slice(1).join("")}`;
  } else if (region === "FR" && style < 0.1) {
    text = trunk + nsn;
  } else {
    const g = [...groups];
    g[0] = trunk + g[0];
    text = g.join(sep);
  }
  return { text, region, international: false, digits: trunk === "0" && region !== "US" ? `0${nsn}` : nsn };
}

// ---------- cards ----------
function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let n = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return String((10 - (sum % 10)) % 10);
}
export interface Card {
  text: string;
  digits: string;
}
/** A Luhn-valid card number of a real scheme prefix; `broken` spoils the check digit. */
export function card(r: Rng, broken = false): Card {
  const scheme = r.next();
  let body: string;
  let groups: number[];
  if (scheme < 0.4) {
    body = `4${r.digits(14)}`;
    groups = [4, 4, 4, 4];
  } else if (scheme < 0.65) {
    body = r.chance(0.7) ? `5${r.int(1, 5)}${r.digits(13)}` : `2${r.int(221, 720)}${r.digits(11)}`;
    groups = [4, 4, 4, 4];
  } else if (scheme < 0.8) {
    body = `3${r.pick(["4", "7"])}${r.digits(12)}`;
    groups = [4, 6, 5];
  } else if (scheme < 0.92) {
    body = `6011${r.digits(11)}`;
    groups = [4, 4, 4, 4];
  } else {
    body = `35${r.int(28, 89)}${r.digits(11)}`;
    groups = [4, 4, 4, 4];
  }
  let check = luhnDigit(body);
  if (broken) check = String((Number(check) + r.int(1, 9)) % 10);
  const digits = body + check;
  const sepRoll = r.next();
  const sep =
    sepRoll < 0.3 ? "" : sepRoll < 0.6 ? " " : sepRoll < 0.75 ? "-" : sepRoll < 0.87 ? "." : "\u00a0";
  let text = "";
  let i = 0;
  for (const g of groups) {
    text += (i > 0 ? sep : "") + digits.slice(i, i + g);
    i += g;
  }
  return { text, digits };
}

// ---------- IBANs (SWIFT IBAN registry: country, length, BBAN structure) ----------
const IBAN_FORMATS: Record<string, string> = {
  DE: "8n10n",
  FR: "5n5n11c2n",
  GB: "4a6n8n",
  ES: "4n4n1n1n10n",
  IT: "1a5n5n12c",
  NL: "4a10n",
  BE: "3n7n2n",
  CH: "5n12c",
  AT: "5n11n",
  PL: "8n16n",
  PT: "4n4n11n2n",
  SE: "3n16n1n",
  IE: "4a6n8n",
  DK: "4n9n1n",
  NO: "4n6n1n",
  BR: "8n5n10n1a1c",
  TR: "5n1n16c",
  AE: "3n16n",
  SA: "2n18c",
  LT: "5n11n",
  RO: "4a16c",
};
function bban(r: Rng, format: string): string {
  let out = "";
  for (const [, n, k] of format.matchAll(/(\d+)([nac])/g)) {
    for (let i = 0; i < Number(n); i++) {
      if (k === "n") out += String(r.int(0, 9));
      else if (k === "a") out += String.fromCharCode(65 + r.int(0, 25));
      else out += r.chance(0.7) ? String(r.int(0, 9)) : String.fromCharCode(65 + r.int(0, 25));
    }
  }
  return out;
}
function mod97(s: string): number {
  let rem = 0;
  for (const ch of s) {
    const v = /[0-9]/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem;
}
export interface Iban {
  text: string;
  compact: string;
}
/** A mod-97-valid IBAN (or one with wrong check digits when `broken`), spelled in one of the usual ways. */
export function iban(r: Rng, broken = false): Iban {
  const country = r.pick(Object.keys(IBAN_FORMATS));
  const b = bban(r, IBAN_FORMATS[country]!);
  let check = 98 - mod97(`${b}${country}00`);
  if (broken) check = ((check + r.int(1, 90)) % 97) + 2;
  const compact = `${country}${String(check).padStart(2, "0")}${b}`;
  const style = r.next();
  let text = compact;
  const groups = compact.match(/.{1,4}/g)!;
  if (style < 0.35) text = groups.join(" ");
  else if (style < 0.5) text = groups.join("-");
  else if (style < 0.65) text = compact.toLowerCase();
  else if (style < 0.72) text = groups.join(" ").toLowerCase();
  return { text, compact };
}

// ---------- SSN / ITIN ----------
export interface Ssn {
  text: string;
  digits: string;
}
/** A US SSN within the SSA's issued structure (or an ITIN: 9xx with group 50-65, 70-88, 90-92, 94-99). */
export function ssn(r: Rng, itin = false, sep?: string): Ssn {
  let area: number;
  let group: number;
  if (itin) {
    area = r.int(900, 999);
    group = r.pick([r.int(50, 65), r.int(70, 88), r.int(90, 92), r.int(94, 99)]);
  } else {
    do area = r.int(1, 899);
    while (area === 666);
    group = r.int(1, 99);
  }
  const serial = r.int(1, 9999);
  const a = String(area).padStart(3, "0");
  const g = String(group).padStart(2, "0");
  const s = String(serial).padStart(4, "0");
  const sp = sep ?? r.pick(["-", "-", "-", " ", ".", ""]);
  return { text: `${a}${sp}${g}${sp}${s}`, digits: `${a}${g}${s}` };
}

// ---------- IPs ----------
export function ipv4(r: Rng): string {
  const roll = r.next();
  if (roll < 0.25) return `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
  if (roll < 0.4) return `192.168.${r.int(0, 255)}.${r.int(1, 254)}`;
  if (roll < 0.5) return `172.${r.int(16, 31)}.${r.int(0, 255)}.${r.int(1, 254)}`;
  return `${r.int(11, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}
export function ipv6(r: Rng): string {
  const roll = r.next();
  const h = () => r.hex(r.int(1, 4)).replace(/^0+(?=.)/, "");
  if (roll < 0.3) return `2001:db8:${h()}:${h()}::${h()}`;
  if (roll < 0.45) return `fe80::${h()}:${h()}:${h()}:${h()}`;
  if (roll < 0.55) return `2a02:${h()}:${h()}:${h()}:${h()}:${h()}:${h()}:${h()}`;
  if (roll < 0.65) return `2001:0db8:${r.hex(4)}:${r.hex(4)}:${r.hex(4)}:${r.hex(4)}:${r.hex(4)}:${r.hex(4)}`;
  if (roll < 0.75) return `2607:f8b0:${h()}:${h()}::${h()}`.toUpperCase();
  return `${r.pick(["2001", "2a00", "2620", "2604"])}:${h()}:${h()}::${h()}:${h()}`;
}
