/** Answer checks: numbers and phrases found in the model's text, compared with the ground truth. */
import type { CheckResult } from "../scenario.js";

/** Every number written in the text ("$1,958,249.36" -> 1958249.36). */
export function numbersIn(text: string): number[] {
  return [...text.matchAll(/-?\d[\d,]*(?:\.\d+)?/g)].map((m) => Number(m[0].replace(/,/g, "")));
}

/** Correct when the text states `expected` (within `tolerance`) and contains every phrase. */
export function expectAnswer(
  answer: string,
  expected: { number?: number; tolerance?: number; phrases?: string[]; describe: string },
): CheckResult {
  const problems: string[] = [];
  if (expected.number !== undefined) {
    const tolerance = expected.tolerance ?? 0.01;
    if (!numbersIn(answer).some((n) => Math.abs(n - expected.number!) <= tolerance))
      problems.push(`the answer does not state ${expected.number}`);
  }
  for (const phrase of expected.phrases ?? [])
    if (!answer.toLowerCase().includes(phrase.toLowerCase())) problems.push(`missing "${phrase}"`);
  return {
    correct: problems.length === 0,
    expected: expected.describe,
    ...(problems.length ? { problem: problems.join("; ") } : {}),
  };
}
