/**
 * The vault: the host-side map between tokens and the raw values they stand for. It lives with one session
 * (one agent conversation, one MCP client) and never enters a sandbox. The same value always gets the
 * same token; a token it did not issue resolves to nothing.
 */

import { detach } from "./detach.js";
import type { TextProfile, WordFilter } from "./profile.js";
import { ESCAPE_TYPE, formatToken } from "./tokens.js";
import { hashRange, IdTable, ValueStore } from "./value-store.js";
import { asciiOfWide } from "./wide.js";

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
/**
 * The flag tables below start as this one, shared and never written, and get their own 64 KiB on the
 * first value: a vault that never holds one (most sessions of a server) costs no table memory.
 */
const NO_FLAGS = new Uint8Array(65536);
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
  /** The value's type. */
  type: string;
}

/** A 16-bit signature of a word: its first and last characters and its length. */
export const signature = (first: number, last: number, length: number): number =>
  (Math.imul(first, 961) + Math.imul(last, 31) + length) & 0xffff;
/**
 * A second, independent 16-bit signature of a word (its second and next-to-last characters and its
 * length): a word must match both tables before it is sliced and looked up, so common words rarely are.
 */
export const signature2 = (second: number, penult: number, length: number): number =>
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
export class KnownValues implements WordFilter {
  /** First word → the (lead, length) shapes of its values, longest first. */
  readonly #byFirstWord = new Map<string, { lead: number; length: number }[]>();
  /** Value → its type. */
  readonly #values = new Map<string, string>();
  #signatures = NO_FLAGS;
  #signatures2 = NO_FLAGS;
  /** The {@link shapeOf} of every value: a candidate span whose shape is unmarked is no value, unread. */
  #shapes = NO_FLAGS;
  /** Grows with every value added: word lists a profile made earlier are stale once it changes. */
  version = 0;

  get first(): Uint8Array {
    return this.#signatures;
  }

  get second(): Uint8Array {
    return this.#signatures2;
  }
  /** Some value holds a line break, so an occurrence may span lines (see {@link Vault.knownSpanLines}). */
  multiline = false;

  /** Indexes one more value (values are only ever added: the index grows with the vault). */
  add(v: string, type: string): void {
    if (this.#values.has(v)) return;
    let lead = 0;
    while (lead < v.length && !isWord(v.charCodeAt(lead))) lead++;
    let w = lead;
    while (w < v.length && isWord(v.charCodeAt(w))) w++;
    if (w === lead) return; // no word at all: nothing to anchor on
    this.#values.set(v, type);
    if (this.#shapes === NO_FLAGS) {
      this.#shapes = new Uint8Array(65536);
      this.#signatures = new Uint8Array(65536);
      this.#signatures2 = new Uint8Array(65536);
    }
    this.#shapes[shapeOf(v)] = 1;
    this.version++;
    if (v.indexOf("\n") !== -1) this.multiline = true;
    const first = v.slice(lead, w);
    const shapes = this.#byFirstWord.get(first);
    if (shapes === undefined) this.#byFirstWord.set(first, [{ lead, length: v.length }]);
    else {
      // Kept longest first, a new shape after those as long: one pass, no sort (a common first word, an
      // email's local part, has many).
      let at = 0;
      let held = false;
      for (; at < shapes.length && shapes[at]!.length >= v.length && !held; at++)
        held = shapes[at]!.length === v.length && shapes[at]!.lead === lead;
      if (!held) shapes.splice(at, 0, { lead, length: v.length });
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
  find(text: string, out: KnownMatch[], taken: readonly Span[], profile?: TextProfile): void {
    // The words the character profile found passing both signatures, when it read them for this index.
    if (
      profile !== undefined &&
      profile.text === text &&
      profile.words === this &&
      profile.wordsAt === this.version
    ) {
      const words = profile.knownWords!;
      let resume = 0;
      for (let k = 0; k < words.length; k += 2) {
        const i = words[k]!;
        if (i >= resume) resume = this.#at(text, i, words[k + 1]!, out, taken);
      }
      return;
    }
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
        j = this.#at(text, i, j, out, taken);
      }
      i = j;
    }
  }

  /**
   * The value found at the word `text.slice(i, j)` (whose signatures are indexed), if any, pushed onto
   * `out`; returns where the scan goes on: after the value, or after the word.
   */
  #at(text: string, i: number, j: number, out: KnownMatch[], taken: readonly Span[]): number {
    const shapes = this.#byFirstWord.get(text.slice(i, j));
    if (shapes === undefined) return j;
    const n = text.length;
    for (const { lead, length } of shapes) {
      const start = i - lead;
      const end = start + length;
      if (start < 0 || end > n || end < j) continue;
      if (start > 0 && lead === 0 && isWord(text.charCodeAt(start - 1))) continue;
      if (end < n && isWord(text.charCodeAt(end)) && isWord(text.charCodeAt(end - 1))) continue;
      // `shapeOf(text.slice(start, end))`, read without making the slice.
      if (this.#shapes[signature(text.charCodeAt(start), text.charCodeAt(end - 1), length)] === 0) continue;
      const type = this.#values.get(text.slice(start, end));
      if (type === undefined) continue;
      if (taken.length > 0 && cutsInto(start, end, type, taken)) continue;
      out.push({ start, end, type });
      return end;
    }
    return j;
  }
}

/** A 16-bit signature of a string: its length and its first and last code units. */
const shapeOf = (v: string): number => signature(v.charCodeAt(0), v.charCodeAt(v.length - 1), v.length);

const NUMERIC = 1;
const REMEMBERED = 2;

/** `a` in an array twice its length. */
function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

// The privacy modules' access to a vault beyond its public interface. Each is assigned once, by
// {@link Vault}'s static block (which can reach its private members), before any vault exists.

/** The index of `vault`'s remembered values, whose word signatures a character profile may read. */
export let rememberedIndex: (vault: Vault) => KnownValues;

/** {@link Vault.findKnown} reading the words `profile` (of `text`) lists, when it has them. */
export let findKnownIn: (
  vault: Vault,
  text: string,
  which: "remembered" | "all",
  out: KnownMatch[],
  taken: readonly Span[],
  profile: TextProfile | undefined,
) => void;

/** The token of {@link Vault.lookup}'s entry, without making the entry. */
export let lookupToken: (vault: Vault, value: string) => string | undefined;

/**
 * {@link Vault.issue} for the value `text.slice(start, end)`, read in place: a value already held costs
 * no string at all (tokenizing a long text reads its values straight from it).
 */
export let issueRange: (
  vault: Vault,
  type: string,
  text: string,
  start: number,
  end: number,
  options?: IssueOptions,
) => string;

/**
 * Session-scoped token ↔ value map. Create one per session; do not share across users.
 *
 * Entries are kept as columns indexed by issue order (values in a {@link ValueStore}, types, numbers
 * within their type, flags), not as one object each, and tokens are formatted when asked for: a 10 MB
 * log adds some 200,000 values, and every object kept per value is one more the garbage collector
 * copies while the log is scanned. {@link VaultEntry} objects are made on demand.
 */
export class Vault {
  readonly #store = new ValueStore();
  /** Ids of string values, and of numbers' digits. */
  readonly #byString = new IdTable(this.#store);
  readonly #byNumber = new IdTable(this.#store);
  /** Values found by position that no lookup or scan may find ({@link IssueOptions.local}). */
  readonly #local = new IdTable(this.#store);
  /**
   * Two numbers per id: type index * 4 + flags ({@link NUMERIC}, {@link REMEMBERED}), and the entry's
   * number within its type (`[EMAIL_3]`: 3). Typed arrays: no object per entry, and no growth of a
   * JavaScript array per value.
   */
  #meta: Int32Array = new Int32Array(128);
  /** Type names by index, and each type's ids in order (its count is the last id's number). */
  readonly #types: string[] = [];
  readonly #typeIndex = new Map<string, number>();
  #idsByType: Int32Array[] = [];
  readonly #typeCount: number[] = [];
  /** The longest string value held: longer strings are not looked up (no hashing of long texts). */
  #longest = 0;
  /**
   * The (length, first and last character) signatures of the string values held: a string whose
   * signature no value has is not looked up, so the many strings of a result that are no value (ids,
   * timestamps, messages) are never hashed for the lookup.
   */
  #shapes = NO_FLAGS;
  #rememberedVersion = 0;
  /** Indexes of known values, grown as values are added (never rebuilt: a large vault stays cheap). */
  readonly #remembered = new KnownValues();
  /** Built on the first scan for all values (redaction), then kept up to date: tokenizing never pays for it. */
  #all: KnownValues | undefined;

  static {
    issueRange = (vault, type, text, start, end, options) => vault.#issue(type, text, start, end, options);
    rememberedIndex = (vault) => vault.#remembered;
    findKnownIn = (vault, text, which, out, taken, profile) =>
      vault.#findKnown(text, which, out, taken, profile);
    lookupToken = (vault, value) => {
      const id = vault.#lookup(value);
      return id < 0 ? undefined : vault.#token(id);
    };
  }

  /**
   * The token for `value` of `type`, issuing a new one the first time a value is seen. A value seen as
   * a JSON number and as a string (`4155552671` and `"4155552671"`) gets one token; it is restored as
   * whichever it was first seen as.
   */
  issue(type: string, value: string, options?: IssueOptions): string {
    return this.#issue(type, value, 0, value.length, options);
  }

  #issue(type: string, text: string, start: number, end: number, options?: IssueOptions): string {
    const numeric = options?.numeric === true;
    const remember = options?.remember === true;
    const hash = hashRange(text, start, end);
    /** The value as a string when it is the whole of `text` (else made only if needed). */
    const whole = start === 0 && end === text.length ? text : undefined;
    const same = numeric ? this.#byNumber : this.#byString;
    let known = same.get(text, start, end, hash);
    if (known < 0) {
      const other = numeric ? this.#byString : this.#byNumber;
      if (other.size > 0) {
        known = other.get(text, start, end, hash);
        if (known >= 0) {
          same.add(known, hash);
          if (!numeric) this.#markShape(this.#shapeOf(known));
        }
      }
    }
    if (known >= 0) {
      if (remember && (this.#meta[known * 2]! & REMEMBERED) === 0) this.#remember(known, whole);
      return this.#token(known);
    }
    const local = options?.local === true && !remember;
    if (this.#local.size > 0) {
      const held = this.#local.get(text, start, end, hash);
      if (held >= 0) {
        if (local) return this.#token(held);
        this.#local.delete(held, hash);
        this.#index(held, hash, whole);
        if (remember) this.#remember(held, whole);
        return this.#token(held);
      }
    }
    let t = this.#typeIndex.get(type);
    if (t === undefined) {
      t = this.#types.length;
      this.#types.push(type);
      this.#typeIndex.set(type, t);
      this.#idsByType.push(new Int32Array(16));
      this.#typeCount.push(0);
    }
    const id = this.#store.add(text, start, end);
    const nth = this.#typeCount[t]! + 1;
    this.#typeCount[t] = nth;
    let ids = this.#idsByType[t]!;
    if (nth > ids.length) {
      ids = grown(ids);
      this.#idsByType[t] = ids;
    }
    ids[nth - 1] = id;
    if (id * 2 + 2 > this.#meta.length) this.#meta = grown(this.#meta);
    this.#meta[id * 2] = t * 4 + (numeric ? NUMERIC : 0);
    this.#meta[id * 2 + 1] = nth;
    if (local) this.#local.add(id, hash);
    else {
      this.#index(id, hash, whole);
      if (remember) this.#remember(id, whole);
    }
    return formatToken(type, nth);
  }

  #token(id: number): string {
    return formatToken(this.#types[this.#meta[id * 2]! >> 2]!, this.#meta[id * 2 + 1]!);
  }

  #entry(id: number, value = this.#store.value(id)): VaultEntry {
    const meta = this.#meta[id * 2]!;
    const type = this.#types[meta >> 2]!;
    return {
      token: formatToken(type, this.#meta[id * 2 + 1]!),
      type,
      value,
      numeric: (meta & NUMERIC) !== 0,
      remembered: (meta & REMEMBERED) !== 0,
    };
  }

  /** Marks a string value's shape, the table made on the first (see {@link NO_FLAGS}). */
  #markShape(shape: number): void {
    if (this.#shapes === NO_FLAGS) this.#shapes = new Uint8Array(65536);
    this.#shapes[shape] = 1;
  }

  /** The signature ({@link shapeOf}) of value `id`. */
  #shapeOf(id: number): number {
    const s = this.#store;
    const n = s.lengthOf(id);
    return signature(s.codeAt(id, 0), s.codeAt(id, n - 1), n);
  }

  /** Makes entry `id` (its value's hash `hash`) findable by lookups and (once indexed) by scans for all values. */
  #index(id: number, hash: number, value?: string): void {
    const meta = this.#meta[id * 2]!;
    const n = this.#store.lengthOf(id);
    if ((meta & NUMERIC) !== 0) this.#byNumber.add(id, hash);
    else {
      this.#byString.add(id, hash);
      if (n > this.#longest) this.#longest = n;
      this.#markShape(this.#shapeOf(id));
    }
    const type = this.#types[meta >> 2]!;
    if (this.#all !== undefined && type !== ESCAPE_TYPE && n >= 2)
      this.#all.add(value === undefined ? this.#store.value(id) : detach(value), type);
  }

  #remember(id: number, value?: string): void {
    this.#meta[id * 2]! |= REMEMBERED;
    const type = this.#types[this.#meta[id * 2]! >> 2]!;
    if (type === ESCAPE_TYPE || this.#store.lengthOf(id) < 2) return;
    const v = value === undefined ? this.#store.value(id) : detach(value);
    this.#remembered.add(v, type);
    // A value remembered in full width is looked for in ASCII too. Its copy there gets a token of its own,
    // restored in ASCII: a tool given it back gets the form it can use.
    const ascii = asciiOfWide(v, 0, v.length);
    if (ascii !== undefined) this.#remembered.add(ascii, type);
    this.#rememberedVersion++;
  }

  /** The entry a token stands for, or undefined when this vault never issued it. */
  resolve(token: string): VaultEntry | undefined {
    const us = token.lastIndexOf("_");
    if (us < 2 || token.charCodeAt(0) !== 91 || token.charCodeAt(token.length - 1) !== 93) return undefined;
    const digits = token.slice(us + 1, -1);
    if (!/^[1-9][0-9]{0,8}$/.test(digits)) return undefined;
    const t = this.#typeIndex.get(token.slice(1, us));
    if (t === undefined) return undefined;
    const n = Number(digits);
    return n > this.#typeCount[t]! ? undefined : this.#entry(this.#idsByType[t]![n - 1]!);
  }

  /** The entry holding exactly this string value (not a number's, nor a local one), if any. */
  lookup(value: string): VaultEntry | undefined {
    const id = this.#lookup(value);
    return id < 0 ? undefined : this.#entry(id, value);
  }

  #lookup(value: string): number {
    if (value.length > this.#longest || this.#shapes[shapeOf(value)] === 0) return -1;
    return this.#byString.get(value, 0, value.length, hashRange(value, 0, value.length));
  }

  /** Changes whenever a remembered value is added: results of scans for remembered values depend on it. */
  get rememberedRevision(): number {
    return this.#rememberedVersion;
  }

  /** Number of values held. */
  get size(): number {
    return this.#store.size;
  }

  /** Every entry, in issue order. */
  *entries(): IterableIterator<VaultEntry> {
    for (let id = 0; id < this.#store.size; id++) yield this.#entry(id);
  }

  /**
   * True when a value a scan for `which` looks for holds a line break, so an occurrence may span lines
   * (a text is then not scanned line-aligned piece by piece).
   */
  knownSpanLines(which: "remembered" | "all"): boolean {
    return which === "remembered" ? this.#remembered.multiline : (this.#all?.multiline ?? true);
  }

  /**
   * Pushes every whole-word occurrence in `text` of a remembered value (`remembered`), or of any personal
   * value (`all`, literal escapes excluded). Longer values win (`Ann Lee` over `Ann`). An occurrence that
   * overlaps a span of `taken` (values detectors found, sorted, not overlapping) of another type without
   * containing it whole is skipped, so a name is never replaced inside an email address. The indexes
   * grow as values are added: a scan costs the same with 25,000 values as with ten.
   */
  findKnown(text: string, which: "remembered" | "all", out: KnownMatch[], taken: readonly Span[] = []): void {
    this.#findKnown(text, which, out, taken, undefined);
  }

  #findKnown(
    text: string,
    which: "remembered" | "all",
    out: KnownMatch[],
    taken: readonly Span[],
    profile: TextProfile | undefined,
  ): void {
    let index = this.#remembered;
    if (which === "all") {
      if (this.#all === undefined) {
        this.#all = new KnownValues();
        const store = this.#store;
        for (let id = 0; id < store.size; id++) {
          const type = this.#types[this.#meta[id * 2]! >> 2]!;
          if (type === ESCAPE_TYPE || store.lengthOf(id) < 2) continue;
          const v = store.value(id);
          if (this.#local.get(v, 0, v.length, hashRange(v, 0, v.length)) < 0) this.#all.add(v, type);
        }
      }
      index = this.#all;
    }
    if (!index.empty) index.find(text, out, taken, profile);
  }
}
