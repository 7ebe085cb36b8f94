/**
 * A small TypeScript type tree: the converter builds it once from a schema, and it prints either in full
 * (multi-line objects with TSDoc) or compact (one line, nested objects elided as `{…}`).
 */
import CodeBlockWriter from "code-block-writer";
import { propertyKey } from "./names.js";

export type TypeNode = (
  | { kind: "keyword"; name: "unknown" | "never" | "string" | "number" | "boolean" | "null" | "undefined" }
  | { kind: "literal"; text: string }
  | { kind: "ref"; name: string }
  | { kind: "array"; element: TypeNode }
  | { kind: "tuple"; elements: Array<{ type: TypeNode; optional: boolean }>; rest?: TypeNode }
  | { kind: "object"; properties: PropertyNode[]; index?: TypeNode }
  | { kind: "union"; members: TypeNode[] }
  | { kind: "intersection"; members: TypeNode[] }
) & {
  /** TSDoc of a union member (an `anyOf` / `oneOf` branch's description), written before it in full. */
  doc?: string[];
};

export interface PropertyNode {
  key: string;
  type: TypeNode;
  optional: boolean;
  doc?: string[];
}

export const UNKNOWN: TypeNode = { kind: "keyword", name: "unknown" };
export const NEVER: TypeNode = { kind: "keyword", name: "never" };
export const keyword = (name: "string" | "number" | "boolean" | "null" | "undefined"): TypeNode => ({
  kind: "keyword",
  name,
});

const isKeyword = (t: TypeNode, name: string) => t.kind === "keyword" && t.name === name;

/** A union, flattened and deduplicated; `unknown` absorbs it, `never` members vanish. */
export function union(members: TypeNode[]): TypeNode {
  const flat: TypeNode[] = [];
  const seen = new Set<string>();
  for (const m of members) {
    // A documented union flattened into another keeps its doc on its first member.
    const inner =
      m.kind === "union"
        ? m.members.map((x, i) => (i === 0 && m.doc && !x.doc ? { ...x, doc: m.doc } : x))
        : [m];
    for (const x of inner) {
      if (isKeyword(x, "unknown")) return UNKNOWN;
      if (isKeyword(x, "never")) continue;
      const key = printCompact(x, Number.POSITIVE_INFINITY);
      if (!seen.has(key)) {
        seen.add(key);
        flat.push(x);
      }
    }
  }
  if (flat.length === 0) return NEVER;
  return flat.length === 1 ? flat[0]! : { kind: "union", members: flat };
}

/**
 * An intersection, flattened and deduplicated; `never` absorbs it, `unknown` members vanish, and the open
 * object `{ [key: string]: unknown }` vanishes beside another object type (it adds nothing there).
 */
export function intersection(members: TypeNode[]): TypeNode {
  const flat: TypeNode[] = [];
  const seen = new Set<string>();
  for (const m of members) {
    for (const x of m.kind === "intersection" ? m.members : [m]) {
      if (isKeyword(x, "never")) return NEVER;
      if (isKeyword(x, "unknown")) continue;
      const key = printCompact(x, Number.POSITIVE_INFINITY);
      if (!seen.has(key)) {
        seen.add(key);
        flat.push(x);
      }
    }
  }
  const kept = flat.filter((x) => !(isOpenObject(x) && flat.some((y) => y !== x && isObjectLike(y))));
  if (kept.length === 0) return UNKNOWN;
  return kept.length === 1 ? kept[0]! : { kind: "intersection", members: kept };
}

function isOpenObject(t: TypeNode): boolean {
  return (
    t.kind === "object" && t.properties.length === 0 && t.index !== undefined && isKeyword(t.index, "unknown")
  );
}

function isObjectLike(t: TypeNode): boolean {
  if (t.kind === "object") return true;
  if (t.kind === "union") return t.members.every(isObjectLike);
  if (t.kind === "intersection") return t.members.some(isObjectLike);
  return false;
}

function needsParens(t: TypeNode, context: "array" | "optional" | "union" | "intersection"): boolean {
  if (t.kind === "union") return context !== "union";
  if (t.kind === "intersection") return context !== "intersection";
  return false;
}

/** An object open to any property, as a brief rendering writes it. */
const OPEN_OBJECT = "Record<string, unknown>";

/** True for `{ [key: string]: unknown }`: any object. */
export function isAnyObject(t: TypeNode): boolean {
  return (
    t.kind === "object" && t.properties.length === 0 && t.index !== undefined && isKeyword(t.index, "unknown")
  );
}

/** Members of a union a brief rendering shows before eliding the rest. */
const BRIEF_UNION = 8;

/**
 * One-line rendering; object types nested deeper than `depth` print as `{…}`. `elide` (default `brief`)
 * shows only the first members of a long union. `brief` also leaves out an open index signature
 * (`[key: string]: unknown`): it makes a type sound but tells a reader nothing.
 */
export function printCompact(t: TypeNode, depth = 1, brief = false, elide = brief): string {
  const inner = (x: TypeNode, d = depth) => printCompact(x, d, brief, elide);
  switch (t.kind) {
    case "keyword":
      return t.name;
    case "literal":
      return t.text;
    case "ref":
      return t.name;
    case "array": {
      const element = inner(t.element);
      return needsParens(t.element, "array") ? `(${element})[]` : `${element}[]`;
    }
    case "tuple": {
      const parts = t.elements.map((e) => {
        const s = inner(e.type);
        return e.optional ? (needsParens(e.type, "optional") ? `(${s})?` : `${s}?`) : s;
      });
      if (t.rest) {
        const rest = inner(t.rest);
        parts.push(`...${needsParens(t.rest, "array") ? `(${rest})` : rest}[]`);
      }
      return `[${parts.join(", ")}]`;
    }
    case "object": {
      if (depth <= 0) return "{…}";
      const parts = t.properties.map(
        (p) => `${propertyKey(p.key)}${p.optional ? "?" : ""}: ${inner(p.type, depth - 1)}`,
      );
      // Briefly, an object open to anything and nothing more is `{}`: "no parameters" to a reader.
      const openIndex = brief && t.index && isKeyword(t.index, "unknown");
      if (t.index && !openIndex) parts.push(`[key: string]: ${inner(t.index, depth - 1)}`);
      if (parts.length) return `{ ${parts.join("; ")} }`;
      return openIndex ? OPEN_OBJECT : "{}";
    }
    case "union":
    case "intersection": {
      const sep = t.kind === "union" ? " | " : " & ";
      const shown = elide && t.members.length > BRIEF_UNION ? t.members.slice(0, BRIEF_UNION - 1) : t.members;
      const more = t.members.length - shown.length;
      return shown
        .map((m) => {
          const s = inner(m);
          return needsParens(m, t.kind) ? `(${s})` : s;
        })
        .concat(more ? [`… ${more} more`] : [])
        .join(sep);
    }
  }
}

/** A writer with the project's style: two spaces, double quotes, `\n`. */
export function createWriter(): CodeBlockWriter {
  return new CodeBlockWriter({ indentNumberOfSpaces: 2, useSingleQuote: false, newLine: "\n" });
}

/** Every line terminator of ECMAScript, which ends a `//` comment. */
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;

/** `text` safe inside a `//` comment: line terminators (U+2028 and U+2029 too) escaped. */
export function lineComment(text: string): string {
  return text.replace(/[\n\r\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Writes a TSDoc block (nothing when `lines` is empty). */
export function writeDoc(w: CodeBlockWriter, lines: string[] | undefined, bare = false): void {
  if (!lines || lines.length === 0) return;
  const safe = lines.flatMap((l) => l.replace(/\*\//g, "*\\/").split(LINE_BREAK)).map((l) => l.trimEnd());
  if (safe.length === 1) {
    w.writeLine(`/** ${safe[0]} */`);
    return;
  }
  w.writeLine("/**");
  // `bare` leaves out the ` * ` margin, which costs a token or two per line and tells a model nothing.
  for (const l of safe) w.writeLine(bare ? l : l ? ` * ${l}` : " *");
  w.writeLine(bare ? "*/" : " */");
}

/** Options of {@link writeType}. */
export interface WriteTypeOptions {
  /**
   * Leave out an open index signature (`[key: string]: unknown`): it makes the
   * type sound, but tells a reader nothing. For discovery renderings.
   */
  brief?: boolean;
  /**
   * Property docs already written in this text, keyed by property name and doc. Given, a property whose
   * name and doc were already shown is written without its doc (an output type that repeats the input's
   * shape says each thing once). For discovery renderings.
   */
  shownDocs?: Set<string>;
}

/** Objects a brief rendering writes on one line when they have no docs and nothing nested. */
const INLINE_CHARS = 60;
/**
 * Briefly, a longer limit: a model reads a one-line object as well as one across lines, and each line
 * break and indent costs tokens (more once the text is JSON-escaped in a tool result).
 */
const BRIEF_INLINE_CHARS = 120;

/** Full rendering: object types across lines with their properties' TSDoc. */
export function writeType(w: CodeBlockWriter, t: TypeNode, options: WriteTypeOptions = {}): void {
  writeTypeWith(w, t, options);
}

function writeTypeWith(w: CodeBlockWriter, t: TypeNode, options: WriteTypeOptions): void {
  const writeType = (w: CodeBlockWriter, x: TypeNode) => writeTypeWith(w, x, options);
  switch (t.kind) {
    case "keyword":
    case "literal":
    case "ref":
      w.write(printCompact(t));
      return;
    case "array":
      if (needsParens(t.element, "array") || t.element.kind === "object") {
        w.write("Array<");
        writeType(w, t.element);
        w.write(">");
      } else {
        writeType(w, t.element);
        w.write("[]");
      }
      return;
    case "tuple":
      w.write("[");
      t.elements.forEach((e, i) => {
        if (i) w.write(", ");
        // `[string, number | null?]` would make the element required: `(number | null)?` is optional.
        const paren = e.optional && needsParens(e.type, "optional");
        if (paren) w.write("(");
        writeType(w, e.type);
        if (paren) w.write(")");
        if (e.optional) w.write("?");
      });
      if (t.rest) {
        if (t.elements.length) w.write(", ");
        // `...Array<T>` in a tuple is not deferred, so a recursive T fails there (TS2456): `...(T)[]` is.
        const paren = needsParens(t.rest, "array");
        w.write(paren ? "...(" : "...");
        writeType(w, t.rest);
        w.write(paren ? ")[]" : "[]");
      }
      w.write("]");
      return;
    case "object": {
      const index = options.brief && t.index && isKeyword(t.index, "unknown") ? undefined : t.index;
      const properties = t.properties.map((p) => withUnshownDoc(p, options.shownDocs));
      if (properties.length === 0 && !index) {
        w.write(t.index ? OPEN_OBJECT : "{}");
        return;
      }
      // Briefly, nested objects may share the line too, if nothing in them has a doc left to show.
      const oneLine = (p: PropertyNode) =>
        !p.doc?.length && (options.brief ? undocumented(p.type, options.shownDocs) : isFlat(p.type));
      if (properties.length === 0 || (properties.every(oneLine) && !index)) {
        const inline = printCompact(t, Number.POSITIVE_INFINITY, options.brief, false);
        if (inline.length <= (options.brief ? BRIEF_INLINE_CHARS : INLINE_CHARS)) {
          w.write(inline);
          return;
        }
      }
      w.write("{").newLine();
      w.indent(() => {
        for (const p of properties) {
          // Briefly, a doc without line breaks goes on one line, after a one-line property: the cheapest form
          // for a model to read.
          const doc =
            options.brief && p.doc?.length && !p.doc.some((l) => LINE_BREAK.test(l))
              ? [p.doc.join(" ")]
              : p.doc;
          const trailing = options.brief && doc?.length === 1 && isFlat(p.type) && !hasMemberDocs(p.type);
          if (!trailing) writeDoc(w, doc, options.brief);
          w.write(
            `${propertyKey(p.key)}${p.optional ? "?" : ""}:${hasMemberDocs(p.type) && p.type.kind === "union" ? "" : " "}`,
          );
          writeType(w, p.type);
          w.write(";");
          if (trailing) w.write(` // ${doc![0]!.trim()}`);
          w.newLine();
        }
        if (index) {
          w.write("[key: string]: ");
          writeType(w, index);
          w.write(";").newLine();
        }
      });
      w.write("}");
      return;
    }
    case "union":
    case "intersection": {
      if (t.kind === "union" && t.members.some((m) => m.doc?.length)) {
        // One documented member per line, its TSDoc above it.
        const level = w.getIndentationLevel();
        w.setIndentationLevel(level + 1);
        for (const m of t.members) {
          w.newLineIfLastNot();
          writeDoc(w, m.doc, options.brief);
          w.write("| ");
          const paren = needsParens(m, "union");
          if (paren) w.write("(");
          writeType(w, m);
          if (paren) w.write(")");
        }
        w.setIndentationLevel(level);
        return;
      }
      // Briefly, a union of literals (an enum) is written tight: `"a"|"b"` costs fewer tokens than `"a" | "b"`.
      const tight = options.brief && t.kind === "union" && t.members.every((m) => m.kind === "literal");
      t.members.forEach((m, i) => {
        if (i) w.write(tight ? "|" : t.kind === "union" ? " | " : " & ");
        const paren = needsParens(m, t.kind);
        if (paren) w.write("(");
        writeType(w, m);
        if (paren) w.write(")");
      });
      return;
    }
  }
}

/** True when no property or member inside `t` has a doc (other than one `shown` already). */
function undocumented(t: TypeNode, shown: Set<string> | undefined): boolean {
  if (t.doc?.length) return false;
  switch (t.kind) {
    case "object":
      return t.properties.every(
        (p) => (!p.doc?.length || shown?.has(docKey(p))) && undocumented(p.type, shown),
      );
    case "array":
      return undocumented(t.element, shown);
    case "tuple":
      return t.elements.every((e) => undocumented(e.type, shown)) && (!t.rest || undocumented(t.rest, shown));
    case "union":
    case "intersection":
      return t.members.every((m) => undocumented(m, shown));
    default:
      return true;
  }
}

const docKey = (p: PropertyNode) => `${p.key}\u0000${(p.doc ?? []).join("\n")}`;

/** `p` without its doc when `shown` holds that name and doc already; else `p`, its doc now recorded. */
function withUnshownDoc(p: PropertyNode, shown: Set<string> | undefined): PropertyNode {
  if (!shown || !p.doc?.length) return p;
  const key = docKey(p);
  if (!shown.has(key)) {
    shown.add(key);
    return p;
  }
  const { doc: _, ...rest } = p;
  return rest;
}

function hasMemberDocs(t: TypeNode): boolean {
  return (
    (t.kind === "union" || t.kind === "intersection") &&
    t.members.some((m) => m.doc?.length || hasMemberDocs(m))
  );
}

function isFlat(t: TypeNode): boolean {
  if (t.kind === "object") return false;
  if (t.kind === "array") return isFlat(t.element);
  if (t.kind === "tuple") return t.elements.every((e) => isFlat(e.type)) && (!t.rest || isFlat(t.rest));
  if (t.kind === "union" || t.kind === "intersection") return t.members.every(isFlat);
  return true;
}
