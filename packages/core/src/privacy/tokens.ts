/**
 * The token grammar. A token is `[TYPE_N]`: an upper-case type (letters, digits, underscores) and the
 * 1-based number the session's vault gave the value. Anything in a tool result that already matches this
 * grammar is itself vaulted (as an {@link ESCAPE_TYPE} token), so every token the program sees was issued
 * by the vault, and a literal look-alike round-trips unchanged.
 */

/** Matches every token-shaped substring. Global: reset `lastIndex` or use `matchAll`/`replace`. */
export const TOKEN_PATTERN = /\[[A-Z][A-Z0-9_]*_[1-9][0-9]*\]/g;

/** The type of tokens that stand for literal token-shaped text found in tool results. */
export const ESCAPE_TYPE = "LITERAL";

/** A token type: upper-case letters, digits and underscores, starting with a letter. */
export const TYPE_PATTERN = /^[A-Z][A-Z0-9_]*$/;

/** Formats the token for the `n`-th value of `type`. */
export function formatToken(type: string, n: number): string {
  return `[${type}_${n}]`;
}

/** The type named in a token (`[EMAIL_3]` → `EMAIL`), or undefined when `text` is not a token. */
export function tokenType(text: string): string | undefined {
  const m = /^\[([A-Z][A-Z0-9_]*)_[1-9][0-9]*\]$/.exec(text);
  return m?.[1];
}

/** True when `text` contains something shaped like a token (cheap: looks for `[` first). */
export function mayContainToken(text: string): boolean {
  if (text.indexOf("[") === -1) return false;
  TOKEN_PATTERN.lastIndex = 0;
  return TOKEN_PATTERN.test(text);
}
