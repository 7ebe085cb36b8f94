/**
 * Last fixes to a document's types that TypeScript needs and the schema cannot see: an alias may not
 * refer to itself except through an object, array or tuple (TS2456), and an intersection of unions may
 * not multiply out past what the checker represents (TS2590, and slow long before that). Both are
 * fixed by widening, never narrowing.
 */
import { intersection, type TypeNode, UNKNOWN, union } from "./type-node.js";

/** Largest number of union members an intersection may multiply out to; wider ones drop their largest unions. */
export const MAX_INTERSECTION_PRODUCT = 1000;

/** A named type of the document (the root among them). */
export interface Settled {
  name: string;
  type: TypeNode;
}

/**
 * Rewrites `types` in place: references that close a cycle without passing through a structure become
 * `unknown`, and intersections too large to multiply out lose their largest unions. `warn` receives the
 * name of each type it widened and why.
 */
export function settleTypes(types: Settled[], warn: (name: string, message: string) => void): void {
  const byName = new Map(types.map((t) => [t.name, t]));
  breakBareCycles(types, byName, warn);
  for (const t of types) {
    let widened = false;
    t.type = mapDeep(t.type, (node) => {
      if (node.kind !== "intersection") return node;
      const members = [...node.members];
      const size = (m: TypeNode) => cardinality(m, byName, new Set());
      let product = members.reduce((p, m) => p * size(m), 1);
      if (product <= MAX_INTERSECTION_PRODUCT) return node;
      while (product > MAX_INTERSECTION_PRODUCT && members.length > 1) {
        let largest = 0;
        members.forEach((m, i) => {
          if (size(m) > size(members[largest]!)) largest = i;
        });
        if (size(members[largest]!) <= 1) break;
        members.splice(largest, 1);
        product = members.reduce((p, m) => p * size(m), 1);
      }
      widened = true;
      return withDoc(intersection(members), node.doc);
    });
    if (widened)
      warn(
        t.name,
        `an intersection of unions too large for TypeScript (over ${MAX_INTERSECTION_PRODUCT} members): its largest unions left out`,
      );
  }
}

/** Finds aliases that reach themselves through unions and intersections alone, and cuts those references. */
function breakBareCycles(
  types: Settled[],
  byName: Map<string, Settled>,
  warn: (name: string, message: string) => void,
): void {
  const edges = new Map(types.map((t) => [t.name, bareRefs(t.type).filter((r) => byName.has(r))]));
  const reach = (from: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [...(edges.get(from) ?? [])];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(...(edges.get(n) ?? []));
    }
    return seen;
  };
  const reaches = new Map(types.map((t) => [t.name, reach(t.name)]));
  for (const t of types) {
    if (!reaches.get(t.name)!.has(t.name)) continue;
    // A reference back into the cycle adds no value the other members do not already allow, but TypeScript
    // cannot resolve it: widen it to unknown.
    const inCycle = (r: string) => r === t.name || (reaches.get(r)?.has(t.name) ?? false);
    t.type = mapBare(t.type, (ref) => (inCycle(ref) ? UNKNOWN : undefined));
    warn(t.name, "refers to itself without an object or array between: that reference is typed as unknown");
  }
}

/** Names referred to at the top of `t`: through unions and intersections, not inside structures. */
function bareRefs(t: TypeNode): string[] {
  const names: string[] = [];
  mapBare(t, (ref) => {
    names.push(ref);
    return undefined;
  });
  return names;
}

/**
 * Rewrites the references TypeScript resolves eagerly: those under unions and intersections, and those in
 * tuples nested in a tuple (see {@link mapNestedTuples}).
 */
function mapBare(t: TypeNode, f: (ref: string) => TypeNode | undefined, eager = false): TypeNode {
  const map = (x: TypeNode) => mapBare(x, f, eager);
  switch (t.kind) {
    case "ref":
      return f(t.name) ?? t;
    case "union":
      return withDoc(union(t.members.map(map)), t.doc);
    case "intersection":
      return withDoc(intersection(t.members.map(map)), t.doc);
    case "array":
      return eager ? { ...t, element: map(t.element) } : t;
    case "tuple": {
      const inner = (x: TypeNode) => (eager ? map(x) : mapNestedTuples(x, f));
      const rest = t.rest ? inner(t.rest) : undefined;
      return {
        ...t,
        elements: t.elements.map((e) => ({ ...e, type: inner(e.type) })),
        ...(rest ? { rest } : {}),
      };
    }
    default:
      return t;
  }
}

/**
 * The tuples nested in a tuple's element or rest (through unions), rewritten as {@link mapBare} does there:
 * TypeScript resolves them eagerly when they stand in a union (`[[T]?]`, `x | [a, ...[T][]]`). Also widens
 * `[[T]]`, which TypeScript would defer: recursion through nested tuples is rare, and widening is safe.
 */
function mapNestedTuples(t: TypeNode, f: (ref: string) => TypeNode | undefined): TypeNode {
  if (t.kind === "tuple") return mapBare(t, f, true);
  if (t.kind === "union") return withDoc(union(t.members.map((m) => mapNestedTuples(m, f))), t.doc);
  return t;
}

/** How many members `t` has once TypeScript resolves aliases and multiplies intersections out. */
function cardinality(t: TypeNode, byName: Map<string, Settled>, visiting: Set<string>): number {
  switch (t.kind) {
    case "union":
      return t.members.reduce((n, m) => n + cardinality(m, byName, visiting), 0);
    case "intersection":
      return t.members.reduce((n, m) => n * cardinality(m, byName, visiting), 1);
    case "ref": {
      const target = byName.get(t.name);
      if (!target || visiting.has(t.name)) return 1;
      visiting.add(t.name);
      const n = cardinality(target.type, byName, visiting);
      visiting.delete(t.name);
      return n;
    }
    default:
      return 1;
  }
}

/** Rebuilds `t` bottom-up, passing every node through `f`. */
function mapDeep(t: TypeNode, f: (t: TypeNode) => TypeNode): TypeNode {
  const map = (x: TypeNode) => mapDeep(x, f);
  switch (t.kind) {
    case "array":
      return f({ ...t, element: map(t.element) });
    case "tuple":
      return f({
        ...t,
        elements: t.elements.map((e) => ({ ...e, type: map(e.type) })),
        ...(t.rest ? { rest: map(t.rest) } : {}),
      });
    case "object":
      return f({
        ...t,
        properties: t.properties.map((p) => ({ ...p, type: map(p.type) })),
        ...(t.index ? { index: map(t.index) } : {}),
      });
    case "union":
    case "intersection":
      return f({ ...t, members: t.members.map(map) });
    default:
      return f(t);
  }
}

function withDoc(t: TypeNode, doc: string[] | undefined): TypeNode {
  return doc && !t.doc ? { ...t, doc } : t;
}
