import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as workerThreads from "node:worker_threads";
import { createSandbox } from "@codecall/sandbox";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BASELINE_BYTES } from "../src/engine-pool.js";
import { QUICKJS_CAPABILITIES } from "../src/index.js";
import { MAILBOX_MIN_UNITS, Mailbox, mailable } from "../src/mailbox.js";
import { WorkerPool } from "../src/worker-host.js";
import type { ToWorker } from "../src/worker-protocol.js";

/**
 * A sandbox over a real worker pool whose workers record the replies the host posts them; `drop` keeps a
 * reply from reaching its worker.
 */
function recordingSandbox(drop: (message: ToWorker) => boolean = () => false) {
  const replies: ToWorker[] = [];
  class Worker extends workerThreads.Worker {
    override postMessage(message: ToWorker, transfer?: readonly workerThreads.TransferListItem[]): void {
      if (message.t === "reply") replies.push(message);
      if (!drop(message)) super.postMessage(message, transfer);
    }
  }
  const pool = new WorkerPool({
    workerThreads: { ...workerThreads, Worker },
    captureCaller: () => (fn) => fn(),
    wasmModule: async () => undefined,
    maxIdle: 1,
    maxStackBytes: 256 * 1024,
    recycleAboveBytes: BASELINE_BYTES,
  });
  const sandbox = createSandbox(
    {
      specificationVersion: "v1",
      name: "quickjs",
      capabilities: { ...QUICKJS_CAPABILITIES, acknowledgesAnswers: true },
      createContext: ({ limits, spare }) => pool.createContext(limits, spare === true),
      close: () => pool.close(),
    },
    { spareContext: false },
  );
  return { sandbox, replies };
}

describe("QuickJS worker replies", () => {
  it("hands large replies over in shared memory, every unit intact, and small ones in the message", async () => {
    const { sandbox, replies } = recordingSandbox();
    // Non-ASCII and astral characters: the mailbox carries UTF-8, which must give back every unit.
    const chunk = 'aé€😀"\\\n';
    const text = (i: number) => `${i}:${chunk.repeat(Math.ceil(MAILBOX_MIN_UNITS / chunk.length))}`;
    try {
      const outcome = await sandbox.execute({
        code: `const got = [];
for (let i = 0; i < 3; i++) got.push(await codecall.callTool("text", { i }));
const small = await codecall.callTool("small", {});
return { lengths: got.map((s) => s.length), ok: got.every((s, i) => s === ${JSON.stringify(chunk)}.repeat(${Math.ceil(MAILBOX_MIN_UNITS / chunk.length)}).replace(/^/, i + ":")), small };`,
        limits: { maxToolResultBytes: 4 * 1024 * 1024, memoryBytes: 64 * 1024 * 1024 },
        tools: ({ name, args }) => (name === "small" ? "tiny" : text((args as { i: number }).i)),
      });
      expect(outcome.error).toBeUndefined();
      expect(outcome.value).toEqual({
        lengths: [0, 1, 2].map((i) => text(i).length),
        ok: true,
        small: "tiny",
      });
      const kinds = replies.map((m) =>
        m.t === "reply" && typeof m.reply === "string" ? "message" : "shared",
      );
      expect(kinds).toEqual(["shared", "shared", "shared", "message"]);
      // One mailbox for the run: the worker emptied it before each next reply, which reuses its memory.
      const mailboxes = replies.map((m) =>
        m.t === "reply" && typeof m.reply !== "string" ? m.reply.mailbox : 0,
      );
      expect(new Set(mailboxes.slice(0, 3)).size).toBe(1);
    } finally {
      await sandbox.close();
    }
  });

  it("a large reply that finds the mailbox full waits for the worker to empty it, rather than being cloned", async () => {
    const { sandbox, replies } = recordingSandbox();
    // Distinct replies, each smaller than the last so the mailbox's memory is reused: a reply written over
    // one the worker has not taken yet would reach the wrong call.
    const text = (i: number) => String.fromCharCode(97 + i).repeat(MAILBOX_MIN_UNITS + 10 - i);
    try {
      // Answers this size are made several in one turn: each after the first finds the mailbox full.
      const outcome = await sandbox.execute({
        code: `const got = await Promise.all([0, 1, 2, 3].map((i) => codecall.callTool("text", { i })));
return got.map((s, i) => s === String.fromCharCode(97 + i).repeat(${MAILBOX_MIN_UNITS + 10} - i));`,
        limits: { maxToolResultBytes: 4 * 1024 * 1024, memoryBytes: 64 * 1024 * 1024 },
        tools: ({ args }) => text((args as { i: number }).i),
      });
      expect(outcome.value).toEqual([true, true, true, true]);
      const mailboxes = replies.map((m) =>
        m.t === "reply" && typeof m.reply !== "string" ? m.reply.mailbox : "message",
      );
      expect(mailboxes).toHaveLength(4);
      expect(new Set(mailboxes).size).toBe(1);
      expect(mailboxes[0]).not.toBe("message");
    } finally {
      await sandbox.close();
    }
  });

  it("replies waiting for a mailbox the worker never empties are dropped when the run ends; the next run's flow", async () => {
    let dropped = false;
    // The first large reply never reaches the worker, so the mailbox stays full until the run ends.
    const { sandbox } = recordingSandbox((m) => {
      if (dropped || m.t !== "reply" || typeof m.reply === "string") return false;
      dropped = true;
      return true;
    });
    const posts = vi.spyOn(Mailbox.prototype, "post");
    const text = "z".repeat(MAILBOX_MIN_UNITS + 1);
    try {
      const session = await sandbox.createSession();
      const code = `return (await Promise.all([1, 2, 3].map(() => codecall.callTool("text", {})))).map((s) => s.length);`;
      const stuck = await session.execute({ code, limits: { wallTimeMs: 1500 }, tools: () => text });
      expect(stuck.error?.code).toBe("SANDBOX_TIMEOUT");
      // Every post of that run has settled, the waiting ones with nothing to send.
      const settled = await Promise.all(posts.mock.results.map((r) => r.value));
      expect(settled.filter((mailed) => mailed === undefined)).toHaveLength(2);
      const next = await session.execute({ code, tools: () => text });
      expect(next.value).toEqual([text.length, text.length, text.length]);
    } finally {
      posts.mockRestore();
      await sandbox.close();
    }
  });

  it("a reply whose shared memory cannot be allocated goes with its message", async () => {
    const { sandbox, replies } = recordingSandbox();
    const text = "y".repeat(MAILBOX_MIN_UNITS + 1);
    const Shared = globalThis.SharedArrayBuffer;
    class Failing extends Shared {
      constructor(bytes: number) {
        if (bytes > 4096) throw new RangeError("Array buffer allocation failed");
        super(bytes);
      }
    }
    try {
      globalThis.SharedArrayBuffer = Failing as SharedArrayBufferConstructor;
      const outcome = await sandbox.execute({
        code: `return (await codecall.callTool("text", {})).length;`,
        limits: { maxToolResultBytes: 4 * 1024 * 1024 },
        tools: () => text,
      });
      expect(outcome.value).toBe(text.length);
      expect(replies.map((m) => m.t === "reply" && typeof m.reply)).toEqual(["string"]);
    } finally {
      globalThis.SharedArrayBuffer = Shared;
      await sandbox.close();
    }
  });
});

describe("the mailbox", () => {
  afterEach(() => vi.restoreAllMocks());

  it("carries large, well-formed replies only (UTF-8 cannot carry a lone surrogate)", () => {
    const large = "x".repeat(MAILBOX_MIN_UNITS);
    expect(mailable(large)).toBe(true);
    expect(mailable(large.slice(1))).toBe(false);
    expect(mailable(`${large}\ud800`)).toBe(false);
    expect(mailable(`${large}\udc00x`)).toBe(false);
    expect(mailable(`${large}\ud83d\ude00`)).toBe(true);
  });

  it("lets go of its memory when closed, though a pending call still holds the mailbox", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const mailbox = new Mailbox();
    const memory = await (async () =>
      new WeakRef((await mailbox.post("x".repeat(MAILBOX_MIN_UNITS)))!.mailbox))();
    mailbox.close();
    // A WeakRef holds its target until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(memory.deref()).toBeUndefined();
    expect(await mailbox.post("later")).toBeUndefined();
  });
});
