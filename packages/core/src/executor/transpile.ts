/**
 * The bindings a program sees, run before it in the enclosing scope the sandbox's program wrapper gives
 * (so the program's own declarations, such as `var memory` from `import * as memory`, may shadow them): a
 * `codecall` whose failed calls carry the stack of their call site (engines without async stack traces,
 * like QuickJS, would otherwise lose the program's line), the generated server bindings, and a `require`
 * that serves `./servers/<name>` from them.
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
  function builtIn(id) { return function (args) { return callTool(id, args); }; }
  return Object.freeze({ callTool: callTool, searchTools: builtIn("codecall.searchTools"), listResources: builtIn("codecall.listResources"), readResource: builtIn("codecall.readResource") });
})(globalThis.codecall);
${runtime}
;const require = function (specifier) {
  if (typeof __codecallModules === "object" && Object.prototype.hasOwnProperty.call(__codecallModules, specifier)) return __codecallModules[specifier];
  throw new Error("Cannot find module '" + specifier + "'. Import tool modules as \\"./servers/<server>\\"; available: " + (typeof __codecallModules === "object" ? Object.keys(__codecallModules).join(", ") : "none") + ".");
};
const exports = {}, module = { exports: exports };`;
}

/**
 * Every identifier-like word in a stripped program: the servers it may use. Words inside strings count
 * too, so `require("./servers/memory/readGraph")` names `memory`; a superset is harmless.
 */
export function mentionedNames(js: string): Set<string> {
  return new Set(js.match(/[A-Za-z_$][\w$]*/g));
}
