/**
 * The real `@ai-sdk/openai-compatible` provider over HTTP, against a scripted Chat Completions stand-in on
 * loopback (what a local Ollama or vLLM speaks), with code mode's tools over a real server-memory.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { quickjs } from "@codecall/sandbox-quickjs";
import { generateText, stepCountIs, streamText } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CodeModeTools, createCodeModeTools } from "../src/index.js";
import { type ChatTurn, startChatCompletionsStandIn } from "../src/testing/index.js";
import { memoryConfig } from "./fixtures/servers.js";

let dir: string;
let codecall: CodeModeTools;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "codecall-ai-sdk-http-"));
  codecall = await createCodeModeTools({
    servers: memoryConfig(join(dir, "memory.jsonl")),
    sandbox: quickjs(),
  });
});

afterAll(async () => {
  await codecall?.close();
  await rm(dir, { recursive: true, force: true });
});

const script: ChatTurn[] = [
  {
    toolCalls: [
      {
        name: "execute_code",
        arguments: {
          code: `await memory.createEntities({ entities: [{ name: "Kay", entityType: "person", observations: ["Smalltalk"] }] });
return (await memory.readGraph({})).entities.length;`,
        },
      },
    ],
  },
  { text: "There is 1 entity." },
];

describe.each([
  ["generateText", false],
  ["streamText", true],
] as const)("through %s", (_name, streaming) => {
  it("sends the meta-tools as functions and the program's envelope as the tool message", async () => {
    const standIn = await startChatCompletionsStandIn({ script });
    try {
      const provider = createOpenAICompatible({ name: "local", baseURL: standIn.url, apiKey: "not-needed" });
      const options = {
        model: provider("qwen3:8b"),
        system: codecall.system,
        tools: codecall.tools,
        stopWhen: stepCountIs(4),
        prompt: "Remember Kay, then count the entities.",
      };
      const text = streaming ? await streamText(options).text : (await generateText(options)).text;
      expect(text).toBe("There is 1 entity.");
      expect(standIn.requests).toHaveLength(2);
      const [first, second] = standIn.requests.map((r) => r.body);
      expect(first!.model).toBe("qwen3:8b");
      expect(Boolean(first!.stream)).toBe(streaming);
      expect(first!.tools?.map((t) => t.function.name).sort()).toEqual([
        "execute_code",
        "list_files",
        "read_file",
        "search_tools",
      ]);
      expect(first!.messages[0]).toMatchObject({ role: "system", content: codecall.system });
      const toolMessage = second!.messages.find((m) => m.role === "tool");
      expect(toolMessage?.tool_call_id).toBe("call_0_0");
      const envelope = JSON.parse(String(toolMessage?.content)) as { ok: boolean; value: number };
      expect(envelope.ok).toBe(true);
      expect(envelope.value).toBeGreaterThanOrEqual(1);
    } finally {
      await standIn.close();
    }
  });
});

it("an HTTP error from the endpoint surfaces as the provider's error, not a hang", async () => {
  const standIn = await startChatCompletionsStandIn({
    script: [{ error: { status: 401, message: "bad key" } }],
  });
  try {
    const provider = createOpenAICompatible({ name: "local", baseURL: standIn.url, apiKey: "wrong" });
    await expect(
      generateText({ model: provider("m"), tools: codecall.tools, prompt: "x", maxRetries: 0 }),
    ).rejects.toThrow(/bad key/);
  } finally {
    await standIn.close();
  }
});
