/**
 * Safe, deterministic TypeScript identifiers for MCP names: camelCase for tools and servers, PascalCase
 * for types. Reserved words, names that would shadow globals the sandbox or a type-checker declares, and
 * `Object.prototype` / thenable keys get a trailing `_`; leading digits a leading `_`; non-ASCII letters
 * lose their accents or become `u<hex>` words.
 */

const RESERVED = new Set(
  // ECMAScript and TypeScript reserved and contextual words that cannot name a declaration.
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally " +
    "for function if import in instanceof new null return super switch this throw true try typeof var void " +
    "while with implements interface let package private protected public static yield await async arguments " +
    "eval any boolean number string symbol bigint object never unknown undefined declare type namespace module " +
    "require keyof readonly infer is asserts unique global satisfies accessor of get set from as " +
    // Globals a program or a type-checker's libs declare, and the sandbox's own names.
    "codecall console globalThis window self process exports fetch name length status top parent close open " +
    "print event location history navigator document performance crypto setTimeout setInterval clearTimeout " +
    "clearInterval queueMicrotask structuredClone atob btoa Buffer URL NaN Infinity " +
    // Keys that misbehave on plain objects or promises.
    "then constructor prototype toString valueOf hasOwnProperty isPrototypeOf propertyIsEnumerable " +
    "toLocaleString __proto__ __esModule __defineGetter__ __defineSetter__ __lookupGetter__ __lookupSetter__"
  ).split(" "),
);

/** Splits a name into ASCII words: separators, case changes and digit runs break words. */
function words(name: string): string[] {
  const ascii = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\x00-\x7f]/gu, (ch) => ` u${ch.codePointAt(0)!.toString(16)} `);
  return ascii
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase();

/** `read_graph` → `readGraph`; never reserved, never empty, never starting with a digit. */
export function camelIdent(name: string, fallback = "tool"): string {
  const ws = words(name);
  if (ws.length === 0) return fallback;
  return safe(ws[0]!.toLowerCase() + ws.slice(1).map(cap).join(""));
}

/** `read_graph` → `ReadGraph`, for type names. */
export function pascalIdent(name: string, fallback = "Type"): string {
  const ws = words(name);
  return safe(ws.length === 0 ? fallback : ws.map(cap).join(""));
}

function safe(ident: string): string {
  if (/^[0-9]/.test(ident)) return `_${ident}`;
  return RESERVED.has(ident) ? `${ident}_` : ident;
}

/**
 * Assigns one identifier per name, unique within the list. Names whose identifiers collide are ordered by
 * their original spelling, so the first keeps the identifier and the others get `2`, `3`, ... whatever
 * order the server listed them in. `taken` holds identifiers already in use.
 */
export function uniqueIdents(
  names: string[],
  toIdent: (name: string) => string,
  taken: Iterable<string> = [],
): string[] {
  const base = names.map(toIdent);
  // Compared without case: identifiers name files, and some file systems ignore case.
  const used = new Set([...taken].map((t) => t.toLowerCase()));
  const claim = (ident: string) => {
    if (used.has(ident.toLowerCase())) return false;
    used.add(ident.toLowerCase());
    return true;
  };
  const order = names.map((_, i) => i).sort((a, b) => cmp(names[a]!, names[b]!) || a - b);
  const out: string[] = new Array(names.length);
  // First every identifier's first claimant, then suffixes, so `a_2` keeps `a2` even when `a` collides.
  for (const i of order) {
    if (claim(base[i]!)) out[i] = base[i]!;
  }
  for (const i of order) {
    if (out[i] !== undefined) continue;
    let n = 2;
    while (!claim(`${base[i]}${n}`)) n++;
    out[i] = `${base[i]}${n}`;
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A property key as written in a type: bare when it is an identifier name, quoted otherwise. */
export function propertyKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
}
