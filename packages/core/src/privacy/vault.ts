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
  numeric?: boolean;
  remember?: boolean;
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
  for (const t of taken) {
    if (t.start < end && start < t.end && (t.start < start || t.end > end) && t.type !== type) return true;
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
 * Finds known values as whole words. Values are indexed by their first word, so a scan costs one pass over
 * the text's words and a map lookup per word, whatever the number of values (a regex alternation of
 * thousands of values runs at about 1 MB/s). Words whose signature (first and last character, length)
 * no indexed word has are skipped without a lookup. A value's leading non-word characters (`+1 ...`,
 * `(415) ...`) are checked just before the word.
 */
class KnownValues {
  readonly #byFirstWord = new Map<string, { entry: VaultEntry; lead: number }[]>();
  readonly #signatures = new Uint8Array(65536);

  constructor(entries: VaultEntry[]) {
    for (const entry of entries) {
      const v = entry.value;
      let lead = 0;
      while (lead < v.length && !isWord(v.charCodeAt(lead))) lead++;
      let w = lead;
      while (w < v.length && isWord(v.charCodeAt(w))) w++;
      if (w === lead) continue; // no word at all: nothing to anchor on
      const first = v.slice(lead, w);
      const list = this.#byFirstWord.get(first);
      if (list) list.push({ entry, lead });
      else this.#byFirstWord.set(first, [{ entry, lead }]);
      this.#signatures[signature(v.charCodeAt(lead), v.charCodeAt(w - 1), w - lead)] = 1;
    }
    for (const list of this.#byFirstWord.values())
      list.sort((a, b) => b.entry.value.length - a.entry.value.length);
  }

  /** See {@link Vault.findKnown}. */
  find(text: string, out: KnownMatch[], taken: readonly Span[]): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (!isWord(c)) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < n && isWord(text.charCodeAt(j))) j++;
      if (this.#signatures[signature(c, text.charCodeAt(j - 1), j - i)]) {
        const list = this.#byFirstWord.get(text.slice(i, j));
        if (list) {
          for (const { entry, lead } of list) {
            const start = i - lead;
            const end = start + entry.value.length;
            if (start < 0 || (start > 0 && lead === 0 && isWord(text.charCodeAt(start - 1)))) continue;
            if (!text.startsWith(entry.value, start)) continue;
            if (end < n && isWord(text.charCodeAt(end)) && isWord(text.charCodeAt(end - 1))) continue;
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

/** Session-scoped token ↔ value map. Create one per session; do not share across users. */
export class Vault {
  readonly #byString = new Map<string, VaultEntry>();
  readonly #byNumber = new Map<string, VaultEntry>();
  readonly #byToken = new Map<string, VaultEntry>();
  readonly #counters = new Map<string, number>();
  /** The longest string value held: longer strings are not looked up (no hashing of long texts). */
  #longest = 0;
  /** Bumped when a remembered value, or any personal value, is added: the known-value indexes' keys. */
  #rememberedVersion = 0;
  #allVersion = 0;
  #remembered: { version: number; index: KnownValues | undefined } = { version: -1, index: undefined };
  #all: { version: number; index: KnownValues | undefined } = { version: -1, index: undefined };

  /** The token for `value` of `type`, issuing a new one the first time a value is seen. */
  issue(type: string, value: string, options: IssueOptions = {}): string {
    const numeric = options.numeric === true;
    const known = (numeric ? this.#byNumber : this.#byString).get(value);
    if (known !== undefined) {
      if (options.remember && !known.remembered) this.#set({ ...known, remembered: true });
      return known.token;
    }
    const n = (this.#counters.get(type) ?? 0) + 1;
    this.#counters.set(type, n);
    const entry: VaultEntry = {
      token: formatToken(type, n),
      type,
      value,
      numeric,
      remembered: options.remember === true,
    };
    this.#set(entry);
    return entry.token;
  }

  #set(entry: VaultEntry): void {
    (entry.numeric ? this.#byNumber : this.#byString).set(entry.value, entry);
    if (!entry.numeric && entry.value.length > this.#longest) this.#longest = entry.value.length;
    this.#byToken.set(entry.token, entry);
    if (entry.type !== ESCAPE_TYPE) this.#allVersion++;
    if (entry.remembered) this.#rememberedVersion++;
  }

  /** The entry a token stands for, or undefined when this vault never issued it. */
  resolve(token: string): VaultEntry | undefined {
    return this.#byToken.get(token);
  }

  /** The entry holding exactly this string value (not a number's), if any. */
  lookup(value: string): VaultEntry | undefined {
    return value.length > this.#longest ? undefined : this.#byString.get(value);
  }

  /** Changes whenever a remembered value is added: results of scans for remembered values depend on it. */
  get rememberedRevision(): number {
    return this.#rememberedVersion;
  }

  /** Number of values held. */
  get size(): number {
    return this.#byToken.size;
  }

  /** Every entry, in issue order. */
  entries(): IterableIterator<VaultEntry> {
    return this.#byToken.values();
  }

  /**
   * Pushes every whole-word occurrence in `text` of a remembered value (`remembered`), or of any personal
   * value (`all`, literal escapes excluded). Longer values win (`Ann Lee` over `Ann`). An occurrence that
   * overlaps a span of `taken` (values detectors found) of another type without containing it whole is
   * skipped, so a name is never replaced inside an email address. The index is rebuilt only when such a value was added.
   */
  findKnown(text: string, which: "remembered" | "all", out: KnownMatch[], taken: readonly Span[] = []): void {
    const cache = which === "remembered" ? this.#remembered : this.#all;
    const version = which === "remembered" ? this.#rememberedVersion : this.#allVersion;
    if (cache.version !== version) {
      const entries: VaultEntry[] = [];
      for (const e of this.#byToken.values()) {
        if (e.type === ESCAPE_TYPE || e.value.length < 2) continue;
        if (which === "remembered" && !e.remembered) continue;
        entries.push(e);
      }
      cache.version = version;
      cache.index = entries.length === 0 ? undefined : new KnownValues(entries);
    }
    cache.index?.find(text, out, taken);
  }
}
