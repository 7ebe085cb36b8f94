import { SERVER_FACTORY_MAKER } from "@codecall/codegen";

/** The global where {@link PROGRAM_SETUP} keeps what prologues share. */
const SHARED = "__codecallShared";

/**
 * What every program's prologue shares, as the sandbox's `setup`: compiled once per sandbox context (a
 * spare context compiles it ahead of time) instead of with every execution, where it was most of a short
 * program's cost in QuickJS. Sealed, so no program replaces it for a later program of its session:
 * - `codecall(host)`: a `codecall` whose failed calls carry the stack of their call site (engines without
 *   async stack traces, like QuickJS, would otherwise lose the program's line);
 * - `servers`: codegen's server factory (see `runtimeFor`);
 * - `require(modules)`: a `require` that serves `./servers/<name>` from the generated modules.
 */
export const PROGRAM_SETUP = `if (!globalThis.${SHARED}) Object.defineProperty(globalThis, "${SHARED}", { value: Object.freeze({
codecall: function (host) {
  function frames(stack) { return typeof stack === "string" ? stack.split("\\n").filter(function (l) { return /^\\s+at /.test(l); }).join("\\n") : ""; }
  function callTool(id, args) {
    var site = new Error();
    return host.callTool(id, args).then(undefined, function (e) {
      try { if (e !== null && typeof e === "object") e.stack = e.name + ": " + e.message + "\\n" + frames(site.stack); } catch (_) {}
      throw e;
    });
  }
  function builtIn(id) { return function (args) { return callTool(id, args); }; }
  return Object.freeze({ callTool: callTool, searchTools: builtIn("codecall.searchTools"), listResources: builtIn("codecall.listResources"), readResource: builtIn("codecall.readResource") });
},
servers: ${SERVER_FACTORY_MAKER},
require: function (__codecallModules) {
  return function (specifier) {
    if (typeof __codecallModules === "object" && Object.prototype.hasOwnProperty.call(__codecallModules, specifier)) return __codecallModules[specifier];
    throw new Error("Cannot find module '" + specifier + "'. Import tool modules as \\"./servers/<server>\\"; available: " + (typeof __codecallModules === "object" ? Object.keys(__codecallModules).join(", ") : "none") + ".");
  };
}
}) });`;

/**
 * The bindings a program sees, run before it in the enclosing scope the sandbox's program wrapper gives
 * (so the program's own declarations, such as `var memory` from `import * as memory`, may shadow them),
 * made with the helpers of {@link PROGRAM_SETUP}: `codecall`, the generated server bindings (`runtime`,
 * from `runtimeFor` with `{ factory: PROGRAM_FACTORY }`), and `require`.
 */
export function programPrologue(runtime: string): string {
  return `const codecall = ${SHARED}.codecall(globalThis.codecall);
${runtime}
;const require = ${SHARED}.require(__codecallModules);
const exports = {}, module = { exports: exports };`;
}

/** The server factory for `runtimeFor`, from {@link PROGRAM_SETUP}. */
export const PROGRAM_FACTORY = `${SHARED}.servers`;

/**
 * Every identifier-like word in a stripped program: the servers it may use. Words inside strings count
 * too, so `require("./servers/memory/readGraph")` names `memory`; a superset is harmless.
 */
export function mentionedNames(js: string): Set<string> {
  return new Set(js.match(/[A-Za-z_$][\w$]*/g));
}
