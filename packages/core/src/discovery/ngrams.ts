/**
 * Character n-grams of words: a second view of the text that matches what word terms miss, such as
 * compounds written as one identifier (`wordcloud` vs `word cloud`), inflections the stemmer leaves apart,
 * and words of languages the stemmer does not know.
 */
import { isStopWord, splitWords } from "./analyze.js";
import type { Vocabulary } from "./vocabulary.js";

/** Length of the character n-grams. */
export const NGRAM = 3;

/** The n-grams of one lower-case word, with `^`/`$` marking its edges (`pdf` → `^pd`, `pdf`, `df$`). */
export function wordNgrams(word: string, out: string[]): void {
  const padded = `^${word}$`;
  for (let i = 0; i + NGRAM <= padded.length; i++) out.push(padded.slice(i, i + NGRAM));
}

/** The n-grams of a text's words, stop words and one-letter words left out. */
export function ngrams(text: string): string[] {
  const out: string[] = [];
  for (const word of splitWords(text)) if (word.length > 1 && !isStopWord(word)) wordNgrams(word, out);
  return out;
}

/** {@link ngrams} to term ids, remembering each word's ids (words recur across a catalogue). */
export class NgramAnalyzer {
  private readonly words = new Map<string, readonly number[]>();
  private readonly scratch: string[] = [];

  constructor(private readonly vocabulary: Vocabulary) {}

  ids(text: string): number[] {
    const out: number[] = [];
    for (const word of splitWords(text)) {
      if (word.length < 2 || isStopWord(word)) continue;
      let ids = this.words.get(word);
      if (ids === undefined) {
        this.scratch.length = 0;
        wordNgrams(word, this.scratch);
        ids = this.vocabulary.addAll(this.scratch);
        this.words.set(word, ids);
      }
      for (const id of ids) out.push(id);
    }
    return out;
  }
}
