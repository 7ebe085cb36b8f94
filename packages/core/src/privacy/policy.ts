/**
 * The flow policy: which token types each tool may receive as real values. Keys are globs over
 * `server.tool` (`crm.*`, `*.send_email`, `mail.send`), values the types (`["EMAIL", "NAME"]`, or `["*"]`
 * for all). A tool matched by several globs may receive the union. A tool matched by none receives no
 * raw values at all.
 */
import { CodecallError } from "../errors.js";

/** `{"crm.*": ["EMAIL", "PHONE", "NAME"]}`: globs over `server.tool` to the types they may receive. */
export type FlowPolicy = Readonly<Record<string, readonly string[]>>;

/** Answers which types one tool may receive. */
export type FlowCheck = (server: string, tool: string) => ReadonlySet<string>;

/** Turns a `*`/`?` glob into an anchored RegExp (`*` spans any characters, dots included). */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

const ALL: ReadonlySet<string> = new Set(["*"]);
const NONE: ReadonlySet<string> = new Set();

/** Compiles a {@link FlowPolicy}; the result caches its answer per tool. */
export function compileFlowPolicy(policy: FlowPolicy = {}): FlowCheck {
  const rules = Object.entries(policy).map(([glob, types]) => {
    if (!Array.isArray(types) || types.some((t) => typeof t !== "string")) {
      throw new CodecallError(
        "CONFIG_INVALID",
        `Flow policy entry "${glob}" must list token types, such as ["EMAIL"].`,
      );
    }
    return { pattern: globToRegExp(glob), types };
  });
  const cache = new Map<string, ReadonlySet<string>>();
  return (server, tool) => {
    const id = `${server}.${tool}`;
    let types = cache.get(id);
    if (types === undefined) {
      const union = new Set<string>();
      for (const r of rules) if (r.pattern.test(id)) for (const t of r.types) union.add(t);
      types = union.has("*") ? ALL : union.size === 0 ? NONE : union;
      cache.set(id, types);
    }
    return types;
  };
}

/** True when `types` (from a {@link FlowCheck}) lets the tool receive values of `type`. */
export function mayReceive(types: ReadonlySet<string>, type: string): boolean {
  return types.has("*") || types.has(type);
}
