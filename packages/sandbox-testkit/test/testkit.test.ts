import { describe, expect, it } from "vitest";
import { CASES, CONFORMANCE_CASE_IDS, runSandboxConformance } from "../src/index.js";

describe("runSandboxConformance", () => {
  it("rejects a skip or known-failure entry naming no case, so typos cannot hide", () => {
    const create = () => {
      throw new Error("not called");
    };
    expect(() =>
      runSandboxConformance({ name: "x", create, skip: { "no-such-case": "typo" } as never }),
    ).toThrow(/no-such-case/);
    expect(() =>
      runSandboxConformance({ name: "x", create, knownFailures: { nope: "typo" } as never }),
    ).toThrow(/nope/);
  });

  it("exports every case id once, each with a title", () => {
    expect(new Set(CONFORMANCE_CASE_IDS).size).toBe(CONFORMANCE_CASE_IDS.length);
    expect(CONFORMANCE_CASE_IDS.length).toBeGreaterThanOrEqual(30);
    for (const id of CONFORMANCE_CASE_IDS) expect(CASES[id].title.length).toBeGreaterThan(10);
  });
});
