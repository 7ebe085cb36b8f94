/**
 * The schemas issue 24 found rejecting valid calls, one by one: each valid instance must type-check as an
 * argument, a result and a value, and the declarations must compile (`skipLibCheck: false`).
 */
import { describe, expect, it } from "vitest";
import { typeCheckFiles } from "../src/check.js";
import { generateApi } from "../src/index.js";
import { findFalseRejects, type SchemaCase } from "./helpers/false-rejects.js";

const clean = (report: ReturnType<typeof findFalseRejects>) => ({
  declarationErrors: report.declarationErrors,
  rejects: report.rejects,
});
const NONE = { declarationErrors: [], rejects: [] };

/** `count` objects of `size` branches each: their product is far beyond what TypeScript multiplies out. */
const bigAllOf = (count: number, size: number) => ({
  type: "object",
  allOf: Array.from({ length: count }, (_, i) => ({
    anyOf: Array.from({ length: size }, (_, j) => ({
      properties: { [`k${i}`]: { const: j } },
      required: [`k${i}`],
    })),
  })),
});

const CASES: SchemaCase[] = [
  {
    label: "optional tuple element of union type",
    batch: "tuples",
    schema: {
      type: "object",
      properties: {
        t: { type: "array", prefixItems: [{ type: "string" }, { type: ["number", "null"] }], minItems: 1 },
        e: {
          type: "array",
          prefixItems: [{ enum: ["a", "b"] }, { anyOf: [{ type: "string" }, { type: "boolean" }] }],
        },
      },
    },
    valid: [{ t: ["a"] }, { t: ["a", null] }, { t: ["a", 1, "more"] }, { e: [] }, { e: ["b", true] }],
  },
  {
    label: '$ref "#" under a root that does not say type object',
    batch: "root-ref",
    schema: { properties: { child: { $ref: "#" } } },
    valid: [{ child: "leaf" }, { child: { child: 3 } }, { child: null }, {}],
  },
  {
    label: "a $defs entry that only refers to itself, or to its partner",
    batch: "self-ref",
    schema: {
      type: "object",
      $defs: {
        Self: { $ref: "#/$defs/Self" },
        Either: { anyOf: [{ $ref: "#/$defs/Either" }, { type: "string" }] },
        Ping: { anyOf: [{ $ref: "#/$defs/Pong" }, { type: "number" }] },
        Pong: { allOf: [{ $ref: "#/$defs/Ping" }] },
        List: { anyOf: [{ type: "array", items: { $ref: "#/$defs/List" } }, { type: "string" }] },
      },
      properties: {
        self: { $ref: "#/$defs/Self" },
        either: { $ref: "#/$defs/Either" },
        ping: { $ref: "#/$defs/Ping" },
        list: { $ref: "#/$defs/List" },
      },
    },
    valid: [{ either: "x", ping: 1, list: ["a", ["b", []]] }, {}],
  },
  {
    label: "recursion through a tuple's rest (found by the fuzzer: TS2456 under a union)",
    batch: "tuple-rest",
    schema: {
      type: ["array", "string", "null"],
      prefixItems: [{ const: false }],
      items: { type: "array", prefixItems: [{ $ref: "#" }] },
    },
    valid: ["s", [false], [false, ["s"]], [false, [[false, [null]]]]],
  },
  {
    label: "recursion in an optional tuple element beside a rest of a union",
    batch: "tuple-rest",
    schema: { type: ["array", "null"], prefixItems: [{ $ref: "#" }], items: { enum: [0.5, 0] } },
    valid: [null, [], [null, 0.5], [[[]], 0]],
  },
  {
    label: "recursion through an optional nested tuple (found by the fuzzer: TS2456)",
    batch: "tuple-rest",
    schema: {
      type: ["array", "null"],
      prefixItems: [{ type: ["array", "null"], prefixItems: [{ const: null }, { $ref: "#" }], minItems: 2 }],
    },
    valid: [null, [], [null], [[null, null]], [[null, [[null, null]]]]],
  },
  {
    label: "an allOf of large anyOfs (10^6 combinations)",
    batch: "big",
    schema: bigAllOf(6, 10),
    valid: [{ k0: 1, k1: 2, k2: 3, k3: 4, k4: 5, k5: 6 }],
  },
];

describe("the failures issue 24 lists", () => {
  it("accepts every valid instance, and the declarations compile", () => {
    expect(clean(findFalseRejects(CASES))).toEqual(NONE);
  }, 60_000);

  it("warns where it widened", () => {
    const api = generateApi([
      { name: "s", tools: CASES.map((c, i) => ({ name: `t${i}`, inputSchema: c.schema })) },
    ]);
    const messages = api.warnings.map((w) => `${w.tool}: ${w.message}`);
    const tool = (batch: string) => `t${CASES.findIndex((c) => c.batch === batch)}`;
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${tool("self-ref")}: type Self refers to itself`)),
        expect.stringMatching(new RegExp(`^${tool("self-ref")}: type Either refers to itself`)),
        expect.stringMatching(new RegExp(`^${tool("big")}: .*too large for TypeScript`)),
      ]),
    );
    // A recursion through an array is fine as it is.
    expect(messages.some((m) => m.includes("type List"))).toBe(false);
  });

  it("keeps a root $ref to itself precise when the root is an object", () => {
    const api = generateApi([
      {
        name: "s",
        tools: [
          {
            name: "tree",
            inputSchema: { type: "object", properties: { kids: { type: "array", items: { $ref: "#" } } } },
          },
        ],
      },
    ]);
    expect(api.declarations["servers/s/tree.d.ts"]).toMatch(/kids\?: TreeInput\[\]/);
  });
});

describe("closedInputObjects", () => {
  // Shaped like GitHub's MCP tools: a root $ref, and shapes assembled with allOf / anyOf / oneOf.
  const composed = {
    $ref: "#/$defs/Params",
    $defs: {
      Repo: { type: "object", properties: { owner: { type: "string" }, repo: { type: "string" } } },
      Params: {
        allOf: [
          { $ref: "#/$defs/Repo" },
          { type: "object", properties: { title: { type: "string" } }, required: ["title"] },
        ],
        oneOf: [
          { type: "object", properties: { body: { type: "string" } } },
          { type: "object", properties: { template: { type: "string" } } },
        ],
        anyOf: [{ type: "object", properties: { draft: { type: "boolean" } } }, { type: "object" }],
      },
    },
  };
  const plain = { type: "object", properties: { query: { type: "string" } }, required: ["query"] };

  it("never rejects a correctly spelt argument whose shape comes from allOf / anyOf / oneOf / a root $ref", () => {
    const report = findFalseRejects(
      [
        {
          label: "composed",
          batch: "closed",
          schema: composed,
          valid: [
            { owner: "o", repo: "r", title: "t" },
            { owner: "o", title: "t", body: "b", draft: true },
            { title: "t", template: "x" },
          ],
        },
        { label: "plain", batch: "closed", schema: plain, valid: [{ query: "q" }] },
        {
          // Found by the fuzzer: a required name no property declares kept only the patterns' type.
          label: "required name beside patternProperties",
          batch: "closed",
          schema: {
            type: "object",
            properties: { a: { type: "string" } },
            required: ["b"],
            patternProperties: { "^x-": { type: "object" } },
          },
          valid: [{ b: 2 }, { b: "x", a: "s", "x-y": {} }],
        },
      ],
      { closedInputObjects: true },
    );
    expect(clean(report)).toEqual(NONE);
  }, 60_000);

  it("still catches a misspelt name where the object's shape is its own", () => {
    const api = generateApi([{ name: "s", tools: [{ name: "find", inputSchema: plain }] }], {
      closedInputObjects: true,
    });
    const diagnostics = typeCheckFiles({
      ...api.declarations,
      "program.ts": `void s.find({ qeury: "x" });\n`,
    });
    expect(diagnostics.map((d) => d.message).join("\n")).toMatch(/qeury/);
  });
});

describe("line separators", () => {
  it("keep names and descriptions with U+2028 / U+2029 inside their comments", () => {
    const api = generateApi([
      {
        name: "odd\u2028server",
        description: "first\u2029second",
        tools: [
          {
            name: "to\u2028ol",
            description: "does\u2028things",
            inputSchema: {
              type: "object",
              properties: { "a\u2028b": { type: "string", description: "x\u2029y", enum: ["p\u2028q"] } },
            },
          },
        ],
      },
    ]);
    expect(typeCheckFiles(api.files)).toEqual([]);
    expect(typeCheckFiles(api.declarations)).toEqual([]);
    const tool = api.tools[0]!;
    const program = `void ${tool.serverIdent}.${tool.toolIdent}({ "a\u2028b": "p\u2028q" });\n`;
    expect(typeCheckFiles({ ...api.declarations, "program.ts": program })).toEqual([]);
    for (const text of [...Object.values(api.files), tool.renderings.full, tool.renderings.summary]) {
      for (const line of text.split("\n"))
        if (/^\s*\/\/(?!\/)/.test(line)) expect(line).not.toMatch(/[\u2028\u2029]/);
    }
  });
});
