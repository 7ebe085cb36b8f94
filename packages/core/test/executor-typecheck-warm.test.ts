import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { generateApi } from "@codecall/codegen";
import { describe, expect, it } from "vitest";
import { ProgramTypeChecker } from "../src/executor/type-checker.js";

/** The 527 real tool schemas of LiveMCPBench's 70 servers. */
const data = JSON.parse(
  readFileSync(new URL("../../../data/livemcpbench/tools.json", import.meta.url), "utf8"),
) as Array<{ description?: string; tools: Record<string, { tools: never[] }> }>;
const servers = data.flatMap((entry) =>
  Object.entries(entry.tools).map(([name, listing]) => ({
    name,
    description: entry.description,
    tools: listing.tools,
  })),
);
const declarations = generateApi(servers).declarations;

/** Programs without imports (the warm checker's share), clean and wrong in the ways models get them wrong. */
const programs = [
  "return 1;",
  "const quote = await yahooFinance.getCurrentStockPrice({ symbol: 'AAPL' });\nreturn quote.length;",
  "const quote = await yahooFinance.getCurrentStockPrise({ symbol: 'AAPL' });\nreturn quote;",
  "return await bingCnMcp.bingSearch({ query: 42 });",
  "return await yahooFinanse.getCurrentStockPrice({ symbol: 'A' });",
  "const x: number = 'a';\nreturn x;",
  "const a = 1;\nconst b = ;\nreturn a;",
  "with (Math) { return max(1, 2); }",
  "let v = 1;\ndelete v;\nreturn 010;",
  "const r = await hugeicons.searchIcons({ query: 'chart' });\nconst t = r.map((b) => (b.type === 'text' ? b.text : '')).join('');\nreturn t.toUpperCase();",
  "const hugeicons = { searchIcons: (n: number) => n };\nreturn hugeicons.searchIcons(1);",
  "function f(a, a) { return a; }\nreturn f(1, 2);",
  "const found = await codecall.searchTools({ query: 'weather' });\nreturn found.map((h) => h.id).join(',');",
  "const r = await codecall.callTool('x.y', {});\nconsole.log(r.anything);\nreturn arguments.length;",
  "class A { m(): string { return 1; } }\nreturn new A().m();",
  "const [a, b] = await Promise.all([bingCnMcp.bingSearch({ query: 'a' }), duckduckgoSearch.duckduckgoWebSearch({ query: 'b' })]);\nreturn a.length + b.length;",
  "return globalThis.yahooFinance;",
  "await 1;\nreturn this;",
];

describe("the warm checker (one TypeScript checker kept across checks)", () => {
  it("gives every program the diagnostics a new TypeScript program gives it", () => {
    const warm = new ProgramTypeChecker(declarations);
    const cold = new ProgramTypeChecker(declarations, {}, { warm: false });
    for (const program of programs) expect(warm.check(program), program).toEqual(cold.check(program));
    // Clean programs were answered by the warm checker, not by the reference path.
    expect(warm.warmCheckCount).toBeGreaterThanOrEqual(4);
    expect(cold.warmCheckCount).toBe(0);
  });

  it("stays correct across its rebuilds (many programs, errors among them) and for servers named later", () => {
    const small = generateApi([
      {
        name: "memory",
        tools: [
          {
            name: "read",
            inputSchema: { type: "object", properties: { x: { type: "string" } }, required: ["x"] },
          },
        ],
      },
    ]).declarations;
    const warm = new ProgramTypeChecker(small);
    warm.warmUp();
    for (let i = 0; i < 600; i++) {
      const clean = `const r = await memory.read({ x: "${i}" });\nreturn [r, ${i}];`;
      expect(warm.check(clean)).toEqual([]);
      if (i % 50 === 0) {
        expect(warm.check(`return await memory.read({ x: ${i} });`)).toEqual([
          expect.objectContaining({ line: 1, code: 2322 }),
        ]);
      }
    }
    expect(warm.warmCheckCount).toBeGreaterThanOrEqual(600);
  });

  it("lets go of the checkers it rebuilt (a long session keeps one, not one per 256 checks)", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const small = generateApi([
      { name: "memory", tools: [{ name: "read", inputSchema: { type: "object" } }] },
    ]).declarations;
    const warm = new ProgramTypeChecker(small);
    warm.warmUp();
    // The warm checker is private: reached here only to watch whether the built ones are collected.
    const current = () => (warm as unknown as { warm?: { checker: object } }).warm?.checker;
    const built: Array<WeakRef<object>> = [];
    for (let i = 0; i < 1200; i++) {
      expect(warm.check(`const r = await memory.read({});\nreturn [r, ${i}];`)).toEqual([]);
      const checker = current();
      if (checker && built.at(-1)?.deref() !== checker) built.push(new WeakRef(checker));
    }
    expect(built.length).toBeGreaterThanOrEqual(4);
    // A WeakRef holds its target until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(built.filter((ref) => ref.deref() !== undefined)).toHaveLength(1);
  });

  it("leaves programs with imports or imported files to a new program, with the same answers", () => {
    const warm = new ProgramTypeChecker(declarations);
    const code =
      'import * as finance from "./servers/yahooFinance";\nreturn await finance.getCurrentStockPrice({ symbol: 1 });';
    const before = warm.warmCheckCount;
    expect(warm.check(code)).toEqual([expect.objectContaining({ line: 2, code: 2322 })]);
    expect(
      warm.check('import { a } from "./skills/a";\nreturn a;', { "skills/a.ts": "export const a = 1;" }),
    ).toEqual([]);
    expect(warm.warmCheckCount).toBe(before);
  });
});
