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
let context = null;
let inner = null;
let nextCall = 1;
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
process.on("uncaughtException", (e) => { post({ t: "failed", code: "SANDBOX_CRASHED", message: "worker: " + (e && e.message) }); });
process.on("unhandledRejection", () => {});

let memoryLimit = 128 * 1024 * 1024;
let logBudget = 0;

// Host functions the context may call. They take and return primitives only and never throw, so no
// object of this realm ever reaches the program.
function sendCall(request) { const id = nextCall++; post({ t: "call", id: id, request: String(request) }); return id; }
function sendLog(level, text) {
  // Past the output budget the host stops the run anyway: do not flood the channel meanwhile.
  if (logBudget < 0) return;
  logBudget -= Buffer.byteLength(String(text)) + 1;
  post({ t: "log", level: String(level), text: String(text) });
}
function sendDone(report) { post(typeof report === "string" ? { t: "done", report: report } : { t: "failed", code: "SANDBOX_CRASHED", message: "The program's script did not settle with a report." }); }
function currentMemoryLimit() { return memoryLimit; }

// Compiled inside the context (from its source text), before the prelude: builds __codecallHost from the
// context's own functions, caps single buffer allocations, and returns what the worker uses to answer
// calls and settle runs. Intrinsics are captured now, so a program that later replaces Promise, Map or
// Reflect cannot intercept replies.
function install(sendCall, sendLog, sendDone, memoryLimit) {
  "use strict";
  var P = Promise, resolveP = P.resolve.bind(P), then = P.prototype.then, apply = Reflect.apply;
  var construct = Reflect.construct, define = Object.defineProperty, RangeErr = RangeError;
  var M = Map, get = M.prototype.get, set = M.prototype.set, del = M.prototype.delete, S = String;
  var pending = new M();
  globalThis.__codecallHost = {
    call: function (request) { return new P(function (resolve) { apply(set, pending, [sendCall(S(request)), resolve]); }); },
    log: function (level, text) { sendLog(S(level), S(text)); },
  };

  // Buffers are allocated outside V8's heap limit, and untouched pages do not show in the resident set
  // the runner watches: refuse one allocation larger than the memory limit up front.
  function refuse(bytes) {
    if (bytes > memoryLimit()) throw new RangeErr("Allocation of " + bytes + " bytes exceeds the sandbox memory limit");
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

  return {
    deliver: function (id, reply) { var r = apply(get, pending, [id]); if (r) { apply(del, pending, [id]); r(reply); } },
    settle: function (completion) { apply(then, resolveP(completion), [function (v) { sendDone(typeof v === "string" ? v : null); }, function () { sendDone(null); }]); },
  };
}

function syntaxMessage(e, filename) {
  const at = typeof e.stack === "string" ? e.stack.split("\\n")[0] : "";
  const line = at.indexOf(filename + ":") === 0 ? at.slice(filename.length + 1) : "";
  return String(e.message) + (line ? " at " + filename + ":" + line : "");
}

function run(m) {
  memoryLimit = m.memoryBytes;
  logBudget = m.maxOutputBytes;
  try {
    if (!context) {
      context = vm.createContext(Object.create(null), { codeGeneration: { strings: true, wasm: false } });
      inner = vm.runInContext("(" + install.toString() + ")", context)(sendCall, sendLog, sendDone, currentMemoryLimit);
    }
    if (m.prelude.source) vm.runInContext(m.prelude.source, context, { filename: m.prelude.filename });
  } catch (e) {
    post({ t: "failed", code: "SANDBOX_CRASHED", message: "The prelude failed: " + (e && e.message) });
    return;
  }
  let script;
  try {
    script = new vm.Script(m.script.source, { filename: m.script.filename });
  } catch (e) {
    post({ t: "failed", code: "PROGRAM_SYNTAX", message: syntaxMessage(e, m.script.filename) });
    return;
  }
  let completion;
  try {
    completion = script.runInContext(context, { timeout: m.cpuTimeMs });
  } catch (e) {
    if (e && e.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") post({ t: "failed", code: "SANDBOX_CPU_LIMIT", message: "CPU time limit" });
    else post({ t: "done", report: JSON.stringify({ ok: false, error: { name: "Error", message: "Uncaught " + String(e && e.message) } }) });
    return;
  }
  inner.settle(completion);
}

readLines(process.stdin, (m) => {
  if (m.t === "run") run(m);
  else if (m.t === "reply" && inner) inner.deliver(m.id, m.reply);
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
const HZ = 100, PAGE = 4096, WATCH_MS = 20;
let key = null, seq = 0, worker = null, current = null, stderrTail = "", readyRss = 0;

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
  else if (now.rss - readyRss > current.memoryBytes) stop("SANDBOX_MEMORY", "memory limit (resident set)");
}

function stop(code, message) {
  current.stopped = { code: code, message: message };
  worker.kill("SIGKILL");
}

function startWorker(heapMb) {
  worker = spawn(process.execPath, ["--max-old-space-size=" + heapMb, "-e", WORKER, "codecall-e2b-worker"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { PATH: process.env.PATH || "/usr/local/bin:/usr/bin:/bin", LANG: "C.UTF-8" },
    cwd: os.tmpdir(),
  });
  const keep = (chunk) => { stderrTail = (stderrTail + chunk).slice(-4096); process.stderr.write(chunk); };
  worker.stdin.on("error", () => {});
  readLines(worker.stdout, onWorker);
  worker.stderr.on("data", keep);
  worker.on("exit", (code, signal) => {
    if (current) {
      const stopped = current.stopped;
      const oom = /heap out of memory|Allocation failed|ERR_WORKER_OUT_OF_MEMORY/.test(stderrTail);
      if (stopped) finish({ t: "failed", code: stopped.code, message: stopped.message });
      else if (oom) finish({ t: "failed", code: "SANDBOX_MEMORY", message: "heap limit" });
      else finish({ t: "failed", code: "SANDBOX_CRASHED", message: "the program's process exited (" + (signal || "code " + code) + "): " + stderrTail.slice(-400) });
    } else {
      frame({ t: "exit", message: "the program's process exited (" + (signal || "code " + code) + ")" });
    }
    process.exit(0);
  });
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
  else if (m.t === "done" && typeof m.report === "string") finish({ t: "done", report: m.report });
  else if (m.t === "failed" && CODES.indexOf(m.code) >= 0 && typeof m.message === "string") finish({ t: "failed", code: m.code, message: m.message });
}

function toWorker(message) {
  worker.stdin.write(JSON.stringify(message) + "\\n");
}

function onHost(m) {
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
