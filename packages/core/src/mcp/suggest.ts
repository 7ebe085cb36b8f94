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

/** Optimal string alignment distance: Levenshtein plus swapping two neighbours, the commonest typo in keys. */
function alignmentDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The known key nearest to a misspelt one (`"polcy"` → `"policy"`), ignoring case: the smallest edit
 * distance, counting a swap of neighbours as one edit, at most a third of the key's length (at least 2).
 */
export function nearestKey(key: string, known: Iterable<string>): string | undefined {
  const wanted = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = alignmentDistance(wanted, name.toLowerCase());
    if (distance > Math.max(2, Math.floor(wanted.length / 3))) continue;
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best?.name;
}
