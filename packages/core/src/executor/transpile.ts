import { transform } from "sucrase";
import { CodecallError } from "../errors.js";

/**
 * Strips TypeScript from a program body and turns its `import`s into `require()` calls, keeping every
 * line where it was so stack traces and errors point at the model's own lines. Top-level `await` and
 * `return` are kept: the result runs as the body of an async function.
 */
export function stripTypes(code: string): string {
  try {
    return transform(code, {
      transforms: ["typescript", "imports"],
      disableESTransforms: true,
      production: true,
    }).code;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /\((\d+):(\d+)\)\s*$/.exec(message);
    throw new CodecallError("PROGRAM_SYNTAX", message.replace(/\s*\(\d+:\d+\)\s*$/, ""), {
      name: "SyntaxError",
      ...(at ? { line: Number(at[1]), column: Number(at[2]) + 1 } : {}),
    });
  }
}

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
