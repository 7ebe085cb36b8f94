import { describe, expect, it } from "vitest";
import { type Deadline, Deadlines } from "../src/deadlines.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

function deadline(inMs: number, fired: string[], name: string): Deadline {
  return { at: performance.now() + inMs, expire: () => fired.push(name) };
}

describe("Deadlines", () => {
  it("expires each deadline once, earliest first, whatever order they were added in", async () => {
    const deadlines = new Deadlines();
    const fired: string[] = [];
    deadlines.add(deadline(120, fired, "late"));
    deadlines.add(deadline(20, fired, "early"));
    deadlines.add(deadline(60, fired, "middle"));
    await sleep(90);
    expect(fired).toEqual(["early", "middle"]);
    await sleep(80);
    expect(fired).toEqual(["early", "middle", "late"]);
  });

  it("never expires a deadline removed before it", async () => {
    const deadlines = new Deadlines();
    const fired: string[] = [];
    const gone = deadline(20, fired, "gone");
    deadlines.add(gone);
    deadlines.add(deadline(40, fired, "kept"));
    deadlines.delete(gone);
    await sleep(70);
    expect(fired).toEqual(["kept"]);
  });

  it("keeps the process alive only while a deadline is registered", async () => {
    const before = timers();
    const deadlines = new Deadlines();
    const fired: string[] = [];
    const first = deadline(10_000, fired, "first");
    deadlines.add(first);
    expect(timers()).toBe(before + 1);
    deadlines.delete(first);
    expect(timers(), "an idle timer must not hold the process").toBe(before);
    const second = deadline(20_000, fired, "second");
    deadlines.add(second);
    expect(timers()).toBe(before + 1);
    deadlines.delete(second);
    expect(timers()).toBe(before);
    expect(fired).toEqual([]);
  });
});
