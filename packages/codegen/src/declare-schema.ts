/** A schema document as named TypeScript declarations: its root type and the types its `$ref`s need. */
import type CodeBlockWriter from "code-block-writer";
import { ANY_KIND, docOf, type NamedType, OBJECT_ONLY, SchemaConverter } from "./schema-to-type.js";
import { settleTypes } from "./settle-types.js";
import { createWriter, NEVER, type TypeNode, UNKNOWN, writeDoc, writeType } from "./type-node.js";
import type { GenerateOptions } from "./types.js";

/** Global type names a generated type must not shadow inside its file. */
export const GLOBAL_TYPES = [
  "Array",
  "ArrayBuffer",
  "Awaited",
  "Boolean",
  "Date",
  "Error",
  "Exclude",
  "Extract",
  "Function",
  "JSON",
  "Map",
  "Math",
  "NonNullable",
  "Number",
  "Object",
  "Omit",
  "Partial",
  "Pick",
  "Promise",
  "PromiseLike",
  "Readonly",
  "Record",
  "RegExp",
  "Required",
  "Set",
  "String",
  "Symbol",
  "Uint8Array",
  "WeakMap",
  "WeakSet",
];

/** A type-name allocator for one file: `hint`, else `hint2`, `hint3`, ...; never a global type or `taken`. */
export function typeNames(taken: string[] = []): (hint: string) => string {
  const used = new Set([...GLOBAL_TYPES, ...taken]);
  return (hint) => {
    let name = hint;
    for (let n = 2; used.has(name); n++) name = `${hint}${n}`;
    used.add(name);
    return name;
  };
}

/** A converted schema document. */
export interface SchemaDocument {
  name: string;
  type: TypeNode;
  doc: string[] | undefined;
  named: NamedType[];
}

export interface DocumentOptions {
  basePath: string;
  rootName: string;
  reserveName(hint: string): string;
  warn(path: string, message: string): void;
  options: GenerateOptions;
  isInput: boolean;
  /** The name the schema's root stands for (the tool's), so a title that only restates it is left out. */
  docName?: string;
  /** `object` for MCP arguments and `structuredContent`, which are always JSON objects. */
  rootMask: "object" | "any";
}

/** Converts a schema document; never throws (a failure types it as an open object, with a warning). */
export function convertDocument(schema: unknown, o: DocumentOptions): SchemaDocument {
  const make = () =>
    new SchemaConverter({
      root: schema,
      basePath: o.basePath,
      rootName: o.rootName,
      reserveName: o.reserveName,
      warn: o.warn,
      closedObjects: o.isInput && o.options.closedInputObjects === true,
      ...(o.options.maxDepth === undefined ? {} : { maxDepth: o.options.maxDepth }),
    });
  try {
    let converter = make();
    let type = converter.convertRoot(o.rootMask === "object" ? OBJECT_ONLY : ANY_KIND);
    if (type === NEVER && o.rootMask === "object" && schema !== false) {
      o.warn(
        o.basePath,
        "the schema admits no object, though MCP requires one here: typed by the schema alone",
      );
      converter = make();
      type = converter.convertRoot(ANY_KIND);
    }
    const named = converter.resolveNamed();
    const all = [{ name: o.rootName, type }, ...named.map((n) => ({ name: n.name, type: n.type! }))];
    settleTypes(all, (name, message) => o.warn(o.basePath, `type ${name} ${message}`));
    named.forEach((n, i) => {
      n.type = all[i + 1]!.type;
    });
    return { name: o.rootName, type: all[0]!.type, doc: docOf(schema, o.docName), named };
  } catch (error) {
    o.warn(
      o.basePath,
      `could not convert the schema (${error instanceof Error ? error.message : String(error)}): typed loosely`,
    );
    const type: TypeNode =
      o.rootMask === "object" ? { kind: "object", properties: [], index: UNKNOWN } : UNKNOWN;
    return { name: o.rootName, type, doc: undefined, named: [] };
  }
}

/** Writes each document's root type and named types as exported declarations. */
export function writeTypes(w: CodeBlockWriter, documents: SchemaDocument[]): void {
  for (const d of documents) {
    writeNamed(w, d.name, d.type, d.doc);
    for (const n of d.named) writeNamed(w, n.name, n.type!, n.doc);
  }
}

/**
 * Writes only the named types the documents' `$ref`s need, briefly (no `export`, no open index
 * signatures): for a discovery rendering, where the root types are written inline.
 */
export function writeReferencedTypes(w: CodeBlockWriter, documents: SchemaDocument[]): void {
  for (const d of documents) for (const n of d.named) writeNamed(w, n.name, n.type!, n.doc, true);
}

function writeNamed(
  w: CodeBlockWriter,
  name: string,
  type: TypeNode,
  doc: string[] | undefined,
  brief = false,
): void {
  if (!brief) w.blankLineIfLastNot();
  writeDoc(w, doc);
  const exported = brief ? "" : "export ";
  if (type.kind === "object") {
    w.write(`${exported}interface ${name} `);
    writeType(w, type, { brief });
  } else {
    w.write(`${exported}type ${name} = `);
    writeType(w, type, { brief });
    w.write(";");
  }
  w.newLine();
}

/** Options of {@link schemaToTypeScript}. */
export interface SchemaToTypeScriptOptions extends GenerateOptions {
  /** Name of the root type. Default `Root`. */
  name?: string;
}

/**
 * One JSON Schema as TypeScript declarations: `export type <name> = ...` (or an interface) and the named
 * types its `$ref`s need. Any JSON value may match (the root is not assumed to be an object).
 */
export function schemaToTypeScript(
  schema: unknown,
  options: SchemaToTypeScriptOptions = {},
): { code: string; warnings: Array<{ path: string; message: string }> } {
  const warnings: Array<{ path: string; message: string }> = [];
  const reserveName = typeNames();
  const rootName = reserveName(options.name ?? "Root");
  const doc = convertDocument(schema, {
    basePath: "",
    rootName,
    reserveName,
    warn: (path, message) => warnings.push({ path, message }),
    options,
    isInput: true,
    rootMask: "any",
  });
  const w = createWriter();
  writeTypes(w, [doc]);
  return { code: w.toString(), warnings };
}
