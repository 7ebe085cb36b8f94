/**
 * JSON Schema (2020-12 and draft-07) to a {@link TypeNode}. The type accepts every instance the schema
 * accepts (it is sound): what TypeScript cannot express widens the type and is written into TSDoc instead.
 * Malformed or unsupported parts fall back to `unknown` with a warning naming the JSON pointer. Local
 * `$ref`s become named types, so recursive schemas stay finite.
 */
import { pascalIdent } from "./names.js";
import {
  intersection,
  keyword,
  NEVER,
  type PropertyNode,
  type TypeNode,
  UNKNOWN,
  union,
} from "./type-node.js";

const NULL = 1;
const BOOLEAN = 2;
const NUMBER = 4;
const STRING = 8;
const ARRAY = 16;
const OBJECT = 32;
const ALL = 63;
export const OBJECT_ONLY = OBJECT;
export const ANY_KIND = ALL;

const KIND_OF: Record<string, number> = {
  null: NULL,
  boolean: BOOLEAN,
  number: NUMBER,
  integer: NUMBER,
  string: STRING,
  array: ARRAY,
  object: OBJECT,
};

const OBJECT_KEYWORDS = ["properties", "required", "additionalProperties", "patternProperties"];
const ARRAY_KEYWORDS = ["items", "prefixItems", "additionalItems"];

type Schema = Record<string, unknown>;

const OBJECT_MEMBERS = new Set([
  "constructor",
  "toString",
  "toLocaleString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
]);

/** A named type the converter created for a `$ref` target (or the root). */
export interface NamedType {
  name: string;
  pointer: string;
  schema: unknown;
  type?: TypeNode;
  doc?: string[];
}

export interface ConverterOptions {
  /** The schema document `$ref`s resolve in. */
  root: unknown;
  /** Pointer of the document inside the tool definition, for warnings (`/inputSchema`). */
  basePath: string;
  /** Name of the root's type, used for `$ref: "#"`. */
  rootName: string;
  /** Reserves a unique type name in the file being written. */
  reserveName(hint: string): string;
  warn(path: string, message: string): void;
  /** Treat a missing `additionalProperties` as `false`. */
  closedObjects?: boolean;
  maxDepth?: number;
}

/** Converts one schema document; `named` collects the types its `$ref`s need, in first-use order. */
export class SchemaConverter {
  readonly named = new Map<string, NamedType>();
  private readonly draft07: boolean;

  /** Schemas whose object shape other schemas extend, so closing them would reject valid names. */
  private readonly shared: Set<unknown>;
  private rootMask = ALL;

  constructor(private readonly o: ConverterOptions) {
    const dialect = isSchema(o.root) && typeof o.root.$schema === "string" ? o.root.$schema : "";
    this.draft07 = /draft-0[4-7]/.test(dialect);
    this.shared = o.closedObjects ? sharedShapes(o.root, (ref) => this.target(ref)) : new Set();
  }

  /** The type of the document's root, restricted to the JSON kinds in `mask`. */
  convertRoot(mask: number): TypeNode {
    this.rootMask = mask;
    return this.convert(this.o.root, "", mask, 0);
  }

  /** Converts every named type discovered so far, and those they discover in turn. */
  resolveNamed(): NamedType[] {
    const done: NamedType[] = [];
    for (const n of this.named.values()) {
      // Map iteration visits entries added during the loop, so this follows refs of refs.
      n.type = this.convert(n.schema, n.pointer, ALL, 0);
      n.doc = docOf(n.schema, n.name);
      done.push(n);
    }
    return done;
  }

  private warn(ptr: string, message: string) {
    this.o.warn(`${this.o.basePath}${ptr}`, message);
  }

  private convert(schema: unknown, ptr: string, mask: number, depth: number): TypeNode {
    if (schema === true) return kindsType(mask);
    if (schema === false) return NEVER;
    if (!isSchema(schema)) {
      this.warn(ptr, `a schema must be an object or a boolean, got ${describe(schema)}: typed as unknown`);
      return kindsType(mask);
    }
    if (depth > (this.o.maxDepth ?? 48)) {
      this.warn(ptr, "schema nested too deeply: typed as unknown");
      return kindsType(mask);
    }
    const s = schema;
    const parts: TypeNode[] = [];

    if ("$ref" in s) {
      const ref = this.ref(s.$ref, `${ptr}/$ref`);
      if (ref) parts.push(ref);
      // Before 2019-09, keywords beside `$ref` are ignored.
      if (this.draft07) return ref ?? kindsType(mask);
    }
    for (const k of ["$dynamicRef", "$recursiveRef"]) {
      if (k in s) this.warn(`${ptr}/${k}`, `${k} is not supported: not expressed in the type`);
    }

    let kinds = mask;
    if ("type" in s) kinds &= this.typeKinds(s.type, `${ptr}/type`);
    if (s.nullable === true && "type" in s) kinds |= mask & NULL;

    if ("const" in s || "enum" in s) {
      const values = "const" in s ? [s.const] : Array.isArray(s.enum) ? s.enum : undefined;
      if (values) {
        parts.push(union(values.filter((v) => (kindOfValue(v) & kinds) !== 0).map(literal)));
        return intersection(parts);
      }
      this.warn(`${ptr}/enum`, "enum must be an array: ignored");
    }

    const constrained = OBJECT_KEYWORDS.some((k) => k in s) || ARRAY_KEYWORDS.some((k) => k in s);
    if (kinds === ALL && !constrained) {
      // Nothing to say beyond the combinators.
    } else {
      const branches: TypeNode[] = [];
      if (kinds & STRING) branches.push(keyword("string"));
      if (kinds & NUMBER) branches.push(keyword("number"));
      if (kinds & BOOLEAN) branches.push(keyword("boolean"));
      if (kinds & OBJECT) branches.push(this.object(s, ptr, depth));
      if (kinds & ARRAY) branches.push(this.array(s, ptr, depth));
      if (kinds & NULL) branches.push(keyword("null"));
      parts.push(union(branches));
    }

    if ("allOf" in s) {
      for (const [i, m] of this.list(s.allOf, `${ptr}/allOf`))
        parts.push(this.convert(m, `${ptr}/allOf/${i}`, kinds, depth + 1));
    }
    for (const k of ["anyOf", "oneOf"] as const) {
      // "At least one of these properties" reads better as a sentence (see `docOf`) than as a union.
      if (!(k in s) || presenceSets(s[k])) continue;
      const members = this.list(s[k], `${ptr}/${k}`).map(([i, m]) => {
        const type = this.convert(m, `${ptr}/${k}/${i}`, kinds, depth + 1);
        const doc = branchDoc(m);
        return doc ? { ...type, doc } : type;
      });
      if (members.length) parts.push(union(members));
    }
    return intersection(parts);
  }

  private list(value: unknown, ptr: string): Array<[number, unknown]> {
    if (Array.isArray(value)) return value.map((v, i) => [i, v]);
    this.warn(ptr, "must be an array of schemas: ignored");
    return [];
  }

  private typeKinds(type: unknown, ptr: string): number {
    const names = Array.isArray(type) ? type : [type];
    let kinds = 0;
    for (const n of names) {
      const k = typeof n === "string" ? KIND_OF[n] : undefined;
      if (k === undefined) {
        this.warn(ptr, `unknown type ${describe(n)}: allowed any type`);
        return ALL;
      }
      kinds |= k;
    }
    return kinds;
  }

  private object(s: Schema, ptr: string, depth: number): TypeNode {
    const properties: PropertyNode[] = [];
    const required = new Set(
      Array.isArray(s.required) ? s.required.filter((r) => typeof r === "string") : [],
    );
    if ("required" in s && !Array.isArray(s.required))
      this.warn(`${ptr}/required`, "must be an array: ignored");
    const props = this.record(s.properties, `${ptr}/properties`);
    for (const [key, sub] of props) {
      const optional = !required.has(key);
      const type = this.convert(sub, `${ptr}/properties/${escapePointer(key)}`, ALL, depth + 1);
      properties.push({
        key,
        // An object without the property still has Object.prototype's member of that name, which
        // TypeScript checks an optional property against.
        type:
          optional && OBJECT_MEMBERS.has(key)
            ? union([type, { kind: "ref", name: `Object[${JSON.stringify(key)}]` }])
            : type,
        optional,
        doc: docOf(sub, key),
      });
    }
    const close = this.o.closedObjects === true && props.length > 0 && !this.shared.has(s) && !extensible(s);
    const additional = s.additionalProperties === undefined ? !close : (s.additionalProperties as unknown);
    const patterns = this.record(s.patternProperties, `${ptr}/patternProperties`);
    const indexMembers: TypeNode[] = [];
    const hasIndex = additional !== false || patterns.length > 0;
    if (hasIndex) {
      if (additional !== false)
        indexMembers.push(this.convert(additional, `${ptr}/additionalProperties`, ALL, depth + 1));
      for (const [p, sub] of patterns) {
        indexMembers.push(this.convert(sub, `${ptr}/patternProperties/${escapePointer(p)}`, ALL, depth + 1));
      }
    }
    // A required name that no property declares is typed as the schema types it, whatever closing adds.
    const additionalType = hasIndex && !close ? union(indexMembers) : UNKNOWN;
    for (const key of required) {
      if (!props.some(([k]) => k === key)) properties.push({ key, type: additionalType, optional: false });
    }
    if (!hasIndex) return { kind: "object", properties, ...(properties.length ? {} : { index: NEVER }) };
    // Every declared property must fit the index signature, so it widens to include them.
    const index = union([
      ...indexMembers,
      ...properties.map((p) => p.type),
      ...(properties.some((p) => p.optional) ? [keyword("undefined")] : []),
    ]);
    return { kind: "object", properties, index };
  }

  private array(s: Schema, ptr: string, depth: number): TypeNode {
    const tupleKey = Array.isArray(s.prefixItems)
      ? "prefixItems"
      : Array.isArray(s.items)
        ? "items"
        : undefined;
    const restKey = tupleKey === "prefixItems" ? "items" : tupleKey === "items" ? "additionalItems" : "items";
    const restSchema = s[restKey];
    const rest =
      restSchema === undefined
        ? UNKNOWN
        : restSchema === false
          ? undefined
          : this.convert(restSchema, `${ptr}/${restKey}`, ALL, depth + 1);
    if (!tupleKey) return rest ? { kind: "array", element: rest } : { kind: "tuple", elements: [] };
    const min = typeof s.minItems === "number" ? s.minItems : 0;
    const elements = (s[tupleKey] as unknown[]).map((sub, i) => ({
      type: this.convert(sub, `${ptr}/${tupleKey}/${i}`, ALL, depth + 1),
      optional: i >= min,
    }));
    return rest ? { kind: "tuple", elements, rest } : { kind: "tuple", elements };
  }

  private record(value: unknown, ptr: string): Array<[string, unknown]> {
    if (value === undefined) return [];
    if (isSchema(value)) return Object.entries(value);
    this.warn(ptr, "must be an object: ignored");
    return [];
  }

  /** The schema a local `$ref` points to, or undefined. */
  private target(ref: string): unknown {
    if (ref === "#" || ref === "") return this.o.root;
    if (!ref.startsWith("#/")) return undefined;
    let pointer: string;
    try {
      pointer = decodeURIComponent(ref.slice(1));
    } catch {
      return undefined;
    }
    let target: unknown = this.o.root;
    for (const seg of pointer.slice(1).split("/").map(unescapePointer)) {
      target =
        target !== null && typeof target === "object" && Object.hasOwn(target, seg)
          ? (target as Record<string, unknown>)[seg]
          : undefined;
    }
    return target;
  }

  /** A named type for a local `$ref`, or undefined (with a warning) when it cannot be resolved. */
  private ref(ref: unknown, ptr: string): TypeNode | undefined {
    if (typeof ref !== "string") {
      this.warn(ptr, "$ref must be a string: ignored");
      return undefined;
    }
    if (ref === "#" || ref === "") {
      // The root's own type may be narrowed to objects (MCP arguments are objects), but a `$ref` to it
      // may stand for any value the schema accepts.
      const root = this.o.root;
      if (this.rootMask === ALL || (isSchema(root) && root.type === "object"))
        return { kind: "ref", name: this.o.rootName };
      const known = this.named.get("");
      if (known) return { kind: "ref", name: known.name };
      const name = this.o.reserveName(`${this.o.rootName}Value`);
      this.named.set("", { name, pointer: "", schema: root });
      return { kind: "ref", name };
    }
    if (!ref.startsWith("#/")) {
      this.warn(
        ptr,
        `only local JSON-pointer $refs are supported, not ${JSON.stringify(ref)}: typed as unknown`,
      );
      return undefined;
    }
    let pointer: string;
    try {
      pointer = decodeURIComponent(ref.slice(1));
    } catch {
      this.warn(ptr, `malformed $ref ${JSON.stringify(ref)}: typed as unknown`);
      return undefined;
    }
    const known = this.named.get(pointer);
    if (known) return { kind: "ref", name: known.name };
    const segments = pointer.slice(1).split("/").map(unescapePointer);
    const target = this.target(ref);
    if (target === undefined) {
      this.warn(ptr, `$ref ${JSON.stringify(ref)} points nowhere: typed as unknown`);
      return undefined;
    }
    const name = this.o.reserveName(pascalIdent(segments[segments.length - 1] ?? "", "Type"));
    this.named.set(pointer, { name, pointer, schema: target });
    return { kind: "ref", name };
  }
}

/** Keywords beside which an object's properties may come from elsewhere. */
const EXTENDING_KEYWORDS = [
  "$ref",
  "$dynamicRef",
  "$recursiveRef",
  "allOf",
  "anyOf",
  "oneOf",
  "if",
  "then",
  "else",
  "dependentSchemas",
  "dependencies",
  "unevaluatedProperties",
];

/** True when keywords beside `properties` can admit other property names. */
function extensible(s: Schema): boolean {
  return EXTENDING_KEYWORDS.some((k) => k in s);
}

/**
 * The schemas (by identity) whose object shape is only part of an instance's: members of `allOf`, `anyOf`,
 * `oneOf`, `if`/`then`/`else`, `dependentSchemas` and `dependencies`, and what their `$ref`s (and `$ref`s
 * beside other keywords) point to. `closedInputObjects` leaves these open, so it never rejects a property
 * that a sibling schema declares.
 */
function sharedShapes(root: unknown, resolve: (ref: string) => unknown): Set<unknown> {
  const shared = new Set<unknown>();
  const visited = new Set<unknown>();
  const pending: unknown[] = [];
  const markShared = (x: unknown) => {
    if (isSchema(x) && !shared.has(x)) {
      shared.add(x);
      pending.push(x);
    }
  };
  const walk = (x: unknown) => {
    if (x === null || typeof x !== "object" || visited.has(x)) return;
    visited.add(x);
    if (isSchema(x)) {
      for (const k of ["allOf", "anyOf", "oneOf"])
        if (Array.isArray(x[k])) for (const m of x[k] as unknown[]) markShared(m);
      for (const k of ["if", "then", "else"]) markShared(x[k]);
      for (const k of ["dependentSchemas", "dependencies"])
        if (isSchema(x[k])) for (const m of Object.values(x[k] as Schema)) markShared(m);
      // A `$ref` beside other shape keywords contributes part of the shape.
      if (
        typeof x.$ref === "string" &&
        Object.keys(x).some(
          (k) => OBJECT_KEYWORDS.includes(k) || (EXTENDING_KEYWORDS.includes(k) && k !== "$ref"),
        )
      )
        markShared(resolve(x.$ref));
    }
    for (const v of Object.values(x)) walk(v);
  };
  walk(root);
  // What a shared schema refers to is shared too.
  while (pending.length) {
    const x = pending.pop() as Schema;
    if (typeof x.$ref === "string") markShared(resolve(x.$ref));
  }
  return shared;
}

/**
 * For an `anyOf` / `oneOf` whose every branch only lists `required` names (the "at least one of these"
 * idiom), those lists; otherwise undefined.
 */
export function presenceSets(value: unknown): string[][] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const sets: string[][] = [];
  for (const m of value) {
    if (!isSchema(m) || !Array.isArray(m.required) || !m.required.every((r) => typeof r === "string"))
      return undefined;
    if (!Object.keys(m).every((k) => ["required", "description", "title", "$comment"].includes(k)))
      return undefined;
    sets.push(m.required as string[]);
  }
  return sets;
}

/** The TSDoc kept on an `anyOf` / `oneOf` branch: its title and description. */
function branchDoc(schema: unknown): string[] | undefined {
  if (!isSchema(schema)) return undefined;
  const lines: string[] = [];
  const title = typeof schema.title === "string" ? schema.title.trim() : "";
  const description = typeof schema.description === "string" ? schema.description.trim() : "";
  if (title && title !== description) lines.push(title);
  if (description) lines.push(description);
  return lines.length ? lines : undefined;
}

/** The type of "any value of these JSON kinds". */
function kindsType(mask: number): TypeNode {
  if (mask === ALL) return UNKNOWN;
  const parts: TypeNode[] = [];
  if (mask & STRING) parts.push(keyword("string"));
  if (mask & NUMBER) parts.push(keyword("number"));
  if (mask & BOOLEAN) parts.push(keyword("boolean"));
  if (mask & OBJECT) parts.push({ kind: "object", properties: [], index: UNKNOWN });
  if (mask & ARRAY) parts.push({ kind: "array", element: UNKNOWN });
  if (mask & NULL) parts.push(keyword("null"));
  return union(parts);
}

function kindOfValue(v: unknown): number {
  if (v === null) return NULL;
  if (Array.isArray(v)) return ARRAY;
  switch (typeof v) {
    case "boolean":
      return BOOLEAN;
    case "number":
      return NUMBER;
    case "string":
      return STRING;
    case "object":
      return OBJECT;
    default:
      return 0;
  }
}

/** The exact type of a JSON value. */
function literal(v: unknown): TypeNode {
  if (v === null) return keyword("null");
  if (Array.isArray(v))
    return { kind: "tuple", elements: v.map((x) => ({ type: literal(x), optional: false })) };
  switch (typeof v) {
    case "string":
      return { kind: "literal", text: JSON.stringify(v) };
    case "number":
      return Number.isFinite(v) ? { kind: "literal", text: String(v) } : keyword("number");
    case "boolean":
      return { kind: "literal", text: String(v) };
    case "object":
      return {
        kind: "object",
        properties: Object.entries(v as object).map(([key, x]) => ({
          key,
          type: literal(x),
          optional: false,
        })),
        ...(Object.keys(v as object).length ? {} : { index: NEVER }),
      };
    default:
      return UNKNOWN;
  }
}

/** TSDoc lines for a schema: its description and every constraint the type does not express. */
export function docOf(schema: unknown, name?: string): string[] | undefined {
  if (!isSchema(schema)) return undefined;
  const s = schema;
  const lines: string[] = [];
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
  const title = text(s.title);
  const description = text(s.description);
  // A title that only restates the name ("Latitude" for `latitude`, as generators write) tells nothing.
  if (title && title !== description && !(name && restates(title, name))) lines.push(title);
  if (description) lines.push(description);
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes("integer")) lines.push("@integer");
  for (const k of [
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minContains",
    "maxContains",
    "minProperties",
    "maxProperties",
    "contentMediaType",
    "contentEncoding",
  ]) {
    if (!(k in s)) continue;
    if (k === "pattern" && typeof s.pattern === "string" && s.pattern.length > MAX_PATTERN)
      lines.push(`@pattern ${s.pattern.slice(0, MAX_PATTERN - 20)}… (${s.pattern.length} characters)`);
    else lines.push(`@${k} ${typeof s[k] === "string" ? s[k] : json(s[k])}`);
  }
  for (const k of ["anyOf", "oneOf"] as const) {
    const sets = presenceSets(s[k]);
    if (sets)
      lines.push(
        `Requires ${k === "anyOf" ? "at least" : "exactly"} one of: ${sets.map((set) => set.map((n) => `\`${n}\``).join(" + ")).join(", ")}.`,
      );
  }
  if ("default" in s) lines.push(`@default ${json(s.default)}`);
  if (Array.isArray(s.examples)) for (const e of s.examples.slice(0, 3)) lines.push(`@example ${json(e)}`);
  const unexpressed = [
    "not",
    "if",
    "contains",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "unevaluatedProperties",
    "unevaluatedItems",
  ].filter((k) => k in s);
  if (unexpressed.length)
    lines.push(
      `@remarks Also constrained by ${unexpressed.map((k) => (k === "if" ? "if/then/else" : k)).join(", ")} (not expressed in the type).`,
    );
  if (s.deprecated === true) lines.push("@deprecated");
  if (s.readOnly === true) lines.push("@readonly");
  return lines.length ? lines : undefined;
}

/** True when `title` is `name` spelt another way, or `name` with a generic suffix (`find_placesArguments`). */
export function restates(title: string, name: string): boolean {
  const key = (x: string) => x.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  const t = key(title);
  const n = key(name);
  return (
    n.length > 0 &&
    (t === n ||
      (t.startsWith(n) &&
        /^(arguments|args|input|params|parameters|output|result|response)$/.test(t.slice(n.length))))
  );
}

/** Longest `pattern` pasted whole into TSDoc; longer ones are cut, with their length. */
const MAX_PATTERN = 80;

function json(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

export function isSchema(v: unknown): v is Schema {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function describe(v: unknown): string {
  return v === null
    ? "null"
    : Array.isArray(v)
      ? "an array"
      : typeof v === "string"
        ? JSON.stringify(v)
        : typeof v;
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, "/").replace(/~0/g, "~");
}
