/**
 * Code mode and classic mode as AI SDK tools, driven by the SDK's own MockLanguageModelV3 through
 * generateText and streamText, against a real server-memory over stdio and the QuickJS sandbox.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodecallError } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
import { generateText, stepCountIs, streamText, ToolLoopAgent } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CodeModeTools, createClassicModeTools, createCodeModeTools } from "../src/index.js";
import { scriptedModel, toolResultsSeen } from "./fixtures/scripted-model.js";
import { memoryConfig } from "./fixtures/servers.js";

let dir: string;
let codecall: CodeModeTools;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "codecall-ai-sdk-"));
  codecall = await createCodeModeTools({
    servers: memoryConfig(join(dir, "memory.jsonl")),
    sandbox: quickjs(),
  });
});

afterAll(async () => {
  await codecall?.close();
  await rm(dir, { recursive: true, force: true });
});

const saveAndCount = `
await memory.createEntities({ entities: [
  { name: "Ada", entityType: "person", observations: ["wrote the first program"] },
  { name: "Grace", entityType: "person", observations: ["wrote a compiler"] },
] });
const graph = await memory.readGraph({});
console.log("entities", graph.entities.length);
return graph.entities.map((e) => e.name).sort();
`;

describe("code mode tools", () => {
  it("offers the meta-tools with code mode's system text", () => {
    expect(Object.keys(codecall.tools).sort()).toEqual([
      "execute_code",
      "list_files",
      "read_file",
      "search_tools",
    ]);
    expect(codecall.system).toContain("memory");
    expect(codecall.tools.execute_code?.description).toBe(
      codecall.codeMode.tools().find((t) => t.name === "execute_code")?.description,
    );
  });

  it("runs search, a program against server-memory and an answer through generateText", async () => {
    const { model, prompts } = scriptedModel([
      { calls: [{ tool: "search_tools", input: { query: "create entities in the knowledge graph" } }] },
      { calls: [{ tool: "execute_code", input: { code: saveAndCount } }] },
      { text: "Saved Ada and Grace." },
    ]);
    const result = await generateText({
      model,
      system: codecall.system,
      tools: codecall.tools,
      stopWhen: stepCountIs(5),
      prompt: "Remember Ada and Grace.",
    });
    expect(result.text).toBe("Saved Ada and Grace.");
    expect(result.steps).toHaveLength(3);
    // What the model read before its last turn: the search hit and the program's envelope.
    const seen = toolResultsSeen(prompts[2]!);
    expect(seen.map((s) => [s.tool, s.type])).toEqual([
      ["search_tools", "text"],
      ["execute_code", "text"],
    ]);
    expect(seen[0]!.value).toContain("createEntities");
    const envelope = JSON.parse(seen[1]!.value) as { ok: boolean; value: unknown; logs?: unknown };
    expect(envelope).toMatchObject({ ok: true });
    expect(envelope.value).toEqual(["Ada", "Grace"]);
    // The system text given to the SDK reached the model.
    expect(prompts[0]![0]).toMatchObject({ role: "system", content: codecall.system });
  });

  it("sends a failed program back as error-text, and the model can fix it", async () => {
    const { model, prompts } = scriptedModel([
      { calls: [{ tool: "execute_code", input: { code: "const n: number = 'text'; return n;" } }] },
      { calls: [{ tool: "execute_code", input: { code: "return 1 + 1;" } }] },
      { text: "2" },
    ]);
    const result = await generateText({
      model,
      tools: codecall.tools,
      stopWhen: stepCountIs(5),
      prompt: "add",
    });
    expect(result.text).toBe("2");
    const seen = toolResultsSeen(prompts[2]!);
    expect(seen[0]).toMatchObject({ tool: "execute_code", type: "error-text" });
    expect(seen[0]!.value).toContain("TYPE_CHECK_FAILED");
    expect(seen[1]).toMatchObject({ tool: "execute_code", type: "text" });
    expect(JSON.parse(seen[1]!.value)).toMatchObject({ ok: true, value: 2 });
  });

  it("streams a program's events as preliminary tool results, then the final one", async () => {
    const { model } = scriptedModel([
      { calls: [{ tool: "execute_code", input: { code: saveAndCount } }] },
      { text: "done" },
    ]);
    const stream = streamText({ model, tools: codecall.tools, stopWhen: stepCountIs(3), prompt: "count" });
    const results: Array<{ preliminary: boolean; output: unknown }> = [];
    for await (const part of stream.fullStream) {
      if (part.type === "tool-result")
        results.push({ preliminary: part.preliminary === true, output: part.output });
      if (part.type === "error") throw part.error;
    }
    expect(await stream.text).toBe("done");
    // The SDK reports every yielded output as preliminary, then the last one again as the result.
    const running = results.filter(
      (r) => r.preliminary && (r.output as { status: string }).status === "running",
    );
    const final = results.filter((r) => !r.preliminary);
    expect(final).toHaveLength(1);
    expect(final[0]!.output).toMatchObject({ status: "done", isError: false, program: { ok: true } });
    expect(running.length).toBeGreaterThan(0);
    const last = running.at(-1)!.output as { status: string; events: Array<{ type: string; name?: string }> };
    expect(last.status).toBe("running");
    const types = last.events.map((e) => (e.type === "tool-call" ? `call ${e.name}` : e.type));
    expect(types[0]).toBe("program-start");
    expect(types).toContain("call memory.createEntities");
  });

  it("works as the tools of an AI SDK agent (ToolLoopAgent)", async () => {
    const { model, prompts } = scriptedModel([
      {
        calls: [
          { tool: "execute_code", input: { code: "return (await memory.readGraph({})).entities.length;" } },
        ],
      },
      { text: "counted" },
    ]);
    const agent = new ToolLoopAgent({
      model,
      instructions: codecall.system,
      tools: codecall.tools,
      stopWhen: stepCountIs(4),
    });
    const result = await agent.generate({ prompt: "How many entities?" });
    expect(result.text).toBe("counted");
    const [seen] = toolResultsSeen(prompts[1]!);
    expect(seen?.tool).toBe("execute_code");
    expect(JSON.parse(seen!.value)).toMatchObject({ ok: true });
    expect(typeof JSON.parse(seen!.value).value).toBe("number");
  });

  it("passes the abort signal to the program", async () => {
    const { model } = scriptedModel([
      { calls: [{ tool: "execute_code", input: { code: "for (;;) await memory.readGraph({});" } }] },
      { text: "never" },
    ]);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    // The SDK hands its abortSignal to the tool; the program stops and the step ends with that outcome.
    const result = await generateText({
      model,
      tools: codecall.tools,
      abortSignal: controller.signal,
      prompt: "wait",
    });
    expect(result.toolResults[0]?.output).toMatchObject({
      status: "done",
      isError: true,
      program: { errorCode: "ABORTED" },
    });
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe("policy and privacy stay code mode's own", () => {
  it("a denied tool fails inside the program and the model reads why", async () => {
    const guarded = await createCodeModeTools({
      servers: memoryConfig(join(dir, "policy.jsonl")),
      sandbox: quickjs(),
      interceptor: {
        beforeCall(call) {
          if (call.tool === "delete_entities" || call.tool === "deleteEntities")
            throw new CodecallError("POLICY_DENIED", `${call.server}.${call.tool} is denied by policy.`);
          return call.args;
        },
      },
    });
    try {
      const { model, prompts } = scriptedModel([
        {
          calls: [
            {
              tool: "execute_code",
              input: { code: 'await memory.deleteEntities({ entityNames: ["Ada"] }); return "deleted";' },
            },
          ],
        },
        { text: "refused" },
      ]);
      await generateText({ model, tools: guarded.tools, stopWhen: stepCountIs(3), prompt: "delete Ada" });
      const [seen] = toolResultsSeen(prompts[1]!);
      expect(seen).toMatchObject({ tool: "execute_code", type: "error-text" });
      expect(seen!.value).toContain("denied by policy");
    } finally {
      await guarded.close();
    }
  });

  it("with privacy on, the model sees tokens, never the email a tool returned", async () => {
    const email = "ada.lovelace@example.com";
    const privateMode = await createCodeModeTools({
      servers: memoryConfig(join(dir, "privacy.jsonl")),
      sandbox: quickjs(),
      privacy: {},
    });
    try {
      // The program stores the email (arguments pass as written), then reads it back through the guard.
      const { model, prompts } = scriptedModel([
        {
          calls: [
            {
              tool: "execute_code",
              input: {
                code: `await memory.createEntities({ entities: [{ name: "Ada", entityType: "person", observations: [${JSON.stringify(email)}] }] });
const graph = await memory.readGraph({});
console.log(graph.entities[0].observations[0]);
return graph.entities[0].observations;`,
              },
            },
          ],
        },
        { text: "stored" },
      ]);
      await generateText({ model, tools: privateMode.tools, stopWhen: stepCountIs(3), prompt: "store" });
      // The model wrote the address in its program; what came back from the tool carries a token instead.
      const [seen] = toolResultsSeen(prompts[1]!);
      expect(seen?.type).toBe("text");
      expect(seen!.value).not.toContain(email);
      expect(seen!.value).toMatch(/EMAIL/i);
    } finally {
      await privateMode.close();
    }
  });
});

describe("classic mode tools", () => {
  it("gives every MCP tool to the model and calls it directly", async () => {
    const classic = await createClassicModeTools({ servers: memoryConfig(join(dir, "classic.jsonl")) });
    try {
      const names = Object.keys(classic.tools);
      expect(names).toContain("memory__create_entities");
      expect(names).toHaveLength(9);
      const { model, prompts } = scriptedModel([
        {
          calls: [
            {
              tool: "memory__create_entities",
              input: { entities: [{ name: "Linus", entityType: "person", observations: ["kernel"] }] },
            },
          ],
        },
        { calls: [{ tool: "memory__read_graph", input: {} }] },
        { text: "one entity" },
      ]);
      const result = await generateText({
        model,
        system: classic.system,
        tools: classic.tools,
        stopWhen: stepCountIs(5),
        prompt: "x",
      });
      expect(result.text).toBe("one entity");
      const seen = toolResultsSeen(prompts[2]!);
      expect(seen[1]).toMatchObject({ tool: "memory__read_graph", type: "text" });
      expect(seen[1]!.value).toContain("Linus");
    } finally {
      await classic.close();
    }
  });
});
