/**
 * The vault: the host-side map between tokens and the raw values they stand for. It lives with one session
 * (one agent conversation, one MCP client) and never enters a sandbox. The same value always gets the
 * same token; a token it did not issue resolves to nothing.
 */
import { ESCAPE_TYPE, formatToken } from "./tokens.js";

/** One value the vault holds. */
export interface VaultEntry {
  /** The token, such as `[EMAIL_1]`. */
  readonly token: string;
  /** Its type, such as `EMAIL`, or {@link ESCAPE_TYPE} for literal token-shaped text. */
  readonly type: string;
  /** The raw value as it appeared (a number's decimal digits when `numeric`). */
  readonly value: string;
  /** The value was a JSON number and is restored as one when a whole string is its token. */
  readonly numeric: boolean;
  /** Found by position (a field or column), not by shape: replaced wherever it appears later. */
  readonly remembered: boolean;
}

/** Options of {@link Vault.issue}. */
export interface IssueOptions {
  /** The value was a JSON number. */
  numeric?: boolean;
  /** Found by position: replace it wherever it appears later. */
  remember?: boolean;
  /**
   * Found by position but too ordinary to look for elsewhere (a first name that is also a month): the
   * value keeps one token, but neither whole-string lookups nor scans for known values find it.
   */
  local?: boolean;
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}_]/u;
/** Per UTF-16 code unit: 1 a word character, 2 not, 0 not yet classified. */
const WORD_CLASS = new Uint8Array(65536);
for (let c = 0; c < 128; c++) WORD_CLASS[c] = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
for (let c = 0xd800; c < 0xe000; c++) WORD_CLASS[c] = 1; // astral characters: assume letters

/**
 * A letter, digit, mark or underscore in any script, so `Anna` is not found in `Annaé` but is in `Anna’s`.
 */
export function isWordChar(c: number): boolean {
  let w = WORD_CLASS[c]!;
  if (w === 0) {
    w = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
    WORD_CLASS[c] = w;
  }
  return w === 1;
}
const isWord = isWordChar;

/** A span of text already claimed by a detector: `text.slice(start, end)` is a value of `type`. */
export interface Span {
  start: number;
  end: number;
  type: string;
}

/**
 * True when `[start, end)`, a known value of `type`, overlaps a span of `taken` of another type without
 * containing it whole (a name inside an email). A known value of the span's own type is exact where the
 * detector may have read too far (`ann@example.com` in `ann@example.com.txt`), so it is not cut off.
 */
function cutsInto(start: number, end: number, type: string, taken: readonly Span[]): boolean {
  // `taken` is sorted and its spans do not overlap: find the first that ends after `start`.
  let lo = 0;
  let hi = taken.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (taken[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < taken.length; i++) {
    const t = taken[i]!;
    if (t.start >= end) break;
    if ((t.start < start || t.end > end) && t.type !== type) return true;
  }
  return false;
}

/** A found occurrence of a known value. */
export interface KnownMatch {
  start: number;
  end: number;
  entry: VaultEntry;
}

/** A 16-bit signature of a word: its first and last characters and its length. */
const signature = (first: number, last: number, length: number): number =>
  (Math.imul(first, 961) + Math.imul(last, 31) + length) & 0xffff;
/**
 * A second, independent 16-bit signature of a word (its second and next-to-last characters and its
 * length): a word must match both tables before it is sliced and looked up, so common words rarely are.
 */
const signature2 = (second: number, penult: number, length: number): number =>
  (Math.imul(second, 40503) ^ Math.imul(penult, 2653) ^ Math.imul(length, 97)) & 0xffff;

/**
 * Finds known values as whole words, at a cost independent of how many values are known. Values are
 * indexed by their first word, and for each first word by the shapes (leading non-word characters, such
 * as `+1 ` or `(`, and total length) its values have: at a word of the text, each shape gives one
 * candidate substring, looked up in a map of the values. A scan costs one pass over the text's words and
 * a few lookups per word whose first word is indexed, whether the vault holds ten values or 25,000 (a
 * regex alternation of thousands of values runs at about 1 MB/s; a list per first word grows with the
 * vault). Words whose signature (first and last character, length) no indexed word has are skipped.
 */
class KnownValues {
  /** First word → the (lead, length) shapes of its values, longest first. */
  readonly #byFirstWord = new Map<string, { lead: number; length: number }[]>();
  readonly #values = new Map<string, VaultEntry>();
  readonly #signatures = new Uint8Array(65536);
  readonly #signatures2 = new Uint8Array(65536);

  /** Indexes one more value (values are only ever added: the index grows with the vault). */
  add(entry: VaultEntry): void {
    const v = entry.value;
    if (this.#values.has(v)) return;
    let lead = 0;
    while (lead < v.length && !isWord(v.charCodeAt(lead))) lead++;
    let w = lead;
    while (w < v.length && isWord(v.charCodeAt(w))) w++;
    if (w === lead) return; // no word at all: nothing to anchor on
    this.#values.set(v, entry);
    const first = v.slice(lead, w);
    const shapes = this.#byFirstWord.get(first);
    if (shapes === undefined) this.#byFirstWord.set(first, [{ lead, length: v.length }]);
    else if (!shapes.some((s) => s.lead === lead && s.length === v.length)) {
      shapes.push({ lead, length: v.length });
      shapes.sort((a, b) => b.length - a.length);
    }
    this.#signatures[signature(v.charCodeAt(lead), v.charCodeAt(w - 1), w - lead)] = 1;
    const one = w - lead === 1;
    this.#signatures2[
      signature2(v.charCodeAt(one ? lead : lead + 1), v.charCodeAt(one ? lead : w - 2), w - lead)
    ] = 1;
  }

  get empty(): boolean {
    return this.#values.size === 0;
  }

  /** See {@link Vault.findKnown}. */
  find(text: string, out: KnownMatch[], taken: readonly Span[]): void {
    const n = text.length;
    const sig2 = this.#signatures2;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 128 ? WORD_CLASS[c] !== 1 : !isWord(c)) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d < 128 ? WORD_CLASS[d] !== 1 : !isWord(d)) break;
        j++;
      }
      const one = j - i === 1;
      if (
        this.#signatures[signature(c, text.charCodeAt(j - 1), j - i)] &&
        sig2[signature2(one ? c : text.charCodeAt(i + 1), text.charCodeAt(one ? i : j - 2), j - i)]
      ) {
        const shapes = this.#byFirstWord.get(text.slice(i, j));
        if (shapes) {
          for (const { lead, length } of shapes) {
            const start = i - lead;
            const end = start + length;
            if (start < 0 || end > n || end < j) continue;
            if (start > 0 && lead === 0 && isWord(text.charCodeAt(start - 1))) continue;
            if (end < n && isWord(text.charCodeAt(end)) && isWord(text.charCodeAt(end - 1))) continue;
            const entry = this.#values.get(text.slice(start, end));
            if (entry === undefined) continue;
            if (taken.length > 0 && cutsInto(start, end, entry.type, taken)) continue;
            out.push({ start, end, entry });
            j = end;
            break;
          }
        }
      }
      i = j;
    }
  }
}

/** A 16-bit signature of a string: its length and its first and last code units. */
const shapeOf = (v: string): number =>
  (Math.imul(v.charCodeAt(0), 961) + Math.imul(v.charCodeAt(v.length - 1), 31) + v.length) & 0xffff;

/** A vault entry as the vault keeps it: `remembered` may be switched on later, in place. */
type Held = { -readonly [K in keyof VaultEntry]: VaultEntry[K] };

/** Session-scoped token ↔ value map. Create one per session; do not share across users. */
export class Vault {
  readonly #byString = new Map<string, Held>();
  readonly #byNumber = new Map<string, Held>();
  /** Values found by position that no lookup or scan may find ({@link IssueOptions.local}). */
  readonly #local = new Map<string, Held>();
  /** Entries by type, the `n`-th at `n - 1`: a token is resolved by parsing it (no map of token strings). */
  readonly #byType = new Map<string, Held[]>();
  /** Every entry in issue order. */
  readonly #order: Held[] = [];
  /** The longest string value held: longer strings are not looked up (no hashing of long texts). */
  #longest = 0;
  /**
   * The (length, first and last character) signatures of the string values held: a string whose
   * signature no value has is not looked up, so the many strings of a result that are no value (ids,
   * timestamps, messages) are never hashed for the lookup.
   */
  readonly #shapes = new Uint8Array(65536);
  #rememberedVersion = 0;
  /** Indexes of known values, grown as values are added (never rebuilt: a large vault stays cheap). */
  readonly #remembered = new KnownValues();
  /** Built on the first scan for all values (redaction), then kept up to date: tokenizing never pays for it. */
  #all: KnownValues | undefined;

  /**
   * The token for `value` of `type`, issuing a new one the first time a value is seen. A value seen as
   * a JSON number and as a string (`4155552671` and `"4155552671"`) gets one token; it is restored as
   * whichever it was first seen as.
   */
  issue(type: string, value: string, options?: IssueOptions): string {
    const numeric = options?.numeric === true;
    const remember = options?.remember === true;
    const same = numeric ? this.#byNumber : this.#byString;
    let known = same.get(value);
    if (known === undefined) {
      const other = numeric ? this.#byString : this.#byNumber;
      if (other.size > 0) {
        known = other.get(value);
        if (known !== undefined) {
          same.set(value, known);
          if (!numeric) this.#shapes[shapeOf(value)] = 1;
        }
      }
    }
    if (known !== undefined) {
      if (remember && !known.remembered) this.#remember(known);
      return known.token;
    }
    const local = options?.local === true && !remember;
    if (this.#local.size > 0) {
      const held = this.#local.get(value);
      if (held !== undefined) {
        if (local) return held.token;
        this.#local.delete(value);
        this.#index(held);
        if (remember) this.#remember(held);
        return held.token;
      }
    }
    let list = this.#byType.get(type);
    if (list === undefined) {
      list = [];
      this.#byType.set(type, list);
    }
    const entry: Held = {
      token: formatToken(type, list.length + 1),
      type,
      value,
      numeric,
      remembered: false,
    };
    list.push(entry);
    this.#order.push(entry);
    if (local) this.#local.set(value, entry);
    else {
      this.#index(entry);
      if (remember) this.#remember(entry);
    }
    return entry.token;
  }

  /** Makes `entry` findable by lookups and (once indexed) by scans for all values. */
  #index(entry: Held): void {
    const v = entry.value;
    if (entry.numeric) this.#byNumber.set(v, entry);
    else {
      this.#byString.set(v, entry);
      if (v.length > this.#longest) this.#longest = v.length;
      this.#shapes[shapeOf(v)] = 1;
    }
    if (entry.type !== ESCAPE_TYPE && entry.value.length >= 2) this.#all?.add(entry);
  }

  #remember(entry: Held): void {
    entry.remembered = true;
    if (entry.type === ESCAPE_TYPE || entry.value.length < 2) return;
    this.#remembered.add(entry);
    this.#rememberedVersion++;
  }

  /** The entry a token stands for, or undefined when this vault never issued it. */
  resolve(token: string): VaultEntry | undefined {
    const us = token.lastIndexOf("_");
    if (us < 2 || token.charCodeAt(0) !== 91 || token.charCodeAt(token.length - 1) !== 93) return undefined;
    const digits = token.slice(us + 1, -1);
    if (!/^[1-9][0-9]{0,8}$/.test(digits)) return undefined;
    const entry = this.#byType.get(token.slice(1, us))?.[Number(digits) - 1];
    return entry !== undefined && entry.token === token ? entry : undefined;
  }

  /** The entry holding exactly this string value (not a number's, nor a local one), if any. */
  lookup(value: string): VaultEntry | undefined {
    if (value.length > this.#longest || this.#shapes[shapeOf(value)] === 0) return undefined;
    return this.#byString.get(value);
  }

  /** Changes whenever a remembered value is added: results of scans for remembered values depend on it. */
  get rememberedRevision(): number {
    return this.#rememberedVersion;
  }

  /** Number of values held. */
  get size(): number {
    return this.#order.length;
  }

  /** Every entry, in issue order. */
  entries(): IterableIterator<VaultEntry> {
    return this.#order.values();
  }

  /**
   * Pushes every whole-word occurrence in `text` of a remembered value (`remembered`), or of any personal
   * value (`all`, literal escapes excluded). Longer values win (`Ann Lee` over `Ann`). An occurrence that
   * overlaps a span of `taken` (values detectors found, sorted, not overlapping) of another type without
   * containing it whole is skipped, so a name is never replaced inside an email address. The indexes
   * grow as values are added: a scan costs the same with 25,000 values as with ten.
   */
  findKnown(text: string, which: "remembered" | "all", out: KnownMatch[], taken: readonly Span[] = []): void {
    let index = this.#remembered;
    if (which === "all") {
      if (this.#all === undefined) {
        this.#all = new KnownValues();
        for (const e of this.#order) {
          if (e.type !== ESCAPE_TYPE && e.value.length >= 2 && !this.#local.has(e.value)) this.#all.add(e);
        }
      }
      index = this.#all;
    }
    if (!index.empty) index.find(text, out, taken);
  }
}
