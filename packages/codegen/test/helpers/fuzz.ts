/**
 * Random JSON Schemas (fast-check arbitraries over the keywords tools use, combinators, local `$ref`s and
 * recursion included) and a schema-directed sampler of candidate instances. The sampler only proposes:
 * ajv decides which candidates are valid.
 */
import fc from "fast-check";

type Schema = Record<string, unknown> | boolean;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const KINDS = ["null", "boolean", "integer", "number", "string", "array", "object"] as const;
const KEYS = ["a", "b", "c", "id", "name", "constructor", "with space", "x-y", "\u2028"];
const DEFS = ["A", "B", "C"];

const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -1.25),
  fc.constantFrom("", "a", "b", "x\u2028y", "it's"),
);

/** Schemas of at most `depth` levels of nesting. */
export function schemaArbitrary(depth = 3): fc.Arbitrary<Schema> {
  const { schema } = fc.letrec<{ schema: Schema; node: Schema }>((tie) => ({
    schema: fc.oneof({ depthSize: "small", maxDepth: depth, withCrossShrink: true }, leaf(), tie("node")),
    node: fc.oneof(
      objectSchema(tie("schema")),
      arraySchema(tie("schema")),
      combinator(tie("schema")),
      fc.constantFrom<Schema>({ $ref: "#" }, ...DEFS.map((d) => ({ $ref: `#/$defs/${d}` }))),
    ),
  }));
  return fc
    .record({
      root: schema,
      defs: fc.tuple(schema, schema, schema),
      description: fc.option(fc.constantFrom("Root.", "line\u2028separated"), { nil: undefined }),
    })
    .map(({ root, defs, description }) => {
      const base = typeof root === "boolean" ? (root ? {} : { not: {} }) : root;
      return {
        ...base,
        ...(description ? { description } : {}),
        $defs: Object.fromEntries(DEFS.map((d, i) => [d, defs[i]!])),
      };
    });
}

function leaf(): fc.Arbitrary<Schema> {
  return fc.oneof(
    fc.constantFrom<Schema>(true, false, {}),
    fc.record(
      {
        type: fc.oneof(
          fc.constantFrom(...KINDS),
          fc.uniqueArray(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 3 }),
        ),
        description: fc.constantFrom("A value.", "Multi\nline."),
        pattern: fc.constantFrom("^a", "^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$"),
        minimum: fc.integer({ min: -2, max: 2 }),
        nullable: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    fc.record({ enum: fc.uniqueArray(scalar, { minLength: 1, maxLength: 4 }) }),
    fc.record({ const: scalar }),
  );
}

function objectSchema(sub: fc.Arbitrary<Schema>): fc.Arbitrary<Schema> {
  return fc
    .record(
      {
        type: fc.constantFrom("object", ["object", "null"]),
        properties: fc.dictionary(fc.constantFrom(...KEYS), sub, { maxKeys: 3 }),
        required: fc.uniqueArray(fc.constantFrom(...KEYS), { maxLength: 2 }),
        additionalProperties: fc.oneof(fc.boolean(), sub),
        patternProperties: fc.dictionary(fc.constantFrom("^p", "^x-"), sub, { maxKeys: 1 }),
        description: fc.constantFrom("An object."),
      },
      { requiredKeys: ["properties"] },
    )
    .map((s) => s as Schema);
}

function arraySchema(sub: fc.Arbitrary<Schema>): fc.Arbitrary<Schema> {
  return fc
    .record(
      {
        type: fc.constantFrom("array", ["array", "null"]),
        items: fc.oneof(sub, fc.constant(false)),
        prefixItems: fc.array(sub, { minLength: 1, maxLength: 3 }),
        minItems: fc.integer({ min: 0, max: 2 }),
        maxItems: fc.integer({ min: 1, max: 4 }),
      },
      { requiredKeys: [] },
    )
    .map((s) => s as Schema);
}

function combinator(sub: fc.Arbitrary<Schema>): fc.Arbitrary<Schema> {
  return fc
    .record(
      {
        kind: fc.constantFrom("allOf", "anyOf", "oneOf"),
        members: fc.array(
          fc.oneof(
            sub,
            fc.record({ required: fc.uniqueArray(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 2 }) }),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        type: fc.option(fc.constantFrom("object", "string", ["object", "string"]), { nil: undefined }),
        properties: fc.option(fc.dictionary(fc.constantFrom(...KEYS), sub, { maxKeys: 2 }), {
          nil: undefined,
        }),
        description: fc.option(fc.constantFrom("One of several."), { nil: undefined }),
      },
      { requiredKeys: ["kind", "members"] },
    )
    .map(({ kind, members, ...rest }) => {
      const s: Record<string, unknown> = { [kind]: members };
      for (const [k, v] of Object.entries(rest)) if (v !== undefined) s[k] = v;
      return s;
    });
}

/** A small seeded generator, so candidates are reproducible from a fast-check seed. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

/** `count` candidate instances of `schema`: values built from its keywords, and some arbitrary ones. */
export function sampleCandidates(root: Schema, seed: number, count = 12): Json[] {
  const r = random(seed);
  const resolve = (ref: string): Schema => {
    if (ref === "#") return root;
    const name = ref.slice("#/$defs/".length);
    return ((root as Record<string, unknown>).$defs as Record<string, Schema> | undefined)?.[name] ?? true;
  };
  const any = (d: number): Json => {
    const kind = r.pick(d > 1 ? KINDS.slice(0, 5) : KINDS);
    return valueOfKind(kind, true, d);
  };
  const valueOfKind = (kind: string, s: Schema, d: number): Json => {
    const o = typeof s === "object" ? s : {};
    switch (kind) {
      case "null":
        return null;
      case "boolean":
        return r.next() < 0.5;
      case "integer":
        return Math.floor(r.next() * 7) - 3;
      case "number":
        return r.pick([0.5, -1.25, 2, 0]);
      case "string":
        return r.pick(["", "a", "ab", "x\u2028y", "p", "abc.de"]);
      case "array": {
        const prefix = Array.isArray(o.prefixItems) ? (o.prefixItems as Schema[]) : [];
        const n = Math.floor(r.next() * 4);
        return Array.from({ length: n }, (_, i) =>
          gen(prefix[i] ?? (o.items as Schema | undefined) ?? true, d + 1),
        );
      }
      default: {
        const out: Record<string, Json> = {};
        const props = (o.properties ?? {}) as Record<string, Schema>;
        const required = Array.isArray(o.required) ? (o.required as string[]) : [];
        for (const k of Object.keys(props))
          if (required.includes(k) || r.next() < 0.6) out[k] = gen(props[k]!, d + 1);
        for (const k of required) if (!(k in out)) out[k] = any(d + 1);
        if (r.next() < 0.3) out[r.pick(["extra", "p1", "x-a"])] = any(d + 1);
        return out;
      }
    }
  };
  const gen = (s: Schema, d: number): Json => {
    if (d > 5) return r.pick([null, 0, "", [], {}] as Json[]);
    if (typeof s === "boolean") return any(d);
    if (typeof s.$ref === "string" && r.next() < 0.8) return gen(resolve(s.$ref), d + 1);
    if ("const" in s) return s.const as Json;
    if (Array.isArray(s.enum)) return r.pick(s.enum as Json[]);
    for (const k of ["allOf", "anyOf", "oneOf"]) {
      const members = s[k];
      if (!Array.isArray(members) || r.next() < 0.2) continue;
      const chosen = k === "allOf" ? members : [r.pick(members)];
      const parts = [valueOfKind("object", s, d), ...chosen.map((m) => gen(m as Schema, d + 1))];
      const objects = parts.filter(
        (p): p is Record<string, Json> => p !== null && typeof p === "object" && !Array.isArray(p),
      );
      if (objects.length === parts.length) return Object.assign({}, ...objects);
      return r.pick(parts.filter((p) => !objects.includes(p as never)));
    }
    const types =
      typeof s.type === "string" ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : [...KINDS];
    return valueOfKind(r.pick(types), s, d);
  };
  return Array.from({ length: count }, () => gen(root, 0));
}
