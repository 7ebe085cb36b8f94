import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectServers,
  createExecutor,
  createPrivacyGuard,
  type Envelope,
  type Executor,
  type McpConnections,
} from "../src/internal.js";
import { presentBackends, serverScript } from "./executor-fixtures.js";

const backend = (await presentBackends()).find((b) => !b.skip);
const dir = mkdtempSync(join(tmpdir(), "codecall-executor-"));
let connections: McpConnections;
let executor: Executor;

beforeAll(async () => {
  if (!backend) return;
  writeFileSync(join(dir, "notes.txt"), "one\ntwo\nthree");
  connections = await connectServers({
    mcpServers: {
      memory: {
        command: process.execPath,
        args: [serverScript("server-memory")],
        env: { MEMORY_FILE_PATH: join(dir, "memory.jsonl") },
      },
      filesystem: { command: process.execPath, args: [serverScript("server-filesystem"), dir] },
    },
  });
  executor = await createExecutor({
    catalogue: connections,
    sandbox: await backend.create(),
    typeCheck: "error",
  });
});

afterAll(async () => {
  await executor?.close();
  await executor?.sandbox.close();
  await connections?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!backend)(`executor programs (${backend?.name ?? "no backend present"})`, () => {
  it("reports a wrong tool name and a wrong argument type at the program's own lines, running nothing", async () => {
    const code = [
      'import * as fs from "./servers/filesystem";', // 1
      "const graph = await memory.readGraph();", // 2
      "await memory.createEntitiez({ entities: [] });", // 3
      'const text = await fs.readTextFile({ path: 42, head: "x" });', // 4
      "return graph;", // 5
    ].join("\n");
    const result = await executor.execute(code);
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe("TYPE_CHECK_FAILED");
    expect(result.toolCalls).toEqual([]);
    const at = result.diagnostics.map((d) => [d.line, d.column, d.code]);
    expect(at).toContainEqual([3, 14, 2551]);
    expect(result.diagnostics.find((d) => d.line === 3)!.message).toMatch(
      /createEntitiez.*Did you mean 'createEntities'/,
    );
    expect(result.diagnostics.filter((d) => d.line === 4).length).toBeGreaterThan(0);
    expect(result.diagnostics.find((d) => d.line === 4)!.message).toMatch(
      /number.*not assignable to type 'string'/,
    );
    expect(result.diagnostics.every((d) => d.line >= 3 && d.line <= 4)).toBe(true);
    const envelope = JSON.parse(result.envelope) as Envelope;
    expect(envelope.error?.message).toMatch(/program\.ts:3:14 TS2551/);
    expect(envelope.error?.line).toBe(3);
  });

  it("places line-1 diagnostics without a wrapper offset when there are no imports", async () => {
    const diagnostics = await executor.check("const n: number = 'x'; return n;");
    expect(diagnostics).toEqual([expect.objectContaining({ line: 1, column: 7, code: 2322 })]);
  });

  it("runs anyway in mode warn, reporting the findings as warnings", async () => {
    const result = await executor.execute("const x: number = 'not a number';\nreturn typeof x;", {
      typeCheck: "warn",
    });
    expect(result).toMatchObject({ ok: true, value: "string" });
    expect(result.diagnostics).toEqual([expect.objectContaining({ line: 1, code: 2322 })]);
    expect((JSON.parse(result.envelope) as Envelope).warnings?.[0]).toMatch(/^program\.ts:1:7 TS2322/);
  });

  it("gives the same answer through an import and through the global namespace", async () => {
    const viaImport = await executor.execute(
      'import { listAllowedDirectories } from "./servers/filesystem";\nreturn await listAllowedDirectories();',
    );
    const viaGlobal = await executor.execute("return await filesystem.listAllowedDirectories();");
    const viaDefault = await executor.execute(
      'import * as f from "./servers/filesystem/listAllowedDirectories";\nreturn await f.listAllowedDirectories({});',
    );
    expect(viaImport.ok).toBe(true);
    expect(viaImport.value).toEqual({ content: expect.stringContaining(dir.split("/").pop()!) });
    expect(viaGlobal.value).toEqual(viaImport.value);
    expect(viaDefault.value).toEqual(viaImport.value);
  });

  it("turns an isError result into an error the program can catch, with the tool's message", async () => {
    const code = `try {
  await filesystem.readTextFile({ path: "/etc/passwd" });
  return "read it";
} catch (e) {
  return { name: e.name, code: e.code, message: e.message };
}`;
    const result = await executor.execute(code);
    expect(result.value).toMatchObject({
      name: "ToolError",
      code: "TOOL_FAILED",
      message: expect.stringMatching(/Access denied/),
    });
  });

  it("lets an uncaught tool error fail the execution with the tool's message and the line", async () => {
    const result = await executor.execute(
      'const a = 1;\nawait filesystem.readTextFile({ path: "/etc/passwd" });\nreturn a;',
    );
    expect(result.error).toMatchObject({
      code: "TOOL_FAILED",
      message: expect.stringMatching(/Access denied/),
      line: 2,
    });
  });

  it("rejects invalid arguments before the call with TOOL_ARGS_INVALID naming the field", async () => {
    const code = `try {
  await memory.createEntities({ entities: [{ name: 5, entityType: "x", observations: [] }] } as any);
} catch (e) {
  return { code: e.code, message: e.message };
}`;
    const result = await executor.execute(code);
    expect(result.value).toEqual({
      code: "TOOL_ARGS_INVALID",
      message: "Invalid arguments for memory.createEntities: entities[0].name must be string.",
    });
    expect(result.toolCalls).toEqual([
      expect.objectContaining({ name: "memory.createEntities", ok: false, error: "TOOL_ARGS_INVALID" }),
    ]);
    const missing = await executor.execute("return await filesystem.readTextFile({} as any);", {
      typeCheck: "off",
    });
    expect(missing.error).toMatchObject({
      code: "TOOL_ARGS_INVALID",
      message: expect.stringMatching(/path is required/),
    });
  });

  it("reports an unknown tool id with close names, before running and at run time", async () => {
    const code = 'return await codecall.callTool("memory.readGrap", {});';
    expect((await executor.execute(code)).error).toMatchObject({
      code: "TYPE_CHECK_FAILED",
      message: expect.stringMatching(/Did you mean 'memory\.readGraph'/),
    });
    expect((await executor.execute(code, { typeCheck: "off" })).error).toMatchObject({
      code: "TOOL_NOT_FOUND",
      message: expect.stringMatching(/memory\.readGraph/),
    });
  });

  it("cuts a large return value into valid JSON that says how much was cut", async () => {
    const code =
      "return { rows: Array.from({ length: 3000 }, (_, i) => ({ i, text: 'row ' + i })), total: 3000 };";
    const small = await createExecutor({
      catalogue: connections,
      sandbox: executor.sandbox,
      typeCheck: "off",
      envelope: { maxBytes: 2_000 },
    });
    const result = await small.execute(code);
    expect(result.ok).toBe(true);
    expect((result.value as { rows: unknown[] }).rows).toHaveLength(3000);
    expect(result.envelope.length).toBeLessThanOrEqual(2_000);
    const envelope = JSON.parse(result.envelope) as Envelope;
    expect((envelope.value as { total: number }).total).toBe(3000);
    expect(envelope.truncated?.cuts[0]).toMatch(/^value\.rows: kept \d+ of 3000 items$/);
    expect(envelope.truncated!.originalBytes).toBe(JSON.stringify(result.value).length);
    await small.close();
  });

  it("maps syntax and runtime errors to the program's lines", async () => {
    const syntax = await executor.execute("const a = 1;\nconst b = ;\nreturn a;", { typeCheck: "off" });
    expect(syntax.error).toMatchObject({ code: "PROGRAM_SYNTAX", line: 2 });
    const thrown = await executor.execute("const a: number = 1;\n\nthrow new Error('bad ' + a);");
    expect(thrown.error).toMatchObject({ code: "PROGRAM_ERROR", message: "bad 1", line: 3 });
  });

  it("applies the interceptor on the host side: restore before the call, tokenize after, redact what leaves", async () => {
    const seen: unknown[] = [];
    const guarded = await createExecutor({
      catalogue: connections,
      sandbox: executor.sandbox,
      interceptor: {
        beforeCall: (call) => {
          seen.push(call.args);
          return JSON.parse(JSON.stringify(call.args).replaceAll("[PERSON_1]", "Ada Lovelace"));
        },
        afterCall: (_call, value) =>
          JSON.parse(JSON.stringify(value).replaceAll("Ada Lovelace", "[PERSON_1]")),
        redact: (text) => text.replaceAll("s3cret", "[REDACTED]"),
      },
    });
    const code = `await memory.createEntities({ entities: [{ name: "[PERSON_1]", entityType: "person", observations: ["x"] }] });
const found = await memory.openNodes({ names: ["[PERSON_1]"] });
console.log("password s3cret");
return found.entities.map((e) => e.name);`;
    const result = await guarded.execute(code);
    expect(result.value).toEqual(["[PERSON_1]"]);
    const failed = await guarded.execute(`try {
  await filesystem.readTextFile({ path: "/etc/s3cret" });
} catch (e) {
  return { message: e.message, details: e.details };
}`);
    expect(failed.value).toEqual({
      message: expect.stringMatching(/\/etc\/\[REDACTED\]/),
      details: { server: "filesystem", tool: "read_text_file" },
    });
    expect(result.logs).toEqual([{ level: "log", message: "password [REDACTED]" }]);
    expect(seen[0]).toEqual({
      entities: [{ name: "[PERSON_1]", entityType: "person", observations: ["x"] }],
    });
    // The server got the real name.
    const direct = await connections.callTool("memory", "open_nodes", { names: ["Ada Lovelace"] });
    expect(JSON.stringify(direct.structuredContent)).toContain("Ada Lovelace");
    await guarded.close();
  });

  it("enforces per-execution limits over the executor's defaults", async () => {
    const code = "for (let i = 0; i < 3; i++) await memory.readGraph();\nreturn 'done';";
    const limited = await executor.execute(code, { limits: { maxToolCalls: 2 } });
    expect(limited.error).toMatchObject({ code: "TOOL_CALL_LIMIT" });
    expect((await executor.execute(code)).value).toBe("done");
    const slow = await executor.execute("while (true) {}", { limits: { wallTimeMs: 300, cpuTimeMs: 200 } });
    expect(["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"]).toContain(slow.error?.code);
    expect((await executor.execute("return 1 + 1;")).value).toBe(2);
  });

  it("keeps globals between executions only with persistState", async () => {
    const code = "const g = globalThis as any;\ng.count = (g.count ?? 0) + 1;\nreturn g.count;";
    const persistent = await createExecutor({
      catalogue: connections,
      sandbox: executor.sandbox,
      persistState: true,
    });
    expect([(await persistent.execute(code)).value, (await persistent.execute(code)).value]).toEqual([1, 2]);
    expect([(await executor.execute(code)).value, (await executor.execute(code)).value]).toEqual([1, 1]);
    await persistent.close();
  });

  it("regenerates its API when the catalogue version changes", async () => {
    let withFilesystem = false;
    let version = 0;
    const catalogue = {
      servers: () => connections.servers().filter((s) => withFilesystem || s.name !== "filesystem"),
      callTool: connections.callTool.bind(connections),
      get version() {
        return version;
      },
    };
    const growing = await createExecutor({ catalogue, sandbox: executor.sandbox });
    const code = "return (await filesystem.listAllowedDirectories()).content.length > 0;";
    expect((await growing.execute(code)).error?.code).toBe("TYPE_CHECK_FAILED");
    withFilesystem = true;
    version++;
    expect((await growing.execute(code)).value).toBe(true);
    expect((await growing.api()).servers.map((s) => s.name)).toContain("filesystem");
    await growing.close();
  });

  it("returns a clear error after close instead of throwing", async () => {
    const closing = await createExecutor({ catalogue: connections, sandbox: executor.sandbox });
    await closing.close();
    expect((await closing.execute("return 1;")).error?.code).toBe("SANDBOX_DISPOSED");
  });

  it("takes core's privacy guard as its interceptor: the program sees tokens, allowed tools get real values", async () => {
    const guard = createPrivacyGuard({ flows: { "memory.*": ["EMAIL"] } });
    const guarded = await createExecutor({
      catalogue: connections,
      sandbox: executor.sandbox,
      interceptor: guard,
    });
    await connections.callTool("memory", "create_entities", {
      entities: [{ name: "grace", entityType: "person", observations: ["mail ada.l@example.com"] }],
    });
    const code = `const found = await memory.openNodes({ names: ["grace"] });
const seen = found.entities[0].observations[0];
console.log("saw", seen);
await memory.addObservations({ observations: [{ entityName: "grace", contents: ["again " + seen.slice(5)] }] });
return seen;`;
    const result = await guarded.execute(code);
    expect(result.value).toBe("mail [EMAIL_1]");
    expect(result.logs[0]?.message).toBe("saw mail [EMAIL_1]");
    const stored = await connections.callTool("memory", "open_nodes", { names: ["grace"] });
    expect(JSON.stringify(stored.structuredContent)).toContain("again ada.l@example.com");
    await guarded.close();
  });
});
