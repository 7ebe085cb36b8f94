/**
 * The adversarial part of the conformance kit: programs of the kinds a model can be talked into writing,
 * each run through {@link hostile}, which requires what every backend must give the host whatever the
 * program does: no escape, host globals and prototypes unchanged, the expected typed error within twice
 * its limit, host RSS growth within the memory limit plus 64 MiB (a case that allows more says why), the
 * host's event loop never blocked for long, and the next execution on the same session works. Written from the shapes of public
 * advisories (vm2, isolated-vm, quickjs-emscripten) and issue 15's list, not copied from them.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { GCProfiler, getHeapStatistics } from "node:v8";
import type { ErrorCode, ExecutionLimits, ExecutionOutcome, ToolHandler } from "@codecall/sandbox";
import { expect } from "vitest";
import type { CaseContext, ConformanceCase } from "./cases.js";
import { conformanceTools } from "./tools.js";

const MiB = 1024 * 1024;
/**
 * The longest the host's event loop may be blocked during a hostile run. The requirement is 50 ms; a
 * loaded machine (a load average of 15 on 2 cores) delays an idle loop by a few hundred, so the test
 * allows ten times that and the bench (`host-safety`) reports the exact figures. An in-thread engine
 * stuck in one operation blocks it for the whole limit (seconds) and still fails.
 */
const BLOCKED_MS = 500;
/** The limits of a hostile run: small, so twice the limit is a short test. */
export const HOSTILE_LIMITS = { cpuTimeMs: 1_000, wallTimeMs: 3_000, memoryBytes: 32 * MiB } as const;

export interface HostileOptions {
  /** The outcome this program must end with: an error code or `"ok"` (success), or one of several. */
  expect: ErrorCode | "ok" | Array<ErrorCode | "ok">;
  limits?: Partial<ExecutionLimits>;
  tools?: ToolHandler;
  /** The next execution, which must return "next" (default: one that only does that). */
  next?: string;
  /** Checks on the outcome beyond its code (a returned value, say). */
  check?: (outcome: ExecutionOutcome) => void;
  /** The most the host's own heap may gain during the run (see {@link hostGrowth}). */
  maxHostGrowth?: number;
  /**
   * The most the process's RSS may gain during the run: by default the memory limit plus 64 MiB. Only a
   * case whose engine is known to overshoot its limit transiently, with the reason beside it, sets more.
   */
  maxRssGrowth?: number;
}

/**
 * Starts measuring what the host's JavaScript heap and external memory (array buffers, external strings)
 * gain: the returned function stops and gives the bytes. The engine's heap (an isolate, a worker, a VM) is
 * not in either, and the memory limit bounds it; what is here crossed to the host. A collection during the
 * run would hide a copy from a before/after difference, so the memory before each collection counts too.
 */
function hostGrowth(): () => number {
  const used = (s: { usedHeapSize: number; externalMemory: number }) => s.usedHeapSize + s.externalMemory;
  const now = () => {
    const s = getHeapStatistics();
    return used({ usedHeapSize: s.used_heap_size, externalMemory: s.external_memory });
  };
  const profiler = new GCProfiler();
  const before = now();
  profiler.start();
  return () => {
    let peak = now();
    for (const gc of profiler.stop()?.statistics ?? [])
      peak = Math.max(peak, used(gc.beforeGC.heapStatistics));
    return peak - before;
  };
}

/** Own property names of the host's intrinsics a program might try to pollute. */
function hostSnapshot(): string {
  const parts = [
    Object.prototype,
    Array.prototype,
    Function.prototype,
    String.prototype,
    Promise.prototype,
    Promise,
    JSON,
    Error.prototype,
    Error,
    globalThis,
  ].map((target) => Reflect.ownKeys(target).map(String).sort().join(","));
  return parts.join("|") + String(Error.prepareStackTrace) + String(Promise.prototype.then);
}

/** Runs one hostile program in a warm session and checks everything the host must keep. */
export async function hostile(
  ctx: CaseContext,
  code: string,
  options: HostileOptions,
): Promise<ExecutionOutcome> {
  const limits = { ...HOSTILE_LIMITS, ...options.limits };
  const tools = options.tools ?? conformanceTools().tools;
  const session = await ctx.sandbox.createSession();
  try {
    const warm = await session.execute({ code: "return 1" });
    expect(warm.ok, JSON.stringify(warm.error)).toBe(true);
    const before = hostSnapshot();
    const rssBefore = process.memoryUsage().rss;
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    // The histogram records nothing at its first sample: let it take one before the program starts.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const growth = options.maxHostGrowth === undefined ? undefined : hostGrowth();
    const t0 = performance.now();
    const outcome = await session.execute({ code, tools, limits });
    const elapsed = performance.now() - t0;
    const hostBytes = growth?.();
    // A loop blocked for the whole run records the delay only when its next sample fires.
    await new Promise((resolve) => setTimeout(resolve, 30));
    histogram.disable();
    const rssGrowth = process.memoryUsage().rss - rssBefore;

    const allowed: Array<ErrorCode | "ok"> = Array.isArray(options.expect)
      ? options.expect
      : [options.expect];
    const got = outcome.ok ? "ok" : outcome.error!.code;
    expect(
      allowed,
      `expected ${allowed.join(" or ")}, got ${JSON.stringify(outcome.error ?? "ok")}`,
    ).toContain(got);
    options.check?.(outcome);
    const bound = 2 * ctx.ms(Math.max(limits.wallTimeMs, limits.cpuTimeMs));
    expect(elapsed, `ended after ${Math.round(elapsed)} ms`).toBeLessThan(bound);
    expect(hostSnapshot(), "the host's globals or prototypes changed").toBe(before);
    expect(rssGrowth, `host RSS grew ${Math.round(rssGrowth / MiB)} MiB`).toBeLessThan(
      options.maxRssGrowth ?? limits.memoryBytes + 64 * MiB,
    );
    if (hostBytes !== undefined) {
      expect(hostBytes, `host heap grew ${(hostBytes / MiB).toFixed(1)} MiB`).toBeLessThan(
        options.maxHostGrowth!,
      );
    }
    // A remote backend blocks nothing here; the figure is only meaningful for local ones.
    if (!ctx.sandbox.capabilities.remote) {
      const blocked = histogram.max / 1e6;
      expect(blocked, `host event loop blocked ${Math.round(blocked)} ms`).toBeLessThan(BLOCKED_MS);
    }
    const next = await session.execute({
      code: options.next ?? "return 'next'",
      tools: options.next ? conformanceTools().tools : undefined,
    });
    expect(next.value, JSON.stringify(next.error)).toBe("next");
    return outcome;
  } finally {
    await session.dispose();
  }
}

/**
 * The longest a run may take to end after the caller's abort. The requirement is 100 ms; the bound is well
 * under core's 2 s grace (after which core reports ABORTED whether or not the engine stopped), so an engine
 * that ignores the abort fails, and far over the latencies measured on a loaded machine (local backends: a
 * median of 0.3-70 ms, at most 104 ms; E2B's stand-in: a median of 50 ms, at most 635 ms of 21).
 */
const ABORT_STOPS_MS = 750;

/**
 * Runs `code` in a warmed session and aborts it through the caller's signal after `abortAfterMs`: it must end
 * with ABORTED within {@link ABORT_STOPS_MS} of the abort, and the session's next execution must work.
 */
export async function expectAbortStops(
  ctx: CaseContext,
  code: string,
  abortAfterMs: number,
  limits: Partial<ExecutionLimits>,
): Promise<void> {
  const session = await ctx.sandbox.createSession();
  try {
    await session.execute({ code: "return 1" });
    const controller = new AbortController();
    // Timed from the abort itself: a late timer on a busy machine does not count against the backend.
    let abortedAt = Number.NaN;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort();
    }, abortAfterMs);
    const outcome = await session.execute({
      code,
      tools: conformanceTools().tools,
      signal: controller.signal,
      limits,
    });
    const latency = performance.now() - abortedAt;
    expect(outcome.error?.code).toBe("ABORTED");
    expect(latency, `ended ${Math.round(latency)} ms after the abort`).toBeLessThan(ctx.ms(ABORT_STOPS_MS));
    expect((await session.execute({ code: "return 'next'" })).value).toBe("next");
  } finally {
    await session.dispose();
  }
}

export const REACHED = `const reached = [];
const probe = (label, value) => { if (value !== undefined && value !== null) reached.push(label); };
const fromFn = (label, fn) => { try { if (typeof fn === "function") { const g = fn("return globalThis")(); for (const n of ["process", "require", "Buffer", "module"]) probe(label + "." + n, g && g[n]); } } catch (e) {} };`;

export const HOSTILE_CASES = {
  "hostile-constructor-chains": {
    title: "hostile: constructor chains from every object the runtime hands a program reach no host Function",
    async run(ctx) {
      await hostile(
        ctx,
        `${REACHED}
let overflow;
try { const f = () => f(); f(); } catch (e) { overflow = e; }
let toolError;
try { await codecall.callTool("fail", { message: "x" }); } catch (e) { toolError = e; }
let symbolError;
try { Symbol() + ""; } catch (e) { symbolError = e; }
const sources = { overflow, toolError, symbolError, promise: codecall.callTool("noop"), all: Promise.all([]), race: Promise.race([]),
  resolved: Promise.resolve(1), rejected: Promise.reject(new Error("r")).catch((e) => e), console: console.log, callTool: codecall.callTool };
for (const [label, value] of Object.entries(sources)) {
  if (value === undefined) continue;
  fromFn(label, value.constructor && value.constructor.constructor);
  fromFn(label + ".proto", Object.getPrototypeOf(value) && Object.getPrototypeOf(value).constructor && Object.getPrototypeOf(value).constructor.constructor);
}
const handler = { apply(target, self, args) { for (const a of args) fromFn("apply-arg", a && a.constructor && a.constructor.constructor); return Reflect.apply(target, self, args); } };
const wrapped = new Proxy(function () {}, handler);
try { [1, 2].map(wrapped); JSON.parse("[1]", wrapped); "a".replace(/a/, wrapped); } catch (e) {}
return reached;`,
        { expect: "ok", check: (o) => expect(o.value).toEqual([]) },
      );
    },
  },
  "hostile-prepare-stack-trace": {
    title: "hostile: Error.prepareStackTrace and stack-overflow errors expose no host frame",
    async run(ctx) {
      await hostile(
        ctx,
        `${REACHED}
Error.prepareStackTrace = (e, frames) => { for (const f of frames || []) { try { fromFn("this", f.getThis && f.getThis() && f.getThis().constructor.constructor); fromFn("fn", f.getFunction && f.getFunction() && f.getFunction().constructor); } catch (x) {} } return "mine"; };
try { const f = () => f(); f(); } catch (e) { fromFn("overflow", e.constructor.constructor); String(e.stack); }
try { await codecall.callTool("fail", { message: "x" }); } catch (e) { String(e.stack); }
try { null.x; } catch (e) { String(e.stack); }
const text = [];
try { await codecall.callTool("fail", { message: "deep" }); } catch (e) { delete Error.prepareStackTrace; text.push(String(e.stack), String(e.message), Object.keys(e).join()); }
return { reached, text: text.join("\\n") };`,
        {
          expect: "ok",
          check: (o) => {
            const value = o.value as { reached: string[]; text: string };
            expect(value.reached).toEqual([]);
            // Tool errors reach the program as their message only: no host paths or module names.
            expect(value.text).not.toMatch(/node_modules|node:internal|\/src\/|\.ts:\d|file:\/\//);
          },
        },
      );
    },
  },
  "hostile-overflow-at-bridge": {
    title:
      "hostile: stack overflows inside console, tool calls and capped constructors give errors of the program's own realm",
    async run(ctx) {
      // Near the stack limit the overflow lands inside whatever the program calls, the bridge's own code
      // included: every error caught there must be one the program could have made itself.
      await hostile(
        ctx,
        `${REACHED}
const at = (n, f) => (n > 0 ? at(n - 1, f) : f());
let lo = 0, hi = 1 << 20;
while (lo < hi) { const mid = (lo + hi + 1) >> 1; let ok = true; try { at(mid, () => 0); } catch (e) { ok = false; } if (ok) lo = mid; else hi = mid - 1; }
const pending = [];
const calls = [() => console.log("x"), () => pending.push(codecall.callTool("noop")), () => new Uint8Array(8), () => JSON.parse("[1]")];
let caught = 0;
for (const f of calls) for (let d = lo + 5; d > lo - 120 && d >= 0; d--) {
  try { at(d, f); } catch (e) { caught++; fromFn("sync", e && e.constructor && e.constructor.constructor); }
}
for (const r of await Promise.allSettled(pending)) if (r.status === "rejected") fromFn("async", r.reason && r.reason.constructor && r.reason.constructor.constructor);
return { reached, caught };`,
        {
          expect: "ok",
          limits: { cpuTimeMs: ctx.ms(10_000), wallTimeMs: ctx.ms(10_000), maxOutputBytes: 4 * MiB },
          check: (o) => expect((o.value as { reached: string[] }).reached).toEqual([]),
        },
      );
    },
  },
  "hostile-leftover-jobs": {
    title:
      "hostile: jobs a program leaves behind when it returns (microtask floods, loops after a tool's answer) never reach the next execution",
    async run(ctx) {
      await hostile(
        ctx,
        `(async () => { for (;;) await null; })();
Promise.resolve().then(function flood() { Promise.resolve().then(flood); });
codecall.callTool("delay", { ms: 30 }).then(() => { for (;;) {} });
return 1;`,
        // An engine may run the program's queued jobs before it reports; it must stop them either way.
        { expect: ["ok", "SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"] },
      );
    },
  },
  "hostile-answer-after-return": {
    title: "hostile: a tool's answer that arrives while the program finishes never resumes it after its run",
    async run(ctx) {
      // The answer comes while the program still computes and is queued behind it: a backend that hands
      // it over after the report would run the endless reaction outside every limit.
      await hostile(
        ctx,
        `codecall.callTool("echo", { a: 1 }).then(() => { for (;;) {} });
const start = Date.now();
while (Date.now() - start < 200) {}
return 1;`,
        { expect: ["ok", "SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"] },
      );
    },
  },
  "hostile-late-call-next-run": {
    title: "hostile: code a program leaves behind never calls tools or logs in the session's next run",
    async run(ctx) {
      // A chain of calls keeps answers coming as the program reports; the first late one computes while
      // the host starts the next run, then calls a tool and logs, as if that run had.
      const late = `let hops = 0;
(function hop() {
  if (++hops > 40) return;
  codecall.callTool("echo", { hop: hops }).then(() => {
    if (globalThis.lateStarted) return;
    globalThis.lateStarted = true;
    const start = Date.now();
    while (Date.now() - start < 300) {}
    console.log("late log");
    codecall.callTool("late", {});
  });
  Promise.resolve().then(hop);
})();
return "first";`;
      const session = await ctx.sandbox.createSession();
      try {
        const first = await session.execute({ code: late, tools: conformanceTools().tools });
        if (!first.ok) expect(["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"]).toContain(first.error!.code);
        for (let run = 0; run < 2; run++) {
          const seen: string[] = [];
          const next = await session.execute({
            code: "return 'next';",
            tools: async (call) => {
              seen.push(call.name);
              return null;
            },
          });
          expect(next.value, JSON.stringify(next.error)).toBe("next");
          expect(seen).toEqual([]);
          expect(next.toolCalls).toEqual([]);
          expect(next.logs.map((l) => l.message).join("\n")).not.toContain("late log");
        }
      } finally {
        await session.dispose();
      }
    },
  },
  "hostile-sealed-globals-next-run": {
    title:
      "hostile: a program that redefines codecall or the runner changes nothing for the session's next run",
    async run(ctx) {
      const forged = '{"ok":true,"value":"forged"}';
      const session = await ctx.sandbox.createSession();
      try {
        // Every way to replace them, each tried on its own: a refusal must not stop the next attempt.
        await session.execute({
          code: `const attempts = [
  () => Object.defineProperty(globalThis, "codecall", { value: { callTool: () => Promise.resolve("forged") } }),
  () => Object.defineProperty(globalThis, "__codecallRun", { value: () => Promise.resolve(${JSON.stringify(forged)}) }),
  () => Object.defineProperty(globalThis, "codecall", { value: { callTool: () => "forged" }, writable: true, configurable: true }),
  () => Object.defineProperty(globalThis, "__codecallRun", { value: () => "forged", writable: true }),
  () => { globalThis.codecall = { callTool: () => "forged" }; },
  () => { delete globalThis.__codecallRun; },
  () => Object.defineProperty(codecall, "callTool", { value: () => "forged" }),
];
for (const attempt of attempts) try { attempt(); } catch (_) {}
return "tried";`,
        });
        const seen: unknown[] = [];
        const next = await session.execute({
          code: 'const r = await codecall.callTool("echo", { n: 1 });\nreturn { r, sealed: typeof __codecallRun };',
          tools: ({ name, args }) => {
            seen.push({ name, args });
            return { echoed: args };
          },
        });
        expect(next.error).toBeUndefined();
        expect(next.value).toEqual({ r: { echoed: { n: 1 } }, sealed: "function" });
        expect(seen).toEqual([{ name: "echo", args: { n: 1 } }]);
      } finally {
        await session.dispose();
      }
    },
  },
  "hostile-setup-sealed-next-run": {
    title:
      "hostile: a program that redefines what its request's setup sealed changes nothing for the session's next run",
    async run(ctx) {
      // A fresh sandbox: the session's first program gets a fresh context, which has not run the setup.
      await sealedSetupSurvives(ctx, "fresh");
    },
  },
  "hostile-setup-sealed-spare": {
    title:
      "hostile: the same, in a context made ahead of time (a spare) that ran its prelude before any setup was known",
    async run(ctx) {
      await sealedSetupSurvives(ctx, "spare");
    },
  },
  "hostile-setup-sealed-later": {
    title:
      "hostile: the same, when the setup first comes with the session's second program (a backend without spares runs it in a later run)",
    async run(ctx) {
      await sealedSetupSurvives(ctx, "later");
    },
  },
  "hostile-proxy-return": {
    title: "hostile: a returned Proxy whose traps never end is stopped by the CPU limit, not run by the host",
    async run(ctx) {
      await hostile(
        ctx,
        "return new Proxy({}, { get() { for (;;) {} }, ownKeys() { for (;;) {} }, getOwnPropertyDescriptor() { for (;;) {} } });",
        { expect: ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"] },
      );
    },
  },
  "hostile-getter-thrown": {
    title: "hostile: a thrown object whose getters never end is stopped by the CPU limit",
    async run(ctx) {
      await hostile(
        ctx,
        "throw { get message() { for (;;) {} }, get name() { for (;;) {} }, get stack() { for (;;) {} } };",
        { expect: ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"] },
      );
    },
  },
  "hostile-proxy-args": {
    title: "hostile: tool arguments with endless traps or toJSON are stopped inside the sandbox",
    async run(ctx) {
      await hostile(
        ctx,
        "await codecall.callTool('echo', { a: new Proxy({}, { ownKeys() { for (;;) {} } }), b: { toJSON() { for (;;) {} } } });",
        { expect: ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"] },
      );
    },
  },
  "hostile-then-species": {
    title: "hostile: Symbol.species and then tricks on tool-call promises change nothing on the host",
    async run(ctx) {
      await hostile(
        ctx,
        `class Evil extends Promise { static get [Symbol.species]() { return function (exec) { exec(() => {}, () => {}); }; } }
Object.defineProperty(Promise, Symbol.species, { get() { return Evil; } });
const origThen = Promise.prototype.then;
Promise.prototype.then = function (a, b) { return origThen.call(this, a, b); };
Object.prototype.then = function (resolve) { resolve("hijacked"); };
const r = await codecall.callTool("echo", { v: 1 });
delete Object.prototype.then;
return r;`,
        { expect: ["ok", "PROGRAM_ERROR"] },
      );
    },
  },
  "hostile-prototype-pollution": {
    title: "hostile: __proto__ and constructor keys in arguments and results pollute nothing on the host",
    async run(ctx) {
      let seen: unknown;
      const tools: ToolHandler = ({ args }) => {
        seen = args;
        return JSON.parse(
          '{"__proto__": {"pollutedByResult": true}, "constructor": {"prototype": {"x": 1}}}',
        );
      };
      await hostile(
        ctx,
        `Object.prototype.pollutedBySandbox = true;
const args = JSON.parse('{"__proto__": {"pollutedByArgs": true}, "constructor": {"prototype": {"pollutedByArgs": true}}}');
const r = await codecall.callTool("echo", args);
return Object.keys(r).sort();`,
        { expect: "ok", tools, check: (o) => expect(o.value).toEqual(["__proto__", "constructor"]) },
      );
      const probe = {} as Record<string, unknown>;
      expect(probe.pollutedByArgs ?? probe.pollutedBySandbox ?? probe.pollutedByResult).toBeUndefined();
      expect(Object.keys(seen as object).sort()).toEqual(["__proto__", "constructor"]);
    },
  },
  "hostile-patched-intrinsics": {
    title: "hostile: JSON, String and Array intrinsics patched to attack the bridge only break the program",
    async run(ctx) {
      await hostile(
        ctx,
        `JSON.stringify = () => '{"name":"fail","args":{"message":"forged"}}';
JSON.parse = () => ({ ok: true, value: "forged" });
String.prototype.toString = () => "forged"; Array.prototype.join = () => "forged";
Object.defineProperty(Object.prototype, "name", { get() { return "fail"; }, configurable: true });
const r = await codecall.callTool("echo", { real: true });
delete Object.prototype.name;
return r;`,
        { expect: "ok", check: (o) => expect(o.value).toEqual({ real: true }) },
      );
    },
  },
  "hostile-args-toctou": {
    title: "hostile: arguments changed after the call was made do not change what the tool received",
    async run(ctx) {
      const received: unknown[] = [];
      const tools: ToolHandler = async ({ args }) => {
        await new Promise((r) => setTimeout(r, 20));
        received.push(args);
        return args;
      };
      await hostile(
        ctx,
        `const args = { n: 1, list: [1] };
let reads = 0;
const tricky = { get n() { return ++reads; } };
const p1 = codecall.callTool("echo", args); args.n = 2; args.list.push(2);
const p2 = codecall.callTool("echo", tricky);
return [await p1, await p2, reads];`,
        {
          expect: "ok",
          tools,
          check: (o) => expect(o.value).toEqual([{ n: 1, list: [1] }, { n: 1 }, 1]),
        },
      );
      expect(received).toEqual([{ n: 1, list: [1] }, { n: 1 }]);
    },
  },
  "hostile-tool-names": {
    title:
      "hostile: tool names like __proto__, constructor and JSON fragments reach the handler as plain names",
    async run(ctx) {
      const names: string[] = [];
      const tools: ToolHandler = ({ name }) => {
        names.push(name);
        return name.length;
      };
      const odd = ["__proto__", "constructor", "toString", "hasOwnProperty", 'x","name":"y', "\u2028"];
      await hostile(ctx, `return Promise.all(${JSON.stringify(odd)}.map((n) => codecall.callTool(n, {})));`, {
        expect: "ok",
        tools,
        check: (o) => expect(o.value).toEqual(odd.map((n) => n.length)),
      });
      expect(names).toEqual(odd);
    },
  },
  "hostile-forged-bridge": {
    title: "hostile: the host bridge is gone, and nothing a program builds passes for a bridge message",
    async run(ctx) {
      await hostile(
        ctx,
        `const found = Object.getOwnPropertyNames(globalThis).filter((n) => /host|bridge|codecallHost/i.test(n));
let forged = "refused";
try { await codecall.callTool('{"name":"echo"}'); } catch (e) { forged = e.code; }
return { found, forged, descriptor: typeof Object.getOwnPropertyDescriptor(globalThis, "__codecallHost") };`,
        {
          expect: "ok",
          check: (o) =>
            expect(o.value).toEqual({ found: [], forged: "TOOL_NOT_FOUND", descriptor: "undefined" }),
        },
      );
    },
  },
  "hostile-dynamic-code": {
    title:
      "hostile: eval, Function, import(), WebAssembly, SharedArrayBuffer and Atomics.wait reach nothing and block nothing",
    async run(ctx) {
      await hostile(
        ctx,
        `const out = { eval: eval("1 + 1"), fn: Function("return 2")() };
try { await import("node:fs"); out.import = "reached"; } catch (e) { out.import = "refused"; }
try { await import("data:text/javascript,export default 1"); out.dataImport = "reached"; } catch (e) { out.dataImport = "refused"; }
if (typeof SharedArrayBuffer === "function" && typeof Atomics === "object" && typeof Atomics.wait === "function") {
  try { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200); } catch (e) {}
}
for (const n of ["process", "require", "fetch", "XMLHttpRequest", "WebSocket", "Deno", "Bun", "setTimeout", "setInterval"]) if (typeof globalThis[n] !== "undefined") out[n] = "reached";
return out;`,
        {
          expect: "ok",
          check: (o) => expect(o.value).toEqual({ eval: 2, fn: 2, import: "refused", dataImport: "refused" }),
        },
      );
    },
  },
  "hostile-atomics-wait-forever": {
    title: "hostile: Atomics.wait without a timeout is stopped by the wall clock",
    async run(ctx) {
      await hostile(
        ctx,
        `if (typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object") for (;;) {}
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
for (;;) {}`,
        { expect: ["SANDBOX_TIMEOUT", "SANDBOX_CPU_LIMIT", "PROGRAM_ERROR"] },
      );
    },
  },
  "hostile-catastrophic-regex": {
    title: "hostile: a catastrophic regular expression is stopped by the CPU limit",
    async run(ctx) {
      await hostile(ctx, "return /^(a+)+$/.test('a'.repeat(40) + '!');", {
        expect: ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"],
      });
    },
  },
  "hostile-expensive-builtins": {
    title:
      "hostile: loops over expensive built-ins ('y'.repeat(8 MiB), JSON.stringify of 1 MB) hold the CPU limit",
    async run(ctx) {
      await hostile(
        ctx,
        "const s = 'x'.repeat(1 << 20);\nlet n = 0;\nfor (;;) n += JSON.stringify(s).length + 'y'.repeat(8 << 20).length;",
        { expect: ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"], limits: { memoryBytes: 64 * MiB } },
      );
    },
  },
  "hostile-stuck-native-operation": {
    title: "hostile: one long native operation (joining a huge array again and again) is stopped in time",
    async run(ctx) {
      await hostile(
        ctx,
        "const a = new Array(1e6).fill('abcdefgh');\nlet n = 0;\nfor (let i = 0; i < 1e4; i++) n += a.join('-').length;\nreturn n;",
        { expect: ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"], limits: { memoryBytes: 128 * MiB } },
      );
    },
  },
  "hostile-microtask-flood": {
    title: "hostile: an endless microtask chain is stopped by the CPU limit",
    async run(ctx) {
      await hostile(ctx, "for (;;) await null;", { expect: ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"] });
    },
  },
  "hostile-loop-after-tool": {
    title: "hostile: a loop that resumes after awaiting a tool and never yields again is stopped",
    async run(ctx) {
      await hostile(ctx, "await codecall.callTool('noop');\nfor (;;) {}", {
        expect: ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"],
      });
    },
  },
  "hostile-memory-patterns": {
    title:
      "hostile: memory growth by objects, closures, maps and string concatenation ends with SANDBOX_MEMORY",
    async run(ctx) {
      for (const code of [
        "const keep = [];\nfor (let i = 0; ; i++) keep.push({ i, s: 'k' + i, o: { i } });",
        "const keep = new Map();\nfor (let i = 0; ; i++) keep.set(i, [i, i + 1, i + 2]);",
        "let s = 'x';\nconst keep = [];\nfor (;;) { s = s + s.slice(0, 1 << 16); keep.push(s); }",
      ]) {
        await hostile(ctx, code, {
          expect: ctx.sandbox.capabilities.memoryLimit
            ? "SANDBOX_MEMORY"
            : ["SANDBOX_MEMORY", "SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"],
          limits: { wallTimeMs: ctx.ms(10_000), cpuTimeMs: ctx.ms(10_000) },
        });
      }
    },
  },
  "hostile-deep-nesting": {
    title:
      "hostile: deeply nested source, JSON and return values give catchable errors, never SANDBOX_CRASHED",
    async run(ctx) {
      await hostile(
        ctx,
        `const out = {};
try { JSON.parse("[".repeat(1e5) + "]".repeat(1e5)); out.json = "parsed"; } catch (e) { out.json = e.name; }
try { eval("(".repeat(1e5) + "1" + ")".repeat(1e5)); out.source = "parsed"; } catch (e) { out.source = e.name; }
let deep = []; for (let i = 0; i < 1e5; i++) deep = [deep];
try { JSON.stringify(deep); out.stringify = "ok"; } catch (e) { out.stringify = e.name; }
return out;`,
        {
          expect: "ok",
          limits: { cpuTimeMs: ctx.ms(10_000), wallTimeMs: ctx.ms(10_000) },
          check: (o) => {
            const value = o.value as Record<string, string>;
            for (const key of ["json", "source", "stringify"]) expect(typeof value[key]).toBe("string");
          },
        },
      );
      const limits = { cpuTimeMs: ctx.ms(10_000), wallTimeMs: ctx.ms(10_000) };
      await hostile(ctx, "let deep = [];\nfor (let i = 0; i < 1e5; i++) deep = [deep];\nreturn deep;", {
        expect: ["RESULT_NOT_SERIALIZABLE", "PROGRAM_ERROR"],
        limits,
      });
      await hostile(ctx, `return ${"[".repeat(20_000)}${"]".repeat(20_000)};`, {
        expect: ["PROGRAM_SYNTAX", "PROGRAM_ERROR", "RESULT_NOT_SERIALIZABLE", "ok"],
        limits,
      });
    },
  },
  "hostile-huge-return": {
    title:
      "hostile: a return value, log line or error far over maxOutputBytes ends with SANDBOX_OUTPUT_LIMIT, the host's heap growing less than the limit plus a margin",
    async run(ctx) {
      const maxOutputBytes = MiB;
      // Each is tens of MiB inside the engine, built cheaply: only maxOutputBytes of it may reach the host.
      const shapes = [
        "return 'z'.repeat(32 << 20);",
        "return new Array(2e6).fill('abcdef');",
        // A leaf of 1,000 keys shared 2,048 times: 25 MB of JSON from a small value.
        "const leaf = {};\nfor (let i = 0; i < 1000; i++) leaf['key' + i] = i;\nlet x = leaf;\nfor (let d = 0; d < 11; d++) x = { l: x, r: x };\nreturn x;",
        "console.log('y'.repeat(32 << 20));\nreturn 1;",
        "throw new Error('m'.repeat(32 << 20));",
        // Under the limit in UTF-16 units (message and stack), 2.4 MB of UTF-8: over it, as the host counts.
        "throw new Error('漢'.repeat(400000));",
        // The same after calling the runner again to raise the limit for the rest of the run: refused.
        ...[
          "return 'z'.repeat(32 << 20);",
          "console.log('y'.repeat(32 << 20));\nreturn 1;",
          "throw new Error('m'.repeat(32 << 20));",
        ].map((tail) => `try { __codecallRun(function () {}, 1, 1e15); } catch (_) {}\n${tail}`),
      ];
      for (const code of shapes)
        await hostile(ctx, code, {
          // An engine may run out of memory first while serialising it; either way the host stays small.
          expect: ["SANDBOX_OUTPUT_LIMIT", "SANDBOX_MEMORY"],
          limits: {
            maxOutputBytes,
            memoryBytes: 128 * MiB,
            cpuTimeMs: ctx.ms(10_000),
            wallTimeMs: ctx.ms(10_000),
          },
          // Measured (5 runs of each shape): local backends' hosts gained at most 1.3 MiB; a remote one's
          // 13 MiB for the 1 MiB log line, its SDK's stream decoding; one copy of a value here is 32 MiB.
          maxHostGrowth: maxOutputBytes + (ctx.sandbox.capabilities.remote ? 20 : 8) * MiB,
        });
    },
  },
  "hostile-log-flood": {
    title: "hostile: a console flood ends with SANDBOX_OUTPUT_LIMIT",
    async run(ctx) {
      await hostile(ctx, "for (;;) console.log('x'.repeat(1000));", { expect: "SANDBOX_OUTPUT_LIMIT" });
    },
  },
  "hostile-parallel-calls": {
    title: "hostile: 100,000 parallel tool calls end with TOOL_CALL_LIMIT",
    async run(ctx) {
      await hostile(
        ctx,
        "await Promise.all(Array.from({ length: 100000 }, (_, i) => codecall.callTool('delay', { ms: 50, value: i })));",
        { expect: "TOOL_CALL_LIMIT", limits: { wallTimeMs: ctx.ms(10_000), cpuTimeMs: ctx.ms(10_000) } },
      );
    },
  },
  "hostile-large-args-in-flight": {
    title: "hostile: many parallel calls with large arguments are bounded by the bytes in flight",
    async run(ctx) {
      const maxToolArgsBytes = 2 * MiB;
      let inFlight = 0;
      let peak = 0;
      const tools: ToolHandler = async ({ args }) => {
        const bytes = JSON.stringify(args).length;
        inFlight += bytes;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 200));
        inFlight -= bytes;
        return 1;
      };
      await hostile(
        ctx,
        `const big = "a".repeat(1 << 20);
const results = await Promise.allSettled(Array.from({ length: 40 }, () => codecall.callTool("echo", { big })));
return results.filter((r) => r.status === "rejected").map((r) => r.reason.code);`,
        {
          expect: "ok",
          tools,
          limits: {
            maxToolArgsBytes,
            memoryBytes: 64 * MiB,
            cpuTimeMs: ctx.ms(10_000),
            wallTimeMs: ctx.ms(10_000),
          },
          check: (o) => {
            for (const code of o.value as string[]) expect(code).toBe("TOOL_ARGS_TOO_LARGE");
          },
        },
      );
      expect(peak, "bytes of arguments in flight at the tools").toBeLessThanOrEqual(4 * maxToolArgsBytes);
    },
  },
  "hostile-never-answers": {
    title: "hostile: a tool that never answers and a promise that never settles end with SANDBOX_TIMEOUT",
    async run(ctx) {
      await hostile(ctx, "await Promise.race([codecall.callTool('never'), new Promise(() => {})]);", {
        expect: "SANDBOX_TIMEOUT",
        limits: { wallTimeMs: ctx.ms(1_000) },
      });
    },
  },
  "hostile-abort-computing": {
    title: "hostile: the caller's AbortSignal stops a computing program and one waiting on a tool",
    async run(ctx) {
      for (const code of ["for (;;) {}", "await codecall.callTool('never');"])
        await expectAbortStops(ctx, code, 200, { cpuTimeMs: 60_000, wallTimeMs: 60_000 });
    },
  },
} satisfies Record<string, ConformanceCase>;

/** Global code sealing a value, as codecall's executor seals its binding helpers (`__codecallShared`). */
const SEALING_SETUP = `if (!globalThis.__kitShared) Object.defineProperty(globalThis, "__kitShared", {
  value: Object.freeze({ tag: function () { return "original"; } }), writable: false, configurable: false });`;

/**
 * The first program whose request brings {@link SEALING_SETUP} tries every way to replace what the setup
 * sealed; the session's next program must see the original. It is the session's first program, in a fresh
 * context (`fresh`) or in the spare context the sandbox made before any setup was known (`spare`, where
 * the backend has spares), or its second (`later`), after one without a setup that planted the name the
 * setup seals and patched what a setup and a backend call (`Object.defineProperty`, `Object.freeze`,
 * `Object.getOwnPropertyNames`): that request gets a fresh context.
 */
async function sealedSetupSurvives(ctx: CaseContext, mode: "fresh" | "spare" | "later"): Promise<void> {
  const sandbox = await ctx.create();
  try {
    if (mode === "spare") await sandbox.warmUp?.();
    const session = await sandbox.createSession();
    // The program before the setup plants the name sealed with a forged value (the setup's guard would
    // skip it), then patches what the setup seals with and what a backend might list sealed globals with.
    if (mode === "later")
      expect(
        (
          await session.execute({
            code: `Object.defineProperty(globalThis, "__kitShared", {
  value: Object.freeze({ tag: () => "forged" }), writable: false, configurable: false });
const define = Object.defineProperty;
Object.defineProperty = (o, k, d) => define(o, k, { ...d, writable: true, configurable: true });
Object.freeze = (o) => o;
Object.getOwnPropertyNames = function () { return []; };
return 1;`,
          })
        ).value,
      ).toBe(1);
    // Each way tried on its own: a refusal must not stop the next attempt.
    const first = await session.execute({
      setup: SEALING_SETUP,
      code: `const before = __kitShared.tag();
const forged = Object.freeze({ tag: () => "forged" });
const attempts = [
  () => Object.defineProperty(globalThis, "__kitShared", { value: forged }),
  () => Object.defineProperty(globalThis, "__kitShared", { value: forged, writable: true, configurable: true }),
  () => { globalThis.__kitShared = forged; },
  () => { delete globalThis.__kitShared; },
  () => Object.defineProperty(__kitShared, "tag", { value: () => "forged" }),
];
for (const attempt of attempts) try { attempt(); } catch (_) {}
return before;`,
    });
    expect(first.error).toBeUndefined();
    expect(first.value).toBe("original");
    expect(first.stats.contextReset, "a setup first brought after a program starts a fresh context").toBe(
      mode === "later",
    );
    const next = await session.execute({
      setup: SEALING_SETUP,
      code: `const d = Object.getOwnPropertyDescriptor(globalThis, "__kitShared");
return { tag: __kitShared.tag(), writable: d.writable, configurable: d.configurable };`,
    });
    expect(next.error).toBeUndefined();
    expect(next.value).toEqual({ tag: "original", writable: false, configurable: false });
    // The same setup again keeps the context (code mode brings it with every request).
    expect(next.stats.contextReset).toBe(false);
    await session.dispose();
  } finally {
    await sandbox.close();
  }
}
