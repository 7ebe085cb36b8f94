/**
 * `codecall exec --record` and `codecall replay` as a user runs them: a program over the real
 * server-memory and server-filesystem is recorded, then replayed offline with a configuration whose
 * server command does not exist (nothing could answer a live call), replayed after edits that diverge,
 * refused when malformed or truncated, and turned into a vitest test that is run with vitest.
 */
import { spawn } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace, notesProgram, runCli, type Workspace } from "./cli.js";

let ws: Workspace;
let record: {
  program: string;
  toolCalls: Array<{ name: string; args?: unknown; value?: unknown }>;
  nondeterminism: { now: number[]; random: number[] };
};
/** A configuration naming a server that cannot start: a replay that touched it would fail. */
let deadConfig: string;

beforeAll(async () => {
  ws = await makeWorkspace();
  deadConfig = join(ws.dir, "dead.mcp.json");
  await writeFile(
    deadConfig,
    JSON.stringify({ mcpServers: { memory: { command: join(ws.dir, "no-such-server") } } }),
  );
  const program = `${notesProgram(ws.dir).replace("return graph", "const luck = Math.random();\nconsole.log('at', Date.now(), luck);\nreturn graph")}`;
  await writeFile(join(ws.dir, "notes.ts"), program);
  const run = await runCli(["exec", "notes.ts", "--record", "notes.record.json"], { cwd: ws.dir });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toContain("recorded 3 tool calls to notes.record.json");
  record = JSON.parse(await readFile(join(ws.dir, "notes.record.json"), "utf8"));
}, 240_000);

afterAll(async () => {
  await ws?.cleanup();
});

describe("codecall exec --record and codecall replay", () => {
  it("records the calls and replays offline: exit 0, no server started", async () => {
    expect(record.toolCalls.map((c) => c.name)).toEqual([
      "filesystem.readTextFile",
      "memory.createEntities",
      "memory.readGraph",
    ]);
    expect(record.nondeterminism.random).toHaveLength(1);
    const replay = await runCli(["replay", "notes.record.json", "--config", deadConfig], { cwd: ws.dir });
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toBe("replay matches the record: 1 execution, 3 tool calls\n");
    expect(replay.stderr).toContain("offline");
    expect(replay.stderr).not.toMatch(/connecting|MCP_CONNECT_FAILED/);
  });

  it("exits 1 at the first divergence, with its step, for an edited program or an edited result", async () => {
    const edited = { ...record, program: record.program.replace('entityType: "word"', 'entityType: "term"') };
    await writeFile(join(ws.dir, "edited.json"), JSON.stringify(edited));
    const args = await runCli(["replay", "edited.json", "--config", deadConfig], { cwd: ws.dir });
    expect(args.code).toBe(1);
    expect(args.stderr).toMatch(/the replay diverged \(args\) at step 2: step 2: memory\.createEntities/);
    expect(args.stderr).toMatch(/expected: .*"word"[\s\S]*actual: .*"term"/);

    const calls = structuredClone(record.toolCalls);
    (calls[0] as { value: { content: string } }).value.content = "alpha\nbeta\n";
    await writeFile(join(ws.dir, "result.json"), JSON.stringify({ ...record, toolCalls: calls }));
    const result = await runCli(["replay", "result.json", "--json", "-q"], { cwd: ws.dir });
    expect(result.code).toBe(1);
    // Two words reach createEntities now: the program's arguments at step 2 differ from the record's.
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, divergence: { kind: "args", step: 2 } });
  });

  it("refuses a truncated or malformed record with RECORD_INVALID (exit 2)", async () => {
    const text = await readFile(join(ws.dir, "notes.record.json"), "utf8");
    await writeFile(join(ws.dir, "truncated.json"), text.slice(0, 200));
    const truncated = await runCli(["replay", "truncated.json"], { cwd: ws.dir });
    expect(truncated.code).toBe(2);
    expect(truncated.stderr).toMatch(/RECORD_INVALID: truncated\.json is not valid JSON.*truncated/);
    await writeFile(join(ws.dir, "other.json"), JSON.stringify({ ...record, recordVersion: 9 }));
    const other = await runCli(["replay", "other.json"], { cwd: ws.dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/RECORD_INVALID: other\.json has recordVersion 9/);
  });

  it("replays --live against the configured servers on purpose", async () => {
    await writeFile(ws.memoryFile, ""); // a fresh graph: the live servers answer as when recorded
    const live = await runCli(["replay", "--live", "notes.record.json"], { cwd: ws.dir });
    expect(live.code, live.stderr).toBe(0);
    expect(live.stderr).toMatch(/connecting to 2 MCP servers/);
    expect(await readFile(ws.memoryFile, "utf8")).toContain('"gamma"');
    // Live, a server that answers otherwise is a `result` divergence: the graph now has a fourth word.
    await writeFile(
      ws.memoryFile,
      `${JSON.stringify({ type: "entity", name: "delta", entityType: "word", observations: [] })}\n`,
    );
    const changed = await runCli(["replay", "--live", "notes.record.json", "-q"], { cwd: ws.dir });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/diverged \(result\) at step 3/);
  });

  it("with --privacy, records hold tokens, never the raw e-mail addresses or phone numbers, and replay offline and live", async () => {
    await writeFile(
      join(ws.dir, "people.csv"),
      "name,email,phone\nAnn Lee,ann.lee@example.com,+1 415-555-2671\nBob Stone,bob.stone@example.org,+44 20 7946 0958\n",
    );
    await writeFile(
      join(ws.dir, "people.ts"),
      `const file = await filesystem.readTextFile({ path: ${JSON.stringify(join(ws.dir, "people.csv"))} });
const rows = String(file.content).trim().split("\\n").slice(1).map((l) => l.split(","));
console.log("first", rows[0].join(" "));
return rows.map(([name, email, phone]) => ({ name, email, phone }));
`,
    );
    const run = await runCli(["exec", "people.ts", "--privacy", "--record", "people.json", "-q"], {
      cwd: ws.dir,
    });
    expect(run.code, run.stderr).toBe(0);
    const text = await readFile(join(ws.dir, "people.json"), "utf8");
    for (const raw of ["ann.lee@example.com", "bob.stone@example.org", "415-555-2671", "7946 0958"])
      expect(text).not.toContain(raw);
    expect(text).toMatch(/\[EMAIL_1\]/);
    const offline = await runCli(["replay", "people.json", "-q"], { cwd: ws.dir });
    expect(offline.code, offline.stderr).toBe(0);
    const live = await runCli(["replay", "--live", "--privacy", "people.json", "-q"], { cwd: ws.dir });
    expect(live.code, live.stderr).toBe(0);
    // Without --privacy the live tool's raw result differs from the recorded tokens, and the CLI says why.
    const raw = await runCli(["replay", "--live", "people.json"], { cwd: ws.dir });
    expect(raw.code).toBe(1);
    expect(raw.stderr).toMatch(/pass --privacy[\s\S]*diverged \(result\) at step 1/);
  });

  it("--emit-test writes a vitest test that replays the record and passes under vitest", async () => {
    // Inside the CLI package, so the test resolves @codecall/core and the sandbox as a user's project would.
    const dir = fileURLToPath(new URL(`./.emitted-${process.pid}/`, import.meta.url));
    await mkdir(dir, { recursive: true });
    try {
      const out = join(dir, "notes.replay.test.ts");
      const emit = await runCli(["replay", "notes.record.json", "--emit-test", out], { cwd: ws.dir });
      expect(emit.code, emit.stderr).toBe(0);
      const source = await readFile(out, "utf8");
      expect(source).toContain('from "@codecall/core/records"');
      await writeFile(
        join(dir, "vitest.config.mjs"),
        `export default { resolve: { conditions: ["@codecall/source", "module", "node"] }, ssr: { resolve: { conditions: ["@codecall/source", "module", "node"] } }, test: { include: ["*.test.ts"] } };\n`,
      );
      const passed = await vitest(dir);
      expect(passed.code, passed.output).toBe(0);
      expect(passed.output).toMatch(/1 passed/);
      // The same test fails once the record no longer matches the program.
      await writeFile(
        out,
        source.replace('entityType: \\\\\\"word\\\\\\"', 'entityType: \\\\\\"noun\\\\\\"'),
      );
      expect(await readFile(out, "utf8")).not.toBe(source);
      const failed = await vitest(dir);
      expect(failed.code).not.toBe(0);
      expect(failed.output).toMatch(/diverged|step 2/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** Runs vitest on its own in `dir` (its own config: not this repository's projects). */
function vitest(dir: string): Promise<{ code: number | null; output: string }> {
  const bin = fileURLToPath(new URL("../../../node_modules/vitest/vitest.mjs", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [bin, "run", "--root", dir, "--config", join(dir, "vitest.config.mjs")],
      {
        cwd: dir,
        env: { ...process.env, CI: "1", NO_COLOR: "1" },
      },
    );
    let output = "";
    child.stdout.on("data", (c) => {
      output += c;
    });
    child.stderr.on("data", (c) => {
      output += c;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}
