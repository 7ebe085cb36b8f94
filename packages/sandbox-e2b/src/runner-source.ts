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

/** The worker: one `node:vm` context per session, the bridge installed inside it. */
const WORKER_SOURCE = `"use strict";
const vm = require("vm");
let context = null;
let inner = null;
let nextCall = 1;
function post(message) { try { process.send(message); } catch (_) {} }
process.on("disconnect", () => process.exit(0));
process.on("uncaughtException", (e) => { post({ t: "failed", code: "SANDBOX_CRASHED", message: "worker: " + (e && e.message) }); });
process.on("unhandledRejection", () => {});

// Host functions the context may call. They take and return primitives only and never throw, so no
// object of this realm ever reaches the program.
function sendCall(request) { const id = nextCall++; post({ t: "call", id: id, request: String(request) }); return id; }
function sendLog(level, text) { post({ t: "log", level: String(level), text: String(text) }); }
function sendDone(report) { post(typeof report === "string" ? { t: "done", report: report } : { t: "failed", code: "SANDBOX_CRASHED", message: "The program's script did not settle with a report." }); }

// Runs inside the context, before the prelude: builds __codecallHost from this realm's own functions and
// returns the two functions the worker uses to answer calls and settle runs. Intrinsics are captured
// now, so a program that replaces Promise or Map later cannot intercept replies.
const INSTALL = "(function (sendCall, sendLog, sendDone) {" +
  "'use strict';" +
  "var P = Promise, resolveP = P.resolve.bind(P), then = P.prototype.then, apply = Reflect.apply;" +
  "var M = Map, get = M.prototype.get, set = M.prototype.set, del = M.prototype.delete, S = String;" +
  "var pending = new M();" +
  "globalThis.__codecallHost = {" +
  "  call: function (request) { return new P(function (resolve) { apply(set, pending, [sendCall(S(request)), resolve]); }); }," +
  "  log: function (level, text) { sendLog(S(level), S(text)); }" +
  "};" +
  "return {" +
  "  deliver: function (id, reply) { var r = apply(get, pending, [id]); if (r) { apply(del, pending, [id]); r(reply); } }," +
  "  settle: function (completion) { apply(then, resolveP(completion), [function (v) { sendDone(typeof v === 'string' ? v : null); }, function () { sendDone(null); }]); }" +
  "};" +
  "})";

function syntaxMessage(e, filename) {
  const at = typeof e.stack === "string" ? e.stack.split("\\n")[0] : "";
  const line = at.indexOf(filename + ":") === 0 ? at.slice(filename.length + 1) : "";
  return String(e.message) + (line ? " at " + filename + ":" + line : "");
}

function run(m) {
  try {
    if (!context) {
      context = vm.createContext(Object.create(null), { codeGeneration: { strings: true, wasm: false } });
      inner = vm.runInContext(INSTALL, context)(sendCall, sendLog, sendDone);
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

process.on("message", (m) => {
  if (m && m.t === "run") run(m);
  else if (m && m.t === "reply" && inner) inner.deliver(m.id, m.reply);
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
  message.stats = { peakMemoryBytes: run.peak };
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
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env: { PATH: process.env.PATH || "/usr/local/bin:/usr/bin:/bin", LANG: "C.UTF-8" },
    cwd: os.tmpdir(),
  });
  const keep = (chunk) => { stderrTail = (stderrTail + chunk).slice(-4096); process.stderr.write(chunk); };
  worker.stdout.on("data", keep);
  worker.stderr.on("data", keep);
  worker.on("message", onWorker);
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
  if (m.t === "log" && typeof m.level === "string" && typeof m.text === "string") frame({ t: "log", level: m.level, text: m.text });
  else if (m.t === "call" && typeof m.id === "number" && typeof m.request === "string") frame({ t: "call", id: m.id, request: m.request });
  else if (m.t === "done" && typeof m.report === "string") finish({ t: "done", report: m.report });
  else if (m.t === "failed" && CODES.indexOf(m.code) >= 0 && typeof m.message === "string") finish({ t: "failed", code: m.code, message: m.message });
}

function onHost(m) {
  if (m.t === "hello" && key === null && typeof m.key === "string") {
    key = Buffer.from(m.key, "hex");
    startWorker(Math.max(16, Math.ceil(m.heapMb)));
  } else if (m.t === "run" && key !== null && !current) {
    const now = usage(worker.pid);
    current = { cpuTimeMs: m.cpuTimeMs, memoryBytes: m.memoryBytes, cpu0: now ? now.cpuMs : 0, peak: now ? now.rss : 0, stopped: null };
    if (now) current.watch = setInterval(watch, WATCH_MS);
    worker.send({ t: "run", prelude: m.prelude, script: m.script, cpuTimeMs: m.cpuTimeMs });
  } else if (m.t === "reply" && current && typeof m.id === "number" && typeof m.reply === "string") {
    worker.send({ t: "reply", id: m.id, reply: m.reply });
  }
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  input += chunk;
  let nl;
  while ((nl = input.indexOf("\\n")) >= 0) {
    const line = input.slice(0, nl);
    input = input.slice(nl + 1);
    let m;
    try { m = JSON.parse(line); } catch (_) { continue; }
    if (m && typeof m === "object") onHost(m);
  }
});
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
