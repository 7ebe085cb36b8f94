/** Keeps the last few kilobytes a server wrote to stderr, for error messages and `status()`. */
export class StderrTail {
  #text = "";

  constructor(private readonly maxChars = 4096) {}

  push(chunk: string): void {
    this.#text += chunk;
    if (this.#text.length > this.maxChars * 2) this.#text = this.#text.slice(-this.maxChars);
  }

  /** The last `maxChars` characters, cut at a line start when one is near. */
  text(): string {
    let tail = this.#text.slice(-this.maxChars);
    if (tail.length < this.#text.length) {
      const newline = tail.indexOf("\n");
      if (newline !== -1 && newline < 200) tail = tail.slice(newline + 1);
    }
    return tail.trimEnd();
  }

  clear(): void {
    this.#text = "";
  }
}
