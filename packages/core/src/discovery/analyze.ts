/**
 * Text analysis for search: identifiers split into words, English stemmed (Porter, from the `stemmer`
 * package) and stop words dropped, CJK text cut into character bigrams. Nothing here knows any tool
 * vocabulary: what the ranker learns comes from the tools' own text.
 */
import { stemmer } from "stemmer";
import type { Vocabulary } from "./vocabulary.js";

/**
 * Splits text into lower-case words: on anything not a letter or digit, at camelCase humps
 * (`getHTMLPage` → get, html, page), and between letters and digits. CJK characters are dropped here.
 * One pass over character codes: this runs on every description of a 10,000-tool catalogue.
 */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  let prev = OTHER;
  const flush = (end: number) => {
    if (start !== -1) out.push(text.slice(start, end).toLowerCase());
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const kind = classify(text.charCodeAt(i));
    if (kind === OTHER) {
      flush(i);
    } else if (start === -1) {
      start = i;
    } else if (
      (kind === DIGIT) !== (prev === DIGIT) ||
      (kind === UPPER && prev === LOWER) ||
      (kind === UPPER && prev === UPPER && classify(text.charCodeAt(i + 1)) === LOWER)
    ) {
      flush(i);
      start = i;
    }
    prev = kind;
  }
  flush(text.length);
  return out;
}

const OTHER = 0;
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;

const CJK = 4;

/** Letter case and digit classes; non-ASCII letters count as lower case, CJK and punctuation as separators. */
function classify(code: number): number {
  if (code >= 97 && code <= 122) return LOWER;
  if (code >= 65 && code <= 90) return UPPER;
  if (code >= 48 && code <= 57) return DIGIT;
  if (!(code >= 0xc0)) return OTHER; // also past the end of a string (NaN)
  return wideClass(code) & 3; // CJK (4) is a separator here
}

/** Classes of characters from U+00C0 up, plus the CJK flag, worked out once per character. */
const WIDE_CLASSES = new Int8Array(0x10000).fill(-1);

function wideClass(code: number): number {
  let kind = WIDE_CLASSES[code]!;
  if (kind < 0) {
    const ch = String.fromCharCode(code);
    kind = isCjk(code)
      ? CJK
      : !/\p{L}/u.test(ch)
        ? /\p{N}/u.test(ch)
          ? DIGIT
          : OTHER
        : ch !== ch.toLowerCase()
          ? UPPER
          : LOWER;
    WIDE_CLASSES[code] = kind;
  }
  return kind;
}

function isCjk(code: number): boolean {
  return (
    (code >= 0x3040 && code <= 0x30ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xac00 && code <= 0xd7af) ||
    (code >= 0xf900 && code <= 0xfaff)
  );
}

/**
 * Calls `visit` with the bounds of each run of letters and digits (which {@link splitWords} cuts further)
 * and each run of CJK characters, with a hash of the run's characters. Everything else separates runs,
 * so a run's terms do not depend on its neighbours. Nothing is allocated per run.
 */
function scanRuns(
  text: string,
  visit: (start: number, end: number, cjk: boolean, hash: number) => void,
): void {
  let start = -1;
  let inCjk = false;
  let hash = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 32;
    let kind: number;
    if (code >= 97 && code <= 122) kind = LOWER;
    else if (code < 0xc0) kind = classify(code);
    else kind = wideClass(code);
    if (start !== -1 && (kind === OTHER || (kind === CJK) !== inCjk)) {
      visit(start, i, inCjk, hash);
      start = -1;
    }
    if (kind === OTHER) continue;
    if (start === -1) {
      start = i;
      inCjk = kind === CJK;
      hash = 0;
    }
    hash = (Math.imul(hash, 31) + code) | 0;
  }
}

/** Words too common in questions and descriptions to tell tools apart. */
const STOP_WORDS = new Set(
  (
    "a about above after again all also am an and any are as at be because been before being below between both but by " +
    "can could did do does doing done down during each either etc few for from further had has have having he her here " +
    "hers him his how i if in into is it its itself just let lets me more most my myself no nor not now of off on once only " +
    "or other our ours out over own please same she should so some such than that the their theirs them then there these " +
    "they this those through to too under until up upon us very via was we were what when where which while who whom " +
    "why will with would you your yours e g ie eg help want need like using use used based given one two three may might " +
    "must shall tell give"
  ).split(" "),
);

const stemCache = new Map<string, string>();

/** The Porter stem of a lower-case word, cached (the same words recur across thousands of tools). */
export function stem(word: string): string {
  let out = stemCache.get(word);
  if (out === undefined) {
    out = word.length > 3 && /^[a-z]+$/.test(word) ? stemmer(word) : word;
    if (stemCache.size < 200_000) stemCache.set(word, out);
  }
  return out;
}

/** True for words that carry no signal for ranking. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word) || (word.length === 1 && classify(word.charCodeAt(0)) !== DIGIT);
}

/**
 * The search terms of a text: stemmed English words without stop words, then for each CJK run its
 * character bigrams (a single character alone).
 */
export function analyze(text: string): string[] {
  const out: string[] = [];
  const cjk: string[] = [];
  scanRuns(text, (start, end, isCjk) => {
    const run = text.slice(start, end);
    if (isCjk) cjkTerms(run, cjk);
    else wordTerms(run, out);
  });
  return cjk.length ? out.concat(cjk) : out;
}

function wordTerms(run: string, out: string[]): void {
  for (const word of splitWords(run)) if (!isStopWord(word)) out.push(stem(word));
}

function cjkTerms(run: string, out: string[]): void {
  const chars = Array.from(run);
  if (chars.length === 1) out.push(chars[0]!);
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
}

const EMPTY: readonly number[] = [];

/**
 * {@link analyze} to term ids for indexing a whole catalogue. It remembers the ids of each distinct text
 * (tool names, parameter lists and server descriptions repeat across a catalogue) and of each distinct
 * run of letters (words recur across descriptions), so most words are looked up, not split and stemmed.
 * The ids are those of `analyze(text)`, in the same order. One analyser serves one index build; its
 * memory is that build's vocabulary.
 */
export class TermAnalyzer {
  private readonly texts = new Map<string, readonly number[]>();
  /** Distinct runs, found by hash and compared in place, so a known run costs no string. */
  private readonly runs = new RunTable();
  /** This text's ids: words in order, then CJK terms. */
  private readonly words: number[] = [];
  private readonly cjk: number[] = [];

  constructor(private readonly vocabulary: Vocabulary) {}

  /** The term ids of `text`. */
  ids(text: string): readonly number[] {
    let ids = this.texts.get(text);
    if (ids === undefined) {
      this.words.length = 0;
      this.cjk.length = 0;
      scanRuns(text, (start, end, isCjk, hash) => {
        const runIds = this.runs.find(text, start, end, hash) ?? this.addRun(text, start, end, isCjk, hash);
        const out = isCjk ? this.cjk : this.words;
        for (let i = 0; i < runIds.length; i++) out.push(runIds[i]!);
      });
      ids = this.cjk.length ? this.words.concat(this.cjk) : this.words.length ? this.words.slice() : EMPTY;
      this.texts.set(text, ids);
    }
    return ids;
  }

  private addRun(text: string, start: number, end: number, isCjk: boolean, hash: number): readonly number[] {
    const run = text.slice(start, end);
    const terms: string[] = [];
    if (isCjk) cjkTerms(run, terms);
    else wordTerms(run, terms);
    const ids = terms.length ? this.vocabulary.addAll(terms) : EMPTY;
    this.runs.add(run, hash, ids);
    return ids;
  }
}

/** An open-addressing hash table from run strings to term ids, looked up by a slice of a longer text. */
class RunTable {
  private keys: string[] = [];
  private values: (readonly number[])[] = [];
  private hashes: number[] = [];
  private slots = new Int32Array(1 << 12).fill(-1);

  find(text: string, start: number, end: number, hash: number): readonly number[] | undefined {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === -1) return undefined;
      const key = this.keys[entry]!;
      if (this.hashes[entry] === hash && key.length === end - start && text.startsWith(key, start)) {
        return this.values[entry];
      }
    }
  }

  /** Adds a run that {@link find} did not find. */
  add(key: string, hash: number, ids: readonly number[]): void {
    const entry = this.keys.length;
    this.keys.push(key);
    this.values.push(ids);
    this.hashes.push(hash);
    if (entry * 2 >= this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2).fill(-1);
      for (let e = 0; e < entry; e++) this.place(e);
    }
    this.place(entry);
  }

  private place(entry: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hashes[entry]! & mask;
    while (this.slots[slot] !== -1) slot = (slot + 1) & mask;
    this.slots[slot] = entry;
  }
}
