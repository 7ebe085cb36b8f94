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

const WORD_BEFORE = "(?<![A-Za-z0-9_])";
const WORD_AFTER = "(?![A-Za-z0-9_])";
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Session-scoped token ↔ value map. Create one per session; do not share across users. */
export class Vault {
  readonly #byValue = new Map<string, VaultEntry>();
  readonly #byToken = new Map<string, VaultEntry>();
  readonly #counters = new Map<string, number>();
  #version = 0;
  #remembered: { version: number; pattern: RegExp | undefined } = { version: -1, pattern: undefined };
  #all: { version: number; pattern: RegExp | undefined } = { version: -1, pattern: undefined };

  /** The token for `value` of `type`, issuing a new one the first time a value is seen. */
  issue(type: string, value: string, options: IssueOptions = {}): string {
    const numeric = options.numeric === true;
    const key = (numeric ? "#" : "$") + value;
    const known = this.#byValue.get(key);
    if (known !== undefined) {
      if (options.remember && !known.remembered) this.#set(key, { ...known, remembered: true });
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
    this.#set(key, entry);
    return entry.token;
  }

  #set(key: string, entry: VaultEntry): void {
    this.#byValue.set(key, entry);
    this.#byToken.set(entry.token, entry);
    this.#version++;
  }

  /** The entry a token stands for, or undefined when this vault never issued it. */
  resolve(token: string): VaultEntry | undefined {
    return this.#byToken.get(token);
  }

  /** The entry holding exactly this string value (not a number's), if any. */
  lookup(value: string): VaultEntry | undefined {
    return this.#byValue.get(`$${value}`);
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
   * A pattern matching, as whole words, every remembered value (`remembered`), or every personal value
   * (`all`, literal escapes excluded). Longest first, so `Ann Lee` wins over `Ann`. Cached until the vault
   * changes.
   */
  valuePattern(which: "remembered" | "all"): RegExp | undefined {
    const cache = which === "remembered" ? this.#remembered : this.#all;
    if (cache.version === this.#version) return cache.pattern;
    const values = new Set<string>();
    for (const e of this.#byToken.values()) {
      if (e.type === ESCAPE_TYPE || e.value.length < 2) continue;
      if (which === "remembered" && !e.remembered) continue;
      values.add(e.value);
    }
    cache.version = this.#version;
    cache.pattern =
      values.size === 0
        ? undefined
        : new RegExp(
            `${WORD_BEFORE}(?:${[...values]
              .sort((a, b) => b.length - a.length)
              .map(escapeRegExp)
              .join("|")})${WORD_AFTER}`,
            "g",
          );
    return cache.pattern;
  }
}
