/** Pulls the searchable text out of a tool's JSON Schemas (its arguments and, when declared, its result). */

/** Property names and the free text around them, nested objects and array items included. */
export interface SchemaText {
  names: string[];
  /** Property descriptions and titles. */
  descriptions: string[];
  /** Property titles, string `enum` / `const` values and `examples`: the words a tool accepts are words a task uses. */
  values: string[];
}

const MAX_DEPTH = 4;
/** Enough enum values to name what a tool covers, not a country list. */
const MAX_VALUES = 24;

/** Collects property names, descriptions and values, depth-bounded so hostile or cyclic schemas stay cheap. */
export function schemaText(schema: unknown): SchemaText {
  const out: SchemaText = { names: [], descriptions: [], values: [] };
  visit(schema, 0, out);
  return out;
}

/** All of {@link schemaText} as one string. */
export function schemaWords(schema: unknown): string {
  const { names, descriptions, values } = schemaText(schema);
  return [...names, ...descriptions, ...values].join(" ");
}

function visit(schema: unknown, depth: number, out: SchemaText): void {
  if (depth > MAX_DEPTH || typeof schema !== "object" || schema === null || Array.isArray(schema)) return;
  const node = schema as Record<string, unknown>;
  const properties = node["properties"];
  if (typeof properties === "object" && properties !== null && !Array.isArray(properties)) {
    for (const [name, child] of Object.entries(properties)) {
      out.names.push(name);
      const { description, title } = (child ?? {}) as Record<string, unknown>;
      if (typeof description === "string") out.descriptions.push(description);
      if (typeof title === "string") out.values.push(title);
      visit(child, depth + 1, out);
    }
  }
  for (const key of ["enum", "examples"]) {
    const list = node[key];
    if (Array.isArray(list)) {
      for (const value of list.slice(0, MAX_VALUES)) if (typeof value === "string") out.values.push(value);
    }
  }
  if (typeof node["const"] === "string") out.values.push(node["const"]);
  visit(node["items"], depth + 1, out);
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const list = node[key];
    if (Array.isArray(list)) for (const child of list.slice(0, 8)) visit(child, depth + 1, out);
  }
}
/** The properties of an object schema with their type names, for a one-line signature. */
export function schemaParameters(schema: unknown): { name: string; type: string; required: boolean }[] {
  if (typeof schema !== "object" || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const properties = node["properties"];
  if (typeof properties !== "object" || properties === null || Array.isArray(properties)) return [];
  const required = new Set(Array.isArray(node["required"]) ? (node["required"] as unknown[]) : []);
  return Object.entries(properties).map(([name, child]) => ({
    name,
    type: typeName(child),
    required: required.has(name),
  }));
}

function typeName(schema: unknown): string {
  if (typeof schema !== "object" || schema === null) return "unknown";
  const node = schema as Record<string, unknown>;
  if (Array.isArray(node["enum"])) return node["enum"].map((v) => JSON.stringify(v)).join(" | ");
  const type = node["type"];
  if (type === "integer") return "number";
  if (type === "array") return `${typeName(node["items"])}[]`;
  if (type === "object") return "object";
  if (typeof type === "string") return type;
  if (Array.isArray(type)) return type.map((t) => (t === "integer" ? "number" : String(t))).join(" | ");
  return "unknown";
}
