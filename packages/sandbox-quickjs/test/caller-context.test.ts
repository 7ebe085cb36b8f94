import { AsyncLocalStorage } from "node:async_hooks";
import { describe, expect, it } from "vitest";
import { deliverInCallerContext } from "../src/caller-context.js";

describe("deliverInCallerContext", () => {
  it("runs each call, in order, in the async context it was bound in, wherever the call is made", async () => {
    const store = new AsyncLocalStorage<string>();
    const seen: string[] = [];
    const bound = store.run("caller", () =>
      deliverInCallerContext((label: string) => {
        seen.push(`${label}:${store.getStore() ?? "none"}`);
      }),
    );
    // As a worker's messages arrive: from another context, and from none.
    store.run("other", () => bound("first"));
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        bound("second");
        bound("third");
        resolve();
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(["first:caller", "second:caller", "third:caller"]);
  });

  it("keeps delivering after a call throws (the error surfaces as an uncaught exception)", async () => {
    const seen: number[] = [];
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    const listeners = process.listeners("uncaughtException");
    process.removeAllListeners("uncaughtException");
    process.on("uncaughtException", onUncaught);
    try {
      const bound = deliverInCallerContext((n: number) => {
        if (n === 1) throw new Error("listener failed");
        seen.push(n);
      });
      bound(1);
      bound(2);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen).toEqual([2]);
      expect(uncaught).toHaveLength(1);
    } finally {
      process.removeListener("uncaughtException", onUncaught);
      for (const listener of listeners) process.on("uncaughtException", listener);
    }
  });
});
