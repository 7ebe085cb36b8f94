/**
 * The JavaScript that runs inside the E2B VM. Kept as source text: it is shipped in the command line of
 * the one process the adapter starts, so nothing is written to the VM's disk.
 *
 * Two processes, two jobs:
 * - the **runner** (started by the host through `commands.run`) owns the process's stdout, the channel to
 *   the host. It writes only frames it built itself with `JSON.stringify`, each signed with an HMAC under a
 *   key the host sent on stdin before any program existed. It watches the worker's CPU time and memory.
 * - the **worker** (spawned by the runner, `--max-old-space-size` set) runs codecall's prelude and the
 *   programs in a `node:vm` context with no host objects. Its stdout and stderr are pipes to the runner,
 *   which treats them as plain diagnostic text; its messages travel over a separate IPC channel and are
 *   checked and re-framed by the runner. A program therefore never writes to the host channel itself.
 *
 * The worker's own realm (with `process` and `require`) shares one V8 isolate with the program, so the
 * context is built to never hand the program an object of that realm or a glimpse of its frames:
 * - the context has its own microtask queue (`microtaskMode: "afterEvaluate"`) and every entry into it is
 *   a timed evaluation: the program's jobs run under the CPU budget, and jobs left behind when it returns
 *   are abandoned (the worker interrupts itself with SIGINT), so they never run in the next execution;
 * - the program starts in a job of that queue, not beneath the worker's message handler;
 * - the host functions the context calls are wrapped so that an error thrown inside them (a stack
 *   overflow at the call) reaches the program as a fresh error of its own realm;
 * - \`Error.prepareStackTrace\` of the context shows programs only the frames of codecall's prelude and
 *   the program (a program's own \`prepareStackTrace\` is called with those frames only).
 *
 * Both are CommonJS scripts for `node -e`, written for any Node >= 18 a template may carry.
 */

/** Calls `onMessage` with each JSON object read, one per line, from a readable stream. */
const LINE_READER = `function readLines(stream, onMessage) {
  let buffered = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk) => {
    // Look for the line's end in the new chunk only, so a large message costs linear time.
    let nl = chunk.indexOf("\\n");
    if (nl >= 0) nl += buffered.length;
    buffered += chunk;
    while (nl >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      nl = buffered.indexOf("\\n");
      let m;
      try { m = JSON.parse(line); } catch (_) { continue; }
      if (m && typeof m === "object") onMessage(m);
    }
  });
}`;

/** Exits when the parent dies (the process is re-parented), even where a closed pipe gives no EOF. */
const ORPHAN_WATCH = `const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 1000).unref();`;

/** The worker: one `node:vm` context per session, the bridge installed inside it. */
const WORKER_SOURCE = `"use strict";
const fs = require("fs");
${LINE_READER}
const vm = require("vm");
const { isProxy } = require("util").types;
let context = null;
let inner = null;
let nextCall = 1;
// import() in the context: Node rejects it with an error of the worker's realm (with the worker's Function
// behind its constructor) unless the script that imports has a callback of its own, which only the worker's
// --experimental-vm-modules lets Node call. Every script compiled in the context gets this one, which
// rejects with an error of the context's realm. Code built from strings inherits it from the script that
// calls eval or Function; an eval the queue calls directly (a reaction) has no script beneath it and
// takes the context's own callback. Older Nodes (18.20 and 20.10 were tried) ignore the context's
// callback and, worse, hand the program the promise of the worker's realm that import() made: see
// importEscapes, checked when the context is made.
let ContextError = null;
let importEscapes = false;
// Node settles the refused import through promises of the worker's realm, whose jobs run after the
// evaluation: the context's queue is drained again after each of a few turns of the worker's loop.
let importTurns = 0;
function refuseImport() {
  // After the report (or between runs), an import never settles: its reaction would otherwise reach the
  // context's queue after the next run's flush and run, and import again, inside that run.
  if (!run || run.over) return new Promise(function () {});
  if (importTurns === 0) setImmediate(drainImports);
  importTurns = 4;
  throw new ContextError("import() is not available in the sandbox");
}
function drainImports() {
  if (--importTurns > 0) setImmediate(drainImports);
  enter(DRAIN);
}
function compiled(source, filename, lineOffset) {
  return new vm.Script(source, { filename: filename, lineOffset: lineOffset || 0, importModuleDynamically: refuseImport });
}
// Evaluated in the context only to run its microtask queue under a timeout (see enter).
const DRAIN = compiled("", "codecall-runner.js");
// Evaluated only to take a SIGINT the worker sent itself after a drain had already ended (see enter).
const ABSORB = compiled("for (;;) {}", "codecall-runner.js");
// The run in progress: its CPU budget, and whether its report was sent (its leftover jobs are then abandoned).
let run = null;
let draining = false;
let interruptSent = false;
// Messages to the runner are JSON lines on stdout, written synchronously: a program that logs in an
// endless loop blocks on a full pipe (backpressure) instead of queueing output the runner never sees.
function post(message) {
  const data = Buffer.from(JSON.stringify(message) + "\\n", "utf8");
  for (let off = 0; off < data.length; ) {
    try { off += fs.writeSync(1, data, off); }
    catch (e) { if (e.code !== "EAGAIN") process.exit(1); }
  }
}
process.stdin.on("end", () => process.exit(0));
${ORPHAN_WATCH}
process.on("uncaughtException", (e) => { post({ t: "failed", code: "SANDBOX_CRASHED", message: "worker: " + ownText(e, "message") }); });
process.on("unhandledRejection", () => {});
// Node's bookkeeping of unhandled rejections reads each such promise's async id after the run, outside
// any evaluation's limit: a Proxy the program put in that promise's prototype chain would run there. The
// worker has no use for that bookkeeping (it ignores unhandled rejections above), so V8's callback is
// replaced by one that reads nothing. It is internal API (hence --expose-internals, and its warning kept
// off stderr, the crash report's tail); where a Node lacks it, the listener above is what is left.
try {
  const emitWarning = process.emitWarning;
  process.emitWarning = () => {};
  try { require("internal/test/binding").internalBinding("task_queue").setPromiseRejectCallback(() => {}); }
  finally { process.emitWarning = emitWarning; }
} catch (_) {}
// SIGINT is how the worker abandons a program's leftover jobs (see sendDone); outside a drain it is a no-op.
process.on("SIGINT", () => {});

// Errors thrown out of the context are objects of its realm, whose prototype chains the program owns:
// reading a property could run its getters here, outside any time limit. Only own data is read.
function ownText(value, key) {
  if (value === null || typeof value !== "object" || isProxy(value)) return "";
  const d = Object.getOwnPropertyDescriptor(value, key);
  return d && typeof d.value === "string" ? d.value : "";
}

let memoryLimit = 128 * 1024 * 1024;
let logBudget = 0;

// Host functions the context may call. They take and return primitives only and never throw, so no
// object of this realm ever reaches the program.
// Between runs (see flush) a past run's leftover jobs may still call these: they send nothing then.
function sendCall(request) { const id = nextCall++; if (run && !run.over) post({ t: "call", id: id, request: String(request) }); return id; }
function sendLog(level, text) {
  // Past the output budget the host stops the run anyway: do not flood the channel meanwhile.
  if (logBudget < 0 || !run || run.over) return;
  logBudget -= Buffer.byteLength(String(text)) + 1;
  post({ t: "log", level: String(level), text: String(text) });
}
function sendDone(report) {
  if (!run || run.over) return;
  run.over = true;
  post(typeof report === "string" ? { t: "done", report: report } : { t: "failed", code: "SANDBOX_CRASHED", message: "The program's script did not settle with a report." });
  // Jobs the program left queued must not run after its report, nor in the next execution: interrupt the
  // drain in progress, which ends it and empties the context's queue (V8 drops it on termination).
  if (draining) {
    interruptSent = true;
    process.kill(process.pid, "SIGINT");
  }
}
function currentMemoryLimit() { return memoryLimit; }

// Compiled inside the context (from its source text), before the prelude: builds __codecallHost from the
// context's own functions, caps single buffer allocations, and returns what the worker uses to answer
// calls and settle runs. Intrinsics are captured now, so a program that later replaces Promise, Map or
// Reflect cannot intercept replies.
function install(sendCall, sendLog, sendDone, memoryLimit, shownFiles) {
  "use strict";
  var P = Promise, resolveP = P.resolve.bind(P), apply = Reflect.apply;
  var construct = Reflect.construct, define = Object.defineProperty, RangeErr = RangeError, E = Error;
  var M = Map, get = M.prototype.get, set = M.prototype.set, del = M.prototype.delete, S = String;
  var stringify = JSON.stringify, getProto = Object.getPrototypeOf, errorToString = E.prototype.toString;
  var indexOf = Array.prototype.indexOf;
  // The global object, held here: the program may delete or reassign its globalThis property, and the
  // runner must still find the real __codecallRun for the session's next run, not a program's stand-in.
  var G = globalThis;
  var pending = new M();
  // Node formats stacks with the prepareStackTrace it reads off the context's global Error: a program that
  // swapped the global for an object of its own would get every frame, the worker's included. Sealed.
  define(globalThis, "Error", { value: E, writable: false, enumerable: false, configurable: false });
  // Node builds the error of a timed-out or interrupted evaluation in this realm and assigns its \`code\`:
  // a setter a program put on Object.prototype would run there, and a throwing one aborts the process. An
  // own data property on Error.prototype ends that lookup first (a program may change its value, or make it
  // read-only, which leaves Node's error without a code: see enter).
  define(E.prototype, "code", { value: undefined, writable: true, enumerable: false, configurable: false });
  // Promises the engine settles from a later task (a timed-out waitAsync, an asynchronous WebAssembly
  // compilation, which can only reject here) and finalizers queue a program's code after its report,
  // into whatever run comes next. None of them is needed by a program: removed.
  if (typeof Atomics === "object") delete Atomics.waitAsync;
  delete globalThis.FinalizationRegistry;
  if (typeof WebAssembly === "object")
    ["compile", "compileStreaming", "instantiate", "instantiateStreaming"].forEach(function (name) { delete WebAssembly[name]; });
  // A host function can throw an object of the worker's realm (a stack overflow inside it): the program
  // gets an error of its own realm instead.
  function host(fn, args) {
    try { return apply(fn, undefined, args); }
    catch (_) { throw new RangeErr("Maximum call stack size exceeded"); }
  }
  globalThis.__codecallHost = {
    call: function (request) { return new P(function (resolve) { apply(set, pending, [host(sendCall, [S(request)]), resolve]); }); },
    log: function (level, text) { host(sendLog, [S(level), S(text)]); },
  };

  // Stack traces: the worker's frames (its message handler, node:internal modules) sit beneath every
  // program frame in this shared isolate. Node formats an error's stack with the context's
  // Error.prepareStackTrace: this one keeps only frames of shownFiles (and builtin or eval frames, which
  // have no file), and calls a program's own prepareStackTrace with those frames only.
  var captured;
  E.prepareStackTrace = function (_e, frames) { captured = frames[0]; return ""; };
  new E().stack;
  var CallSite = getProto(captured), fileOf = CallSite.getFileName, siteText = CallSite.toString;
  captured = undefined;
  function shown(frames) {
    var out = [];
    if (frames === null || typeof frames !== "object") return out;
    for (var i = 0, n = frames.length; i < n; i++) {
      var f = frames[i];
      // A frame list the worker's realm built (it read the stack) holds CallSites of that realm: none pass.
      if (f === null || typeof f !== "object" || getProto(f) !== CallSite) continue;
      var file = apply(fileOf, f, []);
      // Defined, not assigned: a setter a program put on Array.prototype never sees a frame.
      if (file === undefined || file === null || apply(indexOf, shownFiles, [file]) >= 0)
        define(out, out.length, { value: f, writable: true, enumerable: true, configurable: true });
    }
    return out;
  }
  function formatted(error, frames) {
    var text;
    try { text = apply(errorToString, error, []); } catch (_) { text = "Error"; }
    for (var i = 0; i < frames.length; i++) text += "\\n    at " + apply(siteText, frames[i], []);
    return text;
  }
  var own, ownWrapper;
  function prepare(error, frames) { return formatted(error, shown(frames)); }
  define(E, "prepareStackTrace", {
    configurable: false, enumerable: false,
    get: function () { return ownWrapper || prepare; },
    set: function (fn) {
      own = fn;
      ownWrapper = typeof fn === "function" ? function (error, frames) { return apply(own, this, [error, shown(frames)]); } : undefined;
    },
  });

  // Buffers are allocated outside V8's heap limit, and untouched pages do not show in the resident set
  // the runner watches: refuse one allocation larger than the memory limit up front.
  function refuse(bytes) {
    if (bytes > host(memoryLimit, [])) throw new RangeErr("Allocation of " + bytes + " bytes exceeds the sandbox memory limit");
  }
  function requested(first, unit) {
    if (typeof first === "number") return first * unit;
    if (first !== null && typeof first === "object" && !(first instanceof ArrayBuffer) && typeof first.length === "number") return first.length * unit;
    return 0;
  }
  function cap(name, check) {
    var C = globalThis[name];
    if (typeof C !== "function") return;
    var proxy = new Proxy(C, { construct: function (target, args, newTarget) { check(args); return construct(target, args, newTarget); } });
    define(C.prototype, "constructor", { value: proxy, writable: true, enumerable: false, configurable: true });
    define(globalThis, name, { value: proxy, writable: true, enumerable: false, configurable: true });
  }
  ["ArrayBuffer", "SharedArrayBuffer"].forEach(function (name) {
    cap(name, function (args) { refuse(requested(args[0], 1)); if (args[1] && typeof args[1].maxByteLength === "number") refuse(args[1].maxByteLength); });
  });
  ["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
   "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"].forEach(function (name) {
    var unit = globalThis[name] && globalThis[name].BYTES_PER_ELEMENT;
    cap(name, function (args) { refuse(requested(args[0], unit)); });
  });
  ["transfer", "transferToFixedLength"].forEach(function (name) {
    var original = ArrayBuffer.prototype[name];
    if (typeof original !== "function") return;
    define(ArrayBuffer.prototype, name, { value: function (length) { if (typeof length === "number") refuse(length); return apply(original, this, arguments); }, writable: true, enumerable: false, configurable: true });
  });
  if (typeof WebAssembly === "object" && WebAssembly.Memory) {
    var grow = WebAssembly.Memory.prototype.grow;
    var WM = WebAssembly.Memory;
    WebAssembly.Memory = new Proxy(WM, { construct: function (target, args, newTarget) { refuse(((args[0] && args[0].initial) || 0) * 65536); return construct(target, args, newTarget); } });
    define(WM.prototype, "grow", { value: function (pages) { refuse((this.buffer.byteLength || 0) + pages * 65536); return apply(grow, this, [pages]); }, writable: true, enumerable: false, configurable: true });
  }

  function report(out) { return typeof out === "string" ? out : null; }
  // The prelude's promise is awaited, not then-ed: then looks up a species constructor the program may
  // have replaced. Its constructor is still read (under the time limit): a throw there fails the run.
  async function settle(out) {
    var v;
    try { v = await out; } catch (_) { host(sendDone, [null]); return; }
    host(sendDone, [report(v)]);
  }
  return {
    deliver: function (id, reply) { var r = apply(get, pending, [id]); if (r) { apply(del, pending, [id]); r(reply); } },
    // A new run: replies to the last run's calls must not resume its code in this one.
    reset: function () { pending = new M(); },
    // Starts the program in a job of the context's queue, where no frame of the worker lies beneath it.
    // main is the program's script wrapped as a function of the runner it calls (codecall's __codecallRun).
    // The worker calls this outside any timed evaluation, so it must run none of the program's code: the
    // job is queued through a thenable whose then is its own data, not by then, which would look up the
    // species constructor (Promise.prototype.constructor, Promise[Symbol.species]) the program may own.
    start: function (main) {
      resolveP({ __proto__: null, then: function () {
        var out, run = G.__codecallRun;
        try { main(function () { out = apply(run, undefined, arguments); return out; }); }
        catch (e) {
          var message;
          try { message = "Uncaught " + S(e && e.message); } catch (_) { message = "Uncaught exception"; }
          host(sendDone, [stringify({ ok: false, error: { name: "Error", message: message } })]);
          return;
        }
        settle(out);
      } });
    },
  };
}

function syntaxMessage(e, filename) {
  const at = typeof e.stack === "string" ? e.stack.split("\\n")[0] : "";
  const line = at.indexOf(filename + ":") === 0 ? at.slice(filename.length + 1) : "";
  return String(e.message) + (line ? " at " + filename + ":" + line : "");
}

/** CPU milliseconds the current run has left (process CPU: the isolate's threads and V8's helpers). */
function cpuLeft() {
  const used = process.cpuUsage(run.cpu0);
  return run.cpuTimeMs - (used.user + used.system) / 1000;
}

/**
 * Evaluates in the context under the run's CPU budget: the evaluation, then the context's microtask
 * queue (the program's jobs). A timeout ends the run with the CPU limit; the interrupt sendDone raises
 * after the report ends the leftover jobs. Returns the evaluation's value, or undefined when stopped.
 */
function enter(script) {
  if (!run || run.over) return undefined;
  draining = true;
  interruptSent = false;
  let interrupted = false;
  const timeout = Math.max(1, Math.ceil(cpuLeft()));
  const started = Date.now();
  try {
    // displayErrors off: Node would otherwise read (and write) the stack of what the script threw, running
    // the program's accessors after the evaluation, outside its time limit.
    return script.runInContext(context, { timeout: timeout, breakOnSigint: true, displayErrors: false });
  } catch (e) {
    // A program that made Error.prototype.code read-only leaves Node's error without one: the interrupt is
    // then known from interruptSent, the timeout from the time the evaluation took.
    const code = ownText(e, "code");
    interrupted = code === "ERR_SCRIPT_EXECUTION_INTERRUPTED" || (code === "" && interruptSent);
    const timedOut = code === "ERR_SCRIPT_EXECUTION_TIMEOUT" || (code === "" && !interrupted && Date.now() - started >= timeout);
    if (timedOut && !run.over) {
      run.over = true;
      post({ t: "failed", code: "SANDBOX_CPU_LIMIT", message: "CPU time limit" });
    } else if (!run.over && interrupted) {
      // A SIGINT from elsewhere stopped the program mid-run: its jobs are gone, so it can never report.
      run.over = true;
      post({ t: "failed", code: "SANDBOX_CRASHED", message: "the program's process was interrupted (SIGINT)" });
    } else if (!run.over) {
      // Only the wrapped script's own top level can throw here (a program that breaks out of its wrapper).
      run.over = true;
      post({ t: "done", report: JSON.stringify({ ok: false, error: { name: "Error", message: "Uncaught " + (ownText(e, "message") || (e !== null && (typeof e === "object" || typeof e === "function") ? "exception" : String(e))) } }) });
    }
    return undefined;
  } finally {
    draining = false;
    // The drain ended on its own before the interrupt landed: take it now, or it would stop the next one.
    // The interrupt comes from Node's SIGINT watchdog thread, which a loaded machine can leave unscheduled
    // for tens of milliseconds; the loop ends as soon as it lands, so the timeout only bounds the wait.
    if (interruptSent && !interrupted) {
      try { ABSORB.runInContext(context, { timeout: 1000, breakOnSigint: true }); } catch (_) {}
    }
    interruptSent = false;
  }
}

// The context's queue may still hold a past run's jobs that became due after its report. They are
// abandoned, not carried into this run: run briefly with the past run still current (so they can send
// nothing, see sendCall), then interrupted, which empties the queue.
function flush() {
  if (!context) return;
  if (run) run.over = true;
  try { DRAIN.runInContext(context, { timeout: FLUSH_MS, breakOnSigint: true }); } catch (_) {}
}
const FLUSH_MS = 20;

function start(m) {
  flush();
  memoryLimit = m.memoryBytes;
  logBudget = m.maxOutputBytes;
  run = { cpuTimeMs: m.cpuTimeMs, cpu0: process.cpuUsage(), over: false };
  try {
    if (!context) {
      context = vm.createContext(Object.create(null), { codeGeneration: { strings: true, wasm: false }, microtaskMode: "afterEvaluate", importModuleDynamically: refuseImport });
      ContextError = vm.runInContext("Error", context);
      // An import() whose promise is not of the context's realm hands a program the worker's Function.
      const probe = compiled("import('codecall:probe')", "codecall-runner.js").runInContext(context, { displayErrors: false });
      importEscapes = Object.getPrototypeOf(probe) !== vm.runInContext("Promise.prototype", context);
      Promise.prototype.catch.call(probe, function () {});
      const installer = compiled("(" + install.toString() + ")", "codecall-runner.js").runInContext(context);
      inner = installer(sendCall, sendLog, sendDone, currentMemoryLimit, vm.runInContext(JSON.stringify([m.prelude.filename, m.script.filename]), context));
    }
    if (importEscapes) {
      run.over = true;
      post({ t: "failed", code: "SANDBOX_CRASHED", message: "This template's Node.js " + process.version + " lets import() in a program reach the sandbox worker's own realm (its process and require), so codecall runs no program on it. Use a template with a newer Node.js (20.20 confines it), or set nodePath to one." });
      return;
    }
    inner.reset();
    if (m.prelude.source) compiled(m.prelude.source, m.prelude.filename).runInContext(context, { displayErrors: false });
  } catch (e) {
    run.over = true;
    post({ t: "failed", code: "SANDBOX_CRASHED", message: "The prelude failed: " + ownText(e, "message") });
    return;
  }
  let script;
  try {
    // The program's script becomes a function of the runner it calls, so it can start in a job (inner.start).
    // Its line 1 stays line 1: the wrapper's first line is counted as line 0.
    script = compiled("(function (__codecallRun) {\\n" + m.script.source + "\\n})", m.script.filename, -1);
  } catch (e) {
    run.over = true;
    post({ t: "failed", code: "PROGRAM_SYNTAX", message: syntaxMessage(e, m.script.filename) });
    return;
  }
  const main = enter(script);
  if (typeof main !== "function") {
    if (!run.over) sendDone(null);
    return;
  }
  inner.start(main);
  enter(DRAIN);
}

// Units of answers the context took since the last acknowledgement: a burst of replies gets one message.
let taken = 0;
function acknowledge(length) {
  if (taken === 0) setImmediate(() => { if (taken > 0) post({ t: "taken", length: taken }); taken = 0; });
  taken += length;
}

readLines(process.stdin, (m) => {
  if (m.t === "run") start(m);
  else if (m.t === "reply" && inner && run && !run.over) {
    inner.deliver(m.id, m.reply);
    // The host holds answers back while too many are on their way: this one is in the program's heap now.
    acknowledge(m.reply.length);
    enter(DRAIN);
  }
});
post({ t: "ready" });
`;

/** The runner: the host channel, the worker's keeper and its CPU and memory watchdog. */
const RUNNER_SOURCE = `"use strict";
const { spawn } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const WORKER = ${JSON.stringify(WORKER_SOURCE)};
${LINE_READER}
// Linux reports CPU in clock ticks (100 per second on every mainstream kernel) and RSS in 4 KiB pages.
const HZ = 100, PAGE = 4096, WATCH_MS = 20, MIB = 1024 * 1024;
let key = null, seq = 0, worker = null, current = null, stderrTail = "", readyRss = 0, exiting = false;
// V8's heap is held to the limit by --max-old-space-size, which counts what the program keeps, not what
// it has yet to collect. Its resident set also holds the young generation (three semi-spaces) and, as
// the heap grows, code, V8's own tables and fragmentation (an eighth of the limit and 16 MiB): room the
// resident-set watchdog allows above the limit, so that garbage is not counted as memory the program
// holds (a program allocating 20 times its limit while holding 10 MiB was stopped). Off-heap memory
// (buffers, WebAssembly) past limit + room still stops the run. Set with the worker's semi-spaces.
let heapRoom = 0;

// stdout is a pipe, which Node writes asynchronously: exiting at once would drop the frames still queued
// behind a full pipe (the one saying why the worker ended among them), and the host would see only the
// runner gone. Exit once they are written, or after 10 s should the host have stopped reading.
function exitFlushed() {
  if (exiting) return;
  exiting = true;
  setTimeout(() => process.exit(0), 10000);
  process.stdout.write("", () => process.exit(0));
}

// Every byte this process writes to stdout goes through here: one signed JSON frame per line.
function frame(message) {
  message.s = seq++;
  const json = JSON.stringify(message);
  process.stdout.write(crypto.createHmac("sha256", key).update(json).digest("hex") + " " + json + "\\n");
}

function usage(pid) {
  try {
    const stat = fs.readFileSync("/proc/" + pid + "/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / HZ, rss: Number(f[21]) * PAGE };
  } catch (_) {
    return null;
  }
}

function finish(message) {
  if (!current) return;
  const run = current;
  current = null;
  clearInterval(run.watch);
  const now = usage(worker.pid);
  if (now) { run.peak = Math.max(run.peak, now.rss); run.cpuMs = now.cpuMs - run.cpu0; }
  // What the program used: the worker's resident set above what it held idle.
  message.stats = { peakMemoryBytes: Math.max(0, run.peak - readyRss) };
  if (run.cpuMs !== undefined) message.stats.cpuMs = run.cpuMs;
  frame(message);
}

function watch() {
  const now = usage(worker.pid);
  if (!now || !current) return;
  current.peak = Math.max(current.peak, now.rss);
  current.cpuMs = now.cpuMs - current.cpu0;
  if (current.cpuMs > current.cpuTimeMs) stop("SANDBOX_CPU_LIMIT", "CPU time limit");
  else if (now.rss - readyRss > current.memoryBytes + heapRoom + current.memoryBytes / 8) stop("SANDBOX_MEMORY", "memory limit (resident set)");
}

function stop(code, message) {
  current.stopped = { code: code, message: message };
  worker.kill("SIGKILL");
}

function startWorker(heapMb) {
  // Semi-spaces of a 32nd of the heap (V8's default grows them to 16 MiB whatever the heap) keep the young
  // generation, which the watchdog must allow for, small beside the limit.
  const semiMb = Math.min(16, Math.max(1, Math.round(heapMb / 32)));
  heapRoom = (3 * semiMb + 16) * MIB;
  worker = spawn(process.execPath, ["--max-old-space-size=" + heapMb, "--max-semi-space-size=" + semiMb, "--experimental-vm-modules", "--expose-internals", "-e", WORKER, "codecall-e2b-worker"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { PATH: process.env.PATH || "/usr/local/bin:/usr/bin:/bin", LANG: "C.UTF-8" },
    cwd: os.tmpdir(),
  });
  const keep = (chunk) => { stderrTail = (stderrTail + chunk).slice(-4096); process.stderr.write(chunk); };
  worker.stdin.on("error", () => {});
  readLines(worker.stdout, onWorker);
  worker.stderr.on("data", keep);
  // Reported once its output closed, so its last messages and stderr (a heap out-of-memory) are read
  // first; at most a second after it exited, should something it started hold that output open.
  let ended = false;
  const onEnd = (code, signal) => {
    if (ended) return;
    ended = true;
    if (current) {
      const stopped = current.stopped;
      const oom = /heap out of memory|Allocation failed|ERR_WORKER_OUT_OF_MEMORY/.test(stderrTail);
      if (stopped) finish({ t: "failed", code: stopped.code, message: stopped.message });
      else if (oom) finish({ t: "failed", code: "SANDBOX_MEMORY", message: "heap limit" });
      else finish({ t: "failed", code: "SANDBOX_CRASHED", message: "the program's process exited (" + (signal || "code " + code) + "): " + stderrTail.slice(-400) });
    } else {
      frame({ t: "exit", message: "the program's process exited (" + (signal || "code " + code) + ")" });
    }
    exitFlushed();
  };
  worker.on("close", onEnd);
  worker.on("exit", (code, signal) => setTimeout(() => onEnd(code, signal), 1000));
}

const CODES = ["PROGRAM_SYNTAX", "SANDBOX_CPU_LIMIT", "SANDBOX_MEMORY", "SANDBOX_CRASHED"];
// Messages from the worker are untrusted: checked field by field, re-framed, and dropped outside a run.
function onWorker(m) {
  if (!m || typeof m !== "object") return;
  if (m.t === "ready" && !current && readyRss === 0) {
    const now = usage(worker.pid);
    readyRss = now ? now.rss : 1;
    frame({ t: "ready", node: process.version });
    return;
  }
  if (!current || current.stopped) return;
  if (m.t === "log" && typeof m.level === "string" && typeof m.text === "string") {
    // Past the output budget the host stops the run: forward no more than the one log that crosses it.
    if (current.logBudget < 0) return;
    current.logBudget -= Buffer.byteLength(m.text) + 1;
    frame({ t: "log", level: m.level, text: m.text });
  }
  else if (m.t === "call" && typeof m.id === "number" && typeof m.request === "string") frame({ t: "call", id: m.id, request: m.request });
  else if (m.t === "taken" && Number.isFinite(m.length) && m.length >= 0) frame({ t: "taken", length: m.length });
  else if (m.t === "done" && typeof m.report === "string") finish({ t: "done", report: m.report });
  else if (m.t === "failed" && CODES.indexOf(m.code) >= 0 && typeof m.message === "string") finish({ t: "failed", code: m.code, message: m.message });
}

function toWorker(message) {
  worker.stdin.write(JSON.stringify(message) + "\\n");
}

function onHost(m) {
  if (exiting) return;
  if (m.t === "hello" && key === null && typeof m.key === "string") {
    key = Buffer.from(m.key, "hex");
    startWorker(Math.max(16, Math.ceil(m.heapMb)));
  } else if (m.t === "run" && key !== null && !current) {
    const now = usage(worker.pid);
    current = { cpuTimeMs: m.cpuTimeMs, memoryBytes: m.memoryBytes, logBudget: m.maxOutputBytes, cpu0: now ? now.cpuMs : 0, peak: now ? now.rss : 0, stopped: null };
    if (now) current.watch = setInterval(watch, WATCH_MS);
    toWorker({ t: "run", prelude: m.prelude, script: m.script, cpuTimeMs: m.cpuTimeMs, memoryBytes: m.memoryBytes, maxOutputBytes: m.maxOutputBytes });
  } else if (m.t === "reply" && current && typeof m.id === "number" && typeof m.reply === "string") {
    toWorker({ t: "reply", id: m.id, reply: m.reply });
  }
}

readLines(process.stdin, onHost);
${ORPHAN_WATCH}
// The host closed the channel (or the stand-in's owner died): nothing more to do here.
process.stdin.on("end", () => { if (worker) worker.kill("SIGKILL"); process.exit(0); });
`;

/** The shell command that starts the runner: its source travels base64-encoded, nothing touches disk. */
export function runnerCommand(node: string): string {
  const b64 = Buffer.from(RUNNER_SOURCE, "utf8").toString("base64");
  return `exec ${node} -e 'eval(Buffer.from("${b64}","base64").toString("utf8"))' codecall-e2b-runner`;
}

/** The marker in the worker's command line, for tests that look for leftover processes. */
export const WORKER_MARKER = "codecall-e2b-worker";
