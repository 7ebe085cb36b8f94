/**
 * The demo, replayed offline: both modes finish the task over the real servers; code mode keeps every raw
 * email and phone out of the model's context while the memory server receives the real values, and uses
 * fewer context tokens than classic mode.
 */
import { describe, expect, it } from "vitest";
import { runDemo } from "../src/demo.js";

describe("demo (replayed model turns)", () => {
  it("code mode does the task with less context and no raw personal data in it", async () => {
    const report = await runDemo({ live: false, model: "claude-test" });
    expect(report.code.answer).toContain("20 Acme contacts");
    expect(report.code.roundTrips).toBe(3);
    expect(report.classic.roundTrips).toBe(3);
    expect(report.code.rawValuesSeenByModel).toBe(0);
    expect(report.classic.rawValuesSeenByModel).toBe(120);
    expect(report.memoryCheck).toEqual({ contacts: 20, withRealEmail: 20 });
    expect(report.code.contextTokens).toBeLessThan(report.classic.contextTokens);
  }, 120_000);
});
