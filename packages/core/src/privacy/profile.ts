/**
 * A one-pass character profile of a string: which characters it holds and how its digit runs look. Every
 * built-in detector has a necessary condition in these terms (an email needs an `@`, a card twelve digits
 * joined by at most single spaces or dashes, ...), so a detector whose condition fails is skipped without
 * running its regex. The conditions are exact consequences of each detector's pattern, never heuristics:
 * skipping changes no result.
 */

import { isWordChar, signature, signature2 } from "./vault.js";

/** The word signatures of known values (see the vault): a profile lists the words of a text passing both. */
export interface WordFilter {
  readonly first: Uint8Array;
  readonly second: Uint8Array;
  readonly version: number;
}

/** What one pass over a string found. */
export interface TextProfile {
  /** The string profiled. */
  readonly text: string;
  /** Holds an `@`. */
  readonly at: boolean;
  /** Holds a `[` (may hold token-shaped text). */
  readonly bracket: boolean;
  /**
   * Most digits the card pattern could match in one run of digits joined by at most one space, dash or dot:
   * counted from the run's first digit not preceded by a word character, `.`, `+` or `-`, up to a digit
   * not followed by a word character, `-`, or `.` and a digit.
   */
  readonly cardRun: number;
  /**
   * Most digits in a run of digits, spaces, parentheses, dots and dashes that the phone pattern could
   * match: counted from the run's first digit not preceded by a word character, `.`, `-` or `/`, up to a
   * point after a digit or `)` that is not followed by a word character, `/`, or `.`/`-` and a digit.
   * Only formatted runs count (a separator, a `+` or `(` before the first digit, or a leading `00`): the
   * phone detector takes bare digit runs for ids.
   */
  readonly phoneRun: number;
  /** Holds digit groups of three, two and four joined by the same single space, dash or dot (an SSN's shape). */
  readonly ssnShape: boolean;
  /**
   * Holds a dotted quad's head: a run of digits and dots, not preceded by a word character or `.`, that
   * starts with three groups of one to three digits, each followed by a dot.
   */
  readonly quadHead: boolean;
  /** Most colons in one run of hex digits, colons and dots. */
  readonly hexColons: number;
  /** Holds `::`. */
  readonly doubleColon: boolean;
  /** Holds two letters (either case) followed by two digits (an IBAN's head). */
  readonly ibanHead: boolean;
  /** The longest run of consecutive digits (a bare number beside a label may be a phone or an SSN). */
  readonly digitRun: number;
  /**
   * Holds a no-break or thin space or a non-ASCII dash (read as ` ` and `-`), or a full-width digit, or
   * another full-width form of ASCII and a digit (read as ASCII: `ＴＥＬ：`).
   */
  readonly lookalike: boolean;
  /** Holds a `\\` (may hold JSON string escapes). */
  readonly backslash: boolean;
  /** Holds a `%` (may hold URL escapes). */
  readonly percent: boolean;
  /**
   * With a {@link WordFilter}: the words (start, end pairs; letters, digits, marks and `_` of any script)
   * passing both its signatures, read in the same pass, so a scan for known values need not read the
   * text again. `words` and `wordsAt` say which filter, at which version.
   */
  readonly knownWords?: number[] | undefined;
  readonly words?: WordFilter | undefined;
  readonly wordsAt?: number | undefined;
}

const DIGIT = 1;
const CARD_SEP = 2;
const PHONE_SEP = 4;
const DOT = 8;
const HEX = 16;
const UPPER = 32;
const COLON = 64;
/** Cannot precede a phone number's first digit: a word character, `.`, `-`, `/`. */
const NO_PHONE_START = 128;
/** Cannot follow a phone number: a word character or `/`. */
const NO_PHONE_END = 256;
/** A word character of a regex's `\w`: ASCII letters, digits and `_`. */
const WORD = 512;
/** A letter or `_`: a word character that is not a digit. */
const LETTER = 1024;
/** An ASCII letter of either case. */
const ALPHA = 2048;
/** Not a digit nor any character a field of the profile looks for (`@ [ \\ % . :`): see the fast path. */
const PLAIN = 4096;

/** The flags of an ASCII character. */
function flagsOf(c: number): number {
  const digit = c >= 48 && c <= 57;
  const upper = c >= 65 && c <= 90;
  const word = digit || upper || (c >= 97 && c <= 122) || c === 95;
  let f = 0;
  if (digit) f |= DIGIT;
  if (upper) f |= UPPER;
  if (digit || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)) f |= HEX;
  if (word) f |= WORD;
  if (word && !digit) f |= LETTER;
  if (upper || (c >= 97 && c <= 122)) f |= ALPHA;
  if (word || c === 47 || c === 45 || c === 46) f |= NO_PHONE_START; // also / - .
  if (word || c === 47) f |= NO_PHONE_END;
  if (c === 32 || c === 45 || c === 46) f |= CARD_SEP; // space - .
  if (c === 32 || c === 45 || c === 40 || c === 41 || c === 46) f |= PHONE_SEP; // space - ( ) .
  if (c === 46) f |= DOT;
  if (c === 58) f |= COLON;
  if (!digit && c !== 64 && c !== 91 && c !== 92 && c !== 37 && c !== 46 && c !== 58) f |= PLAIN;
  return f;
}
const CLASS = Uint16Array.from({ length: 128 }, (_, c) => flagsOf(c));

/** A profile's fields, writable: {@link profileOf} refills its context's profile in place. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Profiles `text` in one pass; with `filter`, lists the words passing it too. With `into`, its fields are
 * overwritten and it is returned (no new object: a result's every string is profiled).
 */
export function textProfile(text: string, filter?: WordFilter, into?: Mutable<TextProfile>): TextProfile {
  const sig1 = filter?.first;
  const sig2 = filter?.second;
  let knownWords = NO_WORDS;
  let ws = -1; // the start of the word being read; -1: none
  let at = false;
  let bracket = false;
  let cardRun = 0;
  let cardPrev = 0; // 0: other, 1: digit, 2: one separator after a digit
  let group = 0; // digits in the current group (since the last non-digit)
  let group1 = 0; // the run's group before, and the separator after it; 0: none
  let sep1 = 0;
  let group2 = 0; // the group before that, and its separator
  let sep2 = 0;
  let cardFrom = -1; // digits since the run's first possible card start; -1: none yet in this run
  let ssnShape = false;
  let phoneRun = 0;
  let phoneCur = -1; // -1: no possible start yet in this run
  let phoneFormatted = false;
  let c1 = 0;
  let quadHead = false;
  let quadDots = -1; // dots so far in this run's valid groups; -1: this run cannot start an address
  let quadGroup = 0;
  let hexColons = 0;
  let hexCur = 0;
  let doubleColon = false;
  let ibanHead = false;
  let f1 = 0;
  let f2 = 0;
  let f3 = 0;
  let digitRun = 0;
  let lookalike = false;
  /** A full-width form of ASCII (`ＴＥＬ：`): read as ASCII when the text holds a digit (a label's). */
  let wide = false;
  let backslash = false;
  let percent = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let f: number;
    if (c < 128) f = CLASS[c]!;
    else {
      f = 0;
      if (
        c === 0xa0 ||
        c === 0x2007 ||
        c === 0x2009 ||
        c === 0x202f ||
        c === 0x3000 ||
        (c >= 0x2010 && c <= 0x2015) ||
        c === 0x2212 ||
        c === 0xfe63 ||
        c === 0xff0d
      )
        lookalike = true;
      else if ((c >= 0xff10 && c <= 0xff19) || c === 0x30fc) {
        // Full-width digits (`０３－１２３４`) and the long-vowel mark written as a dash (`415ー555`): read as
        // ASCII by the scan (see `normalize` in tokenize.ts). A digit, so the string is not skipped.
        lookalike = true;
        if (digitRun === 0 && c !== 0x30fc) digitRun = 1;
      } else if (c >= 0xff01 && c <= 0xff5e) wide = true;
    }
    if (f & f1 & LETTER) {
      // Inside a word: the letter before already ended every run, so only the hex run can change.
      if (!(f & HEX)) hexCur = 0;
      f3 = f2;
      f2 = f1;
      f1 = f;
      c1 = c;
      continue;
    }
    if (f & f1 & DIGIT) {
      // Inside a digit run: the runs only grow (the digit before started or continued them).
      group++;
      if (group > digitRun) digitRun = group;
      if (cardFrom >= 0) cardFrom++;
      if (phoneCur >= 0) phoneCur++;
      if (f2 & ALPHA && f3 & ALPHA) ibanHead = true;
      if (++quadGroup > 3) quadDots = -1;
      f3 = f2;
      f2 = f1;
      f1 = f;
      c1 = c;
      continue;
    }
    if (f & PLAIN && !(f1 & DIGIT) && c1 !== 41) {
      // Neither this character nor the one before is a digit (nor `)` before): no run ends or grows
      // here. What the general path below would do, and only that.
      if (sig1 !== undefined) {
        if (f & WORD) {
          if (ws < 0) ws = i;
        } else if (ws >= 0) {
          knownWords = listWord(text, ws, i, sig1, sig2!, knownWords);
          ws = -1;
        }
      }
      cardPrev = 0;
      if (!(f & PHONE_SEP)) phoneCur = -1;
      else if (phoneCur >= 0) phoneFormatted = true;
      quadDots = -1;
      if (!(f & HEX)) hexCur = 0;
      f3 = f2;
      f2 = f1;
      f1 = f;
      c1 = c;
      continue;
    }
    if (sig1 !== undefined) {
      if (c < 128 ? f & WORD : isWordChar(c)) {
        if (ws < 0) ws = i;
      } else if (ws >= 0) {
        knownWords = listWord(text, ws, i, sig1, sig2!, knownWords);
        ws = -1;
      }
    }
    if (f & DIGIT) {
      if (cardPrev === 0) {
        cardFrom = -1;
        group1 = 0;
        group2 = 0;
      }
      group = 1;
      if (digitRun === 0) digitRun = 1;
      cardPrev = 1;
      if (cardFrom < 0 && !(f1 & WORD) && c1 !== 46 && c1 !== 43 && c1 !== 45) cardFrom = 0; // not after . + -
      if (cardFrom >= 0) cardFrom++;
      if (phoneCur < 0 && !(f1 & NO_PHONE_START)) {
        phoneCur = 0;
        phoneFormatted = c1 === 43 || c1 === 40 || (c === 48 && text.charCodeAt(i + 1) === 48);
      }
      if (phoneCur >= 0) phoneCur++;
      if (f1 & DIGIT && f2 & ALPHA && f3 & ALPHA) ibanHead = true;
    } else {
      // A card may end here unless a word character, `-`, or `.` and a digit follows.
      if (cardFrom > cardRun && f1 & DIGIT && !(f & WORD) && c !== 45) {
        if (!(c === 46 && i + 1 < n && CLASS[text.charCodeAt(i + 1)]! & DIGIT)) cardRun = cardFrom;
      }
      if (f1 & DIGIT && group === 4 && group1 === 2 && group2 === 3 && sep1 === sep2) ssnShape = true;
      if (f & CARD_SEP && cardPrev === 1) {
        cardPrev = 2;
        group2 = group1;
        sep2 = sep1;
        group1 = group;
        sep1 = c;
      } else cardPrev = 0;
      if (phoneCur > phoneRun && phoneFormatted && (f1 & DIGIT || c1 === 41) && !(f & NO_PHONE_END)) {
        const next = (c === 45 || c === 46) && i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if (!(next >= 48 && next <= 57)) phoneRun = phoneCur;
      }
      if (!(f & PHONE_SEP)) phoneCur = -1;
      else if (phoneCur >= 0) phoneFormatted = true;
      if (c === 64) at = true;
      else if (c === 91) bracket = true;
      else if (c === 92) backslash = true;
      else if (c === 37) percent = true;
    }
    if (f & DIGIT) {
      if (!(f1 & (DIGIT | DOT))) {
        quadDots = f1 & WORD ? -1 : 0; // the run's start: not after a word character
        quadGroup = 0;
      }
      if (++quadGroup > 3) quadDots = -1;
    } else if (f & DOT) {
      if (quadDots < 0 || quadGroup === 0) quadDots = -1;
      else if (++quadDots >= 3) quadHead = true;
      quadGroup = 0;
    } else quadDots = -1;
    if (f & COLON) {
      if (f1 & COLON) doubleColon = true;
      if (++hexCur > hexColons) hexColons = hexCur;
    } else if (!(f & (HEX | DOT))) hexCur = 0;
    f3 = f2;
    f2 = f1;
    f1 = f;
    c1 = c;
  }
  if (ws >= 0 && sig1 !== undefined) knownWords = listWord(text, ws, n, sig1, sig2!, knownWords);
  if (phoneCur > phoneRun && phoneFormatted && (f1 & DIGIT || c1 === 41)) phoneRun = phoneCur;
  if (cardFrom > cardRun && f1 & DIGIT) cardRun = cardFrom;
  if (f1 & DIGIT && group === 4 && group1 === 2 && group2 === 3 && sep1 === sep2) ssnShape = true;
  if (wide && digitRun > 0) lookalike = true;
  if (into !== undefined) {
    into.text = text;
    into.at = at;
    into.bracket = bracket;
    into.cardRun = cardRun;
    into.phoneRun = phoneRun;
    into.ssnShape = ssnShape;
    into.quadHead = quadHead;
    into.hexColons = hexColons;
    into.doubleColon = doubleColon;
    into.ibanHead = ibanHead;
    into.digitRun = digitRun;
    into.lookalike = lookalike;
    into.backslash = backslash;
    into.percent = percent;
    into.knownWords = knownWords;
    into.words = filter;
    into.wordsAt = filter?.version;
    return into;
  }
  return {
    text,
    at,
    bracket,
    cardRun,
    phoneRun,
    ssnShape,
    quadHead,
    hexColons,
    doubleColon,
    ibanHead,
    digitRun,
    lookalike,
    backslash,
    percent,
    knownWords,
    words: filter,
    wordsAt: filter?.version,
  };
}

/** No words (never written to: {@link listWord} copies it first). */
const NO_WORDS: number[] = [];

/** `list` with the word `text.slice(start, end)` added when both signatures pass. */
function listWord(
  text: string,
  start: number,
  end: number,
  sig1: Uint8Array,
  sig2: Uint8Array,
  list: number[],
): number[] {
  const len = end - start;
  const first = text.charCodeAt(start);
  const one = len === 1;
  if (
    sig1[signature(first, text.charCodeAt(end - 1), len)] === 0 ||
    sig2[
      signature2(one ? first : text.charCodeAt(start + 1), text.charCodeAt(one ? start : end - 2), len)
    ] === 0
  )
    return list;
  const out = list === NO_WORDS ? [] : list;
  out.push(start, end);
  return out;
}

/**
 * The profile of `text`, computed at most once per scan: cached on the scan's context. The context's
 * profile of another text is overwritten in place (one object per context, not one per string); a caller
 * that keeps a profile while another text is scanned with the same context clears `context.profile` first.
 */
export function profileOf(
  text: string,
  context: { profile?: TextProfile | undefined },
  filter?: WordFilter,
): TextProfile {
  const cached = context.profile;
  if (cached !== undefined) {
    if (cached.text === text) return cached;
    return textProfile(text, filter, cached as Mutable<TextProfile>);
  }
  const fresh = textProfile(text, filter);
  context.profile = fresh;
  return fresh;
}
