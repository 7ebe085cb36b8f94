/**
 * The real tool names nearest to a name that does not exist, for "did you mean": the same name in
 * another spelling or a small typo first (edit distance), else the names sharing the most words with it
 * (`weather.getCityForecast` → `weather.get_forecast`), words split and stemmed as search does.
 */
import { suggestNames } from "../mcp/suggest.js";
import { analyze } from "./analyze.js";

/** Up to `limit` ids from `ids` nearest to `name`, best first; none when nothing is close. */
export function nearestToolNames(name: string, ids: Iterable<string>, limit = 3): string[] {
  const list = [...ids];
  const spelled = suggestNames(name, list, limit);
  if (spelled.length) return spelled;
  const wanted = new Set(analyze(name));
  if (!wanted.size) return [];
  const server = name.includes(".") ? name.slice(0, name.indexOf(".")) : undefined;
  const scored: { id: string; score: number }[] = [];
  for (const id of list) {
    const words = new Set(analyze(id));
    let shared = 0;
    for (const word of words) if (wanted.has(word)) shared++;
    if (!shared) continue;
    // Jaccard overlap; a name in the same server wins ties.
    const score =
      shared / (wanted.size + words.size - shared) + (server && id.startsWith(`${server}.`) ? 0.01 : 0);
    scored.push({ id, score });
  }
  scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  return scored.slice(0, limit).map((entry) => entry.id);
}
