/**
 * The live path (`live: true`): a plain `new Anthropic()` that reads ANTHROPIC_API_KEY and
 * ANTHROPIC_BASE_URL from the environment, as it does against the Messages API. Without a key the base URL
 * points at the local stand-in, which plays the scenario's scripted model, so the path a live run takes is
 * exercised here; with a real key the last test runs a task against Claude itself.
 */
import { startMessagesStandIn } from "@codecall/core/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { countTokens, readConversation, runScenario, scenarioById, type World } from "../src/index.js";

const scenario = scenarioById("stock-retry")!;

describe("a live run", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("reads the key and the base URL from the environment and reports itself as live", async () => {
    const step = scenario.script("code", 0, {} as World);
    const standIn = await startMessagesStandIn({
      script: (body) => step(readConversation(body)),
      countTokens,
    });
    try {
      vi.stubEnv("ANTHROPIC_API_KEY", "sk-ant-stand-in");
      vi.stubEnv("ANTHROPIC_BASE_URL", standIn.url);
      const run = await runScenario(scenario, "code", { live: true, model: "claude-stand-in" });
      expect(run.error).toBeUndefined();
      expect(run.check, run.answer).toMatchObject({ correct: true });
      expect(run).toMatchObject({ live: true, model: "claude-stand-in" });
      expect(run.roundTrips).toBe(standIn.requests.length);
      for (const request of standIn.requests) {
        expect(request.body.model).toBe("claude-stand-in");
        // The SDK sends the key as `x-api-key` or, in newer versions, as a bearer token.
        const { authorization, "x-api-key": apiKey } = request.headers;
        expect(`${apiKey ?? ""} ${authorization ?? ""}`).toContain("sk-ant-stand-in");
      }
    } finally {
      await standIn.close();
    }
  }, 240_000);

  // Runs only where a key is set: this machine reaches no model API.
  it.skipIf(!process.env.ANTHROPIC_API_KEY || process.env.ANTHROPIC_BASE_URL)(
    "does a task against the Messages API itself (ANTHROPIC_API_KEY is set)",
    async () => {
      const run = await runScenario(scenario, "code", { live: true });
      expect(run.error).toBeUndefined();
      expect(run.live).toBe(true);
      expect(run.check, run.answer).toMatchObject({ correct: true });
    },
    600_000,
  );
});
