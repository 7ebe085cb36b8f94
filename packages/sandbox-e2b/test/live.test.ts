import { runSandboxConformance } from "@codecall/sandbox-testkit";
import { describe, it } from "vitest";
import { e2b } from "../src/index.js";

// Against real E2B: needs E2B_API_KEY and network access, and creates VMs on that account (billed).
if (process.env.E2B_API_KEY) {
  runSandboxConformance({ name: "e2b (live)", create: () => e2b(), timeScale: 4 });
} else {
  describe("sandbox conformance: e2b (live)", () => {
    it.skip("skipped: E2B_API_KEY is not set (this test runs against E2B's cloud)", () => {});
  });
}
