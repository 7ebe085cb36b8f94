/** Suffix closing the inner function the {@link programPrologue} opens. Appended after the program. */
export const PROGRAM_EPILOGUE = "\n})();";

/**
 * JavaScript run in the program's scope before it: a `codecall` whose failed calls carry the stack of
 * their call site (engines without async stack traces, like QuickJS, would otherwise lose the program's
 * line), the generated server bindings, a `require` that serves `./servers/<name>` from them, and the
 * opening of an inner function, so the program's own declarations (`import * as memory` becomes
 * `var memory`) may shadow the global bindings. It ends without a line break, so the program keeps its
 * line numbers.
 */
export function programPrologue(runtime: string): string {
  return `const codecall = (function (host) {
  function frames(stack) { return typeof stack === "string" ? stack.split("\\n").filter(function (l) { return /^\\s+at /.test(l); }).join("\\n") : ""; }
  function callTool(id, args) {
    var site = new Error();
    return host.callTool(id, args).then(undefined, function (e) {
      try { if (e !== null && typeof e === "object") e.stack = e.name + ": " + e.message + "\\n" + frames(site.stack); } catch (_) {}
      throw e;
    });
  }
  return Object.freeze({ callTool: callTool, searchTools: function (args) { return callTool("codecall.searchTools", args); } });
})(globalThis.codecall);
${runtime}
;const require = function (specifier) {
  if (typeof __codecallModules === "object" && Object.prototype.hasOwnProperty.call(__codecallModules, specifier)) return __codecallModules[specifier];
  throw new Error("Cannot find module '" + specifier + "'. Import tool modules as \\"./servers/<server>\\"; available: " + (typeof __codecallModules === "object" ? Object.keys(__codecallModules).join(", ") : "none") + ".");
};
const exports = {}, module = { exports: exports };
return (async function () {`;
}

/**
 * Every identifier-like word in a stripped program: the servers it may use. Words inside strings count
 * too, so `require("./servers/memory/readGraph")` names `memory`; a superset is harmless.
 */
export function mentionedNames(js: string): Set<string> {
  return new Set(js.match(/[A-Za-z_$][\w$]*/g));
}
