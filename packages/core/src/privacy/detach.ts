/**
 * A copy of `s` that keeps no larger string alive. V8 cuts a substring of 13 or more characters as a view
 * into its parent (a sliced string), so a cache or vault keeping `text.slice(a, b)` keeps all of `text`:
 * a 10 MB tool result would stay in memory for as long as the cache or the session lives. Called only
 * when a value is stored (a cache miss, a new vault value), never per scan.
 */
export function detach(s: string): string {
  // Shorter substrings are copies already. Slicing a fresh concatenation flattens it into a new string.
  return s.length < 13 ? s : ` ${s}`.slice(1);
}
