import { readFileSync } from "node:fs";
import { generateApi } from "@codecall/codegen";
import { describe, expect, it } from "vitest";
import { ProgramTypeChecker } from "../src/executor/type-checker.js";

/** The 527 real tool schemas of LiveMCPBench's 70 servers. */
const data = JSON.parse(
  readFileSync(new URL("../../../data/livemcpbench/tools.json", import.meta.url), "utf8"),
) as Array<{
  description?: string;
  tools: Record<string, { tools: never[] }>;
}>;
const servers = data.flatMap((entry) =>
  Object.entries(entry.tools).map(([name, listing]) => ({
    name,
    description: entry.description,
    tools: listing.tools,
  })),
);
const checker = new ProgramTypeChecker(generateApi(servers).declarations);

describe("ProgramTypeChecker against the 527-tool API", () => {
  it("accepts a program using servers by import and as globals", () => {
    const code = `import * as finance from "./servers/yahooFinance";
const quote = await finance.getCurrentStockPrice({ symbol: "AAPL" });
const found = await bingCnMcp.bingSearch({ query: "x", num_results: 2 });
const text = [...quote, ...found].map((b) => (b.type === "text" ? b.text : "")).join("\\n");
return text.length;`;
    expect(checker.check(code)).toEqual([]);
  });

  it("points at the program's lines for a wrong tool, a wrong argument and an unknown server", () => {
    const code = `import * as finance from "./servers/yahooFinance";
const a = await finance.getCurrentStockPrise({ symbol: "AAPL" });
const b = await bingCnMcp.bingSearch({ query: 42 });
const c = await noSuchServer.run({});
return [a, b, c];`;
    const found = checker.check(code).map((d) => ({ line: d.line, code: d.code, message: d.message }));
    expect(found).toEqual([
      {
        line: 2,
        code: 2551,
        message: expect.stringMatching(/getCurrentStockPrise.*Did you mean 'getCurrentStockPrice'/),
      },
      { line: 3, code: 2322, message: expect.stringMatching(/'number' is not assignable to type 'string'/) },
      { line: 4, code: 2304, message: expect.stringMatching(/^Cannot find name 'noSuchServer'\./) },
    ]);
  });

  it("suggests the server a misspelt global meant", () => {
    expect(checker.check("return await yahooFinanse.getCurrentStockPrice({ symbol: 'A' });")).toEqual([
      expect.objectContaining({
        line: 1,
        code: 2304,
        message: "Cannot find name 'yahooFinanse'. Did you mean 'yahooFinance'?",
      }),
    ]);
  });

  it("reports a syntax error at its line and nothing else", () => {
    expect(checker.check("const a = 1;\nconst b = ;\nreturn a;")).toEqual([
      expect.objectContaining({ line: 2, code: 1109 }),
    ]);
  });

  it("stays correct when the set of servers a program names changes between checks", () => {
    expect(checker.check("return await hugeicons.searchIcons({ query: 'a' });")).toEqual([]);
    expect(checker.check("return await bingCnMcp.bingSearch({ query: 'a' });")).toEqual([]);
    expect(checker.check("return await hugeicons.searchIcons({ query: 1 });")).toHaveLength(1);
  });

  it("keeps checkers of different APIs apart even where their file names match", () => {
    const tool = (name: string, type: string) => ({
      name,
      inputSchema: { type: "object", properties: { x: { type } }, required: ["x"] },
    });
    const older = new ProgramTypeChecker(
      generateApi([{ name: "memory", tools: [tool("read", "string")] }]).declarations,
    );
    const newer = new ProgramTypeChecker(
      generateApi([{ name: "memory", tools: [tool("read", "number")] }]).declarations,
    );
    const code = "return await memory.read({ x: 1 });";
    expect(newer.check(code)).toEqual([]);
    expect(older.check(code)).toEqual([expect.objectContaining({ line: 1, code: 2322 })]);
    expect(newer.check(code)).toEqual([]);
  });
});
