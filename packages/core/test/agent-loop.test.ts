/**
 * The agent loop driven through the real @anthropic-ai/sdk against the local Messages stand-in: the exact
 * requests the SDK sends (tools, system, cache control, tool results), streaming, usage, limits, abort.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { quickjs } from "@codecall/sandbox-quickjs";
import { afterEach, describe, expect, it } from "vitest";
import {
  type AgentEvent,
  anthropicClient,
  type ClassicTool,
  createAgent,
  createClassicToolbox,
  createCodeMode,
} from "../src/internal.js";
import { type MessagesStandIn, type ScriptedTurn, startMessagesStandIn } from "../src/testing/index.js";
import { serverBin } from "./fixtures/mcp/servers.js";

let standIn: MessagesStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function clientFor(script: ScriptedTurn[] | ((body: never, i: number) => ScriptedTurn)) {
  standIn = await startMessagesStandIn({ script: script as ScriptedTurn[] });
  return new Anthropic({ apiKey: "test-key", baseURL: standIn.url, maxRetries: 0 });
}

const calls: unknown[] = [];
const weather: ClassicTool = {
  name: "weather__forecast",
  description: "Forecast for a city.",
  inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  async call(args) {
    calls.push(args);
    const { city } = args as { city: string };
    if (city === "Atlantis") throw new Error("unknown city");
    return { city, tempC: 21 };
  },
};

describe("agent loop (classic toolbox)", () => {
  it("runs tool uses, feeds results back, and sends tools, system and cache control as the API expects", async () => {
    const client = await clientFor([
      {
        content: [
          { type: "text", text: "Let me check." },
          { type: "tool_use", name: "weather__forecast", input: { city: "Paris" } },
        ],
      },
      { content: [{ type: "text", text: "It is 21°C in Paris." }] },
    ]);
    const events: AgentEvent[] = [];
    const agent = createAgent({ client, toolbox: createClassicToolbox([weather]), model: "claude-test" });
    const result = await agent.run("Weather in Paris?", { onEvent: (e) => events.push(e) });

    expect(result.stopReason).toBe("end_turn");
    expect(result.text).toBe("It is 21°C in Paris.");
    expect(standIn!.requests).toHaveLength(2);
    const [first, second] = standIn!.requests.map((r) => r.body);
    expect(first!.model).toBe("claude-test");
    expect(first!.stream).toBe(true);
    expect(first!.tools).toEqual([
      {
        name: "weather__forecast",
        description: "Forecast for a city.",
        input_schema: weather.inputSchema,
        cache_control: { type: "ephemeral" },
      },
    ]);
    expect(first!.system).toEqual([
      { type: "text", text: expect.any(String), cache_control: { type: "ephemeral" } },
    ]);
    expect(first!.messages).toEqual([
      {
        role: "user",
        content: [{ type: "text", text: "Weather in Paris?", cache_control: { type: "ephemeral" } }],
      },
    ]);
    // The second request carries the assistant turn and the tool result, breakpoint on the newest block only.
    expect(second!.messages).toHaveLength(3);
    const toolResult = (second!.messages[2]!.content as Array<Record<string, unknown>>)[0]!;
    expect(toolResult).toMatchObject({
      type: "tool_result",
      tool_use_id: "toolu_1_2",
      content: '{"city":"Paris","tempC":21}',
    });
    expect(toolResult.cache_control).toEqual({ type: "ephemeral" });
    expect(JSON.stringify(second!.messages[0])).not.toContain("cache_control");

    // Streaming: text arrives as deltas that add up to the text, and usage is accounted per turn.
    const deltas = events
      .filter((e): e is Extract<AgentEvent, { type: "text-delta" }> => e.type === "text-delta")
      .map((e) => e.text);
    expect(deltas.join("")).toBe("Let me check.It is 21°C in Paris.");
    expect(result.turns).toHaveLength(2);
    expect(result.usage.roundTrips).toBe(2);
    expect(result.usage.toolUses).toBe(1);
    expect(result.usage.inputTokens).toBe(result.turns[0]!.inputTokens + result.turns[1]!.inputTokens);
    // The stable prefix (tools + system) is written to the cache on turn 1 and read on turn 2.
    expect(result.turns[0]!.cacheWriteTokens).toBeGreaterThan(0);
    expect(result.turns[1]!.cacheReadTokens).toBeGreaterThan(0);
    const headers = standIn!.requests[0]!.headers;
    expect(`${headers["x-api-key"] ?? ""} ${headers.authorization ?? ""}`).toContain("test-key");
    expect(headers["anthropic-version"]).toEqual(expect.any(String));
  });

  it("feeds a tool's error back as is_error and lets the model recover", async () => {
    const client = await clientFor([
      { content: [{ type: "tool_use", name: "weather__forecast", input: { city: "Atlantis" } }] },
      { content: [{ type: "tool_use", name: "weather__forecast", input: { city: "Rome" } }] },
      { content: [{ type: "text", text: "Rome: 21°C." }] },
    ]);
    const agent = createAgent({ client, toolbox: createClassicToolbox([weather]), promptCaching: false });
    const result = await agent.run("Weather?");
    expect(result.text).toBe("Rome: 21°C.");
    const errorResult = (
      standIn!.requests[1]!.body.messages[2]!.content as Array<Record<string, unknown>>
    )[0]!;
    expect(errorResult).toMatchObject({ type: "tool_result", is_error: true });
    expect(String(errorResult.content)).toContain("unknown city");
    expect(JSON.stringify(standIn!.requests[0]!.body)).not.toContain("cache_control");
  });

  it("stops at the turn limit with TURN_LIMIT", async () => {
    const client = await clientFor(
      () =>
        ({
          content: [{ type: "tool_use", name: "weather__forecast", input: { city: "Oslo" } }],
        }) as ScriptedTurn,
    );
    const agent = createAgent({ client, toolbox: createClassicToolbox([weather]), maxTurns: 3 });
    const result = await agent.run("Loop forever");
    expect(result.stopReason).toBe("turn_limit");
    expect(result.error?.code).toBe("TURN_LIMIT");
    expect(standIn!.requests).toHaveLength(3);
  });

  it("turns an API error into MODEL_ERROR and an abort into ABORTED", async () => {
    const client = await clientFor([
      { content: [], error: { status: 400, type: "invalid_request_error", message: "bad model" } },
    ]);
    const agent = createAgent({ client, toolbox: createClassicToolbox([weather]) });
    await expect(agent.run("x")).rejects.toMatchObject({ code: "MODEL_ERROR" });

    const controller = new AbortController();
    controller.abort();
    await expect(agent.run("x", { signal: controller.signal })).rejects.toMatchObject({ code: "ABORTED" });
  });

  it("without a client or a key, says so when the agent is created, before any turn", () => {
    const saved = { key: process.env.ANTHROPIC_API_KEY, token: process.env.ANTHROPIC_AUTH_TOKEN };
    delete process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_AUTH_TOKEN;
    try {
      const missing = expect.objectContaining({
        code: "MODEL_ERROR",
        message: "ANTHROPIC_API_KEY is not set.",
      });
      expect(() => createAgent({ toolbox: createClassicToolbox([weather]) })).toThrow(missing);
      // The same check on its own, for a caller that wants it before any server starts.
      expect(() => anthropicClient()).toThrow(missing);
      process.env.ANTHROPIC_API_KEY = "sk-test";
      expect(createAgent({ toolbox: createClassicToolbox([weather]), client: anthropicClient() }).mode).toBe(
        "classic",
      );
    } finally {
      for (const [name, value] of [
        ["ANTHROPIC_API_KEY", saved.key],
        ["ANTHROPIC_AUTH_TOKEN", saved.token],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe("agent loop (code mode): discovery keeps the prompt cache valid", () => {
  it("tools found by search_tools arrive as appended content; system, tools and earlier messages never change", async () => {
    const dir = await mkdtemp(join(tmpdir(), "codecall-cache-"));
    const codeMode = await createCodeMode({
      servers: {
        mcpServers: {
          memory: {
            command: process.execPath,
            args: [serverBin("server-memory")],
            env: { MEMORY_FILE_PATH: join(dir, "memory.jsonl") },
          },
        },
      },
      sandbox: quickjs(),
    });
    try {
      const client = await clientFor([
        {
          content: [
            {
              type: "tool_use",
              name: "search_tools",
              input: { query: ["create entities", "read the graph"] },
            },
          ],
        },
        {
          content: [
            {
              type: "tool_use",
              name: "execute_code",
              input: { code: "return (await memory.readGraph({})).entities.length;" },
            },
          ],
        },
        { content: [{ type: "text", text: "The graph is empty." }] },
      ]);
      const result = await createAgent({ client, toolbox: codeMode, model: "claude-test" }).run(
        "How many entities are in memory?",
      );
      expect(result.stopReason).toBe("end_turn");
      const bodies = standIn!.requests.map((r) => r.body);
      expect(bodies).toHaveLength(3);
      // Cache breakpoints move to the newest block, and a string is the same text block for the cache.
      const strip = (messages: unknown) =>
        (
          JSON.parse(
            JSON.stringify(messages).replace(/,"cache_control":\{"type":"ephemeral"\}/g, ""),
          ) as Array<{ role: string; content: unknown }>
        ).map((m) => ({
          role: m.role,
          content: typeof m.content === "string" ? [{ type: "text", text: m.content }] : m.content,
        }));
      for (const body of bodies.slice(1)) {
        // The cached prefix: the same tools and system text, byte for byte, after the search.
        expect(body.tools).toEqual(bodies[0]!.tools);
        expect(body.system).toEqual(bodies[0]!.system);
      }
      for (let i = 1; i < bodies.length; i++) {
        // Earlier messages stay as they were; new content is only appended.
        const before = strip(bodies[i - 1]!.messages);
        expect(strip(bodies[i]!.messages).slice(0, before.length)).toEqual(before);
      }
      // The tools found reach the model in the appended search result, not in the system text or tool list.
      const found = JSON.stringify(bodies[1]!.messages.at(-1));
      expect(found).toContain("memory.createEntities");
      expect(found).toContain("memory.readGraph");
      expect(JSON.stringify(bodies[2]!.system) + JSON.stringify(bodies[2]!.tools)).not.toContain(
        "createEntities",
      );
    } finally {
      await codeMode.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
