/**
 * Token counts for both modes, counted the same way: `@anthropic-ai/tokenizer` (the only offline Claude
 * tokenizer; it undercounts current models by about 9%, so absolute counts are approximate and ratios are
 * what to compare). One tokenizer instance serves the process, as building one per call is slow.
 */
import { getTokenizer } from "@anthropic-ai/tokenizer";

let tokenizer: ReturnType<typeof getTokenizer> | undefined;

export function countTokens(text: string): number {
  tokenizer ??= getTokenizer();
  return tokenizer.encode(text.normalize("NFKC"), "all").length;
}
