/**
 * Text analysis for search: identifiers split into words, English stemmed and stop words dropped,
 * CJK text cut into character bigrams plus English glossary terms, so an English question can reach a
 * tool whose description is Chinese.
 */
import { stemmer } from "stemmer";
import { CJK_GLOSSARY } from "./synonyms.js";

const CJK_RUN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+/g;

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

/** Letter case and digit classes; non-ASCII letters count as lower case, CJK and punctuation as separators. */
function classify(code: number): number {
  if (code >= 97 && code <= 122) return LOWER;
  if (code >= 65 && code <= 90) return UPPER;
  if (code >= 48 && code <= 57) return DIGIT;
  if (code < 0xc0 || isCjk(code)) return OTHER;
  const ch = String.fromCharCode(code);
  if (!/\p{L}/u.test(ch)) return /\p{N}/u.test(ch) ? DIGIT : OTHER;
  return ch !== ch.toLowerCase() ? UPPER : LOWER;
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

/** Stems that the Porter algorithm gets wrong for tool vocabularies (`news` is not `new`). */
const STEM_EXCEPTIONS: Record<string, string> = { news: "news", data: "data", media: "media", maps: "map" };

const stemCache = new Map<string, string>();

/** The Porter stem of a lower-case word, cached (the same words recur across thousands of tools). */
export function stem(word: string): string {
  let out = stemCache.get(word);
  if (out === undefined) {
    out = STEM_EXCEPTIONS[word] ?? (word.length > 3 && /^[a-z]+$/.test(word) ? stemmer(word) : word);
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
 * character bigrams (a single character alone) and the stems of glossary words it contains.
 */
export function analyze(text: string): string[] {
  const out: string[] = [];
  for (const word of splitWords(text)) if (!isStopWord(word)) out.push(stem(word));
  const runs = /^[\x00-\x7f]*$/.test(text) ? null : text.match(CJK_RUN);
  if (runs) for (const run of runs) cjkTerms(run, out);
  return out;
}

let stemmedGlossary: [string, string[]][] | undefined;

function cjkTerms(run: string, out: string[]): void {
  const chars = Array.from(run);
  if (chars.length === 1) out.push(chars[0]!);
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  stemmedGlossary ??= CJK_GLOSSARY.map(([cjk, english]) => [cjk, english.map(stem)]);
  for (const [cjk, english] of stemmedGlossary) {
    if (run.includes(cjk)) for (const word of english) out.push(word);
  }
}
