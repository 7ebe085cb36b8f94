/**
 * Discovery renderings of the 527 LiveMCPBench tools: the full rendering loses nothing a model needs to
 * call a tool (every parameter, its type, whether it is required, its description, its enum values), and
 * both levels cost fewer tokens than the tool's raw JSON: full at most 0.9x, summary at most 0.3x, counted
 * with `@anthropic-ai/tokenizer` over the same tools on both sides; and it says each thing once (a doc the
 * output repeats, a title that restates the name, hints MCP assumes anyway).
 */
import { getTokenizer } from "@anthropic-ai/tokenizer";
import { afterAll, describe, expect, it } from "vitest";
import { type GeneratedTool, generateApi } from "../src/index.js";
import { propertyKey } from "../src/names.js";
import { liveMcpBenchServers } from "./helpers/data.js";

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === "object" && !Array.isArray(v);
/** Whitespace collapsed, comment escapes undone: how a text reads whatever the layout. */
const flat = (text: string) =>
  text
    .replace(/\*\\\//g, "*/")
    .replace(/\s+/g, " ")
    .trim();
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const TS_TYPE: Record<string, RegExp> = {
  string: /\bstring\b/,
  number: /\bnumber\b/,
  integer: /\bnumber\b/,
  boolean: /\bboolean\b/,
  null: /\bnull\b/,
  array: /\[\]|Array<|\[/,
  object: /\{|Record</,
};

/** Every object property of `schema` (through nested objects and array items), with what must be shown. */
function* parameters(
  schema: unknown,
  path: string,
): Generator<{ path: string; key: string; required: boolean; schema: Schema }> {
  if (!isSchema(schema)) return;
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  if (isSchema(schema.properties)) {
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (!isSchema(sub)) continue;
      yield { path: `${path}.${key}`, key, required: required.has(key), schema: sub };
      yield* parameters(sub, `${path}.${key}`);
    }
  }
  if (isSchema(schema.items)) yield* parameters(schema.items, `${path}[]`);
}

/** What of `tool`'s schemas its full rendering leaves out; empty when nothing is lost. */
function losses(tool: GeneratedTool): string[] {
  const text = tool.renderings.full;
  const lost: string[] = [];
  const description = tool.definition.description?.trim();
  if (description && !flat(text).includes(flat(description))) lost.push("the tool's description");
  if (!text.includes(`${tool.id}(`)) lost.push("the call");
  for (const [side, schema] of [
    ["input", tool.definition.inputSchema],
    ["output", tool.definition.outputSchema],
  ] as const) {
    for (const p of parameters(schema, side)) {
      // The name may also occur in descriptions: some declaration of it must be right.
      const declarations = [
        ...text.matchAll(new RegExp(`(^|[\\s{;(])${escapeRegExp(propertyKey(p.key))}(\\?)?:(.*)$`, "gm")),
      ];
      if (!declarations.length) {
        lost.push(`${p.path}: not declared`);
        continue;
      }
      const rightly = declarations.filter((m) => Boolean(m[2]) !== p.required);
      if (!rightly.length) lost.push(`${p.path}: shown ${p.required ? "optional" : "required"}`);
      const types =
        typeof p.schema.type === "string"
          ? [p.schema.type]
          : Array.isArray(p.schema.type)
            ? p.schema.type
            : [];
      // An enum or const shows its values instead, checked below.
      const literal = "enum" in p.schema || "const" in p.schema || "$ref" in p.schema;
      for (const t of literal ? [] : types) {
        if (TS_TYPE[t] && !rightly.some((m) => TS_TYPE[t]!.test(m[3]!))) lost.push(`${p.path}: type ${t}`);
      }
      const d = typeof p.schema.description === "string" ? p.schema.description.trim() : "";
      if (d && !flat(text).includes(flat(d))) lost.push(`${p.path}: description`);
      for (const v of Array.isArray(p.schema.enum) ? p.schema.enum : []) {
        if (!text.includes(JSON.stringify(v))) lost.push(`${p.path}: enum value ${JSON.stringify(v)}`);
      }
    }
  }
  return lost;
}

describe("discovery renderings of the LiveMCPBench tools", () => {
  const api = generateApi(liveMcpBenchServers());
  const tokenizer = getTokenizer();
  afterAll(() => tokenizer.free());
  const tokens = (text: string) => tokenizer.encode(text.normalize("NFKC"), "all").length;

  it("lose nothing a model needs to call a tool", () => {
    const lost = api.tools.flatMap((t) => losses(t).map((l) => `${t.id}: ${l}`));
    expect(api.tools).toHaveLength(527);
    expect(lost).toEqual([]);
  });

  it("notice a lost parameter (the check can fail)", () => {
    const tool = api.tools.find((t) => [...parameters(t.definition.inputSchema, "input")].length > 1)!;
    const [first] = parameters(tool.definition.inputSchema, "input");
    const key = propertyKey(first!.key);
    const damaged = {
      ...tool,
      renderings: { ...tool.renderings, full: tool.renderings.full.replaceAll(`${key}`, "renamed") },
    };
    expect(losses(damaged)).toContain(`input.${first!.key}: not declared`);
  });

  it("cost at most 0.9x (full) and 0.3x (summary) the tokens of the tools' raw JSON", () => {
    const sum = (f: (t: GeneratedTool) => string) => api.tools.reduce((n, t) => n + tokens(f(t)), 0);
    const raw = sum((t) => JSON.stringify(t.definition));
    const full = sum((t) => t.renderings.full) / raw;
    const summary = sum((t) => t.renderings.summary) / raw;
    console.log(
      `renderings / raw tool JSON tokens: full ${full.toFixed(3)}x, summary ${summary.toFixed(3)}x`,
    );
    expect(full).toBeLessThanOrEqual(0.9);
    expect(summary).toBeLessThanOrEqual(0.3);
  });
});

describe("the full rendering says each thing once", () => {
  const entity = {
    type: "object",
    properties: {
      name: { type: "string", description: "The name of the entity" },
      kind: { type: "string", description: "The type of the entity" },
    },
    required: ["name", "kind"],
  };
  const render = (tool: Record<string, unknown>) =>
    generateApi([
      {
        name: "graph",
        tools: [{ name: "create_entities", inputSchema: { type: "object", properties: {} }, ...tool }],
      },
    ]).tools[0]!.renderings.full;

  it("writes a property's doc once when the output repeats the input's shape", () => {
    const full = render({
      description: "Create entities.",
      inputSchema: {
        type: "object",
        properties: { entities: { type: "array", items: entity } },
        required: ["entities"],
      },
      outputSchema: {
        type: "object",
        properties: { entities: { type: "array", items: entity } },
        required: ["entities"],
      },
    });
    expect(full.split("The name of the entity")).toHaveLength(2);
    // The output, its docs said, fits on one line.
    expect(full).toContain("Promise<{ entities: { name: string; kind: string }[] }>;");
  });

  it("keeps a doc that differs, or that a different property has", () => {
    const full = render({
      inputSchema: { type: "object", properties: { a: { type: "string", description: "An id." } } },
      outputSchema: {
        type: "object",
        properties: {
          a: { type: "string", description: "The new id." },
          b: { type: "string", description: "An id." },
        },
      },
    });
    expect(full).toContain("The new id.");
    expect(full.split("An id.")).toHaveLength(3);
  });

  it("leaves out a title that restates the name and hints MCP assumes, keeps the others", () => {
    const plain = render({
      title: "Create Entities",
      description: "Create entities.",
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    });
    expect(plain).not.toContain("Create Entities");
    expect(plain).not.toContain("Hints");
    const told = render({
      title: "Add nodes",
      description: "Create entities.",
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    });
    expect(told).toContain("Add nodes");
    expect(told).toContain("Hints: not destructive, idempotent, closed world.");
    const readOnly = render({ annotations: { readOnlyHint: true, destructiveHint: false } });
    expect(readOnly).toContain("Hints: read-only.");
  });
});
