/**
 * Scores the public privacy API on the independent set, at the value level: a labelled value is found
 * when the vault holds it under its type and no copy of it survives in the output (text copies and
 * `\u`-escaped copies included); a vault value of a type that matches no label of that type is a false
 * positive; a hard negative is wrongly tokenized when it does not survive intact or a token covers it.
 */
import type { JsonValue } from "../../src/json.js";
import { createPrivacyGuard, Vault } from "../../src/privacy/index.js";
import { type Sample, SCORED_TYPES, type ScoredType } from "./generate.js";

export interface TypeScore {
  labels: number;
  found: number;
  entries: number;
  correct: number;
  precision: number;
  recall: number;
}
export interface Miss {
  sample: string;
  type: string;
  value: string;
  why: string;
}
export interface Score {
  types: Record<ScoredType, TypeScore>;
  negatives: number;
  negativesHit: number;
  negativeRate: number;
  negativeByKind: Record<string, { n: number; hit: number }>;
  misses: Miss[];
  falsePositives: Miss[];
  negativeHits: Miss[];
}

const decodeEscapes = (s: string) =>
  s.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));

function strings(v: unknown, out: string[]): void {
  if (typeof v === "string") {
    out.push(v);
    if (v.includes("\\u")) out.push(decodeEscapes(v));
  } else if (typeof v === "number") out.push(String(v));
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === "object") for (const x of Object.values(v)) strings(x, out);
}

const WORD = /[\p{L}\p{N}]/u;
/** `needle` occurs in `hay` not inside a longer word or number. */
function occurs(hay: string, needle: string): boolean {
  let i = hay.indexOf(needle);
  while (i >= 0) {
    const before = hay[i - 1];
    const after = hay[i + needle.length];
    const edgeOk = (c: string | undefined, inner: string | undefined) =>
      c === undefined || !(WORD.test(c) && WORD.test(inner ?? ""));
    if (edgeOk(before, needle[0]) && edgeOk(after, needle[needle.length - 1])) return true;
    i = hay.indexOf(needle, i + 1);
  }
  return false;
}

const withoutPhrases = (text: string, phrases: readonly string[]) =>
  phrases.reduce((t, p) => t.split(p).join(" "), text);

const overlaps = (value: string, core: string) =>
  value === core || (core.length >= 4 && value.length >= 4 && (value.includes(core) || core.includes(value)));

/** Runs every sample through a fresh guard (one session per result) and scores it. */
export function score(samples: readonly Sample[]): Score {
  const types = Object.fromEntries(
    SCORED_TYPES.map((t) => [t, { labels: 0, found: 0, entries: 0, correct: 0, precision: 1, recall: 1 }]),
  ) as Record<ScoredType, TypeScore>;
  const misses: Miss[] = [];
  const falsePositives: Miss[] = [];
  const negativeHits: Miss[] = [];
  const negativeByKind: Record<string, { n: number; hit: number }> = {};
  let negatives = 0;
  let negativesHit = 0;
  for (const s of samples) {
    const vault = new Vault();
    const guard = createPrivacyGuard({ vault, phone: s.regions ? { regions: s.regions } : undefined });
    const out = guard.afterCall({ server: "srv", tool: s.shape, args: {} }, s.result as JsonValue);
    const texts: string[] = [];
    strings(out, texts);
    const entries = [...vault.entries()].map((e) => ({ type: e.type, value: decodeEscapes(e.value) }));
    for (const l of s.labels) {
      const t = types[l.type];
      t.labels++;
      const forms = [l.value, ...(l.alts ?? [])];
      const held = entries.some((e) => e.type === l.type && forms.includes(e.value));
      const leaked = texts.some((x) => occurs(l.besides ? withoutPhrases(x, l.besides) : x, l.value));
      if (held && !leaked) t.found++;
      else {
        const as = entries.find((e) => e.value === l.value);
        misses.push({
          sample: s.id,
          type: l.type,
          value: l.value,
          why: leaked ? (held ? "held but a copy leaked" : as ? `as ${as.type}` : "not found") : "partial",
        });
      }
    }
    for (const e of entries) {
      if (!(SCORED_TYPES as readonly string[]).includes(e.type)) continue;
      const t = types[e.type as ScoredType];
      t.entries++;
      const ok = s.labels.some(
        (l) => l.type === e.type && (l.value === e.value || l.alts?.includes(e.value)),
      );
      if (ok) t.correct++;
      else
        falsePositives.push({
          sample: s.id,
          type: e.type,
          value: e.value,
          why: s.labels.some((l) => l.value === e.value) ? "wrong type" : "unlabelled",
        });
    }
    for (const n of s.negatives) {
      negatives++;
      const k = negativeByKind[n.kind] ?? { n: 0, hit: 0 };
      negativeByKind[n.kind] = k;
      k.n++;
      const intact = texts.some((x) => x.includes(n.text));
      const core = n.core === undefined ? n.text : n.core;
      const covered =
        core !== null &&
        entries.some(
          (e) => !(n.allow ?? []).includes(e.type) && (n.exact ? e.value === core : overlaps(e.value, core)),
        );
      if (!intact || covered) {
        negativesHit++;
        k.hit++;
        negativeHits.push({ sample: s.id, type: n.kind, value: n.text, why: intact ? "covered" : "changed" });
      }
    }
  }
  for (const t of Object.values(types)) {
    t.precision = t.entries === 0 ? 1 : t.correct / t.entries;
    t.recall = t.labels === 0 ? 1 : t.found / t.labels;
  }
  return {
    types,
    negatives,
    negativesHit,
    negativeRate: negatives === 0 ? 0 : negativesHit / negatives,
    negativeByKind,
    misses,
    falsePositives,
    negativeHits,
  };
}

/** A plain-text table of the figures, for the test log and the report. */
export function formatScore(sc: Score): string {
  const rows = Object.entries(sc.types).map(
    ([t, v]) =>
      `${t.padEnd(6)} P ${v.precision.toFixed(4)}  R ${v.recall.toFixed(4)}  (labels ${v.labels}, entries ${v.entries})`,
  );
  rows.push(
    `hard negatives tokenized: ${sc.negativesHit}/${sc.negatives} = ${(sc.negativeRate * 100).toFixed(2)}%`,
  );
  return rows.join("\n");
}
