import { detach } from "./detach.js";

const MAX_KEYS = 4096;

/**
 * `test` remembered per property name (a bounded number of names): the same few names come back
 * in every object of a list, and splitting one into words costs more than the scan it gates.
 */
export function perKey(test: (key: string) => boolean): (key: string) => boolean {
  const seen = new Map<string, boolean>();
  return (key) => {
    let yes = seen.get(key);
    if (yes === undefined) {
      if (seen.size >= MAX_KEYS) seen.clear();
      yes = test(key);
      seen.set(detach(key), yes);
    }
    return yes;
  };
}
