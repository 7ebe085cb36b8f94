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

function grown<T extends Int32Array | Uint16Array>(a: T, need: number): T {
  let size = a.length * 2;
  while (size < need) size *= 2;
  const b = new (a.constructor as { new (n: number): T })(size);
  b.set(a);
  return b;
}

/** Values numbered 0, 1, 2, ... in the order they were added; their characters in one array. */
export class ValueStore {
  #chars = new Uint16Array(1024);
  #used = 0;
  #start = new Int32Array(64);
  #length = new Int32Array(64);
  #hash = new Int32Array(64);
  #count = 0;

  /** Number of values held. */
  get size(): number {
    return this.#count;
  }

  /** Adds `text.slice(start, end)`, whose {@link hashRange} is `hash`; returns its id. */
  add(text: string, start: number, end: number, hash: number): number {
    const id = this.#count;
    if (id === this.#start.length) {
      this.#start = grown(this.#start, id + 1);
      this.#length = grown(this.#length, id + 1);
      this.#hash = grown(this.#hash, id + 1);
    }
    const n = end - start;
    if (this.#used + n > this.#chars.length) this.#chars = grown(this.#chars, this.#used + n);
    const chars = this.#chars;
    const at = this.#used;
    for (let i = 0; i < n; i++) chars[at + i] = text.charCodeAt(start + i);
    this.#start[id] = at;
    this.#length[id] = n;
    this.#hash[id] = hash;
    this.#used = at + n;
    this.#count = id + 1;
    return id;
  }

  hashOf(id: number): number {
    return this.#hash[id]!;
  }

  lengthOf(id: number): number {
    return this.#length[id]!;
  }

  /** The `i`-th code unit of value `id`. */
  codeAt(id: number, i: number): number {
    return this.#chars[this.#start[id]! + i]!;
  }

  /** True when value `id` is `text.slice(start, end)`. */
  equals(id: number, text: string, start: number, end: number): boolean {
    const n = this.#length[id]!;
    if (n !== end - start) return false;
    const chars = this.#chars;
    const at = this.#start[id]! - start;
    for (let i = start; i < end; i++) if (chars[at + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  /** Value `id` as a string (a new one each call). */
  value(id: number): string {
    const at = this.#start[id]!;
    const n = this.#length[id]!;
    const chars = this.#chars;
    if (n <= 4096) return String.fromCharCode.apply(null, chars.subarray(at, at + n) as unknown as number[]);
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
  /** Per slot: id + 1, {@link EMPTY} or {@link DELETED}. Linear probing; at most 3/4 full. */
  #slots = new Int32Array(64);
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
    const mask = slots.length - 1;
    const store = this.store;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const s = slots[i]!;
      if (s === EMPTY) return -1;
      if (s !== DELETED && store.hashOf(s - 1) === hash && store.equals(s - 1, text, start, end))
        return s - 1;
    }
  }

  /** Adds `id` (not in the table). */
  add(id: number): void {
    if ((this.#filled + 1) * 4 > this.#slots.length * 3) this.#rehash();
    const slots = this.#slots;
    const mask = slots.length - 1;
    let i = this.store.hashOf(id) & mask;
    while (slots[i] !== EMPTY) i = (i + 1) & mask;
    slots[i] = id + 1;
    this.#filled++;
    this.#live++;
  }

  /** Removes `id` (in the table). */
  delete(id: number): void {
    const slots = this.#slots;
    const mask = slots.length - 1;
    for (let i = this.store.hashOf(id) & mask; slots[i] !== EMPTY; i = (i + 1) & mask) {
      if (slots[i] === id + 1) {
        slots[i] = DELETED;
        this.#live--;
        return;
      }
    }
  }

  #rehash(): void {
    const old = this.#slots;
    let size = old.length;
    while ((this.#live + 1) * 2 > size) size *= 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (const s of old) {
      if (s <= 0) continue;
      let i = this.store.hashOf(s - 1) & mask;
      while (slots[i] !== EMPTY) i = (i + 1) & mask;
      slots[i] = s;
    }
    this.#slots = slots;
    this.#filled = this.#live;
  }
}
