/**
 * Approvals on the terminal for `codecall exec` and `codecall run`, against real server-memory: the
 * program's manifest asked once (answers piped on stdin, or --yes), per-call prompts for tools named at run
 * time, and refusals when nobody can answer.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startMessagesStandIn } from "@codecall/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeWorkspace, runCli, type Workspace } from "./cli.js";

let ws: Workspace;
beforeEach(async () => {
  ws = await makeWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

/** Creates an entity and deletes it again (delete_entities declares itself destructive: it asks). */
const PROGRAM = `await memory.createEntities({ entities: [{ name: "tmp", entityType: "t", observations: [] }] });
await memory.deleteEntities({ entityNames: ["tmp"] });
return (await memory.readGraph({})).entities.length;`;

const programValue = (stdout: string) => (JSON.parse(stdout) as { value?: unknown }).value;

describe("codecall exec asks before destructive tools", () => {
  it("asks once for the program, answered from a pipe, and runs it without asking per call", async () => {
    await writeFile(join(ws.dir, "p.ts"), PROGRAM);
    const run = await runCli(["exec", "p.ts", "--json"], { cwd: ws.dir, input: "y\n" });
    expect(run.code, run.stderr).toBe(0);
    expect(programValue(run.stdout)).toBe(0);
    expect(run.stderr).toContain("codecall: approve this program before it runs?");
    expect(run.stderr).toMatch(
      /memory\.delete_entities \(needs approval\)\n\s+line 2: \{"entityNames":\["tmp"\]\}/,
    );
    expect(run.stderr).toMatch(/memory\.create_entities \(allowed\)/);
    expect(run.stderr).not.toContain("Approve this call?");
  });

  it("runs nothing when the answer is no, and refuses the call with a hint when nobody answers", async () => {
    await writeFile(join(ws.dir, "p.ts"), PROGRAM);
    const no = await runCli(["exec", "p.ts", "--json"], { cwd: ws.dir, input: "n\n" });
    expect(no.code).toBe(1);
    expect(JSON.parse(no.stdout)).toMatchObject({
      ok: false,
      error: { code: "POLICY_DENIED" },
      toolCalls: [],
    });
    // Nobody answers: the program runs, and the call that needs approval is refused with a hint.
    const silent = await runCli(["exec", "p.ts", "--json"], { cwd: ws.dir });
    expect(silent.code).toBe(1);
    expect(JSON.parse(silent.stdout).toolCalls.map((c: { name: string }) => c.name)).toEqual([
      "memory.createEntities",
      "memory.deleteEntities",
    ]);
    expect(silent.stderr).toMatch(
      /POLICY_DENIED: memory\.deleteEntities needs approval .*nobody can be asked here.*pass --yes/,
    );
  });

  it("approves everything with --yes, saying so on stderr", async () => {
    await writeFile(join(ws.dir, "p.ts"), PROGRAM);
    const run = await runCli(["exec", "p.ts", "--json", "--yes"], { cwd: ws.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(programValue(run.stdout)).toBe(0);
    expect(run.stderr).toMatch(/Approve the program\? yes \(--yes\)/);
  });

  it("asks per call for a tool the program names at run time, one answer per line", async () => {
    await writeFile(
      join(ws.dir, "p.ts"),
      `await memory.createEntities({ entities: [{ name: "a", entityType: "t", observations: [] }, { name: "b", entityType: "t", observations: [] }] });
const tool = ["memory", "deleteEntities"].join(".");
const out: string[] = [];
for (const name of ["a", "b"]) {
  try { await codecall.callTool(tool, { entityNames: [name] }); out.push(name + " deleted"); }
  catch (e) { out.push(name + " " + (e as { code: string }).code); }
}
return out;`,
    );
    const run = await runCli(["exec", "p.ts", "--json"], { cwd: ws.dir, input: "y\nno\n" });
    expect(run.code, run.stderr).toBe(0);
    expect(programValue(run.stdout)).toEqual(["a deleted", "b POLICY_DENIED"]);
    expect(run.stderr.match(/Approve this call\?/g)).toHaveLength(2);
    expect(run.stderr).toContain(
      'memory.delete_entities (memory.deleteEntities; the tool declares itself destructive) with\n  {"entityNames":["a"]}',
    );
  });
});

describe("codecall run asks before the programs the model writes", () => {
  it("approves a program from a pipe, and the model reads a refusal as a failed tool use", async () => {
    const turns = () => [
      { content: [{ type: "tool_use" as const, name: "execute_code", input: { code: PROGRAM } }] },
      { content: [{ type: "tool_use" as const, name: "execute_code", input: { code: PROGRAM } }] },
      { content: [{ type: "text" as const, text: "Done." }] },
    ];
    const standIn = await startMessagesStandIn({ script: turns() });
    let run: Awaited<ReturnType<typeof runCli>>;
    try {
      run = await runCli(["run", "Add tmp and remove it.", "--json"], {
        cwd: ws.dir,
        env: { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: standIn.url },
        input: "y\nn\n",
      });
    } finally {
      await standIn.close();
    }
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ text: "Done.", stopReason: "end_turn" });
    expect(run.stderr.match(/Approve the program\?/g)).toHaveLength(2);
    const results = standIn.requests
      .flatMap((r) => (r.body as { messages: Array<{ content: unknown }> }).messages)
      .flatMap((m) => (Array.isArray(m.content) ? m.content : []))
      .filter(
        (b): b is { type: "tool_result"; content: string; is_error?: boolean } => b.type === "tool_result",
      );
    expect(results.at(-1)?.is_error).toBe(true);
    expect(results.at(-1)?.content).toMatch(/POLICY_DENIED/);
  });
});
