/**
 * Values of the third independent set (generate3.ts), written from public format references only
 * (ITU-T E.164 and national numbering plans, the SWIFT IBAN registry, the SSA's SSN/ITIN rules, card
 * scheme prefixes and Luhn, RFC 4291/5952), without reading the project's detectors: names of many
 * cultures and scripts, phones of 26 regions in national and international spellings, emails, cards,
 * IBANs, SSNs, ITINs and IP addresses.
 */
import { Rng } from "./values.js";

export { Rng };

// ---------- names ----------

export interface Name3 {
  /** The display form (`María José García-López`, `山田 太郎`). */
  full: string;
  given: string;
  family: string;
  /** A region whose phones suit the person (their record's country). */
  region: Region3;
  /** Latin-script ASCII handle for emails and logins. */
  handle: string;
}

type Culture = { region: Region3; given: string[]; family: string[]; order?: "family-first"; sep?: string };

const CULTURES: Culture[] = [
  {
    region: "ES",
    given: ["María José", "José Luis", "Ainhoa", "Íñigo", "Begoña", "Álvaro", "Nuria", "Joaquín"],
    family: ["García-López", "de la Fuente", "Fernández de Córdoba", "Ibáñez", "Muñoz", "del Río Ortega"],
  },
  {
    region: "NL",
    given: ["Pieter", "Anouk", "Maarten", "Femke", "Joost", "Sanne", "Thijs"],
    family: ["van der Berg", "de Vries", "van 't Hoff", "ter Horst", "Bakker-Jansen", "van den Broek"],
  },
  {
    region: "DE",
    given: ["Jürgen", "Katharina", "Björn", "Lieselotte", "Jörg", "Anneliese", "Maximilian"],
    family: ["Müller-Lüdenscheidt", "von Stein", "Großmann", "Schäfer", "Weiß", "zu Guttenberg"],
  },
  {
    region: "FR",
    given: ["Jean-Baptiste", "Hélène", "Anaïs", "François", "Noémie", "Thibault", "Gaëlle"],
    family: ["Lefèvre", "D'Amboise", "Dubois-Martin", "de Saint-Exupéry", "Étienne", "Rousseau"],
  },
  {
    region: "IE",
    given: ["Siobhán", "Seán", "Aoife", "Pádraig", "Niamh", "Ciarán"],
    family: ["O'Sullivan", "Mac Giolla Phádraig", "Ní Bhriain", "McLaughlin", "Ó Dónaill", "Fitzgerald"],
  },
  {
    region: "IT",
    given: ["Giulia", "Marco", "Francesca", "Niccolò", "Chiara", "Lorenzo"],
    family: ["Dell'Acqua", "Di Stefano", "De Luca", "Lo Russo", "Esposito", "D'Angelo"],
  },
  {
    region: "BR",
    given: ["João", "Thaís", "Luíza", "Gonçalo", "Conceição", "Vinícius"],
    family: ["da Silva Santos", "Gonçalves", "dos Reis", "Araújo", "Magalhães", "Conceição"],
  },
  {
    region: "AE",
    given: ["Mohammed", "Fatima", "Omar", "Layla", "Khalid", "Noor"],
    family: ["bin Rashid Al-Farsi", "Al-Zahra", "El-Amin", "Al Maktoum", "Haddad", "Abdel-Rahman"],
  },
  {
    region: "AE",
    given: ["محمد", "فاطمة", "عمر", "ليلى"],
    family: ["العلي", "الحسيني", "منصور", "الخطيب"],
  },
  {
    region: "CN",
    given: ["小明", "秀英", "伟", "芳", "建国"],
    family: ["王", "李", "张", "刘", "陈"],
    order: "family-first",
    sep: "",
  },
  { region: "CN", given: ["Wei", "Xiuying", "Jianguo", "Mei"], family: ["Zhang", "Li", "Wang", "Liu"] },
  {
    region: "JP",
    given: ["太郎", "花子", "健太", "陽菜"],
    family: ["山田", "佐藤", "鈴木", "高橋"],
    order: "family-first",
    sep: " ",
  },
  { region: "JP", given: ["Haruto", "Yui", "Sota", "Aoi"], family: ["Sato", "Tanaka", "Watanabe", "Itō"] },
  {
    region: "KR",
    given: ["민준", "서연", "지훈"],
    family: ["김", "박", "이"],
    order: "family-first",
    sep: "",
  },
  { region: "KR", given: ["Ji-hoon", "Seo-yeon", "Min-jun"], family: ["Park", "Kim", "Choi"] },
  {
    region: "RU",
    given: ["Иван", "Анна", "Дмитрий", "Ольга", "Сергей"],
    family: ["Петров", "Смирнова", "Кузнецов", "Волкова", "Соколов"],
  },
  {
    region: "IN",
    given: ["Priya", "Arjun K.", "Lakshmi", "Venkat", "Ananya", "Rohit"],
    family: ["Venkataraman", "Reddy", "Chatterjee", "Iyer", "Sharma", "Nair"],
  },
  {
    region: "VN" as Region3,
    given: ["Minh Khai", "Thị Lan", "Văn Hùng"],
    family: ["Nguyễn", "Trần", "Lê"],
    order: "family-first",
    sep: " ",
  },
  {
    region: "NG",
    given: ["Adebayo", "Chinwe", "Olúwaseun", "Ngozi", "Emeka"],
    family: ["Ọlátúnjí", "Okonkwo", "Adeyemi", "Eze", "Balogun"],
  },
  {
    region: "TR",
    given: ["Ayşe", "Çağrı", "Gülşen", "Mehmet", "İbrahim"],
    family: ["Yılmaz", "Öztürk", "Şahin", "Çelik", "Doğan"],
  },
  {
    region: "PL",
    given: ["Małgorzata", "Grzegorz", "Zbigniew", "Agnieszka", "Łukasz"],
    family: ["Wiśniewska", "Brzęczyszczykiewicz", "Kowalski", "Dąbrowska", "Żak"],
  },
  {
    region: "GR" as Region3,
    given: ["Γιώργος", "Ελένη", "Νίκος"],
    family: ["Παπαδόπουλος", "Οικονόμου", "Γεωργίου"],
  },
  {
    region: "US",
    given: ["A. J.", "T.J.", "Mary-Kate", "DeShawn", "Jo Ann", "Kayleigh", "Tyrone"],
    family: ["Kowalski", "Okafor", "Washington", "O'Neil", "Smith-Jones", "McAllister"],
  },
  {
    region: "GB",
    given: ["Harriet", "Alistair", "Imogen", "Rhys", "Gwen", "Callum"],
    family: ["Featherstonehaugh", "Ap Rhys", "Llewellyn", "Worthington", "Ashby-Clarke"],
  },
  {
    region: "SE",
    given: ["Åsa", "Björn", "Linnéa", "Sven-Erik"],
    family: ["Lindqvist", "Åkesson", "Nordström", "Öberg"],
  },
  {
    region: "MX",
    given: ["Guadalupe", "Xóchitl", "Jesús", "Ximena"],
    family: ["Hernández Ruiz", "Cuauhtémoc", "Villaseñor", "Peña"],
  },
  { region: "IL", given: ["Noa", "Yossi", "Tamar"], family: ["Ben-David", "Cohen", "Levi"] },
  {
    region: "ZA",
    given: ["Thandiwe", "Sipho", "Pieter-Jan", "Nomvula"],
    family: ["Ndlovu", "van Rensburg", "Dlamini", "Mokoena"],
  },
];

const ASCII: Record<string, string> = { ß: "ss", ł: "l", Ł: "L", ø: "o", đ: "d", ı: "i", æ: "ae", œ: "oe" };
const LATIN_HANDLES = [
  "chen",
  "mei",
  "amir",
  "yuki",
  "ivan",
  "olga",
  "lena",
  "noor",
  "minh",
  "hana",
  "dara",
  "sami",
];

/** ASCII letters of a Latin name, or a fixed handle for other scripts. */
export function asciiOf(r: Rng, s: string): string {
  const t = s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[ßłŁøđıæœ]/g, (c) => ASCII[c] ?? c)
    .toLowerCase()
    .replace(/[^a-z]/g, "");
  return t.length >= 2 ? t : r.pick(LATIN_HANDLES);
}

export function name3(r: Rng, region?: Region3): Name3 {
  const pool = region ? CULTURES.filter((c) => c.region === region) : CULTURES;
  const c = r.pick(pool.length ? pool : CULTURES);
  const given = r.pick(c.given);
  const family = r.pick(c.family);
  const full = c.order === "family-first" ? `${family}${c.sep ?? " "}${given}` : `${given} ${family}`;
  const g = asciiOf(r, given);
  const f = asciiOf(r, family);
  const handle = r.pick([`${g}.${f}`, `${g[0]}${f}`, `${g}_${f}`, `${f}.${g}`, `${g}${r.int(1, 99)}`]);
  const region3 = (PHONE3 as Record<string, unknown>)[c.region]
    ? c.region
    : r.pick(["US", "GB"] as Region3[]);
  return { full, given, family, region: region3, handle };
}

// ---------- phones ----------

export type Region3 =
  | "US"
  | "CA"
  | "GB"
  | "FR"
  | "DE"
  | "IN"
  | "ES"
  | "IT"
  | "BR"
  | "JP"
  | "MX"
  | "NL"
  | "AU"
  | "KR"
  | "CN"
  | "RU"
  | "PL"
  | "SE"
  | "ZA"
  | "NG"
  | "PH"
  | "TR"
  | "IL"
  | "AE"
  | "CH"
  | "IE";

export interface Phone3 {
  /** As written. */
  text: string;
  /** E.164 digits without `+` (for JSON numbers). */
  e164: string;
  /** National significant number digits with the trunk prefix when the region uses one. */
  nationalDigits: string;
  international: boolean;
}

const DASHES = ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212"];
const SPACES = [" ", "\u00a0", "\u202f"];

/** Groups `digits` by `sizes`, with `sep` between the groups. */
function grp(digits: string, sizes: number[], sep: string): string {
  const out: string[] = [];
  let i = 0;
  for (const n of sizes) {
    if (i >= digits.length) break;
    out.push(digits.slice(i, i + n));
    i += n;
  }
  if (i < digits.length) out[out.length - 1] += digits.slice(i);
  return out.join(sep);
}

type Plan = {
  cc: string;
  trunk: string;
  /** National significant number (without trunk prefix). */
  nsn: (r: Rng) => string;
  /** National spellings of the NSN (trunk prefix added by the caller when `trunk`). */
  national: ((n: string, r: Rng, t: string) => string)[];
  /** International spellings of the NSN after `+cc `. */
  intl: ((n: string, r: Rng) => string)[];
};

const sp = (r: Rng) => (r.chance(0.2) ? r.pick(SPACES) : " ");
const da = (r: Rng) => (r.chance(0.35) ? r.pick(DASHES) : "-");
const n29 = (r: Rng) => String(r.int(2, 9));

export const PHONE3: Record<Region3, Plan> = {
  US: {
    cc: "1",
    trunk: "",
    nsn: (r) => `${n29(r)}${r.digits(2)}${n29(r)}${r.digits(6)}`,
    national: [
      (n, r) => `(${n.slice(0, 3)}) ${n.slice(3, 6)}${da(r)}${n.slice(6)}`,
      (n, r) => grp(n, [3, 3, 4], da(r)),
      (n) => grp(n, [3, 3, 4], "."),
      (n, r) => grp(n, [3, 3, 4], sp(r)),
      (n) => `1-${grp(n, [3, 3, 4], "-")}`,
      (n) => `(${n.slice(0, 3)})${n.slice(3, 6)}-${n.slice(6)}`,
    ],
    intl: [
      (n, r) => grp(n, [3, 3, 4], sp(r)),
      (n) => grp(n, [3, 3, 4], "-"),
      (n) => `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`,
      (n) => n,
    ],
  },
  CA: {
    cc: "1",
    trunk: "",
    nsn: (r) => `${r.pick(["416", "604", "514", "403", "613", "902"])}${n29(r)}${r.digits(6)}`,
    national: [
      (n, r) => `(${n.slice(0, 3)}) ${n.slice(3, 6)}${da(r)}${n.slice(6)}`,
      (n) => grp(n, [3, 3, 4], "-"),
      (n) => grp(n, [3, 3, 4], "."),
    ],
    intl: [(n) => grp(n, [3, 3, 4], " "), (n) => grp(n, [3, 3, 4], "-")],
  },
  GB: {
    cc: "44",
    trunk: "0",
    nsn: (r) =>
      r.pick([
        `7${r.int(4, 9)}${r.digits(8)}`,
        `20${r.pick(["7", "8", "3"])}${r.digits(7)}`,
        `161${r.digits(7)}`,
        `131${r.digits(7)}`,
        `1632${r.digits(6)}`,
      ]),
    national: [
      (n, r, t) =>
        n.startsWith("20")
          ? `${t}${grp(n, [2, 4, 4], sp(r))}`
          : n.startsWith("7")
            ? `${t}${grp(n, [4, 6], sp(r))}`
            : `${t}${grp(n, [3, 3, 4], sp(r))}`,
      (n, _r, t) => `${t}${n}`,
      (n, _r, t) =>
        n.startsWith("20")
          ? `(${t}${n.slice(0, 2)}) ${grp(n.slice(2), [4, 4], " ")}`
          : `${t}${grp(n, [4, 3, 3], " ")}`,
    ],
    intl: [
      (n, r) => (n.startsWith("7") ? grp(n, [4, 6], sp(r)) : grp(n, [2, 4, 4], sp(r))),
      (n) => `(0)${grp(n, [4, 6], " ")}`,
      (n) => n,
    ],
  },
  FR: {
    cc: "33",
    trunk: "0",
    nsn: (r) => `${r.pick(["6", "7", "1", "2", "3", "4", "5", "9"])}${r.digits(8)}`,
    national: [
      (n, r, t) => grp(`${t}${n}`, [2, 2, 2, 2, 2], sp(r)),
      (n, _r, t) => grp(`${t}${n}`, [2, 2, 2, 2, 2], "."),
      (n, r, t) => grp(`${t}${n}`, [2, 2, 2, 2, 2], da(r)),
      (n, _r, t) => `${t}${n}`,
    ],
    intl: [
      (n, r) => grp(n, [1, 2, 2, 2, 2], sp(r)),
      (n) => `(0)${grp(n, [1, 2, 2, 2, 2], " ")}`,
      (n) => grp(n, [1, 2, 2, 2, 2], "."),
      (n) => n,
    ],
  },
  DE: {
    cc: "49",
    trunk: "0",
    nsn: (r) =>
      r.pick([
        `30${r.digits(8)}`,
        `89${r.digits(7)}`,
        `1${r.pick(["51", "52", "57", "60", "70", "76"])}${r.digits(8)}`,
        `40${r.digits(8)}`,
        `221${r.digits(7)}`,
        `6221${r.digits(6)}`,
      ]),
    national: [
      (n, _r, t) =>
        n.startsWith("1")
          ? `${t}${n.slice(0, 3)} ${n.slice(3)}`
          : n.startsWith("221") || n.startsWith("6221")
            ? `${t}${n.slice(0, n.startsWith("6") ? 4 : 3)} ${n.slice(n.startsWith("6") ? 4 : 3)}`
            : `${t}${n.slice(0, 2)} ${n.slice(2)}`,
      (n, _r, t) =>
        n.startsWith("1") ? `${t}${n.slice(0, 3)}/${n.slice(3)}` : `${t}${n.slice(0, 2)}/${n.slice(2)}`,
      (n, _r, t) =>
        n.startsWith("1")
          ? `${t}${n.slice(0, 3)}-${grp(n.slice(3), [4, 4], " ")}`
          : `(${t}${n.slice(0, 2)}) ${grp(n.slice(2), [4, 4], " ")}`,
      (n, r, t) =>
        n.startsWith("1")
          ? `${t}${n.slice(0, 3)}${da(r)}${n.slice(3)}`
          : `${t}${n.slice(0, 2)}${da(r)}${n.slice(2)}`,
    ],
    intl: [
      (n) => (n.startsWith("1") ? `${n.slice(0, 3)} ${n.slice(3)}` : `${n.slice(0, 2)} ${n.slice(2)}`),
      (n) => `(0)${n.slice(0, 2)} ${n.slice(2)}`,
      (n) =>
        n.startsWith("1")
          ? `${n.slice(0, 3)} ${grp(n.slice(3), [4, 4], " ")}`
          : `${n.slice(0, 2)} ${grp(n.slice(2), [4, 4], " ")}`,
      (n) => n,
    ],
  },
  IN: {
    cc: "91",
    trunk: "0",
    nsn: (r) =>
      r.pick([
        `${r.int(6, 9)}${r.digits(9)}`,
        `${r.int(6, 9)}${r.digits(9)}`,
        `11${r.digits(8)}`,
        `22${r.digits(8)}`,
        `80${r.digits(8)}`,
      ]),
    national: [
      (n, r, t) =>
        /^[6-9]/.test(n) ? grp(n, [5, 5], sp(r)) : `${t}${n.slice(0, 2)} ${grp(n.slice(2), [4, 4], " ")}`,
      (n, r, t) =>
        /^[6-9]/.test(n) ? `${t}${n}` : `${t}${n.slice(0, 2)}${da(r)}${grp(n.slice(2), [4, 4], "-")}`,
      (n, _r, t) => (/^[6-9]/.test(n) ? grp(n, [5, 5], "-") : `${t}${n.slice(0, 2)}-${n.slice(2)}`),
    ],
    intl: [
      (n, r) =>
        /^[6-9]/.test(n) ? grp(n, [5, 5], sp(r)) : `${n.slice(0, 2)} ${grp(n.slice(2), [4, 4], " ")}`,
      (n) => n,
      (n) => `-${n}`,
    ],
  },
  ES: {
    cc: "34",
    trunk: "",
    nsn: (r) =>
      r.pick([
        `6${r.digits(8)}`,
        `7${r.int(1, 4)}${r.digits(7)}`,
        `91${r.digits(7)}`,
        `93${r.digits(7)}`,
        `95${r.digits(7)}`,
      ]),
    national: [
      (n, r) => (n.startsWith("9") ? grp(n, [2, 3, 2, 2], sp(r)) : grp(n, [3, 3, 3], sp(r))),
      (n) => (n.startsWith("9") ? grp(n, [3, 2, 2, 2], " ") : grp(n, [3, 2, 2, 2], " ")),
      (n, r) => grp(n, [3, 3, 3], da(r)),
      (n) => grp(n, [3, 3, 3], "."),
    ],
    intl: [(n, r) => grp(n, [3, 3, 3], sp(r)), (n) => grp(n, [3, 2, 2, 2], " "), (n) => n],
  },
  IT: {
    cc: "39",
    trunk: "",
    nsn: (r) =>
      r.pick([
        `3${r.int(1, 9)}${r.digits(8)}`,
        `06${r.digits(8)}`,
        `02${r.digits(8)}`,
        `055${r.digits(7)}`,
        `081${r.digits(7)}`,
      ]),
    national: [
      (n, r) =>
        n.startsWith("3")
          ? grp(n, [3, 3, 4], sp(r))
          : n.startsWith("0") && n[1] !== "5" && n[1] !== "8"
            ? grp(n, [2, 4, 4], sp(r))
            : grp(n, [3, 3, 4], sp(r)),
      (n) => n,
      (n, r) =>
        n.startsWith("3") ? `${n.slice(0, 3)}${da(r)}${n.slice(3)}` : `${n.slice(0, 2)}/${n.slice(2)}`,
      (n) => (n.startsWith("3") ? grp(n, [3, 3, 2, 2], ".") : grp(n, [2, 4, 4], ".")),
    ],
    intl: [(n, r) => (n.startsWith("3") ? grp(n, [3, 3, 4], sp(r)) : grp(n, [2, 4, 4], sp(r))), (n) => n],
  },
  BR: {
    cc: "55",
    trunk: "",
    nsn: (r) =>
      r.pick([
        `${r.pick(["11", "21", "31", "41", "51", "61", "71", "85"])}9${r.digits(8)}`,
        `${r.pick(["11", "21", "31", "47"])}${r.int(2, 5)}${r.digits(7)}`,
      ]),
    national: [
      (n, r) => `(${n.slice(0, 2)}) ${n.slice(2, n.length - 4)}${da(r)}${n.slice(-4)}`,
      (n) => `${n.slice(0, 2)} ${n.slice(2, n.length - 4)} ${n.slice(-4)}`,
      (n) => `(${n.slice(0, 2)})${n.slice(2, n.length - 4)}-${n.slice(-4)}`,
      (n) => `0${n.slice(0, 2)} ${n.slice(2, n.length - 4)}-${n.slice(-4)}`,
    ],
    intl: [
      (n, r) => `${n.slice(0, 2)} ${n.slice(2, n.length - 4)}${da(r)}${n.slice(-4)}`,
      (n) => `(${n.slice(0, 2)}) ${n.slice(2, n.length - 4)}-${n.slice(-4)}`,
      (n) => n,
    ],
  },
  JP: {
    cc: "81",
    trunk: "0",
    nsn: (r) =>
      r.pick([
        `${r.pick(["90", "80", "70"])}${r.digits(8)}`,
        `3${r.digits(8)}`,
        `6${r.digits(8)}`,
        `45${r.digits(7)}`,
        `75${r.digits(7)}`,
      ]),
    national: [
      (n, r, t) =>
        /^[987]0/.test(n)
          ? `${t}${grp(n, [2, 4, 4], da(r))}`
          : /^[36]/.test(n)
            ? `${t}${grp(n, [1, 4, 4], da(r))}`
            : `${t}${grp(n, [2, 3, 4], da(r))}`,
      (n, _r, t) =>
        /^[987]0/.test(n)
          ? `${t}${grp(n, [2, 4, 4], "\uff0d")}`
          : `${t}${n.slice(0, 1)}(${n.slice(1, 5)})${n.slice(5)}`,
      (n, _r, t) => `${t}${n}`,
    ],
    intl: [(n, r) => (/^[987]0/.test(n) ? grp(n, [2, 4, 4], da(r)) : grp(n, [1, 4, 4], sp(r))), (n) => n],
  },
  MX: {
    cc: "52",
    trunk: "",
    nsn: (r) =>
      r.pick([
        `55${r.digits(8)}`,
        `33${r.digits(8)}`,
        `81${r.digits(8)}`,
        `${r.pick(["222", "442", "664", "998"])}${r.digits(7)}`,
      ]),
    national: [
      (n, r) => (/^(55|33|81)/.test(n) ? grp(n, [2, 4, 4], sp(r)) : grp(n, [3, 3, 4], sp(r))),
      (n) =>
        /^(55|33|81)/.test(n)
          ? `(${n.slice(0, 2)}) ${n.slice(2, 6)}-${n.slice(6)}`
          : `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`,
      (n) => n,
    ],
    intl: [
      (n, r) => (/^(55|33|81)/.test(n) ? grp(n, [2, 4, 4], sp(r)) : grp(n, [3, 3, 4], sp(r))),
      (n) => `1 ${grp(n, [2, 4, 4], " ")}`,
      (n) => n,
    ],
  },
  NL: {
    cc: "31",
    trunk: "0",
    nsn: (r) =>
      r.pick([
        `6${r.digits(8)}`,
        `20${r.digits(7)}`,
        `10${r.digits(7)}`,
        `70${r.digits(7)}`,
        `30${r.digits(7)}`,
      ]),
    national: [
      (n, r, t) =>
        n.startsWith("6") ? `${t}6${da(r)}${n.slice(1)}` : `${t}${n.slice(0, 2)}${da(r)}${n.slice(2)}`,
      (n, r, t) =>
        n.startsWith("6")
          ? `${t}6 ${grp(n.slice(1), [2, 2, 2, 2], sp(r))}`
          : `${t}${grp(n, [2, 3, 4], sp(r))}`,
      (n, _r, t) => `${t}${n}`,
      (n, _r, t) => `(${t}${n.slice(0, 2)}) ${n.slice(2)}`,
    ],
    intl: [
      (n, r) => (n.startsWith("6") ? `6 ${n.slice(1)}` : grp(n, [2, 3, 4], sp(r))),
      (n) => `(0)${n.slice(0, 1)} ${n.slice(1)}`,
      (n) => n,
    ],
  },
  AU: {
    cc: "61",
    trunk: "0",
    nsn: (r) =>
      r.pick([
        `4${r.digits(8)}`,
        `2${r.int(8, 9)}${r.digits(7)}`,
        `3${r.int(8, 9)}${r.digits(7)}`,
        `7${r.int(3, 4)}${r.digits(7)}`,
        `8${r.int(8, 9)}${r.digits(7)}`,
      ]),
    national: [
      (n, r, t) =>
        n.startsWith("4")
          ? `${t}${grp(n, [3, 3, 3], sp(r))}`
          : `(${t}${n[0]}) ${grp(n.slice(1), [4, 4], sp(r))}`,
      (n, _r, t) =>
        n.startsWith("4") ? `${t}${grp(n, [3, 3, 3], "-")}` : `${t}${n[0]} ${grp(n.slice(1), [4, 4], " ")}`,
      (n, _r, t) => `${t}${n}`,
    ],
    intl: [
      (n, r) => (n.startsWith("4") ? grp(n, [3, 3, 3], sp(r)) : `${n[0]} ${grp(n.slice(1), [4, 4], sp(r))}`),
      (n) => n,
    ],
  },
  KR: {
    cc: "82",
    trunk: "0",
    nsn: (r) =>
      r.pick([
        `10${r.int(2, 9)}${r.digits(7)}`,
        `2${r.int(2, 9)}${r.digits(6)}`,
        `31${r.int(2, 9)}${r.digits(6)}`,
        `51${r.int(2, 9)}${r.digits(6)}`,
      ]),
    national: [
      (n, r, t) =>
        n.startsWith("10")
          ? `${t}${grp(n, [2, 4, 4], da(r))}`
          : n.startsWith("2")
            ? `${t}${grp(n, [1, 3, 4], da(r))}`
            : `${t}${grp(n, [2, 3, 4], da(r))}`,
      (n, _r, t) => `${t}${n}`,
      (n, _r, t) =>
        n.startsWith("10")
          ? `${t}${grp(n, [2, 4, 4], " ")}`
          : `(${t}${n.slice(0, n.startsWith("2") ? 1 : 2)}) ${n.slice(n.startsWith("2") ? 1 : 2)}`,
    ],
    intl: [(n, r) => (n.startsWith("10") ? grp(n, [2, 4, 4], da(r)) : grp(n, [1, 3, 4], " ")), (n) => n],
  },
  CN: {
    cc: "86",
    trunk: "0",
    nsn: (r) =>
      r.pick([
        `1${r.pick(["38", "39", "50", "58", "86", "87"])}${r.digits(8)}`,
        `10${r.digits(8)}`,
        `21${r.digits(8)}`,
        `755${r.digits(8)}`,
      ]),
    national: [
      (n, r, t) =>
        n.startsWith("1") && !n.startsWith("10")
          ? grp(n, [3, 4, 4], sp(r))
          : `${t}${n.slice(0, n.startsWith("755") ? 3 : 2)}${da(r)}${grp(n.slice(n.startsWith("755") ? 3 : 2), [4, 4], " ")}`,
      (n, _r, t) => (n.startsWith("1") && !n.startsWith("10") ? n : `${t}${n}`),
      (n, _r, t) =>
        n.startsWith("1") && !n.startsWith("10")
          ? grp(n, [3, 4, 4], "-")
          : `(${t}${n.slice(0, 2)}) ${n.slice(2)}`,
    ],
    intl: [
      (n, r) =>
        n.startsWith("1") && !n.startsWith("10")
          ? grp(n, [3, 4, 4], sp(r))
          : `${n.slice(0, 2)} ${grp(n.slice(2), [4, 4], " ")}`,
      (n) => n,
    ],
  },
  RU: {
    cc: "7",
    trunk: "8",
    nsn: (r) => r.pick([`9${r.digits(9)}`, `495${r.digits(7)}`, `812${r.digits(7)}`, `343${r.digits(7)}`]),
    national: [
      (n, r, t) => `${t} (${n.slice(0, 3)}) ${n.slice(3, 6)}${da(r)}${n.slice(6, 8)}${da(r)}${n.slice(8)}`,
      (n, _r, t) => `${t}${n}`,
      (n, _r, t) => `${t}-${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6, 8)}-${n.slice(8)}`,
    ],
    intl: [
      (n, r) => `${n.slice(0, 3)} ${n.slice(3, 6)}${da(r)}${n.slice(6, 8)}${da(r)}${n.slice(8)}`,
      (n) => `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6, 8)}-${n.slice(8)}`,
      (n) => n,
    ],
  },
  PL: {
    cc: "48",
    trunk: "",
    nsn: (r) =>
      r.pick([
        `${r.pick(["5", "6", "7", "8"])}${r.int(0, 9)}${r.digits(7)}`,
        `22${r.digits(7)}`,
        `12${r.digits(7)}`,
      ]),
    national: [
      (n, r) =>
        n.startsWith("22") || n.startsWith("12") ? grp(n, [2, 3, 2, 2], sp(r)) : grp(n, [3, 3, 3], sp(r)),
      (n, r) => grp(n, [3, 3, 3], da(r)),
      (n) => n,
    ],
    intl: [(n, r) => grp(n, [3, 3, 3], sp(r)), (n) => grp(n, [2, 3, 2, 2], " "), (n) => n],
  },
  SE: {
    cc: "46",
    trunk: "0",
    nsn: (r) =>
      r.pick([`7${r.pick(["0", "2", "3", "6", "9"])}${r.digits(7)}`, `8${r.digits(7)}`, `31${r.digits(6)}`]),
    national: [
      (n, r, t) =>
        n.startsWith("7")
          ? `${t}${n.slice(0, 2)}${da(r)}${grp(n.slice(2), [3, 2, 2], sp(r))}`
          : n.startsWith("8")
            ? `${t}8${da(r)}${grp(n.slice(1), [3, 2, 2], " ")}`
            : `${t}31${da(r)}${grp(n.slice(2), [2, 2, 2], " ")}`,
      (n, _r, t) => `${t}${n}`,
      (n, _r, t) => `${t}${n.slice(0, 2)} ${grp(n.slice(2), [3, 2, 2], " ")}`,
    ],
    intl: [
      (n, r) => `${n.slice(0, 2)} ${grp(n.slice(2), [3, 2, 2], sp(r))}`,
      (n) => `(0)${n.slice(0, 2)} ${n.slice(2)}`,
      (n) => n,
    ],
  },
  ZA: {
    cc: "27",
    trunk: "0",
    nsn: (r) =>
      r.pick([
        `${r.pick(["82", "83", "72", "73", "84", "61"])}${r.digits(7)}`,
        `11${r.digits(7)}`,
        `21${r.digits(7)}`,
      ]),
    national: [
      (n, r, t) => `${t}${grp(n, [2, 3, 4], sp(r))}`,
      (n, _r, t) => `${t}${n}`,
      (n, r, t) => `${t}${grp(n, [2, 3, 4], da(r))}`,
    ],
    intl: [(n, r) => grp(n, [2, 3, 4], sp(r)), (n) => n],
  },
  NG: {
    cc: "234",
    trunk: "0",
    nsn: (r) =>
      `${r.pick(["803", "805", "806", "807", "810", "813", "703", "706", "903", "806"])}${r.digits(7)}`,
    national: [
      (n, r, t) => `${t}${grp(n, [3, 3, 4], sp(r))}`,
      (n, _r, t) => `${t}${n}`,
      (n, r, t) => `${t}${grp(n, [3, 3, 4], da(r))}`,
    ],
    intl: [(n, r) => grp(n, [3, 3, 4], sp(r)), (n) => n],
  },
  PH: {
    cc: "63",
    trunk: "0",
    nsn: (r) => r.pick([`9${r.pick(["17", "18", "05", "27", "98"])}${r.digits(7)}`, `2${r.digits(8)}`]),
    national: [
      (n, r, t) =>
        n.startsWith("9") ? `${t}${grp(n, [3, 3, 4], sp(r))}` : `(${t}2) ${grp(n.slice(1), [4, 4], " ")}`,
      (n, _r, t) => `${t}${n}`,
      (n, r, t) => `${t}${grp(n, [3, 3, 4], da(r))}`,
    ],
    intl: [
      (n, r) => (n.startsWith("9") ? grp(n, [3, 3, 4], sp(r)) : `2 ${grp(n.slice(1), [4, 4], " ")}`),
      (n) => n,
    ],
  },
  TR: {
    cc: "90",
    trunk: "0",
    nsn: (r) =>
      r.pick([
        `5${r.pick(["32", "33", "42", "05", "55", "30"])}${r.digits(7)}`,
        `212${r.digits(7)}`,
        `312${r.digits(7)}`,
      ]),
    national: [
      (n, r, t) => `${t}${grp(n, [3, 3, 2, 2], sp(r))}`,
      (n, _r, t) => `${t}${n}`,
      (n, _r, t) => `${t} (${n.slice(0, 3)}) ${grp(n.slice(3), [3, 2, 2], " ")}`,
    ],
    intl: [
      (n, r) => grp(n, [3, 3, 2, 2], sp(r)),
      (n) => `(${n.slice(0, 3)}) ${grp(n.slice(3), [3, 2, 2], " ")}`,
      (n) => n,
    ],
  },
  IL: {
    cc: "972",
    trunk: "0",
    nsn: (r) =>
      r.pick([
        `5${r.pick(["0", "2", "3", "4", "8"])}${r.digits(7)}`,
        `${r.pick(["2", "3", "4", "8", "9"])}${r.digits(7)}`,
      ]),
    national: [
      (n, r, t) =>
        n.startsWith("5")
          ? `${t}${n.slice(0, 2)}${da(r)}${grp(n.slice(2), [3, 4], da(r))}`
          : `${t}${n[0]}${da(r)}${grp(n.slice(1), [3, 4], da(r))}`,
      (n, _r, t) => `${t}${n}`,
    ],
    intl: [
      (n, r) =>
        n.startsWith("5")
          ? `${n.slice(0, 2)}${da(r)}${grp(n.slice(2), [3, 4], da(r))}`
          : `${n[0]} ${grp(n.slice(1), [3, 4], " ")}`,
      (n) => n,
    ],
  },
  AE: {
    cc: "971",
    trunk: "0",
    nsn: (r) =>
      r.pick([
        `5${r.pick(["0", "2", "4", "5", "6", "8"])}${r.digits(7)}`,
        `4${r.digits(7)}`,
        `2${r.digits(7)}`,
      ]),
    national: [
      (n, r, t) =>
        n.startsWith("5") ? `${t}${grp(n, [2, 3, 4], sp(r))}` : `${t}${grp(n, [1, 3, 4], sp(r))}`,
      (n, _r, t) => `${t}${n}`,
      (n, r, t) => `${t}${grp(n, [2, 3, 4], da(r))}`,
    ],
    intl: [(n, r) => (n.startsWith("5") ? grp(n, [2, 3, 4], sp(r)) : grp(n, [1, 3, 4], sp(r))), (n) => n],
  },
  CH: {
    cc: "41",
    trunk: "0",
    nsn: (r) =>
      r.pick([
        `7${r.pick(["6", "7", "8", "9"])}${r.digits(7)}`,
        `44${r.digits(7)}`,
        `22${r.digits(7)}`,
        `31${r.digits(7)}`,
      ]),
    national: [
      (n, r, t) => `${t}${grp(n, [2, 3, 2, 2], sp(r))}`,
      (n, _r, t) => `${t}${n}`,
      (n, _r, t) => `${t}${grp(n, [2, 3, 2, 2], ".")}`,
    ],
    intl: [(n, r) => grp(n, [2, 3, 2, 2], sp(r)), (n) => `(0)${grp(n, [2, 3, 2, 2], " ")}`, (n) => n],
  },
  IE: {
    cc: "353",
    trunk: "0",
    nsn: (r) =>
      r.pick([`8${r.pick(["3", "5", "6", "7", "9"])}${r.digits(7)}`, `1${r.digits(7)}`, `21${r.digits(7)}`]),
    national: [
      (n, r, t) =>
        n.startsWith("8")
          ? `${t}${grp(n, [2, 3, 4], sp(r))}`
          : n.startsWith("1")
            ? `(${t}1) ${grp(n.slice(1), [3, 4], " ")}`
            : `${t}${grp(n, [2, 3, 4], sp(r))}`,
      (n, _r, t) => `${t}${n}`,
    ],
    intl: [
      (n, r) => (n.startsWith("8") ? grp(n, [2, 3, 4], sp(r)) : `${n.slice(0, 1)} ${n.slice(1)}`),
      (n) => n,
    ],
  },
};
export const REGIONS3 = Object.keys(PHONE3) as Region3[];

/** A phone of `region`, national (trunk prefix included) or international (`+cc`, sometimes `00cc`). */
export function phone3(r: Rng, region: Region3, international: boolean): Phone3 {
  const p = PHONE3[region];
  const n = p.nsn(r);
  const e164 = `${p.cc}${n}`;
  const nationalDigits = `${p.trunk}${n}`;
  if (!international) return { text: r.pick(p.national)(n, r, p.trunk), e164, nationalDigits, international };
  const body = r.pick(p.intl)(n, r);
  const lead = r.chance(0.08) ? `00${p.cc}` : `+${p.cc}`;
  const glue = body.startsWith("-")
    ? ""
    : body.startsWith("(") && r.chance(0.5)
      ? ""
      : r.chance(0.85)
        ? " "
        : r.chance(0.5)
          ? "-"
          : "";
  return { text: `${lead}${glue}${body}`, e164, nationalDigits, international };
}

// ---------- emails ----------

const DOMAINS = [
  "example.com",
  "mail.example.org",
  "corp.example.co.uk",
  "example.de",
  "beispiel.de",
  "exemple.fr",
  "ejemplo.es",
  "esempio.it",
  "exemplo.com.br",
  "example.co.jp",
  "example.in",
  "bücher.example",
  "münchen.example.de",
  "пример.рф",
  "例子.中国",
  "example.ac.uk",
  "students.example.edu",
  "example-health.org",
  "xn--bcher-kva.example",
];

export function email3(r: Rng, n: Name3): string {
  const roll = r.next();
  let local = n.handle;
  if (roll < 0.12) {
    // A non-ASCII local part from the name itself.
    local = n.given
      .toLowerCase()
      .replace(/[\s.']+/g, ".")
      .replace(/^\.|\.$/g, "");
    if (!local) local = n.handle;
  } else if (roll < 0.22) local = `${n.handle}+${r.pick(["billing", "news", "jira", "2024", "test"])}`;
  else if (roll < 0.3) local = local.toUpperCase().slice(0, 1) + local.slice(1);
  else if (roll < 0.36) local = `${n.handle}-${r.digits(2)}`;
  else if (roll < 0.4) local = `${n.handle.replace(/[._]/g, "")}_${r.pick(["dev", "ops", "hr"])}`;
  return `${local}@${r.pick(DOMAINS)}`;
}

// ---------- cards ----------

export function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export interface Card3 {
  digits: string;
  text: string;
  scheme: string;
}

export function card3(r: Rng, valid = true, seps = true): Card3 {
  const scheme = r.pick(["visa", "mc", "mc2", "amex", "discover", "jcb", "diners", "unionpay", "maestro"]);
  const prefix =
    scheme === "visa"
      ? "4"
      : scheme === "mc"
        ? String(r.int(51, 55))
        : scheme === "mc2"
          ? String(r.int(2221, 2720))
          : scheme === "amex"
            ? r.pick(["34", "37"])
            : scheme === "discover"
              ? r.pick(["6011", "65", "644"])
              : scheme === "jcb"
                ? String(r.int(3528, 3589))
                : scheme === "diners"
                  ? r.pick(["36", "38", "300"])
                  : scheme === "unionpay"
                    ? "62"
                    : r.pick(["6759", "5018", "6761"]);
  const len =
    scheme === "amex" ? 15 : scheme === "diners" ? 14 : scheme === "maestro" ? r.pick([16, 19]) : 16;
  const body = prefix + r.digits(len - 1 - prefix.length);
  let check = luhnDigit(body);
  if (!valid) check = String((Number(check) + r.int(1, 9)) % 10);
  const digits = body + check;
  let text = digits;
  if (seps && r.chance(0.8)) {
    const sep = r.pick([" ", " ", "-", ".", "\u00a0", "\u2009", "\u2013"]);
    const sizes =
      len === 15 ? [4, 6, 5] : len === 14 ? [4, 6, 4] : len === 19 ? [4, 4, 4, 4, 3] : [4, 4, 4, 4];
    text = grp(digits, sizes, sep);
  }
  return { digits, text, scheme };
}

// ---------- IBANs ----------

const IBAN_SPEC: Record<string, string> = {
  DE: "18n",
  FR: "10n11n2n",
  GB: "4a14n",
  ES: "20n",
  IT: "1a10n12n",
  NL: "4a10n",
  BE: "12n",
  CH: "5n12n",
  AT: "16n",
  PL: "24n",
  PT: "21n",
  SE: "20n",
  IE: "4a14n",
  NO: "11n",
  DK: "14n",
  FI: "14n",
  LU: "3n13n",
  SA: "2n18n",
  AE: "19n",
  TR: "5n1n16n",
  BR: "23n1a1n",
  GR: "7n16n",
  CZ: "20n",
  RO: "4a16n",
  HU: "24n",
};

function mod97(s: string): number {
  let rem = 0;
  for (const c of s) {
    const v = /[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem;
}

export interface Iban3 {
  compact: string;
  text: string;
}

export function iban3(r: Rng, valid = true): Iban3 {
  const cc = r.pick(Object.keys(IBAN_SPEC));
  let bban = "";
  for (const [, n, t] of IBAN_SPEC[cc]!.matchAll(/(\d+)([an])/g)) {
    for (let i = 0; i < Number(n); i++)
      bban += t === "a" ? String.fromCharCode(65 + r.int(0, 25)) : String(r.int(0, 9));
  }
  let check = 98 - mod97(`${bban}${cc}00`);
  if (!valid) check = ((check + r.int(1, 90)) % 97) + 2;
  const compact = `${cc}${String(check).padStart(2, "0")}${bban}`;
  const roll = r.next();
  const text =
    roll < 0.35
      ? compact
      : roll < 0.7
        ? grp(compact, Array(9).fill(4), " ")
        : roll < 0.82
          ? grp(compact, Array(9).fill(4), " ").toLowerCase()
          : roll < 0.92
            ? grp(compact, Array(9).fill(4), "-")
            : compact.toLowerCase();
  return { compact, text };
}

// ---------- SSN / ITIN ----------

export function ssn3(r: Rng, itin = false): string {
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
  return `${String(area).padStart(3, "0")}${String(group).padStart(2, "0")}${String(serial).padStart(4, "0")}`;
}

export function ssnText(r: Rng, d: string): string {
  const sep = r.pick(["-", "-", "-", " ", ".", "\u2013"]);
  return `${d.slice(0, 3)}${sep}${d.slice(3, 5)}${sep}${d.slice(5)}`;
}

// ---------- IP addresses ----------

export function ipv4_3(r: Rng): string {
  const first = r.pick([r.int(1, 223), 203, 198, 81, 62, 185, 100, 172, 10, 192]);
  return `${first === 127 ? 128 : first}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

export function ipv6_3(r: Rng): string {
  const h = () => r.int(0, 0xffff).toString(16);
  const roll = r.next();
  if (roll < 0.3) return `2001:db8:${h()}:${h()}::${h()}`;
  if (roll < 0.5)
    return `${r.pick(["2a02", "2600", "2406", "2c0f", "2804"])}:${h()}:${h()}:${h()}:${h()}:${h()}:${h()}:${h()}`;
  if (roll < 0.6) return `fe80::${h()}:${h()}:${h()}:${h()}`;
  if (roll < 0.7)
    return `2001:0db8:${h().padStart(4, "0")}:0000:0000:${h().padStart(4, "0")}:${h().padStart(4, "0")}:${h().padStart(4, "0")}`;
  if (roll < 0.8) return `${r.pick(["2a00", "2607"])}:${h()}::${h()}:${h()}`.toUpperCase();
  if (roll < 0.9) return `::ffff:${r.int(1, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
  return `2001:db8::${h()}`;
}
