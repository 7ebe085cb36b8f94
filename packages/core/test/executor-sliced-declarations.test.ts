/**
 * Over a catalogue of 1,000+ tools, each program is type-checked against the declarations of the tools
 * it names (a slice), not all of them. What a program sees must not change: the global and the import
 * form type-check and run, a wrong argument is the same finding as against the whole API, and a name
 * that does not exist is refused with the nearest real names.
 */
import { generateApi } from "@codecall/codegen";
import { quickjs } from "@codecall/sandbox-quickjs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SLICE_DECLARATIONS_AT, SlicedPreparer } from "../src/executor/sliced-preparer.js";
import { ProgramPreparer } from "../src/executor/type-check-service.js";
import { createExecutor, type Executor } from "../src/internal.js";

const COUNT = SLICE_DECLARATIONS_AT + 200;
const servers = [
  {
    name: "shop",
    tools: Array.from({ length: COUNT }, (_, i) => ({
      name: `item_${i}`,
      description: `Orders item ${i}.`,
      inputSchema: {
        type: "object",
        properties: { count: { type: "number" }, note: { type: "string" } },
        required: ["count"],
      },
    })),
  },
  { name: "other", tools: [{ name: "ping", inputSchema: { type: "object" } }] },
];

describe("type-checking against the declarations a program names", () => {
  let executor: Executor;
  let whole: Executor;
  const calls: string[] = [];
  beforeAll(async () => {
    const callTool = async (server: string, tool: string, args: unknown) => {
      calls.push(`${server}.${tool}`);
      return { content: [{ type: "text" as const, text: JSON.stringify(args) }] };
    };
    executor = await createExecutor({ servers, callTool, sandbox: quickjs(), typeCheck: "error" });
    // The same tools in a catalogue under the threshold: checked against the whole API.
    const small = [{ ...servers[0]!, tools: servers[0]!.tools.slice(0, 20) }, servers[1]!];
    whole = await createExecutor({ servers: small, callTool, sandbox: quickjs(), typeCheck: "error" });
  }, 120_000);
  afterAll(async () => {
    await executor?.close();
    await whole?.close();
  });

  it("runs the global and the import form, and a tool of another server", async () => {
    const global = await executor.execute("return await shop.item7({ count: 2 });");
    expect(global.ok, JSON.stringify(global.error)).toBe(true);
    const imported = await executor.execute(
      'import { item8 } from "./servers/shop";\nreturn await item8({ count: 1, note: "n" });',
    );
    expect(imported.ok, JSON.stringify(imported.error)).toBe(true);
    const both = await executor.execute("await other.ping();\nreturn await shop.item1100({ count: 3 });");
    expect(both.ok, JSON.stringify(both.error)).toBe(true);
    expect(calls).toEqual(["shop.item_7", "shop.item_8", "other.ping", "shop.item_1100"]);
  }, 120_000);

  it("finds a wrong argument as the whole API does", async () => {
    const code = 'return await shop.item9({ count: "two" });';
    const sliced = await executor.execute(code);
    const full = await whole.execute(code);
    expect(sliced.ok).toBe(false);
    expect(sliced.error?.code).toBe("TYPE_CHECK_FAILED");
    expect(sliced.diagnostics).toEqual(full.diagnostics);
  }, 120_000);

  it("refuses a tool that does not exist, naming the nearest real ones", async () => {
    const result = await executor.execute("return await shop.item_77({ count: 1 });");
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe("TYPE_CHECK_FAILED");
    // TypeScript's own suggestion, as against the whole API: the namespace keeps every tool's name.
    expect(result.diagnostics.map((d) => d.message).join("\n")).toMatch(/Did you mean '(shop\.)?item77'/);
  }, 120_000);

  it("keeps every tool of a server in its namespace's type, as the whole API does", async () => {
    // Assigning to the namespace's type still needs every tool; a computed name still type-checks.
    const partial = "const g: typeof shop = { item7: shop.item7 };\nreturn 1;";
    const [sliced, full] = [await executor.execute(partial), await whole.execute(partial)];
    expect(full.error?.code).toBe("TYPE_CHECK_FAILED");
    expect(sliced.error?.code).toBe("TYPE_CHECK_FAILED");
    const computed = 'const k = ("item" + 7) as keyof typeof shop;\nreturn await shop[k]({ count: 1 });';
    const [slicedRun, fullRun] = [await executor.execute(computed), await whole.execute(computed)];
    expect(fullRun.ok, JSON.stringify(fullRun.error)).toBe(true);
    expect(slicedRun.ok, JSON.stringify(slicedRun.error)).toBe(true);
  }, 120_000);

  it("checks many programs naming different tools at once (more than the slices it keeps)", async () => {
    const results = await Promise.all(
      Array.from({ length: 14 }, (_, i) =>
        executor.execute(`return await shop.item${200 + i}({ count: ${i} });`),
      ),
    );
    for (const result of results) expect(result.ok, JSON.stringify(result.error)).toBe(true);
  }, 240_000);
});

describe("the slice a program is analysed with", () => {
  it("is the one its check loaded with its skills' tools, not a narrower one loaded again", async () => {
    const preparer = new SlicedPreparer(generateApi(servers), undefined, undefined, {});
    const used: ProgramPreparer[] = [];
    const record = <T>(self: ProgramPreparer, result: T): T => {
      used.push(self);
      return result;
    };
    const prepare = ProgramPreparer.prototype.prepare;
    const analyze = ProgramPreparer.prototype.analyze;
    const spies = [
      vi.spyOn(ProgramPreparer.prototype, "prepare").mockImplementation(function (
        this: ProgramPreparer,
        ...a
      ) {
        return record(this, prepare.apply(this, a));
      }),
      vi.spyOn(ProgramPreparer.prototype, "analyze").mockImplementation(function (
        this: ProgramPreparer,
        ...a
      ) {
        return record(this, analyze.apply(this, a));
      }),
    ];
    try {
      const code =
        'import { reorder } from "./skills/reorder";\nreturn await shop.item3({ count: await reorder() });';
      const skill = {
        "skills/reorder.ts":
          "export async function reorder() { return (await shop.item4({ count: 1 })).length; }",
      };
      await preparer.prepare(code, true, skill);
      const analysis = await preparer.analyze(code, ["shop"]);
      expect(analysis).toBeDefined();
      expect(used).toHaveLength(2);
      expect(used[1]).toBe(used[0]);
      // A program naming a tool that slice lacks gets a slice of its own.
      await preparer.analyze("return await shop.item5({ count: 1 });", ["shop"]);
      expect(used[2]).not.toBe(used[0]);
    } finally {
      for (const spy of spies) spy.mockRestore();
      preparer.dispose();
    }
  }, 120_000);
});
