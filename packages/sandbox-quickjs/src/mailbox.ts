/**
 * How large replies reach a worker: written into shared memory the host keeps for the run, rather than
 * cloned with their message. Cloning a 6 MiB reply made the host's thread allocate and fill 6 MiB of fresh
 * memory each time (25-50 ms, and over 100 ms on a loaded VM, where each page fault is costly); writing
 * into the same memory again costs about a millisecond. The worker copies a reply out as soon as its
 * message arrives and marks the mailbox empty; a reply that finds it full waits for that.
 */

/** Replies shorter than this (UTF-16 units) are cloned with their message: cheap, and most are. */
export const MAILBOX_MIN_UNITS = 256 * 1024;
/** The first 4 bytes hold the mailbox's state (an Int32 for `Atomics`); the reply's UTF-8 follows. */
const HEADER_BYTES = 4;
const EMPTY = 0;
const FULL = 1;

/** `Atomics.waitAsync` (Node 16 on), which the ES2023 library this package compiles against lacks. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      view: Int32Array,
      index: number,
      value: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/** A reply left in a mailbox: its UTF-8 bytes after the header. */
export interface MailedReply {
  mailbox: SharedArrayBuffer;
  bytes: number;
}

/**
 * Whether `reply` goes through a mailbox: a large one whose UTF-16 is well formed (UTF-8 cannot carry a lone
 * surrogate; core's JSON escapes them, but the adapter contract does not promise it).
 */
export function mailable(reply: string): boolean {
  return reply.length >= MAILBOX_MIN_UNITS && (reply as string & WellFormed).isWellFormed();
}

/** `String.prototype.isWellFormed` (Node 20 on), which the ES2023 library this package compiles against lacks. */
interface WellFormed {
  isWellFormed(): boolean;
}

/**
 * The host's side: one mailbox per run, grown to the largest reply it carried. Its code runs only with
 * worker threads, so it uses Node's global `Buffer` (an import would stop the package loading in browsers).
 */
export class Mailbox {
  private buffer: SharedArrayBuffer | undefined;
  private state: Int32Array | undefined;
  private closed = false;

  /**
   * Writes `reply` into the mailbox once the worker has emptied it, and returns what to send in its place;
   * `undefined` once the mailbox is closed (the run ended: nothing is sent). Only {@link mailable} replies
   * come here, so their UTF-8 holds every unit.
   */
  async post(reply: string): Promise<MailedReply | undefined> {
    while (this.state && Atomics.load(this.state, 0) !== EMPTY && !this.closed) {
      const wait = waitAsync(this.state, 0, FULL);
      if (wait.async) await wait.value;
    }
    if (this.closed) return undefined;
    const bytes = Buffer.byteLength(reply, "utf8");
    if (!this.buffer || this.buffer.byteLength < HEADER_BYTES + bytes) {
      this.buffer = new SharedArrayBuffer(HEADER_BYTES + bytes);
      this.state = new Int32Array(this.buffer, 0, 1);
    }
    const buffer = this.buffer;
    Buffer.from(buffer, HEADER_BYTES, bytes).write(reply, "utf8");
    Atomics.store(this.state!, 0, FULL);
    return { mailbox: buffer, bytes };
  }

  /** The run ended: replies waiting for the mailbox are not sent (a worker that died never empties it). */
  close(): void {
    this.closed = true;
    if (this.state) Atomics.notify(this.state, 0);
    // A tool call still pending after the run keeps this object: it must not keep the memory too.
    this.buffer = undefined;
    this.state = undefined;
  }
}

/** The worker's side: the reply, copied out of the mailbox, which is then free for the next one. */
export function takeMailed(mailed: MailedReply): string {
  const reply = Buffer.from(mailed.mailbox, HEADER_BYTES, mailed.bytes).toString("utf8");
  const state = new Int32Array(mailed.mailbox, 0, 1);
  Atomics.store(state, 0, EMPTY);
  Atomics.notify(state, 0);
  return reply;
}
