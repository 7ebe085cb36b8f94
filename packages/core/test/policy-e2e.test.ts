/**
 * Policy and approvals end to end: real server-memory over stdio, QuickJS, programs through the executor,
 * code mode and the agent loop (the real Anthropic SDK against the local Messages stand-in).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { quickjs } from "@codecall/sandbox-quickjs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type ApprovalRequest,
  connectServers,
  createAgent,
  createClassicMode,
  createCodeMode,
  createExecutor,
  type ExecutorOptions,
  type McpConnections,
  type ProgramManifest,
  type Sandbox,
} from "../src/internal.js";
import { startMessagesStandIn } from "../src/testing/index.js";
import { serverScript } from "./executor-fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "codecall-policy-"));
let connections: McpConnections;
let sandbox: Sandbox;

beforeAll(async () => {
  connections = await connectServers({
    mcpServers: {
      memory: {
        command: process.execPath,
        args: [serverScript("server-memory")],
        env: { MEMORY_FILE_PATH: join(dir, "memory.jsonl") },
      },
    },
  });
  sandbox = quickjs();
}, 60_000);

afterAll(async () => {
  await sandbox?.close();
  await connections?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Empties the memory graph between tests (a direct call: no program, no policy). */
beforeEach(async () => {
  const graph = (
    await connections.callTool("memory", "read_graph", {}, { signal: new AbortController().signal })
  ).structuredContent as { entities: Array<{ name: string }> };
  const names = graph.entities.map((e) => e.name);
  if (names.length)
    await connections.callTool(
      "memory",
      "delete_entities",
      { entityNames: names },
      { signal: new AbortController().signal },
    );
});

/** An executor with the policy options, and the record of every approval it asked for. */
async function withExecutor(
  options: Pick<ExecutorOptions, "policy" | "limits"> & {
    approve?: (r: ApprovalRequest) => Promise<boolean> | boolean;
    approveProgram?: (m: ProgramManifest) => Promise<boolean> | boolean;
  },
) {
  const asked: ApprovalRequest[] = [];
  const manifests: ProgramManifest[] = [];
  const { approve, approveProgram, ...rest } = options;
  const executor = await createExecutor({
    catalogue: connections,
    sandbox,
    ...rest,
    ...(approve
      ? {
          approve: (r: ApprovalRequest) => {
            asked.push(r);
            return approve(r);
          },
        }
      : {}),
    ...(approveProgram
      ? {
          approveProgram: (m: ProgramManifest) => {
            manifests.push(m);
            return approveProgram(m);
          },
        }
      : {}),
  });
  return { executor, asked, manifests };
}

const entity = (name: string) =>
  `{ entities: [{ name: "${name}", entityType: "person", observations: ["met"] }] }`;

describe("approving a program once (server-memory, QuickJS)", () => {
  it("asks once for the whole program, with its tools and literal arguments, and then never per call", async () => {
    const { executor, asked, manifests } = await withExecutor({
      policy: { ask: ["memory.create_entities"] },
      approve: () => true,
      approveProgram: () => true,
    });
    try {
      const code = [
        `await memory.createEntities(${entity("Ada")});`,
        'await memory.deleteEntities({ entityNames: ["Ada"] });',
        "return (await memory.readGraph()).entities.length;",
      ].join("\n");
      const result = await executor.execute(code);
      expect(result.error).toBeUndefined();
      expect(result.value).toBe(0);
      expect(result.toolCalls.map((c) => c.name)).toEqual([
        "memory.createEntities",
        "memory.deleteEntities",
        "memory.readGraph",
      ]);
      expect(asked).toEqual([]);
      expect(manifests).toHaveLength(1);
      const manifest = manifests[0]!;
      expect(manifest.open).toBe(false);
      expect(manifest.program).toBe(code);
      expect(manifest.tools.map((t) => [t.id, t.decision])).toEqual([
        ["memory.createEntities", "ask"],
        // destructiveHint: asks with no glob naming it; readOnlyHint: allowed.
        ["memory.deleteEntities", "ask"],
        ["memory.readGraph", "allow"],
      ]);
      expect(manifest.tools[1]!.calls).toEqual([{ line: 2, args: { entityNames: ["Ada"] } }]);
    } finally {
      await executor.close();
    }
  });

  it("a run cancelled while the user has not answered ends ABORTED without waiting for the answer, and runs nothing", async () => {
    let answer!: (approved: boolean) => void;
    const { executor, manifests } = await withExecutor({
      approveProgram: () =>
        new Promise<boolean>((resolve) => {
          answer = resolve;
        }),
    });
    try {
      await connections.callTool(
        "memory",
        "create_entities",
        { entities: [{ name: "Keep", entityType: "person", observations: ["met"] }] },
        { signal: new AbortController().signal },
      );
      const controller = new AbortController();
      // A destructive call: the program is put to the user before it runs.
      const running = executor.execute('await memory.deleteEntities({ entityNames: ["Keep"] });\nreturn 1;', {
        signal: controller.signal,
      });
      while (manifests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      controller.abort();
      const result = await running;
      expect(result.error?.code).toBe("ABORTED");
      // The answer that comes later runs nothing.
      answer(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const graph = await executor.execute("return (await memory.readGraph()).entities.length;");
      expect(graph.value).toBe(1);
    } finally {
      await executor.close();
    }
  });

  it("does not run a program the user refuses", async () => {
    const { executor, manifests } = await withExecutor({ approveProgram: () => false });
    try {
      const result = await executor.execute(`await memory.createEntities(${entity("Eve")});
await memory.deleteEntities({ entityNames: ["Eve"] });`);
      expect(result.ok).toBe(false);
      expect(result.error?.code).toBe("POLICY_DENIED");
      expect(result.error?.message).toMatch(/did not approve this program.*memory\.deleteEntities/);
      expect(result.toolCalls).toEqual([]);
      expect(manifests).toHaveLength(1);
      const graph = await executor.execute("return (await memory.readGraph()).entities.length;");
      // Nothing needs asking in that one: it runs with no prompt.
      expect(graph.value).toBe(0);
      expect(manifests).toHaveLength(1);
    } finally {
      await executor.close();
    }
  });

  it('runs a program answered "per-call" with each call that needs approval checked as it happens', async () => {
    const executor = await createExecutor({
      catalogue: connections,
      sandbox,
      approveProgram: () => "per-call",
      approve: (r) => r.args.entityNames?.toString() !== "keep",
    });
    try {
      const result = await executor.execute(`await memory.createEntities(${entity("keep")});
const out = [];
for (const name of ["keep", "nobody"]) {
  try { await memory.deleteEntities({ entityNames: [name] }); out.push("deleted"); } catch (e) { out.push(e.code); }
}
return out;`);
      expect(result.value).toEqual(["POLICY_DENIED", "deleted"]);
    } finally {
      await executor.close();
    }
  });

  it("asks per call for a tool whose name the program builds at run time", async () => {
    const { executor, asked, manifests } = await withExecutor({
      policy: { ask: ["memory.create_entities"] },
      approve: () => true,
      approveProgram: () => true,
    });
    try {
      const code = [
        `await memory.createEntities(${entity("Bo")});`,
        'const tool = ["memory", "deleteEntities"].join(".");',
        'await codecall.callTool(tool, { entityNames: ["Bo"] });',
        'await codecall.callTool(tool, { entityNames: ["nobody"] });',
        "return (await memory.readGraph()).entities.length;",
      ].join("\n");
      const result = await executor.execute(code);
      expect(result.error).toBeUndefined();
      expect(result.value).toBe(0);
      expect(manifests).toHaveLength(1);
      expect(manifests[0]!.open).toBe(true);
      expect(manifests[0]!.openReasons).toEqual([
        "line 3: codecall.callTool is given a tool name computed at run time",
        "line 4: codecall.callTool is given a tool name computed at run time",
      ]);
      expect(asked.map((r) => [r.id, r.args, r.reason, r.program === code])).toEqual([
        ["memory.deleteEntities", { entityNames: ["Bo"] }, "annotation", true],
        ["memory.deleteEntities", { entityNames: ["nobody"] }, "annotation", true],
      ]);
    } finally {
      await executor.close();
    }
  });

  it("refuses a computed call nobody approves, and a call a closed manifest does not list", async () => {
    const { executor } = await withExecutor({ approveProgram: () => true });
    try {
      const computed = await executor.execute(`
const tool = "memory." + "deleteEntities";
try { await codecall.callTool(tool, { entityNames: ["x"] }); return "ran"; }
catch (e) { return [e.code, e.message]; }`);
      expect(computed.value).toEqual([
        "POLICY_DENIED",
        expect.stringMatching(/memory\.deleteEntities needs approval .*nobody can be asked/),
      ]);
      // A function built from a string reaches the host's bridge where the analysis cannot see: the
      // manifest stays closed (readGraph only), and the run-time check refuses the call it does not list.
      const hidden = await executor.execute(`
const graph = await memory.readGraph();
const AsyncFunction: any = (async () => {}).constructor;
const sneak = new AsyncFunction("return globalThis.codecall.callTool('memory.createEntities', " + JSON.stringify(${entity("Mallory")}) + ")");
try { await sneak(); return "ran"; }
catch (e) { return [e.code, e.message]; }`);
      expect(hidden.error).toBeUndefined();
      expect(hidden.value).toEqual([
        "POLICY_DENIED",
        expect.stringMatching(/not among the tools this program was approved to call/),
      ]);
      expect((await executor.execute("return (await memory.readGraph()).entities.length;")).value).toBe(0);
    } finally {
      await executor.close();
    }
  });
});

describe("skills in the program manifest (server-memory, QuickJS)", () => {
  it("lists the tools an imported skill recorded, and refuses one the skill calls outside them", async () => {
    const manifests: ProgramManifest[] = [];
    const executor = await createExecutor({
      catalogue: connections,
      sandbox,
      workspace: { storage: "memory" },
      policy: { ask: ["memory.create_entities", "memory.delete_entities"] },
      approveProgram: (m) => {
        manifests.push(m);
        return true;
      },
    });
    try {
      // The skill's recorded tools come from a scan of its literal calls: createEntities only. Its computed
      // call to deleteEntities is not among them.
      await executor.skills!.save({
        name: "add-then-wipe",
        description: "Adds a person, then tries to delete everyone.",
        code: `export async function addThenWipe(name: string) {
  await memory.createEntities({ entities: [{ name, entityType: "person", observations: [] }] });
  const wipe = ["memory", "deleteEntities"].join(".");
  try { await codecall.callTool(wipe, { entityNames: [name] }); return "wiped"; }
  catch (e) { return e.code; }
}`,
      });
      const run = await executor.execute(
        `import { addThenWipe } from "./skills/add-then-wipe";\nreturn await addThenWipe("Ada");`,
      );
      expect(run.error).toBeUndefined();
      // One prompt, listing the skill's recorded tool; the manifest is closed (the import has a tool list).
      expect(manifests).toHaveLength(1);
      expect(manifests[0]!.open).toBe(false);
      expect(manifests[0]!.tools.map((t) => t.id)).toEqual(["memory.createEntities"]);
      // The skill's call outside its recorded tools is refused at run time; the approved one ran.
      expect(run.value).toBe("POLICY_DENIED");
      const graph = await executor.execute("return (await memory.readGraph()).entities.map((e) => e.name);");
      expect(graph.value).toEqual(["Ada"]);
      // codecall's own tools (the workspace here) are not catalogue tools: the manifest does not hold them
      // back, the rules decide them per call.
      const kept = await executor.execute(
        `await memory.createEntities(${entity("Bea")});\nawait workspace.writeFile("seen.txt", "Bea");\nreturn await workspace.readFile("seen.txt");`,
      );
      expect(kept.error).toBeUndefined();
      expect(kept.value).toBe("Bea");
    } finally {
      await executor.close();
    }
  });
});

describe("per-call approval (server-memory, QuickJS)", () => {
  it("asks for destructive tools by their annotation and lets configuration override it", async () => {
    const seen = await withExecutor({ approve: () => true });
    const overridden = await withExecutor({
      policy: { allow: ["memory.delete_*", "memory.create_*", "memory.read_*"] },
      approve: () => true,
    });
    try {
      const code = `await memory.createEntities(${entity("Cy")});
await memory.deleteEntities({ entityNames: ["Cy"] });
return (await memory.readGraph()).entities.length;`;
      expect((await seen.executor.execute(code)).value).toBe(0);
      expect(seen.asked.map((r) => r.id)).toEqual(["memory.deleteEntities"]);
      expect((await overridden.executor.execute(code)).value).toBe(0);
      expect(overridden.asked).toEqual([]);
    } finally {
      await seen.executor.close();
      await overridden.executor.close();
    }
  });

  it("gives the program a catchable POLICY_DENIED for a denied tool and a refused approval", async () => {
    const { executor, asked } = await withExecutor({
      policy: { deny: ["memory.create_*"] },
      approve: () => false,
    });
    try {
      const result = await executor.execute(`
const out = [];
try { await memory.createEntities(${entity("Dee")}); } catch (e) { out.push(e.code, e.message); }
try { await memory.deleteEntities({ entityNames: ["Dee"] }); } catch (e) { out.push(e.code, e.message); }
return out;`);
      expect(result.value).toEqual([
        "POLICY_DENIED",
        expect.stringMatching(/matches a "deny" glob/),
        "POLICY_DENIED",
        expect.stringMatching(/did not approve the call to memory\.deleteEntities/),
      ]);
      expect(asked).toHaveLength(1);
    } finally {
      await executor.close();
    }
  });

  it("pauses the wall clock while an approval waits longer than the limit", async () => {
    const wallTimeMs = 1_000;
    const { executor, asked } = await withExecutor({
      limits: { wallTimeMs },
      approve: () => new Promise<boolean>((resolve) => setTimeout(resolve, wallTimeMs * 3, true)),
    });
    try {
      const started = performance.now();
      const result = await executor.execute(`await memory.createEntities(${entity("Flo")});
await memory.deleteEntities({ entityNames: ["Flo"] });
return (await memory.readGraph()).entities.length;`);
      expect(result.error).toBeUndefined();
      expect(result.value).toBe(0);
      expect(asked).toHaveLength(1);
      expect(performance.now() - started).toBeGreaterThan(wallTimeMs * 3);
    } finally {
      await executor.close();
    }
  });
});

describe("policy in code mode and in the agent loop", () => {
  it("shows the approver tokens, not personal data, when privacy is on", async () => {
    await connections.callTool(
      "memory",
      "create_entities",
      { entities: [{ name: "Gus", entityType: "person", observations: ["mail gus.wong@example.com"] }] },
      { signal: new AbortController().signal },
    );
    const asked: ApprovalRequest[] = [];
    const codeMode = await createCodeMode({
      servers: connections,
      sandbox,
      privacy: { flows: { "memory.*": ["*"] } },
      approve: (r) => {
        asked.push(r);
        return true;
      },
    });
    try {
      const result = await codeMode.execute(`
const graph = await memory.readGraph();
const gus = graph.entities[0];
await memory.deleteObservations({ deletions: [{ entityName: gus.name, observations: gus.observations }] });
return (await memory.readGraph()).entities[0].observations.length;`);
      expect(result.error).toBeUndefined();
      expect(result.value).toBe(0);
      expect(asked).toHaveLength(1);
      const shown = JSON.stringify(asked[0]!.args);
      expect(shown).not.toContain("gus.wong@example.com");
      expect(shown).toMatch(/mail \S+/);
    } finally {
      await codeMode.close();
    }
  });

  it("lets createAgent bring the policy and the program approval to a code mode made without them", async () => {
    const codeMode = await createCodeMode({ servers: connections, sandbox });
    const program = `await memory.createEntities(${entity("Hal")});
await memory.deleteEntities({ entityNames: ["Hal"] });
return (await memory.readGraph()).entities.length;`;
    const standIn = await startMessagesStandIn({
      script: [
        { content: [{ type: "tool_use", name: "execute_code", input: { code: program } }] },
        { content: [{ type: "tool_use", name: "execute_code", input: { code: program } }] },
        { content: [{ type: "text", text: "Done." }] },
      ],
    });
    const manifests: ProgramManifest[] = [];
    try {
      const client = new Anthropic({ apiKey: "k", baseURL: standIn.url, maxRetries: 0 });
      let answer = false;
      const agent = createAgent({
        client,
        toolbox: codeMode,
        model: "claude-test",
        policy: { ask: ["memory.create_entities"] },
        approveProgram: (m) => {
          manifests.push(m);
          answer = !answer;
          return answer;
        },
      });
      const events: Array<{ isError: boolean; content: string }> = [];
      const result = await agent.run("Add Hal and remove him again.", {
        onEvent: (e) => {
          if (e.type === "tool-use-result") events.push({ isError: e.isError, content: e.content });
        },
      });
      expect(result.text).toBe("Done.");
      expect(manifests.map((m) => m.tools.map((t) => `${t.id}:${t.decision}`))).toEqual([
        ["memory.createEntities:ask", "memory.deleteEntities:ask", "memory.readGraph:allow"],
        ["memory.createEntities:ask", "memory.deleteEntities:ask", "memory.readGraph:allow"],
      ]);
      expect(events.map((e) => e.isError)).toEqual([false, true]);
      expect(events[1]!.content).toMatch(/POLICY_DENIED/);
      // Without the agent around it, the same code mode has no policy: nothing asks.
      expect((await codeMode.execute(program)).value).toBe(0);
      expect(manifests).toHaveLength(2);
    } finally {
      await standIn.close();
      await codeMode.close();
    }
  });

  it("holds an agent's policy for classic mode's direct tool calls too", async () => {
    const standIn = await startMessagesStandIn({
      script: [
        { content: [{ type: "tool_use", name: "memory__delete_entities", input: { entityNames: ["x"] } }] },
        {
          content: [
            {
              type: "tool_use",
              name: "memory__create_entities",
              input: { entities: [{ name: "Ida", entityType: "person", observations: ["met"] }] },
            },
          ],
        },
        { content: [{ type: "text", text: "Done." }] },
      ],
    });
    const asked: string[] = [];
    try {
      const agent = createAgent({
        client: new Anthropic({ apiKey: "k", baseURL: standIn.url, maxRetries: 0 }),
        toolbox: createClassicMode(connections),
        model: "claude-test",
        policy: { deny: ["memory.delete_*"], ask: ["memory.create_entities"] },
        approve: (request) => {
          asked.push(request.id);
          return true;
        },
      });
      const events: Array<{ isError: boolean; content: string }> = [];
      await agent.run("Remove x, then add Ida.", {
        onEvent: (e) => {
          if (e.type === "tool-use-result") events.push({ isError: e.isError, content: e.content });
        },
      });
      expect(events.map((e) => e.isError)).toEqual([true, false]);
      expect(events[0]!.content).toMatch(/POLICY_DENIED/);
      expect(asked).toEqual(["memory.create_entities"]);
      // Without the agent around them, classic mode's calls are not held back.
      const direct = createClassicMode(connections);
      expect((await direct.call("memory__read_graph", {}, {})).isError).toBe(false);
    } finally {
      await standIn.close();
    }
  });
});
