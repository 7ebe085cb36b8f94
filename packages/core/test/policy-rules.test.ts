/** The policy's rules (globs and annotation defaults) and the static analysis behind program manifests. */
import { describe, expect, it } from "vitest";
import { analyzeProgram, CodecallError, policyDecision, validatePolicy } from "../src/internal.js";

describe("policyDecision", () => {
  it("deny wins over ask over allow, by picomatch globs over server.tool", () => {
    const policy = { allow: ["memory.*"], ask: ["memory.create_*"], deny: ["memory.create_relations"] };
    expect(policyDecision(policy, "memory", "read_graph")).toBe("allow");
    expect(policyDecision(policy, "memory", "create_entities")).toBe("ask");
    expect(policyDecision(policy, "memory", "create_relations")).toBe("deny");
    expect(policyDecision({ allow: ["memory.*"] }, "filesystem", "read_file")).toBe("deny");
    expect(policyDecision({ deny: ["memory.{delete,remove}_*"] }, "memory", "remove_x")).toBe("deny");
    expect(policyDecision({ deny: ["memory.read_grap?"] }, "memory", "read_graph")).toBe("deny");
    expect(policyDecision({ deny: ["memory.read"] }, "memory", "read_graph")).toBe("allow");
    expect(policyDecision({ deny: ["*"] }, "a.b", "c")).toBe("deny");
    expect(policyDecision({ deny: ["memory.*"] }, "memory", "resources/read")).toBe("deny");
    expect(policyDecision({ deny: ["memory.resources/read"] }, "memory", "resources/read")).toBe("deny");
    expect(policyDecision({ deny: ["memory.resources/read"] }, "memory", "resources/list")).toBe("allow");
    expect(policyDecision({ allow: [] }, "memory", "read_graph")).toBe("deny");
  });

  it("follows the tool's annotations when no glob names it, and globs override them", () => {
    const destructive = { destructiveHint: true };
    const readOnly = { readOnlyHint: true };
    expect(policyDecision({}, "memory", "delete_entities", destructive)).toBe("ask");
    expect(policyDecision({}, "memory", "read_graph", readOnly)).toBe("allow");
    expect(policyDecision({}, "memory", "create_entities", { destructiveHint: false })).toBe("allow");
    expect(policyDecision({ allow: ["memory.delete_*"] }, "memory", "delete_entities", destructive)).toBe(
      "allow",
    );
    expect(policyDecision({ ask: ["memory.read_*"] }, "memory", "read_graph", readOnly)).toBe("ask");
    // An allow list is the whole list: a read-only tool outside it is still refused.
    expect(policyDecision({ allow: ["filesystem.*"] }, "memory", "read_graph", readOnly)).toBe("deny");
  });

  it("refuses malformed policies with CONFIG_INVALID naming the field", () => {
    expect(() => validatePolicy({ allow: "memory.*" })).toThrow(/policy\.allow must be a list/);
    expect(() => validatePolicy({ block: [] })).toThrow(/policy\.block is not a policy list/);
    expect(() => validatePolicy(["memory.*"])).toThrow(CodecallError);
  });
});

describe("analyzeProgram", () => {
  const servers = ["memory", "filesystem"];
  const ids = (code: string) =>
    analyzeProgram(code, servers).uses.map((u) => u.id ?? `${u.server}.${u.member}`);

  it("finds namespace calls and literal callTool names, with literal arguments", () => {
    const analysis = analyzeProgram(
      [
        'await memory.createEntities({ entities: [{ name: "a", entityType: "t", observations: [] }] });',
        "const g = await memory.readGraph();",
        'await codecall.callTool("memory.deleteEntities", { entityNames: ["a"] });',
        "for (const e of g.entities) await memory.addObservations({ observations: [{ entityName: e.name, contents: [] }] });",
        'const hits = await codecall.searchTools({ query: "x" });',
        "return g;",
      ].join("\n"),
      servers,
    );
    expect(analysis.open).toEqual([]);
    expect(analysis.uses).toEqual([
      {
        server: "memory",
        member: "createEntities",
        line: 1,
        args: { entities: [{ name: "a", entityType: "t", observations: [] }] },
      },
      { server: "memory", member: "readGraph", line: 2, args: {} },
      { id: "memory.deleteEntities", line: 3, args: { entityNames: ["a"] } },
      { server: "memory", member: "addObservations", line: 4 },
    ]);
  });

  it("follows imports of server modules", () => {
    const code = [
      'import * as fs from "./servers/filesystem";',
      'import { readGraph as rg } from "./servers/memory";',
      'import type { Entity } from "./servers/memory";',
      "const x: Entity | undefined = undefined;",
      'await fs.readTextFile({ path: "a" });',
      "return await rg();",
    ].join("\n");
    expect(ids(code)).toEqual(["filesystem.readTextFile", "memory.readGraph"]);
    expect(analyzeProgram(code, servers).open).toEqual([]);
  });

  it("makes the manifest open where the target is known only at run time", () => {
    const reasons = (code: string) => analyzeProgram(code, servers).open.map((o) => o.reason);
    expect(reasons('const t = "memory." + "readGraph"; await codecall.callTool(t, {});')).toEqual([
      "codecall.callTool is given a tool name computed at run time",
    ]);
    expect(reasons("const m = memory; await m.readGraph();")[0]).toMatch(/"memory" is used as a value/);
    expect(reasons('const k = "readGraph"; await memory[k]();')[0]).toMatch(/"memory" is used as a value/);
    expect(reasons("const call = codecall.callTool; await call('memory.readGraph');")[0]).toMatch(
      /hides which tool/,
    );
    expect(reasons("await globalThis.codecall.callTool('memory.readGraph');")[0]).toMatch(/globalThis/);
    expect(reasons("const memory = { readGraph() {} }; memory.readGraph();")[0]).toMatch(
      /declares its own "memory"/,
    );
    expect(reasons('import { report } from "./skills/report";\nawait report();')).toEqual([]);
    expect(analyzeProgram('import { report } from "./skills/report";', servers).imports).toEqual([
      { specifier: "./skills/report", line: 1 },
    ]);
  });

  it("ignores types, property names and names it does not watch", () => {
    const code = [
      "type G = Awaited<ReturnType<typeof memory.readGraph>>;",
      "const o = { memory: 1, codecall: 2 };",
      "const v = o.memory + o.codecall;",
      "const filesystemNote = 'memory.readGraph';",
      "return v;",
    ].join("\n");
    expect(analyzeProgram(code, servers)).toEqual({ uses: [], open: [], imports: [] });
  });
});
