/**
 * "Did you mean" for tool names that do not exist, found before a program runs: string ids passed to
 * `codecall.callTool`, and members of a server namespace TypeScript reports as missing without a guess.
 */
import { nearestToolNames } from "../discovery/nearest.js";
import type { TypeDiagnostic } from "./type-checker.js";

/** The TypeScript code this module reports unknown `callTool` ids under ("Property does not exist"). */
const UNKNOWN_MEMBER = 2339;
/** Ids under this prefix are built-in program tools (discovery's `codecall.searchTools`, say). */
const BUILT_IN_PREFIX = "codecall.";

/**
 * Diagnostics for `codecall.callTool("<id>", ...)` with a literal id no tool has, each naming the nearest
 * real ids; and TypeScript's "Property 'x' does not exist on type 'typeof <server>'" completed with the
 * server's nearest tools when TypeScript offered none.
 */
export function unknownToolDiagnostics(
  code: string,
  diagnostics: readonly TypeDiagnostic[],
  toolIds: readonly string[],
): TypeDiagnostic[] {
  const known = new Set(toolIds);
  const out = diagnostics.map((d) => {
    if (d.code !== UNKNOWN_MEMBER || /Did you mean/.test(d.message)) return d;
    const match =
      /^Property '([\w$]+)' does not exist on type 'typeof (?:import\("\.\/servers\/)?([\w$]+)/.exec(
        d.message,
      );
    if (!match) return d;
    const [, member, server] = match;
    const close = nearestToolNames(
      `${server}.${member}`,
      toolIds.filter((id) => id.startsWith(`${server}.`)),
    );
    return close.length ? { ...d, message: `${d.message} Did you mean ${quoteAll(close)}?` } : d;
  });
  // Only a literal that is the whole first argument is an id: `callTool("memory." + name, ...)` builds
  // its id at run time (where an unknown one still fails with the nearest names), so it is not checked.
  const call = /codecall\s*\.\s*callTool\s*\(\s*(["'`])([^"'`\n]+)\1(?=\s*[,)])/g;
  for (let m = call.exec(code); m; m = call.exec(code)) {
    const id = m[2]!;
    if (known.has(id) || id.startsWith(BUILT_IN_PREFIX) || (m[1] === "`" && id.includes("${"))) continue;
    const at = m.index + m[0].length - id.length - 1;
    const before = code.slice(0, at);
    const line = before.split("\n").length;
    const close = nearestToolNames(id, toolIds);
    out.push({
      line,
      column: at - before.lastIndexOf("\n"),
      code: UNKNOWN_MEMBER,
      message: `No tool has the id '${id}'.${close.length ? ` Did you mean ${quoteAll(close)}?` : " Search the catalogue (search_tools) for the right id."}`,
    });
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

function quoteAll(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(" or ");
}
