/**
 * Detectors find personal values inside a string. Each runs a cheap pre-filter (a character it needs),
 * then a regex or hand scan for candidates, then a validator (checksum, range, phone metadata) on each
 * candidate only. Detectors are plain objects: switch one off by leaving it out, add one with
 * {@link customDetector}.
 */

import type { CountryCode, PhoneNumber } from "libphonenumber-js/max";
import TLDS from "tlds" with { type: "json" };
import { CodecallError } from "../errors.js";
import {
  cardPrefix,
  ibanLength,
  ibanValid,
  ipv4Mask,
  ipv4Octets,
  ipv4Valid,
  ipv6Groups,
  ipv6Valid,
  luhn,
  networkPrefix,
  ssnValid,
} from "./checks.js";
import { detach } from "./detach.js";
import { keyKind, keyWords, looksLikeName, namesADesk, namesId, namesProductCode } from "./fields.js";
import { perKey } from "./per-key.js";
import { phoneLibrary } from "./phone-library.js";
import { amountAround, bareNational, contextRegion, writtenAsNational } from "./phone-regions.js";
import { profileOf, type TextProfile } from "./profile.js";
import { TYPE_PATTERN } from "./tokens.js";
import { isWordChar } from "./vault.js";
import { commonWordsNotNames } from "./word-lists.js";

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
   * (built-in detectors skip strings whose profile rules them out). Valid while this string is scanned:
   * the same object is refilled for the next string of a tokenize call.
   */
  profile?: TextProfile | undefined;
  /**
   * The phone region the surrounding record implies (a `country`, `locale` or `lang` field beside the
   * string or above it): national numbers of that region are recognised.
   */
  region?: string | undefined;
}

/**
 * What a built-in detector may need to know of the whole text when it is handed one line-aligned piece
 * of a long text (see tokenize.ts): its length, and the longest formatted digit run the phone detector's
 * gate reads, computed only if asked for.
 */
export interface WholeText {
  readonly length: number;
  phoneRun(): number;
}

/** A {@link ScanContext} of a piece of a long text. */
export interface PieceContext extends ScanContext {
  whole?: WholeText | undefined;
}

/** What one tokenize call knows of the whole result while scanning one of its strings (internal). */
export interface ResultContext extends ScanContext {
  /** Values of the result's version columns (a table column headed `version`, `build`, `release`). */
  versions?: ReadonlySet<string> | undefined;
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
export type BuiltinType = "EMAIL" | "PHONE" | "CARD" | "IBAN" | "SSN" | "IPV4" | "IPV6" | "SECRET" | "NAME";

/**
 * The built-in detectors: each finds nothing in a string with no digit and no `@` (every value type they
 * know holds one), so a scan whose detectors are all built-ins skips such strings without running any.
 */
const BUILTIN = new WeakSet<Detector>();
/**
 * The profile condition a built-in detector checks first (bits of {@link gateMask}), kept on the detector
 * so a scan skips it without calling it. 0: no condition (the phone detector's depends on the key too).
 */
export const GATE: unique symbol = Symbol("codecall.privacy.gate");
const builtin = (d: Detector, gate = 0): Detector => {
  BUILTIN.add(d);
  // Not enumerable: a detector spread into a new one (`{...ssnDetector(), find}`) does not inherit it.
  Object.defineProperty(d, GATE, { value: gate });
  return d;
};
/** A detector that may carry its {@link GATE}. */
export type Gated = Detector & { [GATE]?: number };

const AT = 1;
const CARD_GATE = 2;
const IBAN_GATE = 4;
const SSN_GATE = 8;
const IPV6_GATE = 16;
const IPV4_GATE = 32;
/** Exported for the scan: the phone detector's gate also opens by context (see {@link contextGateMask}). */
export const PHONE_GATE = 64;

/** The gates `p` opens: each bit is the exact first check of the detectors built with it. */
export function gateMask(p: TextProfile): number {
  return (
    (p.at ? AT : 0) |
    (p.cardRun >= 12 ? CARD_GATE : 0) |
    (p.ibanHead ? IBAN_GATE : 0) |
    (p.ssnShape || p.digitRun >= 9 ? SSN_GATE : 0) |
    (p.doubleColon || p.hexColons >= 6 ? IPV6_GATE : 0) |
    (p.quadHead ? IPV4_GATE : 0) |
    (p.phoneRun >= 7 || p.digitRun >= 7 ? PHONE_GATE : 0)
  );
}

/**
 * The gates a scan's context opens whatever its text's profile: the phone detector reads a string under a
 * phone key, and a piece of a long text (whose whole text's runs decide), with no run of seven digits.
 */
export function contextGateMask(context: PieceContext): number {
  return context.whole !== undefined || (context.key !== undefined && keyKind(context.key) === "PHONE")
    ? PHONE_GATE
    : 0;
}
const allBuiltin = new WeakMap<readonly Detector[], boolean>();

/** True when every detector of `list` is a built-in one (see {@link BUILTIN}); cached per list. */
export function onlyBuiltins(list: readonly Detector[]): boolean {
  let yes = allBuiltin.get(list);
  if (yes === undefined) {
    yes = list.every((d) => BUILTIN.has(d));
    allBuiltin.set(list, yes);
  }
  return yes;
}

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
for (const c of "._%+-'!#$^~") LOCAL[c.charCodeAt(0)] = 1;
for (const c of ".-") DOMAIN[c.charCodeAt(0)] = 1;
/** Non-ASCII letters, digits and marks belong to internationalised local parts and domains. */
const localChar = (c: number) => (c < 128 ? LOCAL[c] === 1 : isWordChar(c));
const domainChar = (c: number) => (c < 128 ? DOMAIN[c] === 1 : isWordChar(c));
const DOMAIN_SHAPE =
  /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}\p{M}])?\.)+(?:[\p{L}\p{M}]{2,24}|xn--[a-z0-9-]{1,59})$/iu;
/**
 * Top-level domains: the IANA list (the `tlds` package) and the special-use names mail really uses
 * (`.local`, `.internal`, `.example`, ...). `icon@2x.png` and `logo@3x.webp` end in no TLD.
 */
const TLD_SET = new Set<string>([
  ...(TLDS as string[]),
  ..."example test local localhost internal intranet corp lan home invalid".split(" "),
]);
/** `git@host:org/repo` and `git@host:22/org/repo`: a remote, not an address. */
const SCP_REMOTE = /^:[\w.~-]*\//;

/** True when `text.slice(from, to)` holds `..`. */
function hasDoubleDot(text: string, from: number, to: number): boolean {
  for (let i = from + 1; i < to; i++)
    if (text.charCodeAt(i) === 46 && text.charCodeAt(i - 1) === 46) return true;
  return false;
}

/** Domains read so far: mail repeats a few domains, so each is checked once. */
/** True when `domain` is shaped like a mail domain and ends in a real top-level domain. */
const mailDomain = perKey((domain) => {
  const dot = domain.lastIndexOf(".");
  return dot > 0 && TLD_SET.has(domain.slice(dot + 1).toLowerCase()) && DOMAIN_SHAPE.test(domain);
});

/** True when `@` at `at` sits in a URL's user-information part (`https://user:pass@host`). */
function inUserInfo(text: string, start: number): boolean {
  // Walk back over the non-space run before the local part, looking for a scheme's `://`.
  for (let i = start - 1, n = 0; i >= 2 && n < 256; i--, n++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 34 || c === 60) return false; // space, quote, <
    if (c === 47) return text.charCodeAt(i - 1) === 47 && text.charCodeAt(i - 2) === 58; // a `/`: `://`?
  }
  return false;
}

/**
 * Identifiers written like addresses, not mailboxes: a mail's `Message-ID: <...>`, `In-Reply-To`,
 * `References`, `Content-ID`, an iCalendar `UID:`, a `cid:` or `mid:` URL; or under such a key, in JSON
 * text too (`"internetMessageId":"<...>"`). The id may hold characters before the part read as an
 * address's (`<CAF=abc.123@mail.gmail.com>`: `=` ends the scan for a local part, as in `?email=...`).
 */
const ID_BEFORE =
  /(?:\b(?:message[-_]?id|in[-_]?reply[-_]?to|references|content[-_]?id|internet[-_]?message[-_]?id)["']?\s*:[^\n]*<|\buid:\s*|\b[cm]id:)[^\s<>@]*$/i;
const ID_KEY =
  /^(?:message[-_ ]?id|in[-_ ]?reply[-_ ]?to|references|content[-_ ]?id|internet[-_ ]?message[-_ ]?id)$/i;

/**
 * Email addresses, ASCII or internationalised: scans outward from each `@`, then checks the domain's
 * shape and that it ends in a real top-level domain. A match is the whole address or nothing: one whose
 * local part runs into characters an address cannot hold is dropped, never cut. Not addresses: asset
 * names (`icon@2x.png`), git remotes (`git@host:org/repo`), URL credentials (`user:pass@host`, see
 * {@link secretDetector}).
 */
export function emailDetector(confidence = 0.99): Detector {
  const d: Detector = {
    type: "EMAIL",
    confidence,
    find(text, out, context) {
      if (!profileOf(text, context).at || (context.key !== undefined && ID_KEY.test(context.key))) return;
      let at = text.indexOf("@");
      while (at !== -1) {
        let s = at;
        while (s > 0 && localChar(text.charCodeAt(s - 1))) s--;
        while (s < at && (text[s] === "." || text[s] === "'")) s++;
        let e = at + 1;
        while (e < text.length && domainChar(text.charCodeAt(e))) e++;
        while (e > at + 1 && (text[e - 1] === "." || text[e - 1] === "-")) e--;
        const localLength = at - s;
        if (
          localLength > 0 &&
          localLength <= 64 &&
          text.charCodeAt(at - 1) !== 46 &&
          !hasDoubleDot(text, s, at) &&
          mailDomain(text.slice(at + 1, e)) &&
          !(text.charCodeAt(e) === 58 && SCP_REMOTE.test(text.slice(e, e + 64))) &&
          !inUserInfo(text, s) &&
          !(s > 0 && text.charCodeAt(s - 1) === 92) &&
          !(s > 3 && ID_BEFORE.test(text.slice(Math.max(0, s - 200), s)))
        ) {
          push(out, d, s, e);
        }
        at = text.indexOf("@", Math.max(e, at + 1));
      }
    },
  };
  return builtin(d, AT);
}

// ---------------------------------------------------------------------------------------------- secret

const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:@/?#"'<>]*:([^\s@/?#"'<>]+)@/gi;

/** The password in a URL's user information (`postgres://app:s3cret@db/app`). */
export function secretDetector(confidence = 0.95): Detector {
  const d: Detector = {
    type: "SECRET",
    confidence,
    find(text, out, context) {
      if (!profileOf(text, context).at || text.indexOf("://") === -1) return;
      eachMatch(URL_CREDENTIALS, text, (m) => {
        const end = m.index + m[0].length - 1;
        push(out, d, end - m[1]!.length, end);
      });
    },
  };
  return builtin(d, AT);
}

// ---------------------------------------------------------------------------------------------- cards

const CARD = /(?<![\w.+-])\d(?:[ .-]?\d){11,18}(?![\w-]|\.\d)/g;
/** Card numbers grouped with dots are grouped 4-4-4-4(-3) or 4-6-5, never like versions or addresses. */
const DOTTED_CARD = /^(?:\d{4}(?:\.\d{4}){2,3}(?:\.\d{1,4})?|\d{4}\.\d{6}\.\d{4,5})$/;

const FOUR_FIRST = /^\d{4}[ .-]/;
const GROUP_BEFORE = /[0-9][ .-]$/;
const GROUP_AFTER = /^[ .-][0-9]/;

/** True when `digits` is a plausible card number: a known scheme prefix and length, and the Luhn check. */
export function isCardNumber(digits: string): boolean {
  return cardPrefix(digits) && luhn(digits);
}

/** A product code's label just before a number (`EAN: `, `"gtin13":"`). */
const PRODUCT_CODE_BEFORE = /\b(?:ean|gtin|upc|isbn|barcode|sku)(?:[-_ ]?\d{1,2})?["']?\s*[:=#]?\s*["']?$/i;

/** A JSON key just before a number written bare (`"customer_id": ` or `"ids":[` in JSON text). */
const JSON_KEY_BEFORE = /"([^"\\]{1,60})"\s*:\s*(?:\[\s*)?$/;

/** Pushes a {@link CARD} match of `text` onto `out` when it is a card number. */
function cardMatch(d: Detector, text: string, m: RegExpExecArray, out: Match[]): void {
  const raw = m[0];
  // A barcode after its label (`EAN: 4006381333931`, `"gtin":"..."` in JSON text) is no card.
  if (m.index > 2 && PRODUCT_CODE_BEFORE.test(text.slice(Math.max(0, m.index - 20), m.index))) return;
  const kinds = (raw.includes(" ") ? 1 : 0) + (raw.includes("-") ? 1 : 0) + (raw.includes(".") ? 1 : 0);
  if (kinds > 1) return; // one separator kind only
  if (raw.includes(".") && !DOTTED_CARD.test(raw)) return;
  // Every scheme prints a card from a group of four (4-4-4-4, 4-6-5); `112-3456789-1234567` is an order.
  if (kinds > 0 && !FOUR_FIRST.test(raw)) return;
  const digits = kinds > 0 ? raw.replace(/[ .-]/g, "") : raw;
  // Grouped digits that go on before the match (`ES89 5933 1580 ...`, an account number) are not a card.
  if (kinds > 0 && m.index > 1 && GROUP_BEFORE.test(text.slice(Math.max(0, m.index - 2), m.index))) return;
  if (!isCardNumber(digits)) return;
  // A JSON number under an identifier's key (`"id":6694971162858`) is a record's id, as it is in
  // structured content (see tokenize.ts).
  if (kinds === 0 && text.charCodeAt(m.index - 1) !== 34) {
    const key = JSON_KEY_BEFORE.exec(text.slice(Math.max(0, m.index - 70), m.index));
    if (key !== null && namesId(key[1]!)) return;
  }
  push(out, d, m.index, m.index + raw.length);
}

/** Payment card numbers (12-19 digits, optionally grouped by spaces, dashes or dots) passing the Luhn check. */
export function cardDetector(confidence = 0.97): Detector {
  const d: Detector = {
    type: "CARD",
    confidence,
    find(text, out, context) {
      if (profileOf(text, context).cardRun < 12) return;
      if (context.key !== undefined && namesProductCode(context.key)) return;
      // A loop, not `eachMatch`: its callback would make every call allocate the variables it captures.
      CARD.lastIndex = 0;
      for (let m = CARD.exec(text); m !== null; m = CARD.exec(text)) cardMatch(d, text, m, out);
    },
    matchNumber(value) {
      return Number.isSafeInteger(value) && value >= 1e11 && isCardNumber(String(value));
    },
  };
  return builtin(d, CARD_GATE);
}

// ---------------------------------------------------------------------------------------------- IBAN

const IBAN = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,30}/g;

/** IBANs in either case, compact or grouped by spaces or dashes, with the country's length and the mod-97 check. */
export function ibanDetector(confidence = 0.99): Detector {
  const d: Detector = {
    type: "IBAN",
    confidence,
    find(text, out, context) {
      if (!profileOf(text, context).ibanHead) return;
      IBAN.lastIndex = 0;
      for (let m = IBAN.exec(text); m !== null; m = IBAN.exec(text)) {
        // The pattern may run on into the next word or IBAN: resume right after the country's length.
        IBAN.lastIndex = m.index + 1;
        const raw = m[0].toUpperCase();
        const want = ibanLength(raw.slice(0, 2));
        if (want === undefined) continue;
        // Take exactly the country's length of characters; what follows must not continue the word.
        let n = 0;
        let end = 0;
        while (end < raw.length && n < want) {
          if (raw[end] !== " " && raw[end] !== "-") n++;
          end++;
        }
        if (n !== want) continue;
        const next = text.charCodeAt(m.index + end);
        if ((next >= 48 && next <= 57) || (next >= 65 && next <= 90) || (next >= 97 && next <= 122)) continue;
        const body = raw.slice(0, end);
        if (body.includes(" ") && body.includes("-")) continue;
        if (ibanValid(body.replace(/[ -]/g, ""))) {
          push(out, d, m.index, m.index + end);
          IBAN.lastIndex = m.index + end;
        }
      }
    },
  };
  return builtin(d, IBAN_GATE);
}

// ---------------------------------------------------------------------------------------------- SSN

/** Not after `+`: digits there start an international phone number (`+521 81 8543 2233`). */
const SSN = /(?<![\w+-])(\d{3})([- .])(\d{2})\2(\d{4})(?![\w-]|\.\d)/g;
const BARE_SSN = /(?<![\w-])(\d{3})(\d{2})(\d{4})(?![\w-]|\.\d)/g;
/** Text that names a US taxpayer number, so nine bare digits after it are one. */
const SSN_LABEL =
  /\b(?:ssn|ss#|social security(?: number| no\.?| #)?|itin|taxpayer id(?:entification)?(?: number)?|tax id)\b/i;
const SSN_LABEL_BEFORE =
  /\b(?:ssn|ss#|social security(?: number| no\.?| #)?|itin|taxpayer id(?:entification)?(?: number)?|tax id)\W{0,4}$/i;

/**
 * US Social Security numbers and ITINs written `123-45-6789` (or with spaces or dots), or as nine bare
 * digits right after a label (`SSN: 123456789`) or under an SSN-like key; invalid ranges rejected.
 */
export function ssnDetector(confidence = 0.9): Detector {
  const d: Detector = {
    type: "SSN",
    confidence,
    find(text, out, context) {
      if (profileOf(text, context).ssnShape) {
        // Loops, not `eachMatch`: its callbacks would make every call allocate the variables they capture.
        SSN.lastIndex = 0;
        for (let m = SSN.exec(text); m !== null; m = SSN.exec(text))
          if (ssnValid(m[1]!, m[3]!, m[4]!)) push(out, d, m.index, m.index + m[0].length);
      }
      const keyed = context.key !== undefined && keyKind(context.key) === "SSN";
      if (profileOf(text, context).digitRun < 9) return;
      const length = (context as PieceContext).whole?.length ?? text.length;
      if (!keyed && (length > 100_000 || !SSN_LABEL.test(text))) return;
      BARE_SSN.lastIndex = 0;
      for (let m = BARE_SSN.exec(text); m !== null; m = BARE_SSN.exec(text)) {
        if (!ssnValid(m[1]!, m[2]!, m[3]!)) continue;
        if (keyed || SSN_LABEL_BEFORE.test(text.slice(Math.max(0, m.index - 40), m.index)))
          push(out, d, m.index, m.index + m[0].length);
      }
    },
  };
  return builtin(d, SSN_GATE);
}

// ---------------------------------------------------------------------------------------------- IP

const IPV4 = /(?<![\w.-])(?:\d{1,3}\.){3}\d{1,3}(?![\w-]|\.\w)/g;
/** A Windows folder name up to a dotted quad: a backslash, then words ending in a space, `-` or `_`. */
const VERSIONED_FOLDER = /\\[^\\\s]*\p{L}[^\\]*[ _-]$/u;
/**
 * Text just before a dotted quad that says it is a version, not an address. A word starts after any
 * non-letter, `_` included (markdown's `_Upgraded to 9.17.5.101_`, `fw_rev=`).
 */
const VERSION_BEFORE =
  /(?:(?<![A-Za-z])(?:v|ver|release[sd]?|build|rev|upgrade[sd]?\s+to|firmware|OS)|version|@)[\s:=#/"'-]*$/i;
/** True when the dotted quad at `start`..`end` ends an IPv6 address (`64:ff9b::192.0.2.0`). */
function ipv6Tail(text: string, start: number, end: number): boolean {
  let from = start - 1;
  while (from > 0 && from > start - 40) {
    const c = text.charCodeAt(from - 1);
    if (!(c === 58 || (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102))) break;
    from--;
  }
  return ipv6Valid(text.slice(from, end));
}

/**
 * A dependency bump before the version: `Bump lodash from`, `bumped grpc-core from 1.58.3.2 to`. Only
 * `bump`: `update` and `upgrade` are said of addresses too (`update DNS record to 81.2.69.160`).
 */
const BUMP_BEFORE = /(?<![A-Za-z])bump(?:s|ed)?\s+(?:\S+\s+){0,2}?(?:from\s+\S+\s+)?(?:from|to)\s+v?$/i;
/** True when the word before `at` (past spaces and a `v`) is `to` or `from`: {@link BUMP_BEFORE}'s cheap gate. */
function afterToOrFrom(text: string, at: number): boolean {
  let i = at;
  if ((text.charCodeAt(i - 1) | 32) === 118) i--; // `v`
  const spaces = i;
  while (i > 0 && text.charCodeAt(i - 1) === 32) i--;
  if (i === spaces) return false;
  const word = (n: number) => text.slice(i - n, i).toLowerCase();
  const edge = (n: number) => i - n === 0 || !isWordChar(text.charCodeAt(i - n - 1));
  return (word(2) === "to" && edge(2)) || (word(4) === "from" && edge(4));
}

/** Words of a property name or header that say its values are versions (`appVersion`, `Build`, `fw_rev`). */
const VERSION_WORDS = new Set([
  "version",
  "versions",
  "ver",
  "v",
  "build",
  "builds",
  "release",
  "releases",
  "firmware",
  "rev",
]);
/** Last words that keep a version word's meaning (`build_number`, `release_id`). */
const NUMBER_LIKE = new Set(["number", "no", "num", "id", "tag", "name", "string", "code"]);
/**
 * True when a property name or column header has a version word as one of its words (`appVersion`,
 * `build_number`); a word that only contains one (`build_agent`'s `build` does, `rebuild` does not) is
 * read word by word, so `release_host` and `buildAgent` name hosts, not versions.
 */
export const namesVersion: (key: string) => boolean = perKey((key) => {
  if (key.length > 200) return false;
  const words = keyWords(key);
  const last = words[words.length - 1];
  // The last word names what the value is: `build_agent` is an agent, `release_notes` notes.
  return (
    last !== undefined &&
    (VERSION_WORDS.has(last) || (words.length > 1 && VERSION_WORDS.has(words[0]!) && NUMBER_LIKE.has(last)))
  );
});

/** Words before `addr`/`address` that make it a network address (`remote_addr`, `client_address`). */
const ADDRESS_OWNERS = new Set(
  "remote client source src dest dst destination peer local server host origin public private nat gateway".split(
    " ",
  ),
);

/**
 * True when a property holds an IP address: `ip`, `ip_address`, `ipv4`, `client_ip`, `source_ips`,
 * `remote_addr`, `X-Forwarded-For`. A dotted quad there is an address even when its numbers are small
 * (`8.8.4.4`, `1.0.0.1`).
 */
export const namesIp: (key: string) => boolean = perKey((key) => {
  if (key.length > 200) return false;
  const words = keyWords(key);
  const last = words[words.length - 1];
  if (last === undefined) return false;
  if (words.some((w) => /^(?:ip|ips|ipv4|ipaddr|ipaddress|ipaddresses)$/.test(w))) return true;
  if (words.join("").endsWith("forwardedfor")) return true;
  return (
    (last === "addr" || last === "address") &&
    words.length > 1 &&
    ADDRESS_OWNERS.has(words[words.length - 2]!)
  );
});

/**
 * True when the first octet is one digit and every octet is below 25, not all the same: `2.4.1.0` and
 * `6.14.3.3` (versions), not `10.0.0.12` nor `8.8.8.8`. About one address in 50,000 reads so.
 */
function smallOctets(quad: string): boolean {
  if (quad.charCodeAt(1) !== 46) return false;
  const parts = quad.split(".");
  if (parts[0] === parts[1] && parts[1] === parts[2] && parts[2] === parts[3]) return false;
  let octet = 0;
  for (let i = 0; i <= quad.length; i++) {
    const c = i < quad.length ? quad.charCodeAt(i) : 46;
    if (c === 46) {
      if (octet >= 25) return false;
      octet = 0;
    } else octet = octet * 10 + (c - 48);
  }
  return true;
}

/** Characters that end a table cell: line breaks and the delimiters tables are read with. */
const CELL_EDGE = new Set([10, 13, 44, 59, 9, 124]);

/** True when `text[start, end)` is a whole cell: only spaces and quotes between it and a delimiter or line edge. */
function wholeCell(text: string, start: number, end: number): boolean {
  let i = start;
  while (i > 0 && (text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 34)) i--;
  if (i > 0 && !CELL_EDGE.has(text.charCodeAt(i - 1))) return false;
  let j = end;
  while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 34)) j++;
  return j === text.length || CELL_EDGE.has(text.charCodeAt(j));
}

/** Pushes an {@link IPV4} match of `text` onto `out` when it is a host's address. */
function ipv4Match(
  d: Detector,
  text: string,
  m: RegExpExecArray,
  out: Match[],
  context: ScanContext,
  versions: ReadonlySet<string> | undefined,
): void {
  if (!ipv4Valid(m[0])) return;
  const end = m.index + m[0].length;
  // A netmask (`255.255.255.0`), `0.0.0.0`, or a network in CIDR notation (`10.8.0.0/16`): no host.
  if (
    ((m[0].startsWith("255.") || m[0] === "0.0.0.0") && ipv4Mask(m[0])) ||
    (text.charCodeAt(end) === 47 && networkPrefix(text, end, ipv4Octets(m[0]), 8))
  )
    return;
  // The IPv4 tail of an IPv6 address (`::ffff:10.0.0.0/104`): the IPv6 detector judges the whole.
  if (text.charCodeAt(m.index - 1) === 58 && ipv6Tail(text, m.index, end)) return;
  // A cell of a version column (`| version |`, a sheet's `Build` column) is a version; the same
  // text in prose beside the table is still an address.
  if (versions?.has(m[0]) && wholeCell(text, m.index, m.index + m[0].length)) return;
  // Four small numbers (`2.4.1.0`, `6.14.3.3`) are a version far more often than an address, but
  // not under a key for one (`ip: "8.8.4.4"`, `client_ip: "client 1.2.3.4 via proxy"`; a word for a
  // version before it, below, still makes it one).
  if (smallOctets(m[0]) && (context.key === undefined || !namesIp(context.key))) return;
  // `Chrome/120.0.1.109`: a product's version after its name and a slash (a URL has `//`).
  if (m.index > 1 && text.charCodeAt(m.index - 1) === 47 && isWordChar(text.charCodeAt(m.index - 2))) return;
  // `C:\Program Files\App 3.2.4.42\bin`: a folder named by a product and its version (a UNC path's
  // address, `\\10.0.0.5\share`, has no words before it).
  if (
    text.charCodeAt(m.index + m[0].length) === 92 &&
    VERSIONED_FOLDER.test(text.slice(Math.max(0, m.index - 40), m.index))
  )
    return;
  // `Phone: 34.41.28.77`: digits grouped by dots beside a phone word are the phone's.
  if (m.index > 0 && PHONE_LABEL_STRONG.test(text.slice(Math.max(0, m.index - 24), m.index))) return;
  // At the string's start there is no text before to read as a version.
  if (m.index > 0 && VERSION_BEFORE.test(text.slice(Math.max(0, m.index - 20), m.index))) return;
  // `Bump lodash from 4.17.20.1 to 4.17.21.0`: a dependency's versions.
  if (afterToOrFrom(text, m.index) && BUMP_BEFORE.test(text.slice(Math.max(0, m.index - 80), m.index)))
    return;
  push(out, d, m.index, m.index + m[0].length);
}

/**
 * IPv4 addresses (validated octets). Dotted quads that read as versions are skipped: after `v`, `version`
 * or a product name and a slash (`Chrome/120.0.1.109`), inside a file name (`app-1.2.3.4.zip`), or small
 * numbers led by a single digit (`2.4.1.0`).
 */
export function ipv4Detector(confidence = 0.95): Detector {
  const d: Detector = {
    type: "IPV4",
    confidence,
    find(text, out, context) {
      if (!profileOf(text, context).quadHead) return;
      if (context.key !== undefined && namesVersion(context.key)) return;
      const versions = (context as ResultContext).versions;
      // A loop, not `eachMatch`: its callback would make every call allocate the variables it captures.
      IPV4.lastIndex = 0;
      for (let m = IPV4.exec(text); m !== null; m = IPV4.exec(text))
        ipv4Match(d, text, m, out, context, versions);
    },
  };
  return builtin(d, IPV4_GATE);
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
        // A network in CIDR notation (`2001:db8:1f::/48`) names no host.
        const end = m.index + raw.length;
        if (text.charCodeAt(end) === 47 && networkPrefix(text, end, ipv6Groups(raw), 16)) return;
        push(out, d, m.index, m.index + raw.length);
      });
    },
  };
  return builtin(d, IPV6_GATE);
}

// ---------------------------------------------------------------------------------------------- phone

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
/** A time's minute or second field and the group after it (`04 030 1234567`), and the time before it. */
const TIME_FIELD = /^[0-5]\d /;
const TIME_BEFORE_FIELD = /(?:^|[^\d:])\d{1,2}:(?:[0-5]\d:)?$/;
/**
 * A date and the hour of a time, year first or last (`2023-10-08 01`, `08.10.2023 01`, `8-10-23 1`), or a
 * date with a four-digit year and a time written with dots (`08.10.2023 01.47`): a timestamp, never a
 * phone number.
 */
const DATE_HOUR =
  /^(?:\d{4}([-./])\d{1,2}\1\d{1,2}|\d{1,2}([-./])\d{1,2}\2\d{2}(\d{2})?)[ T]\d{1,2}(\.[0-5]\d){0,2}$/;
/**
 * A time's last field just before a candidate (`01:47 `, `01:47:04.123+0200 `), or an ISO date
 * (`2023-10-08 `): its digits are no group of the candidate's number.
 */
const TIME_BEFORE = /(?:\d:\d\d(?:[.,]\d{1,9})?(?:[+-]\d\d:?\d\d)?|\b\d{4}-[01]\d-[0-3]\d) $/;
/** A date or a time just after a candidate (` 2023-10-08`, ` 01:47`): its digits are no phone's group. */
const STAMP_AFTER = /^ (?:\d{4}-\d\d-\d\d|\d{1,2}:\d\d)/;
const DATE_SHAPE = /^(?:\d{4}[-. ]\d{1,2}[-. ]\d{1,2}|\d{1,2}[-. ]\d{1,2}[-. ]\d{2,4})$/;

/** Options of {@link phoneDetector}. */
export interface PhoneDetectorOptions {
  /**
   * Regions whose national formats are recognised everywhere, without a `+` prefix (`(415) 555-2671` for
   * US, `020 7946 0958` for GB). Default `["US", "GB"]`. International numbers (`+44 20 7946 0958`,
   * `0044 ...`) are recognised for every region, and national numbers of the region a record names (a
   * `country`, `locale` or `lang` field) or of any region beside a phone label (`Tel.`, `Mobile:`).
   */
  regions?: readonly string[];
  confidence?: number;
}

/** NANP national numbers: area code and exchange both start with 2-9 (`(543) 862-4483` is well formed). */
const NANP_DIGITS = /^1?[2-9]\d{2}[2-9]\d{6}$/;
/** Text just before a number that says it is a phone number, in the languages of the largest regions. */
const PHONE_LABEL_STRONG =
  /(?:phone|\bph|\bmob|tel|tél|telephone|téléphone|telefon|tel[eé]fono|telefone|mobile?|m[óo]vil|cell|cellular|cel(?:ular|lulare)|telefoon|handy|portable|fax|whats ?app|sms|電話|携帯|手机|电话|☎|📞)\W{0,4}$/i;
const PHONE_LABEL =
  /(?:phone|\bph|\bmob|(?:^|[\n\r])[ \t]*[tmf](?=\s*:)|tel|tél|telephone|téléphone|telefon|tel[eé]fono|telefone|mobile?|m[óo]vil|cell|cellular|cel(?:ular|lulare)|telefoon|handy|portable|fax|whats ?app|sms|call(?: me| back)?(?: on| at)?|ring|dial(?:-in)?|reach (?:me|us)(?: on| at)?|my number(?: is)?|電話|携帯|手机|电话|☎|📞)\W{0,4}$/i;
const SSN_GROUPS = /^\d{3}([ .-])\d{2}\1\d{4}$/;
const QUAD_GROUPS = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const EIN_GROUPS = /^[1-9]\d-\d{7}$/;
/** A compact date and a counter (`20230820.27`, `20231108-4`): a dated build or release number. */
const DATED_BUILD = /^(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[.-]\d{1,4}$/;
/** Regions tried for a labelled national number when the record names none. */
const LABELLED_REGIONS: CountryCode[] = [
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
  "CN",
  "RU",
  "KR",
  "PL",
  "TR",
  "SE",
  "CH",
  "BE",
  "AT",
  "PT",
  "IE",
  "ZA",
  "NG",
  "AR",
  "SG",
];

/**
 * Phone numbers, checked with libphonenumber-js's metadata. A number counts when it is well formed for
 * its region, whether or not the numbering plan has assigned its range: international numbers (`+`) of
 * a possible length; NANP numbers in 3-3-4 groups with valid area and exchange digits; other national
 * numbers of the configured regions when valid and written with their trunk prefix, of the record's
 * region when possible, and of any major region beside a phone label. Without a `+`, `00` or label a
 * number must be written with separators: a bare digit run is an id far more often than a phone number.
 */
export function phoneDetector(options: PhoneDetectorOptions = {}): Detector {
  const regions = (options.regions ?? ["US", "GB"]) as CountryCode[];
  const nanpAnywhere = regions.some((r) => NANP.has(r));
  /** Regions the deployment configured itself, outside the NANP: their bare trunk-prefixed runs count. */
  const bare = options.regions === undefined ? [] : regions.filter((r) => !NANP.has(r));
  const parsed = new Map<string, PhoneNumber | null>();
  /** libphonenumber parses are the costly part: logs repeat their numbers, so results are kept a while. */
  const parse = (text: string, region?: CountryCode): PhoneNumber | undefined => {
    const key = region === undefined ? text : `${region}:${text}`;
    let n = parsed.get(key);
    if (n === undefined) {
      if (parsed.size > 2048) parsed.clear();
      n = phoneLibrary().parsePhoneNumberFromString(text, region) ?? null;
      parsed.set(detach(key), n);
    }
    return n ?? undefined;
  };
  const valid = (candidate: string, labels: Labels, region: string | undefined, broad: boolean): boolean => {
    let count = 0;
    for (let i = 0; i < candidate.length; i++) {
      const c = candidate.charCodeAt(i);
      if (c >= 48 && c <= 57) count++;
    }
    if (count < 7 || count > 15) return false;
    const plus = candidate.startsWith("+");
    if (plus || candidate.startsWith("00")) {
      const n = parse(plus ? candidate : `+${candidate.slice(2)}`);
      if (n === undefined) return false;
      if (n.countryCallingCode === "1") return NANP_DIGITS.test(n.nationalNumber);
      // Mexico's mobile numbers were dialled from abroad with a `1` after `+52` until 2019, and still are
      // written so (`+52 1 55 1234 5678`): the number is the ten digits after it.
      if (n.countryCallingCode === "52" && n.nationalNumber.length === 11 && n.nationalNumber.startsWith("1"))
        return parse(`+52${n.nationalNumber.slice(1)}`)?.isValid() === true;
      return n.isValid() || ((plus || labels.weak()) && n.isPossible());
    }
    const separated = /[ ().-]/.test(candidate);
    if ((!separated && !labels.weak()) || DATE_SHAPE.test(candidate)) return false;
    // Grouped like an SSN (3-2-4) or a dotted quad: a phone only beside a label.
    // So is one grouped like an EIN (`12-3456789`): no trunk prefix, two digits then seven, and a
    // compact date with a counter (`20230820.27`), a build number.
    if (
      (SSN_GROUPS.test(candidate) ||
        QUAD_GROUPS.test(candidate) ||
        EIN_GROUPS.test(candidate) ||
        DATED_BUILD.test(candidate)) &&
      !labels.weak()
    )
      return false;
    const nanp =
      NANP_SHAPE.test(candidate) &&
      NANP_DIGITS.test(count === candidate.length ? candidate : candidate.replace(/\D/g, ""));
    if (nanp && (nanpAnywhere || (region !== undefined && NANP.has(region)) || labels.weak())) return true;
    const labelled = labels.weak();
    // Without a label, digits grouped in thousands beside a decimal part or a currency are an amount.
    if (!labelled && amountAround(scan.text, scan.start, scan.start + candidate.length)) return false;
    const trunk = /^\(?0/.test(candidate);
    // The record's region: its national numbers as people write them, with the trunk prefix where the
    // plan writes one (`020 921 8008` in NL; `159 662 112` is a count), unless a label or key says phone.
    if (region !== undefined && !NANP.has(region)) {
      const n = parse(candidate, region as CountryCode);
      // The record's region: valid numbers; beside a label, any possible one (unassigned ranges too).
      if (n?.isValid() && (trunk || labelled || writtenAsNational(candidate, n, region))) return true;
      if (labelled && n?.isPossible()) return true;
    }
    for (const r of regions) {
      // National numbers must look the part: NANP numbers as 3-3-4 groups (above), elsewhere as the
      // region writes them (`020 ...` in GB, `512 345 678` in PL). Other digit groups are far more often ids.
      if (NANP.has(r)) continue;
      const n = parse(candidate, r);
      if (n?.isValid() && (trunk || writtenAsNational(candidate, n, r))) return true;
    }
    // The region a country named in the text suggests, read only now: for a candidate no rule above took
    // and no label stands beside (the last pass tries the major regions for those).
    if (!broad && region === undefined && !labelled) {
      if (scan.region === undefined) scan.region = contextRegion(scan.text, scan.start) ?? null;
      const r = scan.region;
      if (r !== null && !regions.includes(r as CountryCode)) {
        const n = parse(candidate, r as CountryCode);
        if (n?.isValid() && (trunk || writtenAsNational(candidate, n, r))) return true;
      }
    }
    // Beside a phone word, a valid number of any major region; beside a weaker label (`call`, `my number
    // is`) only one long enough not to be an extension or a short code.
    if (broad && (labels.strong() || (count >= 9 && labelled))) {
      for (const r of LABELLED_REGIONS) if (parse(candidate, r)?.isValid()) return true;
    }
    return false;
  };
  /** The text scanned, the candidate's start, and the region a country it names suggests (read once a text). */
  const scan: { text: string; start: number; region: string | null | undefined } = {
    text: "",
    start: 0,
    region: undefined,
  };
  /** Reset for every candidate: one per detector (a scan never re-enters it). */
  const labels = new Labels();
  const d: Detector = {
    type: "PHONE",
    confidence: options.confidence ?? 0.9,
    find(text, out, context) {
      const keyed = context.key !== undefined && keyKind(context.key) === "PHONE";
      // Bare digit runs count only beside a label or under a phone key; formatted runs always may.
      const p = profileOf(text, context);
      const whole = (context as PieceContext).whole;
      if (whole === undefined) {
        if (
          p.phoneRun < 7 &&
          !keyed &&
          !(p.digitRun >= 7 && text.length < 100_000 && hasLabel(text)) &&
          !(bare.length > 0 && p.digitRun >= 8)
        )
          return;
      } else if (p.phoneRun < 7 && !keyed && whole.phoneRun() < 7) {
        // A piece of a long text (never under 100,000 characters): the whole text's formatted runs decide,
        // as they would for the text scanned at once (this piece's, when they are a phone's already).
        return;
      }
      const region = context.region;
      scan.text = text;
      scan.region = undefined;
      PHONE_ANY.lastIndex = 0;
      for (let m = PHONE_ANY.exec(text); m !== null; m = PHONE_ANY.exec(text)) {
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
        // A date and the hour of a time (`2023-10-08 01` of `2023-10-08 01:47:04`) is a timestamp.
        const dh = DATE_HOUR.exec(raw);
        if (
          dh !== null &&
          (text.charCodeAt(start + raw.length) === 58 ||
            (dh[4] !== undefined && (dh[1] ?? dh[3]) !== undefined))
        )
          continue;
        // Digits right after a time's colon (`04 030 1234567` of `01:47:04 030 1234567`) start with the
        // time's last field: the number, if any, starts at the next group. Only a time's shape: `h:mm` or
        // `h:mm:ss` before, a two-digit minute or second first (`phone2:+44 …`, `home1:020 …` are numbers).
        if (TIME_FIELD.test(raw) && TIME_BEFORE_FIELD.test(text.slice(Math.max(0, start - 7), start))) {
          const next = raw.indexOf(" ");
          if (next > 0) PHONE_ANY.lastIndex = start + next + 1;
          continue;
        }
        labels.reset(text, start, keyed);
        scan.start = start;
        // A bare run (no separator, no prefix) only beside a phone word (`number` alone is too weak). The
        // slash after a trunk-prefixed area code (`0711/2867573`) separates groups: any label will do.
        if (!/[ ().+/-]/.test(raw) && !raw.startsWith("00") && !labels.strong()) {
          // Of a configured region, one written with its trunk prefix (`0612345678` for FR) counts.
          if (bare.length > 0 && raw.startsWith("0") && bareNational(raw, bare, parse))
            push(out, d, start, start + raw.length);
          continue;
        }
        // Try the candidate, then shorter ones without trailing groups ("call 415-555-2671 2 times"); a
        // well-formed number of a known region first, any major region's beside a phone word last.
        let found = false;
        for (let pass = 0; pass < 2 && !found; pass++) {
          for (let cut = raw, tries = 0; tries < 3 && cut.length >= 7; tries++) {
            if (valid(cut, labels, region, pass === 1)) {
              // Digit groups that run on both sides (an account number's) hold no national number.
              const end = start + cut.length;
              if (
                !cut.startsWith("+") &&
                !NANP_SHAPE.test(cut) &&
                !labels.weak() &&
                ((start > 1 &&
                  GROUP_BEFORE.test(text.slice(start - 2, start)) &&
                  !TIME_BEFORE.test(text.slice(Math.max(0, start - 24), start))) ||
                  (GROUP_AFTER.test(text.slice(end, end + 2)) &&
                    !STAMP_AFTER.test(text.slice(end, end + 12))))
              )
                break;
              push(out, d, start, end);
              found = true;
              break;
            }
            const sep = cut.lastIndexOf(" ");
            if (sep <= 0) break;
            cut = cut.slice(0, sep);
          }
        }
        if (!found && !raw.startsWith("+")) {
          // Retry from the next group: "Order 12 415-555-2671".
          const next = raw.indexOf(" ");
          if (next > 0) PHONE_ANY.lastIndex = start + next + 1;
        }
      }
      labels.reset("", 0, false); // holds no text (a piece of a long one) past the scan
      scan.text = "";
      // WhatsApp's click-to-chat links (`https://wa.me/33612345678`) hold an international number
      // without its `+`.
      if (text.indexOf("wa.me/") !== -1) {
        eachMatch(WA_ME, text, (m) => {
          const digits = m[1]!;
          if (parse(`+${digits}`)?.isPossible())
            push(out, d, m.index + m[0].length - digits.length, m.index + m[0].length);
        });
      }
    },
  };
  return builtin(d, PHONE_GATE);
}

/** Whether the text just before a candidate is a phone label, read once and only when asked. */
class Labels {
  #text = "";
  #start = 0;
  #keyed = false;
  #weak: boolean | undefined;
  #strong: boolean | undefined;

  reset(text: string, start: number, keyed: boolean): void {
    this.#text = text;
    this.#start = start;
    this.#keyed = keyed;
    this.#weak = undefined;
    this.#strong = undefined;
  }

  #before(): string {
    return this.#text.slice(Math.max(0, this.#start - 24), this.#start);
  }

  /** Any label, `call` and `my number is` included (or a phone key). */
  weak(): boolean {
    this.#weak ??= this.#keyed || (this.#labelEnd() && PHONE_LABEL.test(this.#before()));
    return this.#weak;
  }

  /** A phone word (`Tel.`, `Mobile:`, `電話`) or a phone key. */
  strong(): boolean {
    this.#strong ??= this.#keyed || (this.#labelEnd() && PHONE_LABEL_STRONG.test(this.#before()));
    return this.#strong;
  }

  /**
   * A necessary condition of both label patterns, read without a regex: a label's last character within
   * the last five before the candidate, with only non-word characters after it (`\W{0,4}$`).
   */
  #labelEnd(): boolean {
    const text = this.#text;
    for (let j = this.#start - 1; j >= 0 && j >= this.#start - 5; j--) {
      const c = text.charCodeAt(j);
      if (LABEL_LAST.has(c)) return true;
      if (c < 128 && ASCII_WORD[c] === 1) return false;
    }
    return false;
  }
}

/**
 * The last characters of every label of {@link PHONE_LABEL} and {@link PHONE_LABEL_STRONG}, in either
 * case (the patterns ignore case; outside ASCII only `É`/`é` pairs fold, and no label ends in one).
 */
const LABEL_LAST = new Set<number>(
  [..."eEnNlLoOxXpPsSyYrRgGkKtThHbBmMfF話帯机话☎", "\ud83d\udcde".charCodeAt(1)].map((c) =>
    typeof c === "number" ? c : c.charCodeAt(0),
  ),
);
/** ASCII characters of a regex's `\w`. */
const ASCII_WORD = Uint8Array.from({ length: 128 }, (_, c) => (/\w/.test(String.fromCharCode(c)) ? 1 : 0));

const WA_ME = /\bwa\.me\/(\d{7,15})(?![\d\w])/g;
/**
 * Candidates, bare digit runs included (the detector drops those without a label), and the German
 * `030/1152996` (trunk-prefixed area code, a slash: taken only beside a phone word, as bare runs are).
 */
const PHONE_ANY = /(?<![\w+.\-/])(?:\+|\b00)?\(?(?:0\d{1,5}\/)?\d[\d ().-]{5,20}\d\)?(?![\w/]|[.-]\d)/g;
const LABEL_ANYWHERE =
  /phone|t[eé]l|mobil|\bmob\b|\bph\b|(?:^|\n)[ \t]*[tmf][ \t]*:|wa\.me\/|m[óo]vil|cell|celular|handy|portable|fax|whats ?app|sms|call|ring|dial|reach|number|電話|携帯|手机|电话|☎|📞/i;
const hasLabel = (text: string): boolean => LABEL_ANYWHERE.test(text);

// ---------------------------------------------------------------------------------------------- names

/**
 * A display name before an address in angle brackets (`From: Jane Doe <jane@example.com>`) or in
 * Outlook's `[mailto:...]` (`From: Jane Doe [mailto:jane@example.com]`). A quoted name is read whole,
 * commas and all (`"Nakamura, Kenji" <kenji@...>`: a family name first, not two recipients).
 */
const MAILBOX =
  /(?:^|[\n,;:("]|\bby\b)[ \t]*(?:"([^"<>\n]{1,80})"|"?([\p{L}][\p{L}\p{M}'’.\- ]{0,60}?)"?)[ \t]*(?:<[^<>\s@]{1,64}@[^<>\s]{1,255}>|\[mailto:[^[\]\s@]{1,64}@[^[\]\s]{1,255}\])/gu;
/**
 * A mailbox in a listing line, after a field that is no word (`a3f9c21 2024-03-14 Jane Doe <jane@...> fix`
 * from `git log --format`, `    42\tJane Doe <jane@...>` from `git shortlog -sne`, `* Thu Mar 14 2024 Jane
 * Doe <jane@...>` in an RPM changelog, `- Jane Doe <jane@...>` in a list): two to four capitalised words
 * right before the address, after a token holding a digit or of punctuation only. After a word of prose
 * (`contact Jane Doe <...>`) the name's start is unknown, so it is left to {@link MAILBOX}'s anchors; so
 * is a token with a backslash, an escaped word's part (`Siobh\u00e1n Jean-Luc Kelly`, read decoded too).
 */
const LISTED_MAILBOX =
  /(?<![\p{L}\p{M}\p{N}'’.\\-])((?:\p{Lu}[\p{L}\p{M}'’-]{0,30}\.?[ \t]+){1,3}\p{Lu}[\p{L}\p{M}'’-]{0,30})[ \t]*<[^<>\s@]{1,64}@[^<>\s]{1,255}>/gu;
/** The token before a {@link LISTED_MAILBOX}'s name: one holding a digit, or of punctuation only. */
const LISTING_FIELD = /(?:^|\s)(?:[^\s\\]*\p{N}[^\s\\]*|[^\s\p{L}\p{N}\\]+)[ \t]+$/u;
/** A help desk's relay after the sender's name (`Jane Roe via Zendesk`, `"Jane Roe (via Acme)"`). */
const VIA = /\s+\(?via\s.*$/is;

/** Whether text may hold a mailbox (see {@link MAILBOX}), `@` known: an angle bracket or a `mailto:`. */
export const mayHoldMailbox = (text: string): boolean =>
  text.indexOf("<") !== -1 || text.indexOf("mailto:") !== -1;

/**
 * Person names in mail and commit headers: the display name of a mailbox (`From: Jane Doe <jane@...>`,
 * `Author: ...`, `Co-authored-by: ...`). The address itself is the email detector's.
 */
export function mailboxNameDetector(confidence = 0.9): Detector {
  const d: Detector = {
    type: "NAME",
    confidence,
    find(text, out, context) {
      if (!profileOf(text, context).at || !mayHoldMailbox(text)) return;
      eachMailboxName(text, (start, end) => push(out, d, start, end));
    },
  };
  return builtin(d, AT);
}

/**
 * Calls `found` with the span of each mailbox display name in `text` (no profile needed: `@` known). A
 * quoted `"Nakamura, Kenji"` is two spans, the family name then the given name, the latter with the name
 * as a signature writes it (`Kenji Nakamura`).
 */
export function eachMailboxName(
  text: string,
  found: (start: number, end: number, written?: string) => void,
): void {
  // Where each mailbox {@link MAILBOX} read ends: a set, as a long listing holds thousands of them.
  const taken = new Set<number>();
  eachMatch(MAILBOX, text, (m) => {
    taken.add(m.index + m[0].length);
    const group = m[1] === undefined ? 2 : 1;
    let name = m[group]!.trim();
    // The relay's name is no part of the sender's (`via` would read as prose and lose the whole name).
    const via = VIA.exec(name);
    if (via !== null) name = name.slice(0, via.index);
    if (!looksLikeName(name, true) || /^(?:from|to|cc|bcc|author|by)$/i.test(name)) return;
    const start = m.index + m[0].indexOf(name, m[0].indexOf(m[group]!));
    const comma = group === 1 ? name.indexOf(", ") : -1;
    if (comma > 0 && name.indexOf(",", comma + 1) === -1) {
      // `"IT, Helpdesk"`, `"Sales, EMEA"`: a desk, not a family name and a given name.
      if (namesADesk(name.slice(0, comma), name.slice(comma + 2))) return;
      found(start, start + comma);
      found(start + comma + 2, start + name.length, `${name.slice(comma + 2)} ${name.slice(0, comma)}`);
    } else found(start, start + name.length);
  });
  eachMatch(LISTED_MAILBOX, text, (m) => {
    // A mailbox {@link MAILBOX} read already, found or not (it ends where this one does), is not read again.
    if (taken.has(m.index + m[0].length)) return;
    // The token before, read on at most 40 characters (a field of a listing is short; no long scan back).
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    if (!LISTING_FIELD.test(m.index > 40 ? `x${before}` : `\n${before}`)) return;
    const name = m[1]!;
    if (!looksLikeName(name, true)) return;
    // Without a header's label to say a mailbox follows, a common word that is no part of a name (`Sent
    // Welcome Email <noreply@...>` in a log) makes the words a phrase, not a person.
    const common = commonWordsNotNames();
    if (name.split(/[\s.-]+/).some((w) => w.length > 2 && common.has(w.toLowerCase()))) return;
    found(m.index, m.index + name.length);
  });
}

/** A span a name detector found: `text.slice(start, end)` is a person's name. */
export interface NameSpan {
  start: number;
  end: number;
}

/**
 * A function that finds person names in free text (`"please call Maria Schmidt tomorrow"`), such as an
 * NER model's wrapper. Called on every string the built-ins scan: keep it fast, and return spans only.
 */
export type NameFinder = (text: string) => Iterable<NameSpan>;

/** Wraps a {@link NameFinder} as a `NAME` detector. */
export function nameDetector(find: NameFinder, confidence = 0.8): Detector {
  const d: Detector = {
    type: "NAME",
    confidence,
    find(text, out) {
      for (const s of find(text)) {
        if (
          Number.isInteger(s.start) &&
          Number.isInteger(s.end) &&
          s.start >= 0 &&
          s.end <= text.length &&
          s.end > s.start
        )
          push(out, d, s.start, s.end);
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
    secretDetector(),
    emailDetector(),
    mailboxNameDetector(),
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
