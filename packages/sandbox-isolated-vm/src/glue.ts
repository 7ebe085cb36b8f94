import { HOST_GLOBAL } from "@codecall/core";

/** Globals the adapter sets for {@link GLUE_SOURCE}, which removes them. */
export const CALL_GLOBAL = "__codecallIvmCall";
export const LOG_GLOBAL = "__codecallIvmLog";

/**
 * Globals removed before any program runs: WebAssembly memory is not counted by isolated-vm's
 * `memoryLimit` (a 1 GiB `WebAssembly.Memory` gets through), and shared memory with `Atomics.wait` can
 * block the isolate's thread outside the CPU limit. V8's own `console` is replaced by the prelude.
 */
const REMOVED = ["WebAssembly", "SharedArrayBuffer", "Atomics"];

/**
 * Runs once per context, before the prelude and any program. It strips {@link REMOVED}, takes the host
 * `Reference` (tool calls) and `Callback` (console) out of the global scope into this closure, and
 * installs `__codecallHost = { call, log }` for the prelude. Only strings cross: arguments are checked
 * to be primitive strings once (no `toString` of a hostile object runs), and the reference is applied
 * with copy semantics and null-prototype options, so a program that poisons `Object.prototype` later
 * cannot change how isolated-vm transfers values. The program never sees the Reference or Callback.
 */
export const GLUE_SOURCE = `(function () {
"use strict";
var g = globalThis;
var removed = ${JSON.stringify(REMOVED)};
for (var i = 0; i < removed.length; i++) delete g[removed[i]];
var callRef = g.${CALL_GLOBAL}, logFn = g.${LOG_GLOBAL};
delete g.${CALL_GLOBAL};
delete g.${LOG_GLOBAL};
var apply = Reflect.apply, refApply = callRef.apply;
var options = { __proto__: null, arguments: { __proto__: null, copy: true }, result: { __proto__: null, promise: true, copy: true } };
function call(request) {
  return apply(refApply, callRef, [undefined, [typeof request === "string" ? request : ""], options]);
}
function log(level, text) {
  apply(logFn, undefined, [typeof level === "string" ? level : "log", typeof text === "string" ? text : ""]);
}
Object.defineProperty(g, "${HOST_GLOBAL}", { value: { call: call, log: log }, configurable: true, writable: true, enumerable: false });
})();
`;
