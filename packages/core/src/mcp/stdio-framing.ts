/**
 * Line framing for the stdio transport with a cap on one line. The SDK's own buffer concatenates every
 * chunk onto the whole unfinished line and rescans it for a newline (quadratic: a 50 MB line held a
 * connection for seconds while it reported ready) and then drops the stream. This one keeps the chunks of
 * the current line, scans each byte once, and refuses a line the moment it passes the cap: the rest of it
 * is skipped as it arrives, the request it answered fails at once, and the connection stays up.
 */
import { deserializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/** How much of a refused line's start and end is kept to find the id of the request it answers. */
const EDGE_BYTES = 512;
const NEWLINE = 0x0a;

const ID = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;
/** A top-level id at a message's start: `{"id":1` or `{"jsonrpc":"2.0","id":1`. */
const ID_AT_START = new RegExp(String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*${ID}`);
/** A top-level id at a message's end: `,"id":1}` or `,"id":1,"jsonrpc":"2.0"}` (the MCP SDK writes it last). */
const ID_AT_END = new RegExp(String.raw`,\s*"id"\s*:\s*${ID}\s*(?:,\s*"jsonrpc"\s*:\s*"2\.0"\s*)?\}\s*$`);

/**
 * The top-level id of a JSON-RPC message from the first or the last bytes of its text, if they show it.
 * Anchored at the message's own edges, so an `"id"` nested in a result is never taken for it.
 */
export function findMessageId(fragment: string, edge: "start" | "end"): string | number | undefined {
  const match = (edge === "start" ? ID_AT_START : ID_AT_END).exec(fragment);
  if (!match) return undefined;
  try {
    return JSON.parse(match[1]!) as string | number;
  } catch {
    return undefined;
  }
}

/** Drop-in for the SDK's `ReadBuffer` (append, readMessage, clear) with a per-line cap. */
export class BoundedLineReader {
  #chunks: Buffer[] = [];
  #size = 0;
  #lines: Buffer[] = [];
  /** While a refused line is being skipped: its first bytes and its last ones so far. */
  #skipping: { head: string; tail: Buffer; reported: boolean } | undefined;

  constructor(
    private readonly maxLineBytes: number,
    /**
     * Told when a line passes the cap (`id` from its first bytes, when they show it) and again when it
     * ends (`id` from its last bytes, when the first did not show it). Must not throw.
     */
    private readonly onRefused: (id: string | number | undefined, ended: boolean) => void,
  ) {}

  append(chunk: Buffer): void {
    let start = 0;
    while (start <= chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      if (end > start) this.#take(chunk.subarray(start, end));
      if (newline === -1) return;
      this.#endLine();
      start = newline + 1;
    }
  }

  readMessage(): JSONRPCMessage | null {
    const line = this.#lines.shift();
    if (line === undefined) return null;
    return deserializeMessage(line.toString("utf8").replace(/\r$/, ""));
  }

  clear(): void {
    this.#chunks = [];
    this.#size = 0;
    this.#lines = [];
    this.#skipping = undefined;
  }

  #take(piece: Buffer): void {
    const skipping = this.#skipping;
    if (skipping) {
      const tail = Buffer.concat([skipping.tail, piece]);
      skipping.tail = tail.subarray(Math.max(0, tail.length - EDGE_BYTES));
      return;
    }
    this.#size += piece.length;
    if (this.#size <= this.maxLineBytes) {
      this.#chunks.push(piece);
      return;
    }
    // Over the cap: keep only the edges, drop what was held, and say so now, not when the line ends.
    const head = Buffer.concat([...this.#chunks, piece].slice(0, 4))
      .subarray(0, EDGE_BYTES)
      .toString("utf8");
    this.#chunks = [];
    this.#size = 0;
    const id = findMessageId(head, "start");
    this.#skipping = {
      head,
      tail: piece.subarray(Math.max(0, piece.length - EDGE_BYTES)),
      reported: id !== undefined,
    };
    this.onRefused(id, false);
  }

  #endLine(): void {
    const skipping = this.#skipping;
    if (skipping) {
      this.#skipping = undefined;
      if (!skipping.reported)
        this.onRefused(findMessageId(skipping.tail.toString("utf8").replace(/\r$/, ""), "end"), true);
      return;
    }
    if (this.#size > 0)
      this.#lines.push(this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks));
    this.#chunks = [];
    this.#size = 0;
  }
}
