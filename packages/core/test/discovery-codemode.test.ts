/**
 * Discovery around the ranker, end to end over real server-memory and QuickJS: "did you mean" for tool
 * names that do not exist (type-check and run time), typed `codecall.searchTools` results inside programs,
 * and `search_tools` with a list of queries.
 */

import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateApi } from "@codecall/codegen";
import { quickjs } from "@codecall/sandbox-quickjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nearestToolNames } from "../src/discovery/index.js";
import { ProgramTypeChecker } from "../src/executor/type-checker.js";
import { unknownToolDiagnostics } from "../src/executor/unknown-tools.js";
import { type CodeMode, createCodeMode } from "../src/internal.js";
import { serverBin } from "./fixtures/mcp/servers.js";

describe("nearest real tool names", () => {
  const ids = ["weather.get_forecast", "weather.get_alerts", "github.create_issue", "github.list_issues"];
  it("finds a misspelt name by edit distance and an invented one by shared words", () => {
    expect(nearestToolNames("weather.get_forcast", ids)[0]).toBe("weather.get_forecast");
    expect(nearestToolNames("weather.getCityForecast", ids)[0]).toBe("weather.get_forecast");
    expect(nearestToolNames("github.openIssue", ids).slice(0, 2).sort()).toEqual([
      "github.create_issue",
      "github.list_issues",
    ]);
    expect(nearestToolNames("zzz.qqq", ids)).toEqual([]);
  });
});

describe("type-check diagnostics name the nearest real tools (527-tool API)", () => {
  const data = JSON.parse(
    readFileSync(new URL("../../../data/livemcpbench/tools.json", import.meta.url), "utf8"),
  ) as Array<{ description?: string; tools: Record<string, { tools: never[] }> }>;
  const api = generateApi(
    data.flatMap((entry) =>
      Object.entries(entry.tools).map(([name, listing]) => ({
        name,
        description: entry.description,
        tools: listing.tools,
      })),
    ),
  );
  const checker = new ProgramTypeChecker(api.declarations);
  const ids = api.tools.map((t) => t.id);
  const check = (code: string) => unknownToolDiagnostics(code, checker.check(code), ids);

  it("reports a callTool id no tool has, at its line, with the nearest ids", () => {
    const code =
      'const a = 1;\nconst q = await codecall.callTool("yahooFinance.getCurrentStockPrise", {});\nreturn q;';
    expect(check(code)).toEqual([
      expect.objectContaining({
        line: 2,
        code: 2339,
        message: expect.stringMatching(
          /yahooFinance\.getCurrentStockPrise.*Did you mean 'yahooFinance\.getCurrentStockPrice'/,
        ),
      }),
    ]);
    // Real ids and built-in program tools pass.
    expect(check('return codecall.callTool("yahooFinance.getCurrentStockPrice", { symbol: "A" });')).toEqual(
      [],
    );
    expect(check('return codecall.callTool("codecall.describeTool", { id: "x" });')).toEqual([]);
  });

  it("leaves an id built at run time from a literal prefix to the run-time check", () => {
    // A valid program: the literal is only the id's prefix, so it is not the id ("yahooFinance.").
    const built =
      'const name = "getCurrentStockPrice";\nreturn codecall.callTool("yahooFinance." + name, { symbol: "A" });';
    expect(check(built)).toEqual([]);
    // A whole-argument literal is still checked, followed by `)` as well as by `,`.
    expect(check('return codecall.callTool("yahooFinance.nope" );')).toEqual([
      expect.objectContaining({ code: 2339, message: expect.stringMatching(/'yahooFinance\.nope'/) }),
    ]);
  });

  it("completes TypeScript's unknown-member error with the server's nearest tools", () => {
    const [finding] = check('return await yahooFinance.fetchStockPriceNow({ symbol: "A" });');
    expect(finding!.code).toBe(2339);
    expect(finding!.message).toMatch(/fetchStockPriceNow.*Did you mean 'yahooFinance\.\w*Price\w*'/);
  });

  it("types codecall.searchTools results", () => {
    const ok =
      'const hits = await codecall.searchTools({ query: ["stock price", "news"], limit: 3 });\nreturn hits.map((h) => h.id + h.text.length);';
    expect(check(ok)).toEqual([]);
    const wrong =
      'const hits = await codecall.searchTools({ query: "stock" });\nconst n: number = hits[0].id;\nreturn hits[0].idd;';
    const found = check(wrong).map((d) => [d.line, d.code]);
    // Typed, not `any`: a wrong type and an unknown field are both findings.
    expect(found).toEqual([
      [2, 2322],
      [3, 2339],
    ]);
  });
});

describe("in code mode (server-memory, QuickJS)", () => {
  let dir: string;
  let codeMode: CodeMode;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "codecall-discovery-"));
    codeMode = await createCodeMode({
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
  }, 60_000);
  afterAll(async () => {
    await codeMode?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("a program calling a tool id that does not exist fails the type-check with the nearest names, and nothing runs", async () => {
    const result = await codeMode.execute('return await codecall.callTool("memory.readGrph", {});');
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe("TYPE_CHECK_FAILED");
    expect(result.error?.message).toMatch(/Did you mean 'memory\.readGraph'/);
    expect(result.toolCalls).toEqual([]);
  });

  it("at run time (type-check off, or an id built at run time) the call fails with the nearest names", async () => {
    const result = await codeMode.execute(
      'const name = ["memory", "openNodez"].join("."); return await codecall.callTool(name, {});',
      { typeCheck: "off" },
    );
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe("TOOL_NOT_FOUND");
    expect(result.error?.message).toMatch(/Did you mean .*memory\.openNodes/);
  });

  it("codecall.searchTools returns typed results a program uses directly, with a list of queries", async () => {
    const result = await codeMode.execute(`
      const hits = await codecall.searchTools({ query: ["read the whole knowledge graph", "delete entities"], limit: 4 });
      const graph = await codecall.callTool(hits.find((h) => h.name === "read_graph")!.id, {});
      return { ids: hits.map((h) => h.id), read: Array.isArray(graph.entities) };
    `);
    expect(result.error).toBeUndefined();
    const value = result.value as { ids: string[]; read: boolean };
    expect(value.read).toBe(true);
    expect(value.ids).toEqual(expect.arrayContaining(["memory.readGraph", "memory.deleteEntities"]));
  });

  it("search_tools takes a list of queries (one per sub-task) and says what is wrong with a bad one", async () => {
    const both = await codeMode.call(
      "search_tools",
      { query: ["add observations to an entity", "search nodes"], detail: "name", limit: 4 },
      {},
    );
    expect(both.isError).toBe(false);
    expect(both.content.split("\n")).toEqual(
      expect.arrayContaining(["memory.addObservations", "memory.searchNodes"]),
    );
    const bad = await codeMode.call("search_tools", { query: [] }, {});
    expect(bad.isError).toBe(true);
    expect(bad.content).toMatch(/TOOL_ARGS_INVALID[\s\S]*list of 1 to 10/);
    expect(codeMode.system()).toMatch(/one query per sub-task/);
  });
});
