import { JSON_ANSWER_PREFIX, RAW_FROM_UNITS } from "./answer-json.js";
import { HOST_GLOBAL } from "./spec-v1.js";
import type { ProgramPosition } from "./stack.js";
import type { ExecuteRequest } from "./types.js";

/** File names engines report in stack traces; core maps frames of {@link PROGRAM_FILENAME} to program lines. */
export const PRELUDE_FILENAME = "codecall-prelude.js";
/** The most values of each kind (`now`, `random`) one run's nondeterminism tape keeps; later ones mark it truncated. */
export const TAPE_MAX = 4096;
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
function rejected(e) { return new I.Promise(function (_, rej) { rej(e); }); }
// codecall.callTool's refusals, before anything is sent.
function badCall(name, e) {
  return rejected(new I.TypeError(typeof name !== "string" ? "codecall.callTool: the tool name must be a string"
    : "The arguments of " + name + " are not JSON-serializable: " + (e && e.message)));
}
function toolError(err, name) {
  var e = new I.Error(I.String(err && err.message));
  e.name = err && typeof err.name === "string" ? err.name : "ToolError";
  if (err && typeof err.code === "string") e.code = err.code;
  if (err && err.details) e.details = err.details;
  e.tool = name;
  return e;
}
// json is what stringify returned (undefined) or threw.
function notJson(json, value) {
  // Out of memory (QuickJS) or past the longest string (V8) while serializing: the value is too large to
  // return, whatever the output limit is; the host reports it as one.
  var why = json ? I.String(json.message) : "";
  if (I.apply(I.indexOf, why, ["out of memory"]) >= 0 || I.apply(I.indexOf, why, ["Invalid string length"]) >= 0)
    return '{"ok":false,"tooLarge":true}';
  return '{"ok":false,"error":{"code":"RESULT_NOT_SERIALIZABLE","name":"TypeError","message":' +
    I.stringify("The return value is not JSON-serializable" + (json && json.message ? ": " + I.String(json.message) : " (" + typeof value + ")")) + "}}";
}
// The report is written field by field, stringifying strings only: QuickJS's JSON.stringify of any object
// pushes onto arrays of its own through Array.prototype, where a program's index accessor would make it throw.
// Fields are locals, never an object's properties: a program's accessor on Object.prototype would answer for
// a field not set (and could throw outside the try, or forge a tool's failure).
// max is the run's maxOutputBytes: an error whose text alone is longer is reported as too large before its
// JSON is made, as a return value is (copied out whole, a 32 MiB message grew the host's heap 30 to 60 MiB).
function units(s) { return typeof s === "string" ? s.length : 0; }
// size plus the bytes past one per unit of s, counted until the total is over max.
function extra(s, size, max) {
  if (typeof s === "string") for (var i = 0, c; i < s.length && size <= max; i++) {
    c = I.apply(I.charCodeAt, s, [i]);
    if (c > 0x7f) size += c > 0x7ff ? 2 : 1;
  }
  return size;
}
function failure(e, max) {
  var name = "Error", message = "", stack, code, tool;
  try {
    if (e !== null && typeof e === "object" && (e instanceof I.Error || typeof e.message === "string")) {
      name = I.String(e.name);
      message = I.String(e.message);
      stack = e.stack;
      code = e.code;
      tool = e.tool;
    } else {
      message = "Uncaught " + (typeof e === "string" ? e : formatArg(e));
    }
  } catch (_) {
    // The name read before stays; what could not be read is left out.
    message = "Uncaught exception";
    stack = code = tool = undefined;
  }
  // Counted in UTF-8 bytes, as the host counts them: no UTF-16 unit is less than one byte, and only when the
  // units could be over the limit at three bytes each are the bytes counted (a unit past U+07FF as 3).
  var size = units(name) + units(message) + units(stack) + units(code) + units(tool);
  if (size > max) return '{"ok":false,"tooLarge":"error"}';
  if (size * 3 > max && ((size = extra(name, size, max)) > max || (size = extra(message, size, max)) > max ||
    (size = extra(stack, size, max)) > max || (size = extra(code, size, max)) > max || extra(tool, size, max) > max))
    return '{"ok":false,"tooLarge":"error"}';
  var text = '{"ok":false,"error":{"name":' + I.stringify(name) + ',"message":' + I.stringify(message);
  if (typeof stack === "string") text += ',"stack":' + I.stringify(stack);
  if (typeof code === "string") text += ',"code":' + I.stringify(code);
  if (typeof tool === "string") text += ',"tool":' + I.stringify(tool);
  return text + "}}";
}
// A thenable returned by a program without await, adopted as an async function's return adopts it.
function adopt(value, thenOf, report, fail) {
  return I.apply(I.then, new I.Promise(function (res, rej) { I.apply(thenOf, value, [res, rej]); }), [report, fail]);
}
return { formatArg: formatArg, badCall: badCall, toolError: toolError, notJson: notJson, failure: failure, adopt: adopt };`;

/**
 * The taped clock and random numbers of one run: a function of the tape's given values that installs
 * wrappers of `Date`, `Date.now` and `Math.random` on the global object and returns `report` (appends the
 * tape to the run's JSON report and uninstalls) and `stop` (uninstalls). Uninstalling restores the
 * engine's own functions unless the program replaced them meanwhile. It travels in the script of a taped
 * run only (see {@link wrapProgram}), so other runs never compile it: compiling is most of a context's
 * cost. Nothing here is trusted by the host, which checks the tape it reads.
 */
const TAPED_CLOCK = `function (given) {
"use strict";
var g = globalThis, D = g.Date, M = g.Math, real = { now: D.now, random: M.random }, toText = D.prototype.toString;
var apply = Reflect.apply, construct = Reflect.construct, defineProperty = Object.defineProperty, join = Array.prototype.join, slice = String.prototype.slice;
// Objects read here are null-prototype and truncated is a local: a program's accessor on Object.prototype
// (a getter named truncated, or get, which would turn a descriptor into an accessor's) must not reach them.
var tape = { __proto__: null, now: [], random: [] }, counts = { __proto__: null, now: 0, random: 0 }, truncated = false;
function property(value) { return { __proto__: null, value: value, writable: true, enumerable: false, configurable: true }; }
function taped(kind) {
  return function () {
    var n = counts[kind]++, src = given[kind], v = n < src.length ? src[n] : apply(real[kind], D, []);
    // Defined, not assigned, and written out by join, not JSON.stringify: a program's accessor on
    // Array.prototype must not make the wrappers or the report throw (QuickJS's stringify pushes through it).
    if (n < ${TAPE_MAX}) defineProperty(tape[kind], n, { __proto__: null, value: v, writable: true, enumerable: true, configurable: true }); else truncated = true;
    return v;
  };
}
var now = taped("now"), random = taped("random");
function TapedDate(year, month, day, hours, minutes, seconds, ms) {
  if (!new.target) return apply(toText, new D(now()), []);
  return construct(D, arguments.length ? arguments : [now()], new.target);
}
TapedDate.prototype = D.prototype;
defineProperty(TapedDate, "name", { __proto__: null, value: "Date" });
defineProperty(TapedDate, "now", property(now)); defineProperty(TapedDate, "parse", property(D.parse)); defineProperty(TapedDate, "UTC", property(D.UTC));
function constructor(value) { defineProperty(D.prototype, "constructor", property(value)); }
function stop() {
  if (g.Date === TapedDate) g.Date = D;
  if (D.prototype.constructor === TapedDate) constructor(D);
  if (M.random === random) M.random = real.random;
}
g.Date = TapedDate; constructor(TapedDate); M.random = random;
function list(values) { return "[" + apply(join, values, [","]) + "]"; }
return { stop: stop, report: function (out) { stop(); return apply(slice, out, [0, -1]) + ',"tape":{"now":' + list(tape.now) + ',"random":' + list(tape.random) + (truncated ? ',"truncated":true' : "") + "}}"; } };
}`;

/** Drops indentation and comment lines (line breaks stay, so no statement changes): lexing is per character. */
function compact(source: string): string {
  return source
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => !line.startsWith("//"))
    .join("\n");
}

/** `reply` starts as the host's JSON replies do ({@link JSON_ANSWER_PREFIX}), one index at a time (see `settle`). */
const STARTS_AS_JSON_ANSWER = [...JSON_ANSWER_PREFIX]
  .map((c, i) => `reply[${i}] === ${JSON.stringify(c)}`)
  .join(" && ");

/**
 * The JavaScript every backend evaluates once per context, before any program. Written once here so every
 * backend behaves the same. It captures the host functions and the intrinsics it needs before user code
 * can touch them, removes the host global, and installs:
 * - `console` (`log`, `info`, `warn`, `error`, `debug`), formatted to text in the sandbox;
 * - `codecall.callTool(name, args)`, a promise of the tool's JSON result, rejecting with an `Error` whose
 *   `name`, `message` and `code` come from the host;
 * - `Date`, `Date.now` and `Math.random` wrappers that tape the values a run consumes when its runner is
 *   given a tape (and return the tape's values first, for a replay);
 * - `__codecallRun(main, sync, max, given?)`, which runs a program and settles with the JSON report core
 *   reads (`sync` is 1 when `main` is a plain function, 0 when it is async; `max`, the run's
 *   `maxOutputBytes`: a return value whose JSON alone is longer is reported as too large before it is
 *   copied again, undefined for no such check; `given`, when present, starts a
 *   nondeterminism tape: `{ now, random, clock }`, the values to replay first (empty to record) and the
 *   wrappers' code, {@link TAPED_CLOCK}). A call made while a run is in flight (its report not yet made)
 *   throws a TypeError: only the program can make one, and the limits it passes never apply.
 * Nothing here is trusted by the host: every string that leaves is parsed and checked there. The engine
 * must allow the `Function` constructor (it compiles the rare paths on first use).
 */
export const PRELUDE_SOURCE = compact(`(function () {
"use strict";
var g = globalThis, host = g.${HOST_GLOBAL};
delete g.${HOST_GLOBAL};
var hostCall = host.call, hostLog = host.log, stringify = JSON.stringify, parse = JSON.parse, PromiseCtor = Promise;
var apply = Reflect.apply, defineProperty = Object.defineProperty, then = PromiseCtor.prototype.then, sliceText = String.prototype.slice;
var I = { Error: Error, TypeError: TypeError, String: String, Promise: PromiseCtor, then: then, stringify: stringify, apply: apply, indexOf: String.prototype.indexOf, charCodeAt: String.prototype.charCodeAt, symbolToString: Symbol.prototype.toString };
var rare, makeRare = Function, resolve = PromiseCtor.resolve;
function rarePaths() { return rare || (rare = makeRare("I", ${JSON.stringify(compact(RARE_PATHS))})(I)); }
function sealed(name, value) { defineProperty(g, name, { value: value, writable: false, configurable: false, enumerable: false }); }

function logger(level) {
  return function () {
    // Concatenated, not joined: an array written to by index would run a program's Array.prototype accessor.
    for (var text = "", i = 0; i < arguments.length; i++) text += (i ? " " : "") + (typeof arguments[i] === "string" ? arguments[i] : rarePaths().formatArg(arguments[i]));
    // A line longer than the run's whole output budget is over it whatever else the run writes: the host
    // gets just enough of it to say so (a 32 MiB line copied in blocked its thread 100 ms on isolated-vm).
    if (text.length > logMax) text = apply(sliceText, text, [0, logMax + 1]);
    hostLog(level, text);
  };
}
g.console = { log: logger("log"), info: logger("info"), warn: logger("warn"), error: logger("error"), debug: logger("debug") };

// JSON.stringify drops functions and symbols silently; a tool must never receive less than the program sent.
// The request is written as text around the arguments' JSON: a toJSON a program puts on Object.prototype
// replaces only the arguments (as JSON.stringify does in plain JavaScript), never the name checked to be a
// string, and no object of the request sits on stringify's stack (QuickJS keeps that stack in an array,
// where a setter a program put on Array.prototype[0] received the request and rewrote its name).
function strict(_k, x) {
  if (typeof x === "function" || typeof x === "symbol") throw new I.TypeError("a " + typeof x + " is not JSON");
  return x;
}
// A long string result may come as itself; every other reply is JSON starting {"ok": (see answer-json.ts).
// A string primitive's length and characters within it are read without its prototype, which a program
// may have changed; anything shorter than a raw answer, or not a string, goes to parse and fails closed.
function settle(reply, name) {
  if (typeof reply === "string" && reply.length >= ${RAW_FROM_UNITS} && !(${STARTS_AS_JSON_ANSWER})) return reply;
  var r = parse(reply); if (r.ok) return r.value; throw rarePaths().toolError(r.error, name);
}
sealed("codecall", Object.freeze({ callTool: function (name, args) {
  var request;
  try { if (typeof name === "string") { var json = stringify(args, strict); request = '{"name":' + stringify(name) + (json === undefined ? "" : ',"args":' + json) + "}"; } } catch (e) { return rarePaths().badCall(name, e); }
  return request === undefined ? rarePaths().badCall(name) : apply(then, hostCall(request), [function (reply) { return settle(reply, name); }]);
} }));

// A taped run's clock (see TAPED_CLOCK: the runner's fourth argument brings it).
var clock;

// True from a run's start until its report is made: a program calling __codecallRun meanwhile (to raise
// the limits of the run it is in) is refused. logMax, the running run's maxOutputBytes for log lines, is
// written only when a run starts, so nothing the program does during its run changes it.
var running = false, logMax;

// The reports of one run, with that run's maxOutputBytes (max) held here, not in a variable another call
// could write. A value whose JSON alone exceeds it is refused before another copy is made (no
// UTF-16 unit is less than one UTF-8 byte): a string, before its JSON; any other value, before the report
// around its JSON. Each full copy of a large value may be what runs the memory out (QuickJS 128 MiB: value,
// JSON and report of a 50 MB string), and SANDBOX_MEMORY would then blame the program for the report.
// done ends the run once its report is made (its tape appended), whatever the report's path.
function reports(max, done) {
  function value(v) {
    if (v === undefined) return '{"ok":true,"undefined":true}';
    if (typeof v === "string" && v.length > max) return '{"ok":false,"tooLarge":true}';
    var json;
    try { json = stringify(v); } catch (e) { json = e; }
    if (typeof json !== "string") return rarePaths().notJson(json, v);
    return json.length > max ? '{"ok":false,"tooLarge":true}' : '{"ok":true,"value":' + json + "}";
  }
  function error(e) {
    var text = rarePaths().failure(e, max);
    // Escapes can make the JSON up to six times the text's length.
    return text.length > max ? '{"ok":false,"tooLarge":"error"}' : text;
  }
  return {
    report: function (v) { var text; try { text = value(v); } catch (e) { done(); throw e; } return done(text); },
    failure: function (e) { var text; try { text = error(e); } catch (x) { done(); throw x; } return done(text); },
  };
}
// A program that never awaits runs as a plain function and is reported at once: a promise reaction costs a
// QuickJS run as much again. Its result keeps async semantics (a thenable is adopted; then is read once).
function runSync(main, report, failure) {
  var value, thenOf;
  try { value = main(); if (value !== null && (typeof value === "object" || typeof value === "function")) thenOf = value.then; }
  catch (e) { return apply(resolve, PromiseCtor, [failure(e)]); }
  if (typeof thenOf !== "function") return apply(resolve, PromiseCtor, [report(value)]);
  // A native promise (code mode's inner async function returns one) takes one reaction, as an async program.
  if (thenOf === then) try { return apply(then, value, [report, failure]); } catch (_) { /* not a promise */ }
  return rarePaths().adopt(value, thenOf, report, failure);
}
// An async main's promise is native, and the captured then ignores a tampered prototype.
// A call while a run is in flight throws: only a program can make one (the host's runs follow each other).
sealed("__codecallRun", function (main, sync, max, given) {
  if (running) throw new I.TypeError("__codecallRun: a run is in flight");
  running = true;
  var ended = false, tape;
  // The run's own clock: a later run's (or its stop) leaves this run's tape alone.
  function done(text) {
    if (ended) return text;
    ended = true;
    try { return tape && text !== undefined ? tape.report(text) : text; } finally { running = false; }
  }
  try {
    logMax = max;
    if (clock) clock.stop();
    clock = tape = given ? given.clock(given) : undefined;
    var r = reports(max, done);
    return sync === 1 ? runSync(main, r.report, r.failure) : apply(then, main(), [r.report, r.failure]);
  } catch (e) {
    done();
    throw e;
  }
});
})();
`);

/**
 * The runner's fourth argument, which starts a run's nondeterminism tape (see {@link NondeterminismTape});
 * empty when the request tapes nothing.
 */
function tapeArgument(nondeterminism: ExecuteRequest["nondeterminism"]): string {
  if (!nondeterminism) return "";
  const given = nondeterminism === "record" ? { now: [], random: [] } : nondeterminism;
  return `, { now: ${JSON.stringify(numbers(given.now))}, random: ${JSON.stringify(numbers(given.random))}, clock: ${CLOCK_SOURCE} }`;
}

/** Only finite numbers enter the program's source. */
function numbers(values: unknown): number[] {
  return Array.isArray(values)
    ? values.filter((v): v is number => typeof v === "number" && Number.isFinite(v))
    : [];
}

const CLOCK_SOURCE = compact(TAPED_CLOCK);

/** The word `await` anywhere (strings and comments too): only then can a program need an async function. */
const AWAIT = /\bawait\b/;

/**
 * Wraps a JavaScript program body (it may `await` and `return`) into the script a backend evaluates: the
 * one program wrapper, for the sandbox alone and for code mode's generated bindings alike. A `prologue`
 * (bindings such as code mode's typed API) runs first in an enclosing scope, and the program in a
 * function of its own inside it, so the program's declarations may shadow the prologue's (`import * as
 * memory` becomes `var memory`). The program's line 1 starts after `lineOffset` script lines (and
 * `columnOffset` columns), so stack frames map back by subtracting them. `nondeterminism` asks the runner to
 * tape (or replay) the program's clock and random numbers. A program that cannot contain an
 * `await` (the keyword cannot be written with escapes) runs as a plain function: same result, no promise
 * machinery on its way out. With `maxOutputBytes`, the runner reports a return value whose JSON alone is
 * longer as too large before copying it again (the host's check of the report comes too late when the
 * copies run the memory out). A request's setup is not part of it: it runs with the prelude.
 */
export function wrapProgram(
  code: string,
  prologue = "",
  nondeterminism?: ExecuteRequest["nondeterminism"],
  maxOutputBytes?: number,
): { source: string } & ProgramPosition {
  const sync = !AWAIT.test(code);
  const program = `${sync ? "" : "async "}function () {`;
  // With a prologue the outer function is plain: it returns the program's value, or its native promise,
  // which the runner adopts with one reaction, as it would an async program's.
  const head = prologue
    ? `__codecallRun(function () {${prologue}\nreturn (${program}`
    : `__codecallRun(${program}`;
  const args = `, ${maxOutputBytes === undefined ? "1 / 0" : String(maxOutputBytes)}${tapeArgument(nondeterminism)})`;
  const tail = prologue ? `\n})();\n}, 1${args}` : `\n}, ${sync ? 1 : 0}${args}`;
  const lastBreak = head.lastIndexOf("\n");
  let lineOffset = 0;
  for (let i = head.indexOf("\n"); i !== -1; i = head.indexOf("\n", i + 1)) lineOffset++;
  return { source: `${head}${code}${tail}`, lineOffset, columnOffset: head.length - lastBreak - 1 };
}
