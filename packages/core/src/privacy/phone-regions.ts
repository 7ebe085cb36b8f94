import type { CountryCode, PhoneNumber } from "libphonenumber-js/max";
import { regionForField } from "./fields.js";
import { mainRegionOf, WRITTEN_WITHOUT_TRUNK } from "./phone-library.js";

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

/** A country named in the text (`Country: FR`, `pays : France`, `Land: Deutschland`). */
const COUNTRY_LINE =
  /(?:^|[\s,;{"'])(country|pays|land|pa[ií]s|paese)["']?[ \t]*[:=][ \t]*["']?([\p{L} .]{2,40}?)["']?[ \t]*(?=$|[\n\r,;|}])/imu;

/** An international number right after a phone word and a colon (`Phone: +49 30 1234567`). */
const LABELLED_PLUS =
  /(?:phone|tel|tél|telefon|tel[eé]fono|telefone|mobile?|m[óo]vil|cell|handy|portable|fax)\W{0,3}[:=][ \t]*["']?(\+\d[\d \t().-]{5,20}\d)/iu;

/**
 * The region a country named in the text suggests (`Country: FR`, `pays : France`), read for a candidate
 * no other rule took: in the whole text when short, else in a window of a few hundred characters around
 * it, so a long text costs no more per candidate. Undefined when the text names none.
 */
export function contextRegion(text: string, start: number): string | undefined {
  const window = text.length <= 4000 ? text : text.slice(Math.max(0, start - 300), start + 300);
  const named = COUNTRY_LINE.exec(window);
  if (named !== null) return regionForField("country", named[2]!.trim());
  // Else an international number beside a phone label (`Tel: +33 6 12 34 56 78`): the text's other
  // numbers are national numbers of its region, as in a record (`regionOf`).
  const plus = LABELLED_PLUS.exec(window);
  return plus === null ? undefined : plusRegion(plus[1]!);
}

/**
 * The region of an international number written as a field's whole value (`+33 6 12 34 56 78` is FR,
 * `+44 …` GB): the record's other numbers are national numbers of that region as much as they would be
 * beside a `country: "FR"` field. Read from the calling code alone (no parse: a record's other numbers
 * must still be valid in that region). Undefined for anything else, and for `+1` (the NANP spans
 * regions, and its numbers count anywhere already).
 */
export function plusRegion(value: string): string | undefined {
  let i = 0;
  while (value.charCodeAt(i) === 32) i++;
  if (value.charCodeAt(i) !== 43) return undefined;
  // Calling codes are prefix-free: the first of one to three digits right after the `+` that is one.
  let code = 0;
  for (const end = i + 4; ++i < end; ) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    code = code * 10 + c - 48;
    if (code === 1) return undefined;
    const region = mainRegionOf(code);
    if (region !== undefined) return region;
  }
  return undefined;
}

/**
 * Whether the digits at `start`..`end` of `text` are an amount: a decimal part right after them
 * (`512 345 678,50`), or a currency sign or a three-letter currency code beside them (`R$ 11 912 345 678`,
 * `602 345 678 PLN`, `512 345 678 zł`). Thousands are grouped as some plans group a phone number.
 */
export function amountAround(text: string, start: number, end: number): boolean {
  return (
    AMOUNT_AFTER.test(text.slice(end, end + 5)) ||
    AMOUNT_BEFORE.test(text.slice(Math.max(0, start - 5), start))
  );
}
const AMOUNT_AFTER = /^(?:[.,]\d|\s?(?:\p{Sc}|[A-Z]{3}(?![A-Za-z])|zł))/u;
const AMOUNT_BEFORE = /(?:\p{Sc}|[A-Z]{3})\s?$/u;
