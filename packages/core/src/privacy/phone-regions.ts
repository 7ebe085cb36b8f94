import { createRequire } from "node:module";
import type { CountryCode, PhoneNumber } from "libphonenumber-js/max";
import { regionForField } from "./fields.js";
import { WRITTEN_WITHOUT_TRUNK } from "./phone-library.js";

/** Regions outside the NANP whose national numbers carry no trunk prefix. */
export const NO_TRUNK_PREFIX: ReadonlySet<string> = new Set([
  "ES",
  "IT",
  "PT",
  "DK",
  "NO",
  "GR",
  "LU",
  "MT",
  "CY",
  "IS",
]);

const ONE_DIGIT_DOTTED = /(?:^|\.)\d\./;

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/**
 * Whether a valid national number of `region` is written as people there write it: with the trunk prefix
 * exactly where the numbering plan's own national format shows one (`06 12 34 56 78` in France, `8 (912)
 * 345-67-89` in Russia; `512 345 678` in Poland, `8123 4567` in Singapore, `(2) 2123 4567` in Chile,
 * which have none), or without it where it is customarily left out ({@link WRITTEN_WITHOUT_TRUNK}).
 * A digit group that drops a prefix the plan writes (`159 662 112` in a French record) is a count.
 */
export function writtenAsNational(candidate: string, n: PhoneNumber, region: string): boolean {
  // One-digit groups between dots (`1.3.6.1.4.1.183.7`) are an OID's or a version's, no phone's.
  if (ONE_DIGIT_DOTTED.test(candidate)) return false;
  if (NO_TRUNK_PREFIX.has(region) || WRITTEN_WITHOUT_TRUNK.has(region)) return true;
  return digitCount(candidate) === digitCount(n.format("NATIONAL"));
}

/**
 * Whether a bare digit run (`0612345678`) is a valid national number of one of `regions` written with the
 * trunk prefix its plan's national format shows. Only for regions a deployment configured itself: a bare
 * run is an id far more often than a phone, and the leading trunk prefix is what sets a number apart.
 */
export function bareNational(
  raw: string,
  regions: readonly string[],
  parse: (text: string, region: CountryCode) => PhoneNumber | undefined,
): boolean {
  for (const r of regions) {
    const n = parse(raw, r as CountryCode);
    if (
      n?.isValid() &&
      raw.length > n.nationalNumber.length &&
      raw.length === digitCount(n.format("NATIONAL"))
    )
      return true;
  }
  return false;
}

// ------------------------------------------------------------------------------- regions from context

/**
 * Where each language is chiefly spoken (ISO 639-1 → regions whose national numbers it suggests),
 * general knowledge of the languages' home countries. NANP regions are left out: their 3-3-4 shape is
 * read everywhere already.
 */
const LANGUAGE_REGIONS: Readonly<Record<string, readonly string[]>> = {
  fr: ["FR", "BE", "CH"],
  de: ["DE", "AT", "CH"],
  it: ["IT", "CH"],
  es: ["ES", "MX", "AR", "CO", "CL", "PE"],
  pt: ["BR", "PT"],
  nl: ["NL", "BE"],
  pl: ["PL"],
  cs: ["CZ"],
  sk: ["SK"],
  hu: ["HU"],
  ro: ["RO"],
  bg: ["BG"],
  el: ["GR", "CY"],
  sv: ["SE", "FI"],
  da: ["DK"],
  no: ["NO"],
  fi: ["FI"],
  ru: ["RU", "BY", "KZ"],
  uk: ["UA"],
  tr: ["TR"],
  ko: ["KR"],
  ja: ["JP"],
  zh: ["CN", "TW", "HK", "SG"],
  vi: ["VN"],
  th: ["TH"],
  id: ["ID"],
  ms: ["MY"],
  tl: ["PH"],
  hi: ["IN"],
  he: ["IL"],
  ar: ["SA", "AE", "EG", "MA"],
  fa: ["IR"],
};

type Detect = (text: string) => string;
let detectLanguage: Detect | undefined;
/**
 * tinyld (its normal build), required on first use: an offline n-gram language detector in one CommonJS
 * file with no dependencies, right on short texts, which only strings that hold an unresolved phone-shaped
 * candidate ever reach.
 */
function languageOf(text: string): string {
  detectLanguage ??= (createRequire(import.meta.url)("tinyld") as { detect: Detect }).detect;
  return detectLanguage(text);
}

/** A country named in the text (`Country: FR`, `pays : France`, `Land: Deutschland`). */
const COUNTRY_LINE =
  /(?:^|[\s,;{"'])(country|pays|land|pa[ií]s|paese)["']?[ \t]*[:=][ \t]*["']?([\p{L} .]{2,40}?)["']?[ \t]*(?=$|[\n\r,;|}])/imu;

/** Letters enough for a language to be told (a few words of prose). */
const PROSE = /\p{L}{2,}\P{L}+\p{L}/u;

/** Regions a text suggests, and whether only its language does (a weaker signal than a named country). */
export interface TextRegions {
  regions: readonly string[];
  byLanguage: boolean;
}
const NONE: TextRegions = { regions: [], byLanguage: false };

/**
 * Regions the text around a candidate suggests: a country it names, else the language it is written in
 * (`Merci de me rappeler au 06 12 34 56 78`), read on a window of a few hundred characters so a long
 * text costs no more per candidate. Empty when the text says nothing.
 */
export function contextRegions(text: string, start: number): TextRegions {
  const from = Math.max(0, start - 300);
  const window = text.slice(from, start + 300);
  const named = COUNTRY_LINE.exec(text.length <= 4000 ? text : window);
  if (named !== null) {
    const r = regionForField("country", named[2]!.trim());
    if (r !== undefined) return { regions: [r], byLanguage: false };
  }
  if (!PROSE.test(window)) return NONE;
  const regions = LANGUAGE_REGIONS[languageOf(window)];
  return regions === undefined ? NONE : { regions, byLanguage: true };
}

/** Digits before the first separator (`(`, a trunk digit's group and an area code's included). */
function firstGroup(s: string): number {
  let n = 0;
  let i = s.charCodeAt(0) === 40 ? 1 : 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n++;
  }
  return n;
}

/**
 * Whether a number found only by the language around it, written without a trunk prefix, starts with the
 * group its plan's national format starts with (`347 123 4567` in IT, `(11) 91234-5678` in BR): an order
 * number that happens to be valid (`3012 4455 67` in German prose) is grouped otherwise.
 */
export function groupedAsNational(candidate: string, n: PhoneNumber): boolean {
  return firstGroup(candidate) === firstGroup(n.format("NATIONAL"));
}
