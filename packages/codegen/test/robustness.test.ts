/** Bad input never throws: it becomes a wider type plus a warning naming the tool and the schema path. */
import { describe, expect, it } from "vitest";
import { typeCheckFiles } from "../src/check.js";
import { generateApi, runtimeFor, type ServerDefinition } from "../src/index.js";

describe("robustness", () => {
  it("survives cyclic objects, missing names and non-array tool lists", () => {
    const cyclic: Record<string, unknown> = { type: "object" };
    cyclic.properties = { self: cyclic };
    const servers = [
      { name: "odd", tools: [{ name: "loop", inputSchema: cyclic }, { inputSchema: {} }, null] },
      { name: "none", tools: "not a list" },
    ] as unknown as ServerDefinition[];
    const api = generateApi(servers);
    expect(api.tools.map((t) => t.id)).toEqual(["odd.loop"]);
    expect(api.warnings.some((w) => w.tool === "loop" && w.message.includes("too deeply"))).toBe(true);
    expect(api.warnings.some((w) => w.tool === "1" && w.message.includes("skipped"))).toBe(true);
    expect(typeCheckFiles(api.declarations)).toEqual([]);
  });

  it("names the tool and the JSON pointer of an unsupported part", () => {
    const api = generateApi([
      {
        name: "s",
        tools: [
          { name: "t", inputSchema: { type: "object", properties: { "a/b": { $ref: "#/$defs/missing" } } } },
        ],
      },
    ]);
    expect(api.warnings).toEqual([
      {
        server: "s",
        tool: "t",
        path: "/inputSchema/properties/a~1b/$ref",
        message: expect.stringContaining("points nowhere"),
      },
    ]);
  });

  it("builds the runtime of a subset of servers", () => {
    const api = generateApi([
      { name: "a", tools: [{ name: "x", inputSchema: { type: "object" } }] },
      { name: "b", tools: [{ name: "y", inputSchema: { type: "object" } }] },
    ]);
    const subset = runtimeFor(api, ["b"]);
    expect(subset).toContain("const b = ");
    expect(subset).not.toContain("const a = ");
    const modules = new Function("codecall", `${subset}\nreturn __codecallModules;`)({
      callTool: () => Promise.resolve(),
    });
    expect(Object.keys(modules)).toEqual(["./servers/b", "./servers/b/index", "./servers/b/y", "./index"]);
    const b = modules["./servers/b"] as Record<string, unknown>;
    expect(Object.isFrozen(b)).toBe(true);
    expect((b.y as () => unknown).name, "each function is named after its tool").toBe("y");
  });
});
