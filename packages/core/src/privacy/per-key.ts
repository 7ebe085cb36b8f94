import { detach } from "./detach.js";

/** Strings remembered per cache before it starts over: a bound on memory whatever a result holds. */
const MAX_KEYS = 4096;
/** What a cache holds for `undefined`, so a remembered `undefined` is told from one never read. */
const NONE = Symbol("none");

/**
 * `read` remembered per string, for a bounded number of strings: the same few property names (or mail
 * domains) come back in every object of a list, and reading one (splitting it into words, a regex or two)
 * costs more than the scan it gates.
 */
export function perKey<T>(read: (key: string) => T): (key: string) => T {
  const seen = new Map<string, T | typeof NONE>();
  return (key) => {
    const known = seen.get(key);
    if (known !== undefined) return (known === NONE ? undefined : known) as T;
    if (seen.size >= MAX_KEYS) seen.clear();
    const value = read(key);
    // A copy of the key: a slice of a scanned text would keep the whole text alive.
    seen.set(detach(key), value === undefined ? NONE : value);
    return value;
  };
}
