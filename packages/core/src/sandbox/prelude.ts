import { HOST_GLOBAL } from "./spec-v1.js";
import type { ProgramPosition } from "./stack.js";

/** File names engines report in stack traces; core maps frames of {@link PROGRAM_FILENAME} to program lines. */
export const PRELUDE_FILENAME = "codecall-prelude.js";
export const PROGRAM_FILENAME = "program.js";

/**
 * The prelude's rarely needed paths (formatting a non-string console argument, a tool's error, a program's
 * failure), compiled only when first needed: compiling is most of a prelude's cost in QuickJS. It is the
 * body of a function of `I`, the intrinsics the prelude captured before any program ran, and uses nothing
 * else, so a program that tampers with globals changes nothing here.
 */
const RARE_PATHS = `"use strict";
function formatArg(v) {
  if (v === undefined) return "undefined";
  if (typeof v === "function") return "[Function" + (v.name ? ": " + v.name : "") + "]";
  if (typeof v === "bigint") return I.String(v) + "n";
  if (typeof v === "symbol") return I.apply(I.symbolToString, v, []);
  if (v instanceof I.Error) return typeof v.stack === "string" && I.apply(I.indexOf, v.stack, [I.String(v.message)]) >= 0 ? v.stack : v.name + ": " + v.message;
  try {
    var s = I.stringify(v, function (_k, x) { return typeof x === "bigint" ? I.String(x) + "n" : x; });
    return s === undefined ? I.String(v) : s;
  } catch (e) {
    return "[Unserializable " + (v && v.constructor && v.constructor.name || typeof v) + "]";
  }
}
function toolError(err, name) {
  var e = new I.Error(I.String(err && err.message));
  e.name = err && typeof err.name === "string" ? err.name : "ToolError";
  if (err && typeof err.code === "string") e.code = err.code;
  if (err && err.details) e.details = err.details;
  e.tool = name;
  return e;
}
function failure(e) {
  var out = { name: "Error", message: "" };
  try {
    if (e !== null && typeof e === "object" && (e instanceof I.Error || typeof e.message === "string")) {
      out.name = I.String(e.name);
      out.message = I.String(e.message);
      if (typeof e.stack === "string") out.stack = e.stack;
      if (typeof e.code === "string") out.code = e.code;
      if (typeof e.tool === "string") out.tool = e.tool;
    } else {
      out.message = "Uncaught " + (typeof e === "string" ? e : formatArg(e));
    }
  } catch (_) {
    out.message = "Uncaught exception";
  }
  return I.stringify({ ok: false, error: out });
}
return { formatArg: formatArg, toolError: toolError, failure: failure };`;

/**
 * The JavaScript every backend evaluates once per context, before any program. Written once here so every
 * backend behaves the same. It captures the host functions and the intrinsics it needs before user code
 * can touch them, removes the host global, and installs:
 * - `console` (`log`, `info`, `warn`, `error`, `debug`), formatted to text in the sandbox;
 * - `codecall.callTool(name, args)`, a promise of the tool's JSON result, rejecting with an `Error` whose
 *   `name`, `message` and `code` come from the host;
 * - `__codecallRun(main)`, which runs a program and settles with the JSON report core reads.
 * Nothing here is trusted by the host: every string that leaves is parsed and checked there. The engine
 * must allow the `Function` constructor (it compiles the rare paths on first use).
 */
export const PRELUDE_SOURCE = `(function () {
"use strict";
var g = globalThis;
var host = g.${HOST_GLOBAL};
delete g.${HOST_GLOBAL};
var hostCall = host.call, hostLog = host.log;
var stringify = JSON.stringify, parse = JSON.parse;
var TypeErrorCtor = TypeError, PromiseCtor = Promise, FunctionCtor = Function;
var apply = Reflect.apply, defineProperty = Object.defineProperty;
var then = PromiseCtor.prototype.then, join = Array.prototype.join;
var I = { Error: Error, String: String, stringify: stringify, apply: apply, indexOf: String.prototype.indexOf, symbolToString: Symbol.prototype.toString };
var reject = function (e) { return new PromiseCtor(function (_, rej) { rej(e); }); };
var rare;
function rarePaths() { return rare || (rare = FunctionCtor("I", ${JSON.stringify(RARE_PATHS)})(I)); }

function format(args) {
  var parts = [];
  for (var i = 0; i < args.length; i++) parts[i] = typeof args[i] === "string" ? args[i] : rarePaths().formatArg(args[i]);
  return apply(join, parts, [" "]);
}
function logger(level) { return function () { hostLog(level, format(arguments)); }; }
g.console = { log: logger("log"), info: logger("info"), warn: logger("warn"), error: logger("error"), debug: logger("debug") };

// JSON.stringify drops functions and symbols silently; a tool must never receive less than the program sent.
function strict(_k, x) {
  if (typeof x === "function" || typeof x === "symbol") throw new TypeErrorCtor("a " + typeof x + " is not JSON");
  return x;
}
function callTool(name, args) {
  if (typeof name !== "string") return reject(new TypeErrorCtor("codecall.callTool: the tool name must be a string"));
  var request;
  try { request = stringify({ name: name, args: args }, strict); }
  catch (e) { return reject(new TypeErrorCtor("The arguments of " + name + " are not JSON-serializable: " + (e && e.message))); }
  return apply(then, hostCall(request), [function (reply) {
    var r = parse(reply);
    if (r.ok) return r.value;
    throw rarePaths().toolError(r.error, name);
  }]);
}
defineProperty(g, "codecall", { value: Object.freeze({ callTool: callTool }), writable: false, configurable: false, enumerable: false });

function report(value) {
  if (value === undefined) return '{"ok":true,"undefined":true}';
  var json;
  try { json = stringify(value); } catch (e) { json = e; }
  if (typeof json !== "string") {
    return stringify({ ok: false, error: { code: "RESULT_NOT_SERIALIZABLE", name: "TypeError",
      message: "The return value is not JSON-serializable" + (json && json.message ? ": " + json.message : " (" + typeof value + ")") } });
  }
  return '{"ok":true,"value":' + json + "}";
}
function failure(e) { return rarePaths().failure(e); }
defineProperty(g, "__codecallRun", {
  // main is an async function: its promise is native, and the captured then ignores a tampered prototype.
  value: function (main) { return apply(then, main(), [report, failure]); },
  writable: false, configurable: false, enumerable: false
});
})();
`;

/**
 * Wraps a JavaScript program body (it may `await` and `return`) into the script a backend evaluates. The
 * program's line 1 starts after `lineOffset` script lines (and `columnOffset` columns), so stack frames
 * map back by subtracting them.
 */
export function wrapProgram(code: string, prologue = ""): { source: string } & ProgramPosition {
  const head = `__codecallRun(async function () {${prologue}`;
  const lastBreak = head.lastIndexOf("\n");
  let lineOffset = 0;
  for (let i = head.indexOf("\n"); i !== -1; i = head.indexOf("\n", i + 1)) lineOffset++;
  return { source: `${head}${code}\n})`, lineOffset, columnOffset: head.length - lastBreak - 1 };
}
