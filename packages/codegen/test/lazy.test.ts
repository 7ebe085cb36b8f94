/**
 * Generation over a large catalogue: each tool's code is emitted on first read of any of its parts (so a
 * search or a program touches only what it uses), with the same output and warnings as reading
 * everything; and `declarationsFor` gives a program the declarations of the tools it names, which
 * type-check it as the whole API would.
 */
import { describe, expect, it } from "vitest";
import { typeCheckFiles } from "../src/check.js";
import { declarationsFor, generateApi, type ServerDefinition } from "../src/index.js";
import { liveMcpBenchServers } from "./helpers/data.js";

/** Servers whose tools count how often their input schema is read (emitting a tool reads it). */
function counted(): { servers: ServerDefinition[]; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const servers = liveMcpBenchServers().map((server) => ({
    ...server,
    tools: server.tools.map((tool) => {
      const { inputSchema, ...rest } = tool;
      return Object.defineProperty({ ...rest }, "inputSchema", {
        enumerable: true,
        get() {
          reads.set(tool.name, (reads.get(tool.name) ?? 0) + 1);
          return inputSchema;
        },
      }) as typeof tool;
    }),
  }));
  return { servers, reads };
}

describe("lazy generation", () => {
  it("emits no tool until one of its parts is read, then only that tool", () => {
    const { servers, reads } = counted();
    const api = generateApi(servers);
    expect(api.tools.length).toBeGreaterThan(500);
    expect(reads.size).toBe(0);
    // Listing keys, ids and the runtime emits nothing.
    expect(Object.keys(api.declarations).length).toBeGreaterThan(api.tools.length);
    expect(api.runtime).toContain(api.tools[0]!.toolIdent);
    expect(reads.size).toBe(0);
    const tool = api.tools[3]!;
    expect(tool.renderings.full).toContain(tool.toolIdent);
    expect([...reads.keys()]).toEqual([tool.name]);
    const before = reads.get(tool.name);
    // Its other parts come from the same emission.
    expect(api.declarations[`servers/${tool.serverIdent}/${tool.toolIdent}.d.ts`]).toContain(tool.toolIdent);
    expect(api.files[`servers/${tool.serverIdent}/${tool.toolIdent}.ts`]).toContain(tool.toolIdent);
    expect(["content", "structuredContent"]).toContain(tool.returns);
    expect(reads.get(tool.name)).toBe(before);
    expect(reads.size).toBe(1);
    // A frozen tool still reads (the value cannot be stored on it, and is not emitted twice).
    const frozen = Object.freeze(api.tools[4]!);
    expect(frozen.renderings.summary).toContain(frozen.toolIdent);
    expect(frozen.renderings).toBe(frozen.renderings);
    expect(reads.size).toBe(2);
  });

  it("gives the same files, declarations, renderings and warnings (in tool order) whatever is read first", () => {
    // Warnings from a skipped entry and from schemas it cannot express, between ordinary tools (a
    // server's skipped entries are listed before its tools', as when everything was emitted at once).
    const odd = (): ServerDefinition[] => [
      ...liveMcpBenchServers().slice(0, 3),
      {
        name: "odd",
        tools: [
          { name: "first", inputSchema: { type: "object", properties: { a: 42 } } },
          null as never,
          {
            name: "second",
            inputSchema: { type: "object", properties: { b: "text", c: { type: "string" } } },
          },
        ],
      },
      ...liveMcpBenchServers().slice(3, 6),
    ];
    const everything = JSON.parse(JSON.stringify(generateApi(odd())));
    const lazy = generateApi(odd());
    // Read in reverse order, warnings last.
    for (const tool of [...lazy.tools].reverse()) void tool.renderings;
    expect(JSON.parse(JSON.stringify(lazy))).toEqual(everything);
    expect(everything.warnings.map((w: { tool: string }) => w.tool)).toEqual(["1", "first", "second"]);
  });
});

describe("declarationsFor", () => {
  const api = generateApi(liveMcpBenchServers());
  const program = (tool: (typeof api.tools)[number], args: string) =>
    `export async function run() { return await ${tool.serverIdent}.${tool.toolIdent}(${args}); }`;
  const withRequired = api.tools.find((tool) => {
    const schema = tool.definition.inputSchema as {
      required?: string[];
      properties?: Record<string, unknown>;
    };
    return (schema.required?.length ?? 0) > 0;
  })!;

  it("holds only the named tools' declarations, and each server's index", () => {
    const slice = declarationsFor(api, [withRequired.id]);
    const toolFiles = Object.keys(slice).filter((path) => /^servers\/[^/]+\/(?!index\.d\.ts)/.test(path));
    expect(toolFiles).toEqual([`servers/${withRequired.serverIdent}/${withRequired.toolIdent}.d.ts`]);
    for (const server of api.servers) expect(slice[`servers/${server.ident}/index.d.ts`]).toBeDefined();
    expect(Object.keys(slice).length).toBeLessThan(Object.keys(api.declarations).length / 4);
  });

  it("type-checks a program as the whole API does: accepted when right, the same finding when wrong", () => {
    const slice = declarationsFor(api, [withRequired.id]);
    // Missing required arguments: the same error from the slice as from everything.
    const wrong = program(withRequired, "{}");
    const whole = typeCheckFiles({ ...api.declarations, "program.ts": wrong }).filter(
      (d) => d.file === "program.ts",
    );
    const sliced = typeCheckFiles({ ...slice, "program.ts": wrong }).filter((d) => d.file === "program.ts");
    expect(whole.length).toBeGreaterThan(0);
    expect(sliced).toEqual(whole);
    const cast = program(withRequired, "{} as never");
    expect(typeCheckFiles({ ...slice, "program.ts": cast })).toEqual([]);
  }, 120_000);

  it("keeps what the program does not name as a loose stub: its file is left out, its name stays", () => {
    const other = api.tools.find((tool) => tool.serverIdent !== withRequired.serverIdent)!;
    const slice = declarationsFor(api, [withRequired.id]);
    expect(slice[`servers/${other.serverIdent}/${other.toolIdent}.d.ts`]).toBeUndefined();
    expect(slice[`servers/${other.serverIdent}/index.d.ts`]).toContain(
      `export declare const ${other.toolIdent}:`,
    );
    // Any argument type-checks against the stub; the call's arguments are validated when it runs.
    expect(typeCheckFiles({ ...slice, "program.ts": program(other, "{ anything: 1 }") })).toEqual([]);
  }, 120_000);
});
