/**
 * The privacy guard's word lists (`words/common-words.txt`, `words/common-name-words.txt`) are generated
 * from two exact dev dependencies by scripts/common-words.ts; these tests fail when one is out of date or
 * a body word is a part of a name.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commonWordsText, NAME_WORDS_FILE, personNameParts, WORDS_FILE } from "../scripts/common-words.js";
import { BODY_WORDS } from "../src/privacy/fields.js";
import { commonWordsNotNames, commonWordsThatAreNames } from "../src/privacy/word-lists.js";

describe("privacy word lists", () => {
  it("words/common-words.txt is what scripts/common-words.ts makes (run `pnpm --filter @codecall/core words`)", () => {
    const text = commonWordsText();
    expect(text.length).toBeGreaterThan(100_000);
    // One comparison of the whole text: a diff of 56,000 lines would be unreadable.
    expect(readFileSync(WORDS_FILE, "utf8") === text).toBe(true);
    expect(commonWordsNotNames().size).toBe(text.split("\n").length - 1);
    // The common words that are parts of names, beside it (`will`, `grace`).
    const names = commonWordsText(true);
    expect(readFileSync(NAME_WORDS_FILE, "utf8") === names).toBe(true);
    expect(commonWordsThatAreNames().size).toBe(names.split("\n").length - 1);
    expect(commonWordsThatAreNames().has("will")).toBe(true);
  });

  it("no word that ends a company's or a unit's name is a part of a person's name", () => {
    const names = personNameParts();
    expect([...BODY_WORDS].filter((w) => names.has(w))).toEqual([]);
  });
});
