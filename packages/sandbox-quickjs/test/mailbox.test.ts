import * as workerThreads from "node:worker_threads";
import { createSandbox } from "@codecall/sandbox";
import { describe, expect, it } from "vitest";
import { BASELINE_BYTES } from "../src/engine-pool.js";
import { QUICKJS_CAPABILITIES } from "../src/index.js";
import { MAILBOX_MIN_UNITS } from "../src/mailbox.js";
import { WorkerPool } from "../src/worker-host.js";
import type { ToWorker } from "../src/worker-protocol.js";

/** A sandbox over a real worker pool whose workers record the replies the host posts them. */
function recordingSandbox() {
  const replies: ToWorker[] = [];
  class Worker extends workerThreads.Worker {
    override postMessage(message: ToWorker, transfer?: readonly workerThreads.TransferListItem[]): void {
      if (message.t === "reply") replies.push(message);
      super.postMessage(message, transfer);
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
    const text = "x".repeat(MAILBOX_MIN_UNITS + 1);
    try {
      // Answers this size are made several in one turn: each after the first finds the mailbox full.
      const outcome = await sandbox.execute({
        code: `const got = await Promise.all([1, 2, 3, 4].map(() => codecall.callTool("text", {})));
return got.map((s) => s.length);`,
        limits: { maxToolResultBytes: 4 * 1024 * 1024, memoryBytes: 64 * 1024 * 1024 },
        tools: () => text,
      });
      expect(outcome.value).toEqual([1, 2, 3, 4].map(() => text.length));
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
});
