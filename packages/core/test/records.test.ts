// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${DIR} references in an MCP config
/**
 * Run records end to end: programs run in code mode over the real server-memory, server-filesystem and
 * server-everything (stdio) on QuickJS, recorded, written as JSON, read back, and replayed offline
 * (the servers are closed before any replay: nothing is there to answer). A replay that matches, ones
 * that diverge (program, recorded result, clock), privacy-on records without raw personal data, and
 * malformed or truncated records.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { quickjs } from "@codecall/sandbox-quickjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CodeMode, createAgent, createCodeMode, createExecutor, hasErrorCode } from "../src/internal.js";
import {
  type AgentRecord,
  agentRecord,
  type ExecutionRecord,
  parseRecord,
  RECORD_VERSION,
  replayRecord,
  toolSchemaHash,
} from "../src/records/index.js";
import { startMessagesStandIn } from "../src/testing/index.js";
import { serverBin } from "./fixtures/mcp/servers.js";

const CONTACTS = [
  { name: "Ann Lee", email: "ann.lee@example.com", phone: "+1 415-555-2671" },
  { name: "Bob Stone", email: "bob.stone@example.org", phone: "+44 20 7946 0958" },
];
const CSV = `name,email,phone\n${CONTACTS.map((c) => `${c.name},${c.email},${c.phone}`).join("\n")}\n`;

let dir: string;
const records: ExecutionRecord[] = [];

async function openCodeMode(privacy: boolean): Promise<CodeMode> {
  return createCodeMode({
    servers: {
      mcpServers: {
        memory: {
          command: process.execPath,
          args: [serverBin("server-memory")],
          env: { MEMORY_FILE_PATH: "${DIR}/memory.jsonl" },
        },
        filesystem: { command: process.execPath, args: [serverBin("server-filesystem"), "${DIR}"] },
        everything: { command: process.execPath, args: [serverBin("server-everything")] },
      },
    },
    connect: { env: { ...process.env, DIR: dir } },
    sandbox: quickjs(),
    ...(privacy ? { privacy: {} } : {}),
    onRecord: (record) => records.push(record),
  });
}

/** Records go through JSON, as they would through a file. */
const roundTrip = async (record: ExecutionRecord) =>
  (await parseRecord(JSON.stringify(record))) as ExecutionRecord;

const PROGRAM = (csv: string) => `
const started = Date.now();
const stamp = new Date().toISOString();
const pick = Math.random();
const text = await filesystem.readTextFile({ path: ${JSON.stringify(csv)} });
const names = text.content.split("\\n").slice(1).filter(Boolean).map((line: string) => line.split(",")[0]);
await memory.createEntities({ entities: names.map((name: string) => ({ name, entityType: "person", observations: ["seen at " + stamp] })) });
const graph = await memory.readGraph({});
const sum = await everything.getSum({ a: names.length, b: 40 });
console.log("picked", pick, "at", started);
return { names, entities: graph.entities.length, sum, pick, started, stamp, elapsedOk: Date.now() >= started };`;

let recorded: ExecutionRecord;
/** A program whose outcome is its clock and random values, and one tool call. */
let clock: ExecutionRecord;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "codecall-records-"));
  await writeFile(join(dir, "contacts.csv"), CSV);
  const codeMode = await openCodeMode(false);
  try {
    const result = await codeMode.execute(PROGRAM(join(dir, "contacts.csv")), { record: true });
    expect(result.error).toBeUndefined();
    recorded = await roundTrip(result.record!);
    const timed = await codeMode.execute(
      "const t = Date.now(); const r = [Math.random(), Math.random()]; const d = new Date();\nconst echo = await everything.echo({ message: 'at ' + t });\nreturn { t, r, d: d.getTime(), iso: d.toISOString(), echo };",
      { record: true },
    );
    expect(timed.error).toBeUndefined();
    clock = await roundTrip(timed.record!);
    expect(records).toHaveLength(2);
  } finally {
    // Every server stops here: the replays below run with no server at all.
    await codeMode.close();
  }
}, 90_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a record", () => {
  it("holds the program, each tool call with its arguments and result, the clock and random values, logs, limits and outcome", () => {
    expect(recorded.recordVersion).toBe(RECORD_VERSION);
    expect(recorded.kind).toBe("execution");
    expect(recorded.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(recorded.program).toContain("memory.createEntities");
    expect(recorded.backend).toBe("quickjs");
    expect(recorded.limits.wallTimeMs).toBeGreaterThan(0);
    expect(recorded.toolCalls.map((c) => c.name)).toEqual([
      "filesystem.readTextFile",
      "memory.createEntities",
      "memory.readGraph",
      "everything.getSum",
    ]);
    expect(recorded.toolCalls.map((c) => c.step)).toEqual([1, 2, 3, 4]);
    expect(recorded.toolCalls[0]!.args).toEqual({ path: join(dir, "contacts.csv") });
    expect(recorded.toolCalls[3]).toMatchObject({ ok: true, args: { a: 2, b: 40 } });
    const value = recorded.outcome.value as { pick: number; started: number; sum: unknown };
    expect(recorded.nondeterminism.random).toEqual([value.pick]);
    expect(recorded.nondeterminism.now[0]).toBe(value.started);
    expect(recorded.nondeterminism.now).toHaveLength(3);
    expect(recorded.logs).toEqual([{ level: "log", message: `picked ${value.pick} at ${value.started}` }]);
    expect(recorded.outcome.ok).toBe(true);
    // The schemas of the servers the program used, hashed; enough of them to regenerate the API offline.
    const readGraph = recorded.servers
      .find((s) => s.name === "memory")!
      .tools.find((t) => t.name === "read_graph")!;
    expect(recorded.schemaHashes["memory.readGraph"]).toBe(toolSchemaHash(readGraph));
    expect(recorded.schemaHashes["memory.readGraph"]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(recorded.codecallVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("an offline replay", () => {
  it("matches: the recorded results, clock and random values come back, with no server running", async () => {
    const result = await replayRecord(recorded, { sandbox: quickjs() });
    expect(result.divergence).toBeUndefined();
    expect(result).toEqual({ ok: true, executions: 1 });
  }, 60_000);

  it("reports the step where the program now calls a tool with other arguments", async () => {
    const edited = {
      ...recorded,
      program: recorded.program.replace("b: 40", "b: 41"),
    };
    const result = await replayRecord(edited, { sandbox: quickjs() });
    expect(result.ok).toBe(false);
    expect(result.divergence).toMatchObject({
      kind: "args",
      step: 4,
      expected: { a: 2, b: 40 },
      actual: { a: 2, b: 41 },
    });
    expect(result.divergence!.message).toContain("step 4");
  }, 60_000);

  it("reports a different tool, and a call the record does not have", async () => {
    const swapped = {
      ...recorded,
      program: recorded.program.replace("memory.readGraph({})", "memory.searchNodes({ query: 'x' })"),
    };
    const other = await replayRecord(swapped, { sandbox: quickjs() });
    expect(other.divergence).toMatchObject({
      kind: "tool",
      step: 3,
      expected: "memory.readGraph",
      actual: "memory.searchNodes",
    });
    const extra = {
      ...recorded,
      program: recorded.program.replace("return {", "await memory.readGraph({});\nreturn {"),
    };
    const more = await replayRecord(extra, { sandbox: quickjs() });
    expect(more.divergence).toMatchObject({
      kind: "tool",
      step: 5,
      expected: null,
      actual: "memory.readGraph",
    });
    const fewer = { ...recorded, program: recorded.program.replace(/const sum = .*\n/, "const sum = 0;\n") };
    const less = await replayRecord(fewer, { sandbox: quickjs() });
    expect(less.divergence).toMatchObject({
      kind: "tool",
      step: 4,
      expected: "everything.getSum",
      actual: null,
    });
  }, 60_000);

  it("reports a changed outcome when a recorded result is edited", async () => {
    const calls = structuredClone(recorded.toolCalls);
    const graph = calls[2]!.value as { entities: unknown[] };
    graph.entities.push({ name: "Zed", entityType: "person", observations: [] });
    const result = await replayRecord({ ...recorded, toolCalls: calls }, { sandbox: quickjs() });
    expect(result.divergence).toMatchObject({ kind: "outcome", step: 5 });
    expect(result.divergence!.expected).toMatchObject({ value: { entities: 2 } });
    expect(result.divergence!.actual).toMatchObject({ value: { entities: 3 } });
  }, 60_000);

  it("replays Date.now(), new Date() and Math.random() exactly: other taped values give another outcome", async () => {
    const value = clock.outcome.value as { t: number; r: number[]; d: number };
    expect(clock.nondeterminism).toEqual({ now: [value.t, value.d], random: value.r });
    // The recorded values come back exactly: the replay matches, echo's argument included.
    expect(await replayRecord(clock, { sandbox: quickjs() })).toEqual({ ok: true, executions: 1 });
    // Other taped values reach the program: here the echo's argument shows the replayed clock first.
    const tape = { now: [1_000, 2_000], random: [0.25, 0.5] };
    const moved = await replayRecord({ ...clock, nondeterminism: tape }, { sandbox: quickjs() });
    expect(moved.divergence).toMatchObject({
      kind: "args",
      step: 1,
      expected: { message: `at ${value.t}` },
      actual: { message: "at 1000" },
    });
    // With the recorded echo edited to match, the outcome shows every replayed value.
    const echoed = structuredClone(clock);
    echoed.nondeterminism = tape;
    echoed.toolCalls[0]!.args = { message: "at 1000" };
    const shown = await replayRecord(echoed, { sandbox: quickjs() });
    expect(shown.divergence?.kind).toBe("outcome");
    expect(shown.divergence!.actual).toMatchObject({
      value: { t: 1_000, r: [0.25, 0.5], d: 2_000, iso: new Date(2_000).toISOString() },
    });
    // In the bigger program the clock flows into createEntities' observations: step 2 diverges.
    const stamped = await replayRecord(
      { ...recorded, nondeterminism: { now: [1_000, 2_000, 3_000], random: [0.5] } },
      { sandbox: quickjs() },
    );
    expect(stamped.divergence).toMatchObject({ kind: "args", step: 2 });
    expect(JSON.stringify(stamped.divergence!.actual)).toContain("seen at 1970-01-01T00:00:02.000Z");
    // A recorded failing tool call fails again at the same point, with the same error.
    const failing = structuredClone(recorded);
    failing.toolCalls[3] = {
      ...failing.toolCalls[3]!,
      ok: false,
      error: { code: "TOOL_FAILED", message: "sum is down", name: "ToolError" },
    };
    delete failing.toolCalls[3]!.value;
    failing.outcome = {
      ok: false,
      error: { code: "TOOL_FAILED", message: "sum is down", name: "ToolError" },
    };
    failing.logs = [];
    // It stops before its last clock reading; a tape that says otherwise is a divergence too.
    expect((await replayRecord(failing, { sandbox: quickjs() })).divergence).toMatchObject({
      kind: "outcome",
      message: "the program read the clock 2 times, the record 3",
    });
    failing.nondeterminism.now = failing.nondeterminism.now.slice(0, 2);
    expect(await replayRecord(failing, { sandbox: quickjs() })).toEqual({ ok: true, executions: 1 });
  }, 60_000);
});

describe("a program that failed its type-check", () => {
  it("is recorded with TYPE_CHECK_FAILED, no tool call, and replays to the same outcome", async () => {
    const codeMode = await openCodeMode(false);
    let record: ExecutionRecord;
    try {
      const result = await codeMode.execute(
        "const n: number = await everything.getSum({ a: 1 });\nreturn n;",
        {
          record: true,
        },
      );
      expect(result.error?.code).toBe("TYPE_CHECK_FAILED");
      record = await roundTrip(result.record!);
    } finally {
      await codeMode.close();
    }
    expect(record.toolCalls).toEqual([]);
    expect(record.outcome).toMatchObject({ ok: false, error: { code: "TYPE_CHECK_FAILED" } });
    expect(await replayRecord(record, { sandbox: quickjs() })).toEqual({ ok: true, executions: 1 });
  }, 90_000);
});

/** An executor with a workspace (in memory) and no tools: programs use only the workspace and skills. */
const toolLessExecutor = () =>
  createExecutor({
    servers: [],
    callTool: async () => {
      throw new Error("no tools here");
    },
    sandbox: quickjs(),
    workspace: {},
  });

describe("a program using the workspace", () => {
  it("records the workspace calls like tool calls and replays without the files", async () => {
    const executor = await toolLessExecutor();
    let record: ExecutionRecord;
    try {
      const result = await executor.execute(
        'await workspace.writeFile("notes/a.txt", "x=" + Math.random());\nreturn await workspace.readFile("notes/a.txt");',
        { record: true },
      );
      expect(result.error).toBeUndefined();
      record = await roundTrip(result.record!);
    } finally {
      await executor.close();
    }
    expect(record.toolCalls.map((c) => c.name)).toEqual([
      "codecall.workspace.writeFile",
      "codecall.workspace.readFile",
    ]);
    expect(record.outcome.value).toBe(`x=${record.nondeterminism.random[0]}`);
    // The replay's workspace is empty: the read is answered from the record.
    expect(await replayRecord(record, { sandbox: quickjs() })).toEqual({ ok: true, executions: 1 });
  }, 60_000);
});

describe("a record of a program that imports a skill", () => {
  it("carries the skill's source and replays offline with it, whatever today's workspace holds", async () => {
    const executor = await toolLessExecutor();
    let record: ExecutionRecord;
    try {
      await executor.skills!.save({
        name: "double",
        description: "Doubles a number.",
        code: "export const double = (n: number) => n * 2;",
      });
      const result = await executor.execute(
        'import { double } from "./skills/double";\nreturn double(1 + Math.round(Math.random() * 100));',
        { record: true },
      );
      expect(result.error).toBeUndefined();
      record = await roundTrip(result.record!);
      // The skill changes after the run: the replay still links the recorded one.
      await executor.skills!.save({
        name: "double",
        description: "Triples, by mistake.",
        code: "export const double = (n: number) => n * 3;",
      });
    } finally {
      await executor.close();
    }
    expect(record.skills).toEqual({ "skills/double.ts": "export const double = (n: number) => n * 2;" });
    expect(await replayRecord(record, { sandbox: quickjs() })).toEqual({ ok: true, executions: 1 });
    // A record whose skill source was edited replays to another outcome, reported as such.
    const edited = {
      ...record,
      skills: { "skills/double.ts": "export const double = (n: number) => n * 3;" },
    };
    const replay = await replayRecord(edited, { sandbox: quickjs() });
    expect(replay).toMatchObject({ ok: false, divergence: { kind: "outcome" } });
  }, 60_000);
});

describe("an agent record", () => {
  it("holds the model's turns and the record of each program the model ran, and replays them offline", async () => {
    const executions: ExecutionRecord[] = [];
    const codeMode = await createCodeMode({
      servers: {
        mcpServers: {
          everything: { command: process.execPath, args: [serverBin("server-everything")] },
        },
      },
      sandbox: quickjs(),
      onRecord: (r) => executions.push(r),
    });
    const standIn = await startMessagesStandIn({
      script: [
        {
          content: [
            {
              type: "tool_use",
              name: "execute_code",
              input: {
                code: "const r = Math.random();\nconst s = await everything.getSum({ a: 1, b: 2 });\nreturn { s, r };",
              },
            },
          ],
        },
        {
          content: [
            {
              type: "tool_use",
              name: "execute_code",
              input: { code: "return await everything.echo({ message: 'hi ' + Date.now() });" },
            },
          ],
        },
        { content: [{ type: "text", text: "The sum is 3." }] },
      ],
    });
    let record: AgentRecord;
    try {
      const client = new Anthropic({ apiKey: "k", baseURL: standIn.url, maxRetries: 0 });
      const task = "Add 1 and 2, then say hi.";
      const result = await createAgent({ client, toolbox: codeMode, model: "claude-test" }).run(task);
      expect(result.error).toBeUndefined();
      record = agentRecord({ task, mode: "code", model: "claude-test", result, executions });
    } finally {
      await standIn.close();
      await codeMode.close();
    }
    const read = (await parseRecord(JSON.stringify(record))) as AgentRecord;
    expect(read.kind).toBe("agent");
    expect(read.turns.map((t) => t.stopReason)).toEqual(["tool_use", "tool_use", "end_turn"]);
    expect(read.turns[0]!.content[0]).toMatchObject({ type: "tool_use", name: "execute_code" });
    expect(read.executions.map((e) => e.toolCalls.map((c) => c.name))).toEqual([
      ["everything.getSum"],
      ["everything.echo"],
    ]);
    expect(read.outcome).toMatchObject({ text: "The sum is 3.", stopReason: "end_turn" });
    expect(await replayRecord(read, { sandbox: quickjs() })).toEqual({ ok: true, executions: 2 });
    // The second program now sends another message: execution 2 diverges at its first call.
    const edited = structuredClone(read);
    edited.executions[1]!.program = edited.executions[1]!.program.replace("'hi '", "'hello '");
    const diverged = await replayRecord(edited, { sandbox: quickjs() });
    expect(diverged).toMatchObject({
      ok: false,
      executions: 2,
      divergence: { kind: "args", step: 1, execution: 2 },
    });
    expect(diverged.divergence!.message).toMatch(/^execution 2: step 1/);
  }, 90_000);
});

describe("records with privacy on", () => {
  it("hold the program's view (tokens), never the raw e-mail addresses or phone numbers, and still replay", async () => {
    const codeMode = await openCodeMode(true);
    let record: ExecutionRecord;
    try {
      const result = await codeMode.execute(
        `const text = await filesystem.readTextFile({ path: ${JSON.stringify(join(dir, "contacts.csv"))} });
const rows = text.content.split("\\n").slice(1).filter(Boolean).map((l: string) => l.split(","));
console.log("first", rows[0]);
return rows.map(([name, email, phone]: string[]) => ({ name, email, phone }));`,
        { record: true },
      );
      expect(result.error).toBeUndefined();
      record = await roundTrip(result.record!);
    } finally {
      await codeMode.close();
    }
    expect(record.redacted).toBe(true);
    const text = JSON.stringify(record);
    for (const c of CONTACTS) {
      expect(text).not.toContain(c.email);
      expect(text).not.toContain(c.phone);
    }
    // The program saw tokens, and the record holds them.
    expect(text).toMatch(/\[EMAIL_\d+\]/);
    expect(await replayRecord(record, { sandbox: quickjs() })).toEqual({ ok: true, executions: 1 });
  }, 90_000);
});

describe("malformed records", () => {
  const invalid = async (text: string) => {
    const error = await parseRecord(text).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(hasErrorCode(error, "RECORD_INVALID")).toBe(true);
    return (error as Error).message;
  };

  it("a truncated file is RECORD_INVALID and says it may be truncated", async () => {
    const text = JSON.stringify(recorded);
    expect(await invalid(text.slice(0, text.length / 2))).toMatch(/not valid JSON.*truncated/);
  });

  it("another version, a missing field, a wrong type: RECORD_INVALID naming what is wrong", async () => {
    expect(await invalid(JSON.stringify({ ...recorded, recordVersion: 2 }))).toMatch(/recordVersion 2/);
    const { toolCalls: _drop, ...noCalls } = recorded;
    expect(await invalid(JSON.stringify(noCalls))).toMatch(/lacks "toolCalls"/);
    const badStep = { ...recorded, toolCalls: [{ ...recorded.toolCalls[0], step: "one" }] };
    expect(await invalid(JSON.stringify(badStep))).toMatch(/\/toolCalls\/0\/step/);
    expect(await invalid("[]")).toMatch(/not a JSON object/);
    expect(await invalid(JSON.stringify({ codecall: "run-record", version: 1, turns: [] }))).toMatch(
      /older `codecall run --record`/,
    );
  });
});
