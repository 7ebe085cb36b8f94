/** Terms numbered densely from 0, so the index counts and stores postings in arrays instead of string maps. */
export class Vocabulary {
  private readonly ids = new Map<string, number>();

  /** Number of distinct terms. */
  get size(): number {
    return this.ids.size;
  }

  /** The id of `term`, numbering it if it is new. */
  add(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(term, id);
    }
    return id;
  }

  /** The ids of `terms`, numbering new ones. */
  addAll(terms: readonly string[]): number[] {
    return terms.map((term) => this.add(term));
  }

  /** The id of `term`, or -1 when it was never added. */
  find(term: string): number {
    return this.ids.get(term) ?? -1;
  }
}
