/**
 * Detectors find personal values inside a string. Each runs a cheap pre-filter (a character it needs),
 * then a regex or hand scan for candidates, then a validator (checksum, range, phone metadata) on each
 * candidate only. Detectors are plain objects: switch one off by leaving it out, add one with
 * {@link customDetector}.
 */

import type { CountryCode } from "libphonenumber-js/max";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { CodecallError } from "../errors.js";
import { cardPrefix, ibanLength, ibanValid, ipv4Valid, ipv6Valid, luhn, ssnValid } from "./checks.js";
import { profileOf, type TextProfile } from "./profile.js";
import { TYPE_PATTERN } from "./tokens.js";

/** A value found in a string: `text.slice(start, end)` is replaced by a token of `type`. */
export interface Match {
  start: number;
  end: number;
  type: string;
  confidence: number;
}

/** Where a string sits in the JSON being scanned. */
export interface ScanContext {
  /** The property name holding the string, when it is an object's property. */
  key?: string | undefined;
  /**
   * The string's character profile, filled in by the first detector that needs it so the others reuse it
   * (built-in detectors skip strings whose profile rules them out).
   */
  profile?: TextProfile | undefined;
}

/** Finds values of one type. */
export interface Detector {
  /** The token type, such as `EMAIL`: upper case, digits and underscores. */
  readonly type: string;
  /** How sure a match of this detector is, 0..1. Matches below the guard's `minConfidence` are ignored. */
  readonly confidence: number;
  /** Pushes every value found in `text` onto `out`. */
  find(text: string, out: Match[], context: ScanContext): void;
  /** For types stored as JSON numbers too (card numbers): true when the number is such a value. */
  matchNumber?(value: number): boolean;
}

/** The built-in types. */
export type BuiltinType = "EMAIL" | "PHONE" | "CARD" | "IBAN" | "SSN" | "IPV4" | "IPV6";

function push(out: Match[], d: Detector, start: number, end: number): void {
  out.push({ start, end, type: d.type, confidence: d.confidence });
}

function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/** Calls `each` for every match of the global, never-empty `pattern` in `text` (no iterator objects). */
function eachMatch(pattern: RegExp, text: string, each: (m: RegExpExecArray) => void): void {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) each(m);
}

// ---------------------------------------------------------------------------------------------- email

const LOCAL = new Uint8Array(128);
const DOMAIN = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") {
  LOCAL[c.charCodeAt(0)] = 1;
  DOMAIN[c.charCodeAt(0)] = 1;
}
for (const c of "._%+-'") LOCAL[c.charCodeAt(0)] = 1;
for (const c of ".-") DOMAIN[c.charCodeAt(0)] = 1;
const DOMAIN_SHAPE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$/;

/** Email addresses: scans outward from each `@`, then checks the domain's shape (a dotted name, letter TLD). */
export function emailDetector(confidence = 0.99): Detector {
  const d: Detector = {
    type: "EMAIL",
    confidence,
    find(text, out, context) {
      if (!profileOf(text, context).at) return;
      let at = text.indexOf("@");
      while (at !== -1) {
        let s = at;
        while (s > 0 && text.charCodeAt(s - 1) < 128 && LOCAL[text.charCodeAt(s - 1)]) s--;
        while (s < at && (text[s] === "." || text[s] === "'")) s++;
        let e = at + 1;
        while (e < text.length && text.charCodeAt(e) < 128 && DOMAIN[text.charCodeAt(e)]) e++;
        while (e > at + 1 && (text[e - 1] === "." || text[e - 1] === "-")) e--;
        const local = text.slice(s, at);
        if (
          local.length > 0 &&
          local.length <= 64 &&
          !local.endsWith(".") &&
          !local.includes("..") &&
          DOMAIN_SHAPE.test(text.slice(at + 1, e))
        ) {
          push(out, d, s, e);
        }
        at = text.indexOf("@", Math.max(e, at + 1));
      }
    },
  };
  return d;
}

// ---------------------------------------------------------------------------------------------- cards

const CARD = /(?<![\w.+-])\d(?:[ -]?\d){11,18}(?![\w-]|\.\d)/g;

/** True when `digits` is a plausible card number: a known scheme prefix and length, and the Luhn check. */
export function isCardNumber(digits: string): boolean {
  return cardPrefix(digits) && luhn(digits);
}

/** Payment card numbers (12-19 digits, optionally grouped by spaces or dashes) passing the Luhn check. */
export function cardDetector(confidence = 0.97): Detector {
  const d: Detector = {
    type: "CARD",
    confidence,
    find(text, out, context) {
      if (profileOf(text, context).cardRun < 12) return;
      eachMatch(CARD, text, (m) => {
        const raw = m[0];
        const hasSpace = raw.includes(" ");
        if (hasSpace && raw.includes("-")) return; // one separator kind only
        const digits = hasSpace || raw.includes("-") ? raw.replace(/[ -]/g, "") : raw;
        if (isCardNumber(digits)) push(out, d, m.index, m.index + raw.length);
      });
    },
    matchNumber(value) {
      return Number.isSafeInteger(value) && value >= 1e11 && isCardNumber(String(value));
    },
  };
  return d;
}

// ---------------------------------------------------------------------------------------------- IBAN

const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}/g;

/** IBANs, compact or in groups of four, with the country's length and the mod-97 check. */
export function ibanDetector(confidence = 0.99): Detector {
  const d: Detector = {
    type: "IBAN",
    confidence,
    find(text, out, context) {
      if (!profileOf(text, context).ibanHead) return;
      eachMatch(IBAN, text, (m) => {
        const raw = m[0];
        const want = ibanLength(raw.slice(0, 2));
        if (want === undefined) return;
        // Take exactly the country's length of characters; what follows must not continue the word.
        let n = 0;
        let end = 0;
        while (end < raw.length && n < want) {
          if (raw[end] !== " ") n++;
          end++;
        }
        if (n !== want) return;
        const next = text.charCodeAt(m.index + end);
        if ((next >= 48 && next <= 57) || (next >= 65 && next <= 90) || (next >= 97 && next <= 122)) return;
        if (ibanValid(raw.slice(0, end).replace(/ /g, ""))) push(out, d, m.index, m.index + end);
      });
    },
  };
  return d;
}

// ---------------------------------------------------------------------------------------------- SSN

const SSN = /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])/g;

/** US Social Security numbers written `123-45-6789` (or with spaces), invalid ranges rejected. */
export function ssnDetector(confidence = 0.9): Detector {
  const d: Detector = {
    type: "SSN",
    confidence,
    find(text, out, context) {
      if (!profileOf(text, context).ssnShape) return;
      eachMatch(SSN, text, (m) => {
        if (ssnValid(m[1]!, m[3]!, m[4]!)) push(out, d, m.index, m.index + m[0].length);
      });
    },
  };
  return d;
}

// ---------------------------------------------------------------------------------------------- IP

const IPV4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)/g;
/** Text just before a dotted quad that says it is a version, not an address. */
const VERSION_BEFORE =
  /(?:\bv|\bversion|\bver|\brelease|\brelease[sd]?|\bbuild|\brev|\bupgrade[sd]?\s+to|@|\bfirmware|\bOS)[\s:=#/-]*$/i;
const VERSION_KEY = /version|release|build|firmware|^ver$|^v$/i;

/** IPv4 addresses (validated octets); a dotted quad that reads as a version (`v1.2.3.4`) is skipped. */
export function ipv4Detector(confidence = 0.95): Detector {
  const d: Detector = {
    type: "IPV4",
    confidence,
    find(text, out, context) {
      if (!profileOf(text, context).quadHead) return;
      if (context.key !== undefined && VERSION_KEY.test(context.key)) return;
      eachMatch(IPV4, text, (m) => {
        if (!ipv4Valid(m[0])) return;
        // At the string's start there is no text before to read as a version.
        if (m.index > 0 && VERSION_BEFORE.test(text.slice(Math.max(0, m.index - 20), m.index))) return;
        push(out, d, m.index, m.index + m[0].length);
      });
    },
  };
  return d;
}

const IPV6 =
  /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\w)/g;

/** IPv6 addresses in any standard text form, validated; candidates without a digit are skipped (`dead::beef`). */
export function ipv6Detector(confidence = 0.95): Detector {
  const d: Detector = {
    type: "IPV6",
    confidence,
    find(text, out, context) {
      // A valid address has `::`, or eight groups (seven colons), or six groups and an IPv4 suffix.
      const p = profileOf(text, context);
      if (!p.doubleColon && p.hexColons < 6) return;
      eachMatch(IPV6, text, (m) => {
        const raw = m[0];
        if (raw.length < 3 || !hasDigit(raw) || !ipv6Valid(raw)) return;
        push(out, d, m.index, m.index + raw.length);
      });
    },
  };
  return d;
}

// ---------------------------------------------------------------------------------------------- phone

const PHONE = /(?<![\w+.\-/])(?:\+|\b00)?\(?\d[\d ().-]{5,20}\d\)?(?![\w/]|[.-]\d)/g;
/** Regions of the North American Numbering Plan, whose national numbers are written 3-3-4. */
const NANP = new Set([
  "US",
  "CA",
  "PR",
  "AG",
  "AI",
  "AS",
  "BB",
  "BM",
  "BS",
  "DM",
  "DO",
  "GD",
  "GU",
  "JM",
  "KN",
  "KY",
  "LC",
]);
const NANP_SHAPE = /^(?:1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-]?)\d{3}[ .-]\d{4}$/;
/** Regions outside the NANP whose national numbers carry no trunk prefix. */
const NO_TRUNK_PREFIX = new Set(["ES", "IT", "PT", "DK", "NO", "GR", "LU", "MT", "CY", "IS"]);
const DATE_SHAPE = /^(?:\d{4}[-. ]\d{1,2}[-. ]\d{1,2}|\d{1,2}[-. ]\d{1,2}[-. ]\d{2,4})$/;

/** Options of {@link phoneDetector}. */
export interface PhoneDetectorOptions {
  /**
   * Regions whose national formats are recognised without a `+` prefix (`(415) 555-2671` for US,
   * `020 7946 0958` for GB). Default `["US", "GB"]`. International numbers (`+44 20 7946 0958`, `0044 ...`)
   * are recognised for every region.
   */
  regions?: readonly string[];
  confidence?: number;
}

/**
 * Phone numbers, validated with libphonenumber-js's full metadata. A number without a `+` (or `00`)
 * prefix must be written with separators (spaces, dashes, dots or parentheses): a bare digit run is an
 * id far more often than a phone number.
 */
export function phoneDetector(options: PhoneDetectorOptions = {}): Detector {
  const regions = (options.regions ?? ["US", "GB"]) as CountryCode[];
  const valid = (candidate: string): boolean => {
    let digits = 0;
    for (let i = 0; i < candidate.length; i++) {
      const c = candidate.charCodeAt(i);
      if (c >= 48 && c <= 57) digits++;
    }
    if (digits < 7 || digits > 15) return false;
    const international = candidate.startsWith("+") || candidate.startsWith("00");
    if (international) {
      const n = parsePhoneNumberFromString(candidate.startsWith("00") ? `+${candidate.slice(2)}` : candidate);
      return n?.isValid() === true;
    }
    if (!/[ ().-]/.test(candidate) || DATE_SHAPE.test(candidate)) return false;
    const trunk = /^\(?0/.test(candidate);
    const nanp = NANP_SHAPE.test(candidate);
    for (const region of regions) {
      // National numbers must look the part: NANP numbers as 3-3-4 groups, elsewhere written with the
      // trunk prefix (`020 ...` in GB). Other digit groups are far more often ids than local numbers.
      if (NANP.has(region) ? !nanp : !trunk && !NO_TRUNK_PREFIX.has(region)) continue;
      if (parsePhoneNumberFromString(candidate, region)?.isValid()) return true;
    }
    return false;
  };
  const d: Detector = {
    type: "PHONE",
    confidence: options.confidence ?? 0.9,
    find(text, out, context) {
      if (profileOf(text, context).phoneRun < 7) return; // valid() needs seven digits
      PHONE.lastIndex = 0;
      for (let m = PHONE.exec(text); m !== null; m = PHONE.exec(text)) {
        let raw = m[0];
        let start = m.index;
        // Parentheses around the whole number, or unbalanced ones, belong to the surrounding text.
        if (raw.startsWith("(") && raw.indexOf(")") === raw.length - 1) {
          raw = raw.slice(1, -1);
          start++;
        }
        let open = 1;
        let close = 1;
        for (let i = 0; i < raw.length; i++) {
          const c = raw.charCodeAt(i);
          if (c === 40) open++;
          else if (c === 41) close++;
        }
        if (close > open && raw.endsWith(")")) raw = raw.slice(0, -1);
        if (open > close && raw.startsWith("(")) {
          raw = raw.slice(1);
          start++;
        }
        // Try the candidate, then shorter ones without trailing groups ("call 415-555-2671 2 times").
        let found = false;
        for (let cut = raw, tries = 0; tries < 3 && cut.length >= 7; tries++) {
          if (valid(cut)) {
            push(out, d, start, start + cut.length);
            found = true;
            break;
          }
          const sep = cut.lastIndexOf(" ");
          if (sep <= 0) break;
          cut = cut.slice(0, sep);
        }
        if (!found && !raw.startsWith("+")) {
          // Retry from the next group: "Order 12 415-555-2671".
          const next = raw.indexOf(" ");
          if (next > 0) PHONE.lastIndex = start + next + 1;
        }
      }
    },
  };
  return d;
}

// ---------------------------------------------------------------------------------------------- custom

/** A detector of your own: a pattern, an optional validator and a confidence. */
export interface CustomDetectorOptions {
  /** The token type, such as `EMPLOYEE_ID`: upper case, digits and underscores. */
  type: string;
  /** Candidates. The `g` flag is added if missing. Keep it anchored on something distinctive. */
  pattern: RegExp;
  /** Returns true for a real value; runs on each candidate only. */
  validate?: (candidate: string) => boolean;
  /** A substring every value contains, checked before the pattern runs (a fast pre-filter). */
  mustContain?: string;
  /** Default 0.8. */
  confidence?: number;
}

/** Builds a {@link Detector} from a pattern and an optional validator. */
export function customDetector(options: CustomDetectorOptions): Detector {
  if (!TYPE_PATTERN.test(options.type)) {
    throw new CodecallError(
      "CONFIG_INVALID",
      `Custom detector type "${options.type}" must be upper case letters, digits and underscores, starting with a letter.`,
    );
  }
  const flags = options.pattern.flags.includes("g") ? options.pattern.flags : `${options.pattern.flags}g`;
  const pattern = new RegExp(options.pattern.source, flags);
  const d: Detector = {
    type: options.type,
    confidence: options.confidence ?? 0.8,
    find(text, out) {
      if (options.mustContain !== undefined && !text.includes(options.mustContain)) return;
      for (const m of text.matchAll(pattern)) {
        if (m[0].length === 0) continue;
        if (options.validate && !options.validate(m[0])) continue;
        push(out, d, m.index, m.index + m[0].length);
      }
    },
  };
  return d;
}

/** Options of {@link defaultDetectors}. */
export interface DefaultDetectorOptions {
  /** Built-in types to leave out, such as `["IPV4", "IPV6"]`. */
  disable?: readonly string[];
  /** Options of the phone detector. */
  phone?: PhoneDetectorOptions;
}

/**
 * The built-in detectors, in priority order: when two matches overlap, the earlier detector wins
 * (an IBAN's digits are not also read as a phone number).
 */
export function defaultDetectors(options: DefaultDetectorOptions = {}): Detector[] {
  const all = [
    emailDetector(),
    ibanDetector(),
    cardDetector(),
    ssnDetector(),
    ipv6Detector(),
    ipv4Detector(),
    phoneDetector(options.phone),
  ];
  const off = new Set(options.disable ?? []);
  return all.filter((d) => !off.has(d.type));
}
