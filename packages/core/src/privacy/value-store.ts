/**
 * The vault's values without one heap object each. A 10 MB log adds some 200,000 values to a session's
 * vault; kept as strings in a `Map`, each is a string (often a slice that keeps the whole log alive) plus
 * a hash-table entry, and every one of them is copied by the garbage collector while the log is still
 * being scanned (measured: a `Map` of 214,000 new string keys costs 120-150 ms, the same values hashed
 * into typed arrays 12-30 ms). Here the characters live in one growing array, the values are numbered in
 * insertion order, and tables of ids find a value by its text, read straight from the text it was found
 * in (no slice). Hand-written because no library stores strings this way; strings are made only when a
 * value is read back ({@link ValueStore.value}).
 */

/** FNV-1a over the UTF-16 code units of `text.slice(start, end)`, as a 32-bit integer. */
export function hashRange(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h | 0;
}

/** Characters per block of the store: blocks are added, never grown, so no character is copied twice. */
const BLOCK = 1 << 16;

/** Values numbered 0, 1, 2, ... in the order they were added; their characters in blocks. */
export class ValueStore {
  readonly #blocks: Uint16Array[] = [];
  /** The block being filled, and how much of it is used. */
  #block = new Uint16Array(0);
  #used = 0;
  /** Per id: its block, where it starts in it, and its length. */
  #where = new Int32Array(192);
  #count = 0;

  /** Number of values held. */
  get size(): number {
    return this.#count;
  }

  /** Adds `text.slice(start, end)`; returns its id. */
  add(text: string, start: number, end: number): number {
    const id = this.#count;
    if (id * 3 + 3 > this.#where.length) {
      const where = new Int32Array(this.#where.length * 2);
      where.set(this.#where);
      this.#where = where;
    }
    const n = end - start;
    if (this.#used + n > this.#block.length) {
      this.#block = new Uint16Array(Math.max(BLOCK, n));
      this.#blocks.push(this.#block);
      this.#used = 0;
    }
    const chars = this.#block;
    const at = this.#used;
    for (let i = 0; i < n; i++) chars[at + i] = text.charCodeAt(start + i);
    this.#used = at + n;
    this.#where[id * 3] = this.#blocks.length - 1;
    this.#where[id * 3 + 1] = at;
    this.#where[id * 3 + 2] = n;
    this.#count = id + 1;
    return id;
  }

  lengthOf(id: number): number {
    return this.#where[id * 3 + 2]!;
  }

  /** The `i`-th code unit of value `id`. */
  codeAt(id: number, i: number): number {
    return this.#blocks[this.#where[id * 3]!]![this.#where[id * 3 + 1]! + i]!;
  }

  /** True when value `id` is `text.slice(start, end)`. */
  equals(id: number, text: string, start: number, end: number): boolean {
    if (this.#where[id * 3 + 2] !== end - start) return false;
    const chars = this.#blocks[this.#where[id * 3]!]!;
    const at = this.#where[id * 3 + 1]! - start;
    for (let i = start; i < end; i++) if (chars[at + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  /** Value `id` as a string (a new one each call). */
  value(id: number): string {
    const chars = this.#blocks[this.#where[id * 3]!]!;
    const at = this.#where[id * 3 + 1]!;
    const n = this.#where[id * 3 + 2]!;
    let out = "";
    for (let i = 0; i < n; i += 4096) {
      const to = Math.min(n, i + 4096);
      out += String.fromCharCode.apply(null, chars.subarray(at + i, at + to) as unknown as number[]);
    }
    return out;
  }
}

const EMPTY = 0;
const DELETED = -1;

/** An open-addressed set of ids of one {@link ValueStore}, found by their value's text. */
export class IdTable {
  /**
   * Per slot, two numbers: the value's hash, then id + 1, {@link EMPTY} or {@link DELETED}. Linear probing
   * at most half full; the hash beside the id spares a probe a read elsewhere in memory.
   */
  #slots = new Int32Array(128);
  /** Slots not empty (live and deleted). */
  #filled = 0;
  #live = 0;

  constructor(readonly store: ValueStore) {}

  get size(): number {
    return this.#live;
  }

  /** The id whose value is `text.slice(start, end)` (of hash `hash`), or -1. */
  get(text: string, start: number, end: number, hash: number): number {
    if (this.#live === 0) return -1;
    const slots = this.#slots;
    const mask = slots.length - 2;
    for (let i = (hash << 1) & mask; ; i = (i + 2) & mask) {
      const s = slots[i + 1]!;
      if (s === EMPTY) return -1;
      if (slots[i] === hash && s !== DELETED && this.store.equals(s - 1, text, start, end)) return s - 1;
    }
  }

  /** Adds `id`, whose value has hash `hash` (not in the table). */
  add(id: number, hash: number): void {
    if ((this.#filled + 1) * 4 > this.#slots.length) this.#rehash();
    const slots = this.#slots;
    const mask = slots.length - 2;
    let i = (hash << 1) & mask;
    while (slots[i + 1] !== EMPTY) i = (i + 2) & mask;
    slots[i] = hash;
    slots[i + 1] = id + 1;
    this.#filled++;
    this.#live++;
  }

  /** Removes `id`, whose value has hash `hash` (in the table). */
  delete(id: number, hash: number): void {
    const slots = this.#slots;
    const mask = slots.length - 2;
    for (let i = (hash << 1) & mask; slots[i + 1] !== EMPTY; i = (i + 2) & mask) {
      if (slots[i + 1] === id + 1) {
        slots[i + 1] = DELETED;
        this.#live--;
        return;
      }
    }
  }

  #rehash(): void {
    const old = this.#slots;
    let size = old.length;
    while ((this.#live + 1) * 4 > size) size *= 2;
    const slots = new Int32Array(size);
    const mask = size - 2;
    for (let j = 0; j < old.length; j += 2) {
      const s = old[j + 1]!;
      if (s <= 0) continue;
      let i = (old[j]! << 1) & mask;
      while (slots[i + 1] !== EMPTY) i = (i + 2) & mask;
      slots[i] = old[j]!;
      slots[i + 1] = s;
    }
    this.#slots = slots;
    this.#filled = this.#live;
  }
}
