/**
 * Reads a text block written as a Python or JavaScript literal, or as JSON cut short, as the JSON value it
 * stands for, so the privacy guard can read its fields by name as it reads JSON text:
 *
 * - `{'name': 'Jane Doe', 'vip': True}`: Python's `repr` of a dict, which many Python tools return;
 * - `{ name: 'Jane Doe', tags: ['a'] }`: a JavaScript object literal (bare keys, either quote);
 * - `[{"id": 1, "name": "Jane Doe"}, {"id": 2, "na`: JSON a tool cut at its output limit.
 *
 * Strings take either quote and backslash escapes; `True`/`False`/`None` and `true`/`false`/`null`/
 * `undefined` are read as JSON's; tuples and sets' brackets as arrays; a call (`datetime.date(2024, 1, 5)`,
 * `Decimal('12.50')`) as the array of its arguments. Where the text ends early, the containers still open
 * are closed and an unfinished string or key is dropped. Anything else (text that only starts like a
 * literal: `[INFO] ...`, `{not json}`, a markdown link) gives `undefined`.
 *
 * Written here rather than taken from a library: JSON5 reads JavaScript's literals but not Python's nor a
 * cut document, and this reader needs none of a parser's error reporting. One pass with an explicit stack,
 * linear in the text; a literal nested deeper than {@link MAX_DEPTH} levels is not read.
 */
import type { JsonValue } from "../json.js";

/**
 * Deeper literals are not read: the field rules that read the document recurse and stop near 1,600 levels
 * anyway, and a text of millions of `[` would cost seconds and a gigabyte to build.
 */
const MAX_DEPTH = 1_000;

interface Frame {
  readonly value: JsonValue[] | { [key: string]: JsonValue };
  /** The character that closes it: `}`, `]` or `)`. */
  readonly close: number;
  /** In an object: the key read and waiting for its value (after its `:`), else undefined. */
  key: string | undefined;
  /** In an object: a key was read and its `:` not yet. */
  colon: boolean;
}

/** Space, tab, line breaks. */
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13) || c === 0xa0;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** A character of an identifier, dotted names included (`datetime.date`). */
const isIdent = (c: number): boolean =>
  isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c === 46;
/** A character of a number after its first (`-1.5e-3`). */
const isNumberPart = (c: number): boolean =>
  isDigit(c) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
/** String prefixes of Python (`b'...'`, `u'...'`, `r'...'`). */
const STRING_PREFIXES = new Set(["b", "u", "r", "rb", "br", "B", "U", "R"]);
const KEYWORDS = new Map<string, JsonValue>([
  ["True", true],
  ["False", false],
  ["None", null],
  ["true", true],
  ["false", false],
  ["null", null],
  ["undefined", null],
  ["NaN", null],
  ["Infinity", null],
  ["nan", null],
  ["inf", null],
]);
/** {@link readString}'s answer for a string the text ends inside. */
const CUT = Symbol("cut");

/** The literal `text` stands for (an object or array), or undefined when it is none. */
export function readLiteral(text: string): JsonValue | undefined {
  const n = text.length;
  const stack: Frame[] = [];
  let root: JsonValue | undefined;
  let i = 0;

  /** Puts a value in the open container; false where none may go (a value where a key belongs). */
  const put = (value: JsonValue): boolean => {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (root !== undefined) return false;
      root = value;
      return true;
    }
    if (Array.isArray(top.value)) {
      top.value.push(value);
      return true;
    }
    if (top.key === undefined) return false;
    // An own property, as JSON.parse makes it: `__proto__` would otherwise set the object's prototype.
    Object.defineProperty(top.value, top.key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    top.key = undefined;
    return true;
  };
  /** Where a key is expected: inside an object, with no key waiting. */
  const atKey = (): boolean => {
    const top = stack[stack.length - 1];
    return top !== undefined && !Array.isArray(top.value) && top.key === undefined && !top.colon;
  };
  /** Takes `name` as the open object's key; its `:` must follow. */
  const takeKey = (name: string): void => {
    const top = stack[stack.length - 1]!;
    top.key = name;
    top.colon = true;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c) || c === 44) {
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === 58) {
      // `:` after a key.
      if (top === undefined || !top.colon) return undefined;
      top.colon = false;
      i++;
      continue;
    }
    // A key read but no `:` after it: not an object literal (a Python set, `{not json}`).
    if (top?.colon) return undefined;
    if (c === 123 || c === 91 || c === 40) {
      // `{`, `[`, `(`
      if (atKey() || stack.length >= MAX_DEPTH) return undefined;
      const value: Frame["value"] = c === 123 ? {} : [];
      if (!put(value)) return undefined;
      stack.push({ value, close: c === 123 ? 125 : c === 91 ? 93 : 41, key: undefined, colon: false });
      i++;
      continue;
    }
    if (c === 125 || c === 93 || c === 41) {
      // `}`, `]`, `)`: closes a container of its kind.
      stack.pop();
      if (top === undefined || top.key !== undefined || c !== top.close) return undefined;
      i++;
      if (stack.length === 0) break;
      continue;
    }
    if (c === 39 || c === 34) {
      const read = readString(text, i);
      if (read === CUT) break; // the text ends inside a string: the string is dropped
      if (read === undefined) return undefined;
      i = read.end;
      if (atKey()) takeKey(read.value);
      else if (!put(read.value)) return undefined;
      continue;
    }
    if (isDigit(c) || c === 45 || c === 43 || c === 46) {
      let j = i + 1;
      while (j < n && isNumberPart(text.charCodeAt(j))) j++;
      if (j === n && stack.length > 0) break; // the text ends inside a number
      const token = text.slice(i, j);
      const number = Number(token);
      if (!Number.isFinite(number)) return undefined;
      i = j;
      // Python's dicts may have numbers for keys (`{1: 'a'}`).
      if (atKey()) takeKey(token);
      else if (!put(number)) return undefined;
      continue;
    }
    if (isIdent(c)) {
      let j = i + 1;
      while (j < n && isIdent(text.charCodeAt(j))) j++;
      const name = text.slice(i, j);
      const next = text.charCodeAt(j);
      i = j;
      if (next === 39 || next === 34) {
        if (!STRING_PREFIXES.has(name)) return undefined;
        if (!/r/i.test(name)) continue; // the string follows
        // A raw string (`r'\d+'`) keeps its backslashes.
        const end = text.indexOf(text[j]!, j + 1);
        if (end === -1) break; // the text ends inside it
        const raw = text.slice(j + 1, end);
        if (raw.includes("\n")) return undefined;
        i = end + 1;
        if (atKey()) takeKey(raw);
        else if (!put(raw)) return undefined;
        continue;
      }
      if (atKey()) {
        takeKey(name);
        continue;
      }
      if (next === 40) continue; // a call: its arguments are read as an array
      const keyword = KEYWORDS.get(name);
      if (keyword === undefined || !put(keyword)) return undefined;
      continue;
    }
    return undefined;
  }
  // Text after the literal (`{...} and more`) makes it no literal.
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (i < n && stack.length === 0) return undefined;
  return typeof root === "object" && root !== null ? root : undefined;
}

/**
 * The string whose opening quote is at `start`, and where the text after it starts; {@link CUT} when the
 * text ends inside it, undefined when a line ends inside it (no literal's string may).
 */
function readString(text: string, start: number): { value: string; end: number } | typeof CUT | undefined {
  const quote = text.charCodeAt(start);
  let out = "";
  let from = start + 1;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === quote) return { value: out + text.slice(from, i), end: i + 1 };
    if (c === 10) return undefined;
    if (c !== 92) continue;
    // A backslash escape.
    out += text.slice(from, i);
    const e = text[i + 1];
    if (e === undefined) return CUT;
    const width = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    const digits = text.slice(i + 2, i + 2 + width);
    const code = width > 0 && /^[\da-fA-F]+$/.test(digits) ? Number.parseInt(digits, 16) : -1;
    if (digits.length === width && code >= 0 && code <= 0x10ffff) {
      out += String.fromCodePoint(code);
      i += 1 + width;
    } else {
      out += ESCAPES[e] ?? e;
      i += 1;
    }
    from = i + 1;
  }
  return CUT;
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", v: "\v", "0": "\0" };
