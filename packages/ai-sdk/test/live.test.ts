/**
 * Live runs against each provider's real API. Each runs only when its key is in the environment (they
 * cost money and need the network, which CI and these machines do not have); a skipped test says which
 * key it waits for. The model writes its own program, so the check is on the answer, not the program.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { quickjs } from "@codecall/sandbox-quickjs";
import { generateText, type LanguageModel, stepCountIs } from "ai";
import { describe, expect, it } from "vitest";
import { createCodeModeTools } from "../src/index.js";
import { memoryConfig } from "./fixtures/servers.js";

const providers: Array<{ name: string; key: string; model: () => LanguageModel }> = [
  {
    name: "anthropic",
    key: "ANTHROPIC_API_KEY",
    model: () => createAnthropic()(process.env.CODECALL_LIVE_ANTHROPIC_MODEL ?? "claude-sonnet-4-5"),
  },
  {
    name: "openai",
    key: "OPENAI_API_KEY",
    model: () => createOpenAI()(process.env.CODECALL_LIVE_OPENAI_MODEL ?? "gpt-4.1-mini"),
  },
  {
    name: "google",
    key: "GOOGLE_GENERATIVE_AI_API_KEY",
    model: () => createGoogleGenerativeAI()(process.env.CODECALL_LIVE_GOOGLE_MODEL ?? "gemini-2.5-flash"),
  },
];

describe.each(providers)("live $name", ({ key, model }) => {
  it.skipIf(!process.env[key])(
    `stores and counts entities with code mode (needs ${key})`,
    { timeout: 180_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "codecall-live-"));
      const codecall = await createCodeModeTools({
        servers: memoryConfig(join(dir, "memory.jsonl")),
        sandbox: quickjs(),
      });
      try {
        const result = await generateText({
          model: model(),
          system: codecall.system,
          tools: codecall.tools,
          stopWhen: stepCountIs(8),
          prompt:
            "Store three people named Ada, Grace and Linus as entities of type person in the memory graph, then tell me how many entities the graph has. Answer with the number only.",
        });
        expect(result.steps.some((s) => s.toolCalls.some((c) => c.toolName === "execute_code"))).toBe(true);
        expect(result.text).toMatch(/\b3\b/);
      } finally {
        await codecall.close();
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
