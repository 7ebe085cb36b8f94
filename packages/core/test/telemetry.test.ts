/**
 * OpenTelemetry spans with the SDK's in-memory exporter installed, as an application would: an agent turn
 * running one program with three tool calls that answer (one of them after a retry) and one call a policy
 * interceptor denies, against a real MCP server over stdio.
 */
import Anthropic from "@anthropic-ai/sdk";
import { quickjs } from "@codecall/sandbox-quickjs";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AgentEvent,
  CodecallError,
  type CodeMode,
  createAgent,
  createCodeMode,
  type ExecutionInterceptor,
} from "../src/internal.js";
import { type MessagesStandIn, startMessagesStandIn } from "../src/testing/index.js";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const script = new URL("./fixtures/mcp/limits-server.mjs", import.meta.url).pathname;
let codeMode: CodeMode;
let standIn: MessagesStandIn;

/** Denies one tool, as a policy would. */
const policy: ExecutionInterceptor = {
  beforeCall(call) {
    if (call.tool === "refuse")
      throw new CodecallError("POLICY_DENIED", `Policy does not allow ${call.server}.${call.tool}.`);
    return call.args;
  },
};

const PROGRAM = [
  "const first = await limits.slow({ ms: 1 });",
  'const second = await limits.flaky({ key: "secret-key-otel" });',
  "let denied = '';",
  "try { await limits.refuse({}); } catch (e) { denied = (e as { code?: string }).code ?? ''; }",
  "const stats = await limits.stats({});",
  "return { first, second, denied, calls: Object.keys(stats.calls).length };",
].join("\n");

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  codeMode = await createCodeMode({
    servers: { mcpServers: { limits: { command: process.execPath, args: [script] } } },
    sandbox: quickjs(),
    interceptor: policy,
    tools: { "limits.flaky": { timeoutMs: 1_500, retries: { count: 2, minDelayMs: 10, maxDelayMs: 50 } } },
  });
  standIn = await startMessagesStandIn({
    script: [
      { content: [{ type: "tool_use", name: "execute_code", input: { code: PROGRAM } }] },
      { content: [{ type: "text", text: "Done." }] },
    ],
  });
});

afterAll(async () => {
  await standIn?.close();
  await codeMode?.close();
  await provider.shutdown();
  trace.disable();
  context.disable();
});

const ours = () =>
  exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === "@codecall/core");
const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe("OpenTelemetry spans", () => {
  it("nests turn > execute > type-check and run > one span per tool call, with outcomes, sizes and the run id", async () => {
    exporter.reset();
    const client = new Anthropic({ apiKey: "test-key", baseURL: standIn.url, maxRetries: 0 });
    const agent = createAgent({ client, toolbox: codeMode, model: "claude-test" });
    const events: AgentEvent[] = [];
    const result = await agent.run("Exercise the limits server.", { onEvent: (e) => events.push(e) });
    expect(result.stopReason).toBe("end_turn");
    const toolResult = events.find((e) => e.type === "tool-use-result");
    expect(toolResult).toMatchObject({ isError: false });
    expect((toolResult as { content: string }).content).toContain('"denied":"POLICY_DENIED"');

    const spans = ours();
    const named = (name: string) => spans.filter((s) => s.name === name);
    const turns = named("codecall.agent.turn");
    expect(turns.map((t) => t.attributes["codecall.agent.turn"])).toEqual([1, 2]);
    const [execute] = named("codecall.execute");
    expect(named("codecall.execute")).toHaveLength(1);
    expect(parentOf(execute!)).toBe(idOf(turns[0]!));
    expect(execute!.attributes["codecall.ok"]).toBe(true);
    expect(execute!.attributes["codecall.tool_calls"]).toBe(4);
    const runId = execute!.attributes["codecall.run_id"];
    expect(typeof runId).toBe("string");

    const [check] = named("codecall.type_check");
    const [run] = named("codecall.run");
    expect(parentOf(check!)).toBe(idOf(execute!));
    expect(parentOf(run!)).toBe(idOf(execute!));

    const tools = spans.filter((s) => s.name.startsWith("tools/call "));
    expect(tools.map((s) => s.name).sort()).toEqual([
      "tools/call limits.flaky",
      "tools/call limits.refuse",
      "tools/call limits.slow",
      "tools/call limits.stats",
    ]);
    for (const span of tools) {
      expect(parentOf(span)).toBe(idOf(run!));
      expect(span.attributes["codecall.run_id"]).toBe(runId);
      expect(span.attributes["codecall.tool.server"]).toBe("limits");
      expect(span.attributes["mcp.method.name"]).toBe("tools/call");
      expect(span.attributes["codecall.tool.args_bytes"]).toBeGreaterThan(0);
      // Sizes only: no attribute or event carries the program's arguments or the tool's results.
      const recorded = JSON.stringify([span.attributes, span.events]);
      expect(recorded).not.toContain("secret-key-otel");
      expect(recorded).not.toContain("survived");
    }
    const byTool: Record<string, ReadableSpan> = Object.fromEntries(
      tools.map((s) => [String(s.attributes["codecall.tool.name"]), s]),
    );
    expect(byTool.slow!.attributes["codecall.tool.outcome"]).toBe("ok");
    expect(byTool.slow!.attributes["codecall.tool.result_bytes"]).toBeGreaterThan(0);
    expect(byTool.stats!.attributes["codecall.tool.outcome"]).toBe("ok");

    const flaky = byTool.flaky!;
    expect(flaky.attributes["codecall.tool.outcome"]).toBe("ok");
    expect(flaky.attributes["codecall.tool.attempts"]).toBe(2);
    expect(flaky.events.map((e) => [e.name, e.attributes?.["error.type"]])).toEqual([
      ["codecall.tool.retry", "TOOL_TIMEOUT"],
    ]);

    const refused = byTool.refuse!;
    expect(refused.attributes["codecall.tool.outcome"]).toBe("denied");
    expect(refused.attributes["error.type"]).toBe("POLICY_DENIED");
    expect(refused.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(refused.attributes["codecall.tool.result_bytes"]).toBeUndefined();

    // The same run id is on every event the program streamed, each with a timestamp.
    const programEvents = events.filter((e) =>
      ["program-start", "tool-call", "tool-retry", "tool-result"].includes(e.type),
    );
    expect(programEvents.map((e) => e.type)).toEqual([
      "program-start",
      "tool-call",
      "tool-result",
      "tool-call",
      "tool-retry",
      "tool-result",
      "tool-call",
      "tool-result",
      "tool-call",
      "tool-result",
    ]);
    for (const event of programEvents) expect((event as { runId?: string }).runId).toBe(runId);
    // Every event, the agent's own included, carries a timestamp.
    for (const event of events) expect(event.at).toBeGreaterThan(Date.UTC(2020, 0, 1));
    expect(events.find((e) => e.type === "turn-start")).toMatchObject({ at: expect.any(Number) });
    // The agent's own events carry the agent run's id, which the result names too.
    const agentEvents = events.filter((e) => ["turn-start", "tool-use", "usage"].includes(e.type));
    expect(agentEvents.length).toBeGreaterThan(0);
    for (const event of agentEvents) expect(event.runId).toBe(result.runId);
    expect(result.runId).not.toBe(runId);
  }, 60_000);

  it("records the MCP session id and a caller's run id on an execution's spans", async () => {
    exporter.reset();
    const result = await codeMode.execute("return await limits.slow({ ms: 1 });", {
      runId: "run-from-caller",
      sessionId: "session-42",
    });
    expect(result.ok).toBe(true);
    expect(result.runId).toBe("run-from-caller");
    const spans = ours();
    const execute = spans.find((s) => s.name === "codecall.execute")!;
    expect(execute.attributes).toMatchObject({
      "codecall.run_id": "run-from-caller",
      "mcp.session.id": "session-42",
    });
    const tool = spans.find((s) => s.name === "tools/call limits.slow")!;
    expect(tool.attributes["mcp.session.id"]).toBe("session-42");
  }, 60_000);
});
