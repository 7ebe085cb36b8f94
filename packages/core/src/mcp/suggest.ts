/** Close-name suggestions for "no tool named ..." errors. */

/** Edit distance between two strings (Levenshtein, two rows). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Normalizes case and separators so `createIssue`, `create_issue` and `create-issue` compare equal. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_\s.]/g, "");
}

/**
 * Up to `limit` candidates closest to `name`: the same name in another spelling, names containing it, then
 * small edit distances (at most a third of the name's length).
 */
export function suggestNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const wanted = normalize(name);
  const scored: Array<{ candidate: string; score: number }> = [];
  for (const candidate of candidates) {
    const other = normalize(candidate);
    let score: number;
    if (other === wanted) score = 0;
    else if (wanted.length >= 3 && (other.includes(wanted) || wanted.includes(other))) score = 1;
    else {
      const d = distance(wanted, other);
      if (d > Math.max(2, Math.floor(wanted.length / 3))) continue;
      score = 1 + d;
    }
    scored.push({ candidate, score });
  }
  scored.sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate));
  return scored.slice(0, limit).map((entry) => entry.candidate);
}
