/**
 * Server slots: a task that needs one tool of a server often needs the server's core tools too (the one
 * that creates what the others edit, the one that turns a place name into coordinates), and those rarely
 * share words with the question. So the best tool's server gets a few of the first results, filled with
 * its core tools: its tools ranked against the server's own name and description, i.e. by what the
 * server says it is for. Nothing here names a word; the order comes from the catalogue's text.
 */
import type { RetrievalHit, RetrievalOptions, RetrieverIndex } from "./types.js";

/** How many of the first results the slots are taken from. */
export const SLOT_WINDOW = 5;

/** What {@link giveServerSlots} needs besides the hits. */
export interface ServerSlotsContext {
  /** How many of the first {@link SLOT_WINDOW} results the best server gets (its best tool included). */
  slots: number;
  /** The server of each document. */
  serverOf: Int32Array;
  /** A server's core tools, best first (may be computed lazily and cached by the caller). */
  coreTools: (server: number) => readonly number[];
}

/**
 * Reorders ranked hits (best first) so that the first {@link SLOT_WINDOW} hold the best hit, up to
 * `slots - 1` core tools of its server, and then the best of the rest; that window keeps the ranking's
 * order (core tools not in it last), the hits it displaces follow it. Returns as many hits as it was
 * given; scores stay non-increasing. Fewer hits than the window (a search asked for the best 3) are the
 * ranking's own: the slots would fill most of a short list with tools the query may not match at all.
 */
export function giveServerSlots(hits: readonly RetrievalHit[], context: ServerSlotsContext): RetrievalHit[] {
  const window = SLOT_WINDOW;
  if (context.slots < 2 || hits.length < window) return [...hits];
  const head = hits[0]!.doc;
  const chosen = new Set([head]);
  for (const doc of context.coreTools(context.serverOf[head]!)) {
    if (chosen.size >= Math.min(context.slots, window)) break;
    chosen.add(doc);
  }
  for (const hit of hits) {
    if (chosen.size >= window) break;
    chosen.add(hit.doc);
  }
  const position = new Map(hits.map((hit, i) => [hit.doc, i]));
  const order = [...chosen].sort(
    (a, b) => (position.get(a) ?? Number.MAX_SAFE_INTEGER) - (position.get(b) ?? Number.MAX_SAFE_INTEGER),
  );
  const rest = hits.filter((hit) => !chosen.has(hit.doc));
  // A core tool that ranked lower (or not at all) takes the score of the first hit after the window.
  const floor = rest[0]?.score ?? 0;
  const out: RetrievalHit[] = order.map((doc) => {
    const at = position.get(doc);
    return { doc, score: at === undefined ? floor : Math.max(hits[at]!.score, floor) };
  });
  for (const hit of rest) out.push(hit);
  return out.slice(0, hits.length);
}

/**
 * An index's ranking before its server slots, and the slots themselves: a hybrid fuses the rankings and
 * gives the slots after, so another ranker's reciprocal ranks do not scatter the slotted window.
 */
export interface SlottedRanking {
  /** The ranking without slots. */
  rank(query: string, options: RetrievalOptions): RetrievalHit[];
  /** The slots given to any ranking of the same catalogue (best first), as the index's own search would. */
  slots(hits: readonly RetrievalHit[], options: RetrievalOptions): RetrievalHit[];
}

const slotted = new WeakMap<RetrieverIndex, SlottedRanking>();

/**
 * Marks `index` as one that gives server slots (internal: the lexical ranker). A hybrid fuses a marked
 * index's ranking before its slots; an index that wraps a lexical one is not marked, so it is fused slotted.
 */
export function withSlottedRanking<T extends RetrieverIndex>(index: T, parts: SlottedRanking): T {
  slotted.set(index, parts);
  return index;
}

/** The ranking and slots of an index that gives server slots; undefined for any other ranker. */
export function slottedRanking(index: RetrieverIndex): SlottedRanking | undefined {
  return slotted.get(index);
}
