/** All 527 real LiveMCPBench tools generate, and the whole output compiles strictly with zero errors. */
import { describe, expect, it } from "vitest";
import { typeCheckFiles } from "../src/check.js";
import { generateApi } from "../src/index.js";
import { liveMcpBenchServers } from "./helpers/data.js";

describe("LiveMCPBench catalogue", () => {
  const servers = liveMcpBenchServers();
  const api = generateApi(servers);

  it("generates every tool, with unique ids and one module each", () => {
    expect(api.tools).toHaveLength(527);
    expect(new Set(api.tools.map((t) => t.id)).size).toBe(527);
    expect(new Set(api.servers.map((s) => s.ident)).size).toBe(servers.length);
    for (const t of api.tools) {
      expect(t.id).toMatch(/^[A-Za-z_$][\w$]*\.[A-Za-z_$][\w$]*$/);
      expect(api.files[`servers/${t.serverIdent}/${t.toolIdent}.ts`]).toContain(`function ${t.toolIdent}(`);
    }
  });

  it("compiles the declarations and a program using them with strict settings", () => {
    const calls = api.tools
      .slice(0, 40)
      .map((t) => `  void ${t.serverIdent}.${t.toolIdent};`)
      .join("\n");
    const diagnostics = typeCheckFiles({
      ...api.declarations,
      "program.ts": `async function main() {\n${calls}\n}\nvoid main;\n`,
    });
    expect(diagnostics).toEqual([]);
  });

  it("compiles the source files the model reads with strict settings", () => {
    expect(typeCheckFiles(api.files)).toEqual([]);
  });

  it("is deterministic", () => {
    const again = generateApi(liveMcpBenchServers());
    expect(again.files).toEqual(api.files);
    expect(again.runtime).toBe(api.runtime);
  });

  it("evaluates its runtime as JavaScript", () => {
    const calls: Array<[string, unknown]> = [];
    const codecall = {
      callTool: (id: string, args: unknown) => {
        calls.push([id, args]);
        return Promise.resolve(id);
      },
    };
    const modules = new Function("codecall", `${api.runtime}\nreturn __codecallModules;`)(codecall) as Record<
      string,
      Record<string, (a?: unknown) => Promise<unknown>>
    >;
    const t = api.tools[0]!;
    void modules[`./servers/${t.serverIdent}`]![t.toolIdent]!({ q: 1 });
    void modules[`./servers/${t.serverIdent}/${t.toolIdent}`]![t.toolIdent]!();
    expect(calls).toEqual([
      [t.id, { q: 1 }],
      [t.id, {}],
    ]);
    expect(Object.keys(modules)).toHaveLength(1 + api.servers.length * 2 + api.tools.length);
  });
});
