import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** A message from the runner in the VM, after its signature and sequence number checked out. */
export type RunnerFrame =
  | { t: "ready"; node?: string }
  | { t: "log"; level: string; text: string }
  | { t: "call"; id: number; request: string }
  /** The program's process took answers of these many UTF-16 units in all. */
  | { t: "taken"; length: number }
  | { t: "done"; report: string; stats?: FrameStats }
  | { t: "failed"; code: string; message: string; stats?: FrameStats }
  | { t: "exit"; message: string };

export interface FrameStats {
  cpuMs?: number;
  peakMemoryBytes?: number;
}

/**
 * Reads the runner's stdout, which arrives in chunks of any size, as signed JSON lines:
 * `<hex HMAC-SHA256(key, json)> <json>\n`, where `json` carries `s`, a sequence number starting at 0.
 *
 * Why a program cannot forge a frame: the key is 32 random bytes the host sends on the runner's stdin
 * before the program's process exists; it lives only in the runner's memory (not in argv, the
 * environment or a file). The program runs in another process whose output reaches the runner as text
 * the runner wraps in its own frames, so text shaped like a frame arrives as a string inside a `log`
 * frame. A program that escapes its `node:vm` context and writes to the runner's stdout directly (through
 * `/proc/<pid>/fd/1`) still cannot sign, and a replayed frame fails the sequence check. Any line that
 * fails is a {@link ChannelViolation}: the host ends the execution as crashed and drops the session.
 */
export class FrameReader {
  private buffer = "";
  private expected = 0;

  constructor(
    private readonly key: Buffer,
    /** Longest line accepted, so garbage without newlines cannot grow host memory without bound. */
    public maxLineChars: number,
  ) {}

  /** Feeds one chunk; returns the complete frames in it. Throws {@link ChannelViolation}. */
  push(chunk: string): RunnerFrame[] {
    // Look for the line's end in the new chunk only, so a large frame costs linear time.
    let nl = chunk.indexOf("\n");
    if (nl !== -1) nl += this.buffer.length;
    this.buffer += chunk;
    const frames: RunnerFrame[] = [];
    while (nl !== -1) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      frames.push(this.verify(line));
      nl = this.buffer.indexOf("\n");
    }
    if (this.buffer.length > this.maxLineChars) throw new ChannelViolation("a line longer than any frame");
    return frames;
  }

  private verify(line: string): RunnerFrame {
    const space = line.indexOf(" ");
    const json = line.slice(space + 1);
    if (
      space !== 64 ||
      !timingSafeEqual(Buffer.from(line.slice(0, 64), "latin1"), Buffer.from(sign(this.key, json), "latin1"))
    ) {
      throw new ChannelViolation("an unsigned line");
    }
    const frame = JSON.parse(json) as RunnerFrame & { s?: unknown };
    if (frame.s !== this.expected) throw new ChannelViolation("a frame out of sequence");
    this.expected++;
    return frame;
  }
}

/** Text on the channel that the runner did not write: the session can no longer be trusted. */
export class ChannelViolation extends Error {
  constructor(what: string) {
    super(`The sandbox's output channel carried ${what}; the runner did not write it.`);
  }
}

/** A fresh channel key. */
export function newChannelKey(): Buffer {
  return randomBytes(32);
}

/** The hex HMAC-SHA256 of `json` under `key`, as the runner computes it. */
export function sign(key: Buffer, json: string): string {
  return createHmac("sha256", key).update(json).digest("hex");
}
