/**
 * The second part of the adversarial kit: classes of attack the first part (hostile.ts) does not hold,
 * each written from a description (issue 15's list, public advisories of vm2, isolated-vm, node:vm and
 * quickjs-emscripten), not copied from one: work the engine schedules after a program returned
 * (finalizers, Atomics.waitAsync), memory outside the JavaScript heap (array buffers that grow in place),
 * single long native operations (BigInt, Unicode, sparse arrays, regular expressions), hostile values the
 * prelude itself reads (returned thenables, `then` getters, console arguments), tool results the program
 * mutates, a replaced `Error` global, and what a program can read of the host's text. Every case runs
 * through {@link hostile}, so each also checks the host's globals, memory, event loop and the next
 * execution.
 */
import type { ToolHandler } from "@codecall/sandbox";
import { expect } from "vitest";
import type { CaseContext, ConformanceCase } from "./cases.js";
import { expectAbortStops, hostile, REACHED } from "./hostile.js";

const MiB = 1024 * 1024;
/** Ends a program that computes past its limits: whichever limit the backend enforces first. */
const STOPPED = ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"] as const;
/** Host text a program must never read: host paths, module names, TypeScript frames. */
/** A next execution that makes garbage (so a collector runs in it) and waits past the 100 ms timers. */
const CHURN = `let junk = [];
for (let i = 0; i < 200000; i++) { junk.push({ i }); if (junk.length > 5000) junk = []; }
await codecall.callTool("delay", { ms: 150 });
return "next";`;
const HOST_TEXT = /node_modules|node:internal|\/work\/|\.ts:\d|file:\/\/|\[eval\]|codecall-runner/;

/** Runs each program under a 32 MiB limit: the limit, or a refusal the program could catch (RangeError). */
async function outsideHeap(ctx: CaseContext, programs: string[]): Promise<void> {
  const limits = { memoryBytes: 32 * MiB, cpuTimeMs: ctx.ms(10_000), wallTimeMs: ctx.ms(10_000) };
  for (const code of programs) {
    await hostile(ctx, code, {
      expect: ctx.sandbox.capabilities.memoryLimit
        ? ["SANDBOX_MEMORY", "PROGRAM_ERROR"]
        : ["SANDBOX_MEMORY", "PROGRAM_ERROR", ...STOPPED],
      limits,
    });
  }
}

/** A `length` that answers 1 the first time it is read and 2 ** 32 - 1 after (a trap, a getter). */
const LYING = "let n = 0;\nconst length = () => (n++ ? 2 ** 32 - 1 : 1);\n";
const LYING_TRAP = `${LYING}const handler = { get(t, k, r) { return k === "length" ? length() : Reflect.get(t, k, r); } };\n`;
const LYING_LENGTHS = [
  `${LYING_TRAP}const p = new Proxy([], handler);\nreturn Array.prototype.indexOf.call(p, 1);`,
  `${LYING_TRAP}const p = new Proxy([], handler);\nreturn p.join("").length;`,
  `${LYING_TRAP}const p = new Proxy([], handler);\nreturn p.lastIndexOf(1) + p.includes(1);`,
  `${LYING_TRAP}const p = new Proxy([], handler);\nreturn p.sort().length;`,
  `${LYING_TRAP}const p = new Proxy([], handler);\nreturn p.every(() => true) && p.slice().length;`,
  `${LYING_TRAP}const p = new Proxy({ [Symbol.isConcatSpreadable]: true }, handler);\nreturn [].concat(p).length;`,
  `${LYING_TRAP}const p = new Proxy([], handler);\nreturn [0].concat(p).length + Array.prototype.concat.call(new Proxy([], handler)).length;`,
  `${LYING_TRAP}const { proxy } = Proxy.revocable([], handler);\nreturn proxy.indexOf(1);`,
  `${LYING_TRAP}const p = Reflect.construct(Proxy, [new Proxy([], handler), {}]);\nreturn p.fill(0).length;`,
  `${LYING}return Array.prototype.lastIndexOf.call({ get length() { return length(); } }, 1);`,
  `${LYING}return Array.from({ get length() { return length(); } }).length;`,
  `${LYING}const a = [];\nObject.defineProperty(a, "length", { get: length });\nreturn a.indexOf(1);`,
  // An iterator getter answering "iterable" once, then nothing: the array-like loop must not be reached.
  `${LYING}const o = { get [Symbol.iterator]() { return length() === 1 ? function () { return [][Symbol.iterator](); } : undefined; }, length: 2 ** 32 - 1 };\nreturn Array.from(o).length;`,
];

export const HOSTILE_CLASS_CASES = {
  "hostile-finalizer-after-return": {
    title:
      "hostile: a FinalizationRegistry callback that loops forever, due after the program returned, never reaches the next execution",
    async run(ctx) {
      // The engine calls finalizers when it collects garbage, which may be after the report: they must
      // run under this run's limits or not at all, never on the host's loop or in a later run.
      await hostile(
        ctx,
        `if (typeof FinalizationRegistry !== "function") return "absent";
const registry = new FinalizationRegistry(() => { for (;;) {} });
globalThis.keepRegistry = registry;
for (let i = 0; i < 20000; i++) registry.register({ i }, i);
let junk = [];
for (let i = 0; i < 300000; i++) { junk.push({ i, s: "g" + i }); if (junk.length > 5000) junk = []; }
return "registered";`,
        { expect: ["ok", ...STOPPED], limits: { memoryBytes: 64 * MiB }, next: CHURN },
      );
    },
  },
  "hostile-wait-async-after-return": {
    title:
      "hostile: an Atomics.waitAsync that times out after the program returned, with an endless reaction, never reaches the next execution",
    async run(ctx) {
      await hostile(
        ctx,
        `if (typeof Atomics !== "object" || typeof Atomics.waitAsync !== "function" || typeof SharedArrayBuffer !== "function") return "absent";
const cell = new Int32Array(new SharedArrayBuffer(4));
for (const ms of [0, 5, 30, 100]) {
  const w = Atomics.waitAsync(cell, 0, 0, ms);
  if (w.async) w.value.then(() => { for (;;) {} });
}
return "waiting";`,
        { expect: ["ok", ...STOPPED], next: CHURN },
      );
      // A wait that stays pending while the program returns: its settlement must not wake a later run.
      await hostile(
        ctx,
        `if (typeof Atomics !== "object" || typeof Atomics.waitAsync !== "function" || typeof SharedArrayBuffer !== "function") return "absent";
const cell = new Int32Array(new SharedArrayBuffer(4));
const w = Atomics.waitAsync(cell, 0, 0, 50);
if (w.async) await w.value;
await new Promise((r) => r());
for (;;) {}`,
        { expect: [...STOPPED, "ok"], check: (o) => o.ok && expect(o.value).toBe("absent") },
      );
    },
  },
  "hostile-memory-array-buffers": {
    title:
      "hostile: memory grown in array buffers, outside the JavaScript heap, ends with SANDBOX_MEMORY or a catchable error",
    async run(ctx) {
      // Each pattern fills what it allocates: untouched pages do not grow a resident set.
      await outsideHeap(ctx, [
        "const keep = [];\nfor (;;) { const b = new ArrayBuffer(4 << 20); new Uint8Array(b).fill(1); keep.push(b); }",
        "const keep = [];\nfor (;;) keep.push(new Float64Array(1 << 19).fill(1.5));",
        `let b = new ArrayBuffer(1 << 20);
if (typeof b.transfer !== "function") throw new RangeError("no transfer");
const keep = [];
for (let n = 2 << 20; ; n += 4 << 20) { b = b.transfer(n); new Uint8Array(b, n - (1 << 20)).fill(1); keep.push(new Uint8Array(1 << 20).fill(2)); }`,
      ]);
    },
  },
  "hostile-memory-growable-buffers": {
    title:
      "hostile: buffers that grow in place (resizable ArrayBuffer, WebAssembly memory) end with SANDBOX_MEMORY or a catchable error",
    async run(ctx) {
      await outsideHeap(ctx, [
        `const b = new ArrayBuffer(0, { maxByteLength: 2 ** 32 });
for (let n = 4 << 20; ; n += 4 << 20) { b.resize(n); new Uint8Array(b, n - (4 << 20)).fill(1); }`,
        // The option read once: a getter that hides it from a check and shows it to the engine.
        `let reads = 0;
const b = new ArrayBuffer(0, { get maxByteLength() { return reads++ === 0 ? undefined : 2 ** 32; } });
if (typeof b.resize !== "function" || !b.resizable) throw new RangeError("fixed length");
for (let n = 4 << 20; ; n += 4 << 20) { b.resize(n); new Uint8Array(b, n - (4 << 20)).fill(1); }`,
        `const keep = [];
for (;;) { const b = new ArrayBuffer(4 << 20, { maxByteLength: 4 << 20 }); new Uint8Array(b).fill(1); keep.push(b); }`,
        `if (typeof WebAssembly !== "object") throw new RangeError("no WebAssembly");
const m = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
for (;;) { const before = m.buffer.byteLength; m.grow(64); new Uint8Array(m.buffer, before).fill(1); }`,
      ]);
    },
  },
  "hostile-long-native-operations": {
    title:
      "hostile: single long native operations (BigInt powers and printing, Unicode normalisation, collation) hold the CPU limit",
    async run(ctx) {
      const limits = { memoryBytes: 64 * MiB };
      for (const code of [
        "let n = 0;\nfor (let e = 200000n; ; e += 100000n) n += (7n ** e).toString().length;",
        "const s = '\\u1E9B\\u0323'.repeat(1 << 19);\nlet n = 0;\nfor (;;) n += s.normalize('NFKC').length + s.normalize('NFD').length;",
        "const a = 'a'.repeat(1 << 22), b = 'a'.repeat(1 << 22) + 'b';\nlet n = 0;\nfor (;;) n += a.localeCompare(b) + a.toLocaleUpperCase().length;",
      ]) {
        await hostile(ctx, code, {
          // A RangeError (too large) or a fast scan is fine; what matters is the bound.
          expect: [...STOPPED, "SANDBOX_MEMORY", "PROGRAM_ERROR", "ok"],
          limits,
        });
      }
    },
  },
  "hostile-native-call-loops": {
    title:
      "hostile: a loop whose body is one call to a built-in walking a large typed array, string or object natively stops at the CPU limit",
    async run(ctx) {
      // V8 checks for termination in a loop only every so many iterations of the loop's own code; built-ins
      // that walk their input natively check never. Each call here takes a few to tens of milliseconds, so
      // such a loop ran seconds past its limit (and past the isolate's disposal) unless every call enters
      // JavaScript. A wall limit just over the CPU limit makes the bound of twice the limit a tight one.
      const limits = { cpuTimeMs: 500, wallTimeMs: 1_000, memoryBytes: 128 * MiB };
      const typed = "const a = new Float64Array(2 ** 23);\n";
      const text = "const s = 'ab'.repeat(2 ** 22);\n";
      for (const code of [
        `${typed}for (;;) a.reverse();`,
        `${typed}for (let k = 0; ; k++) a.fill(k);`,
        `${typed}for (;;) a.indexOf(3) + a.lastIndexOf(3);`,
        `${typed}for (;;) a.copyWithin(1, 0);`,
        `${typed}for (;;) a.join().length;`,
        `${text}for (;;) s.lastIndexOf('zz');`,
        `${text}for (;;) escape(s).length + encodeURIComponent(s).length;`,
        `${text}for (;;) s.toUpperCase().length + s.split('').length;`,
        `${text}for (;;) s.localeCompare(s) + s.normalize().length;`,
        `${text}const c = typeof Intl === 'object' ? new Intl.Collator() : { compare: (x, y) => x.localeCompare(y) };\nfor (;;) c.compare(s, s + 'x');`,
        "const a = new Float64Array(2 ** 20);\nfor (;;) a.sort();",
        // Formatting one element can take microseconds: one call over 2 ** 17 of them took seconds.
        "const a = new Float64Array(2 ** 17).fill(1234.5);\nfor (;;) a.toLocaleString('de-DE', { style: 'currency', currency: 'EUR' });",
      ]) {
        await hostile(ctx, code, { expect: [...STOPPED, "SANDBOX_MEMORY"], limits });
      }
    },
  },
  "hostile-uninterruptible-builtins": {
    title:
      "hostile: built-ins that walk a huge length (array methods, typed arrays, apply, Object.assign over sparse arrays, array-likes and strings) are stopped, and no thread keeps computing after the run",
    async run(ctx) {
      // V8 runs these loops without checking for termination: only an engine that can be killed from outside
      // (a worker thread, a process) stops them. A thread left spinning costs the host a core for good.
      const hostCpuMsIn500Ms = async () => {
        const before = process.cpuUsage();
        await new Promise((resolve) => setTimeout(resolve, 500));
        const used = process.cpuUsage(before);
        return (used.user + used.system) / 1000;
      };
      // Work an earlier case left to finish (a long BigInt power past its limit) must not count here.
      if (!ctx.sandbox.capabilities.remote)
        for (let waited = 0; waited < 40 && (await hostCpuMsIn500Ms()) >= 300; waited++);
      const arrayShapes = [
        "const a = [];\na.length = 2 ** 32 - 1;\na[2 ** 32 - 2] = 1;\nreturn [a.indexOf(2), a.lastIndexOf(2)];",
        "return Array.prototype.includes.call({ length: 2 ** 53 - 1 }, 1);",
        "const a = [];\na.length = 2 ** 32 - 1;\nreturn a.every(() => true) && a.join('').length;",
        "const h = [];\nh.length = 2 ** 32 - 1;\nreturn [[h].flat().length, [1].flatMap(() => h).length];",
        "return [].concat({ [Symbol.isConcatSpreadable]: true, length: 2 ** 32 - 1 }).length;",
        // Proxies and getters whose length answers small when first read and huge when read again: a
        // backend that checks the length must check the value the built-in then works with.
        ...LYING_LENGTHS,
        // An array-like under any bound a backend may check (2 ** 27), walked element by element.
        "return Array.prototype.indexOf.call({ length: 2 ** 27 }, 1);",
        "return Array.from({ length: 2 ** 32 - 1 }).length;",
        // A sparse array under that bound: moving built-ins walk every hole.
        "const a = [];\na.length = 2 ** 27;\na[5] = 1;\nreturn a.splice(0, 1).length + a.copyWithin(0, 1).length;",
        "const a = [];\na.length = 2 ** 27;\na[5] = 1;\nreturn a.unshift(1) + a.with(0, 1).length;",
        // Argument lists built from an array-like, by apply and construct.
        "return (function () {}).apply(null, { length: 2 ** 26 });",
        "return Reflect.apply(function () {}, null, { length: 2 ** 26 });",
        "return Reflect.construct(Object, { length: 2 ** 26 });",
      ];
      // Typed arrays and Object.assign read their source element by element: 2 ** 27 elements fit a
      // 256 MiB limit and take V8 about 10 s natively. Sources that pass for other things too: a typed array
      // or a buffer with its own length and no iterator, a string with or without one.
      const sourceShapes = [
        "return new Uint8Array({ length: 2 ** 27 }).length;",
        "return Uint8Array.from({ length: 2 ** 27 }).length;",
        "const t = new Uint8Array(2 ** 27);\nt.set({ length: 2 ** 27 });\nreturn t.length;",
        "const s = new Uint8Array(1);\ns[Symbol.iterator] = undefined;\nObject.defineProperty(s, 'length', { value: 2 ** 27 });\nreturn Uint8Array.from(s).length;",
        "const b = new ArrayBuffer(8);\nb.length = 2 ** 27;\nreturn Uint8Array.from(b).length;",
        "const b = new ArrayBuffer(8);\nb.length = 2 ** 27;\nconst t = new Uint8Array(2 ** 27);\nt.set(b);\nreturn t.length;",
        "const t = new Uint8Array(2 ** 26);\nt.set('x'.repeat(2 ** 26));\nreturn t.length;",
        "delete String.prototype[Symbol.iterator];\nreturn Uint8Array.from('x'.repeat(2 ** 26)).length;",
        "return Object.keys(Object.assign({}, 'x'.repeat(2 ** 25))).length;",
      ];
      const large = { memoryBytes: 256 * MiB };
      for (const [code, limits] of [
        ...arrayShapes.map((shape) => [shape, {}] as const),
        ...sourceShapes.map((shape) => [shape, large] as const),
      ]) {
        await hostile(ctx, code, { expect: [...STOPPED, "SANDBOX_MEMORY", "PROGRAM_ERROR", "ok"], limits });
        if (ctx.sandbox.capabilities.remote) continue;
        // A spinning thread uses the whole window; an idle host a few milliseconds. Tearing down a worker
        // and starting its replacement can take 300 ms of CPU once: a thread that keeps computing uses the
        // next window too.
        let used = await hostCpuMsIn500Ms();
        if (used >= 300) used = await hostCpuMsIn500Ms();
        expect(used, "host CPU used after the run ended (ms)").toBeLessThan(300);
      }
    },
  },
  "hostile-regex-shapes": {
    title:
      "hostile: quadratic and nested-quantifier regular expressions, and patterns that explode when compiled, hold the CPU limit",
    async run(ctx) {
      for (const code of [
        "const s = 'a' + ' '.repeat(1 << 17) + 'a';\nlet n = 0;\nfor (;;) n += s.replace(/\\s*$/, '').length + s.search(/\\s+$/);",
        "return /^(\\w+\\s?)*$/.test('an aa '.repeat(12) + 'a!');",
        "return /(x+x+)+y/.test('x'.repeat(40));",
        "return /^(a|a?)+\\1$/.test('a'.repeat(36) + 'b');",
        "const r = new RegExp('(?:(?:(?:a{1,100}){1,100}){1,100}){1,100}$');\nreturn r.test('a'.repeat(5000) + 'b');",
      ]) {
        await hostile(ctx, code, { expect: [...STOPPED, "SANDBOX_MEMORY", "PROGRAM_ERROR", "ok"] });
      }
    },
  },
  "hostile-thenable-report": {
    title:
      "hostile: returned thenables that adopt forever or never settle, and a then getter on Object.prototype, end with a limit",
    async run(ctx) {
      await hostile(ctx, "return { then(resolve) { resolve({ then: this.then }); } };", {
        expect: [...STOPPED],
      });
      await hostile(
        ctx,
        "Object.defineProperty(Object.prototype, 'then', { get() { for (;;) {} }, configurable: true });\nreturn { a: 1 };",
        { expect: [...STOPPED] },
      );
      await hostile(ctx, "return { then() {} };", {
        expect: ["SANDBOX_TIMEOUT"],
        limits: { wallTimeMs: ctx.ms(1_000) },
      });
      await hostile(
        ctx,
        "Object.defineProperty(Promise.prototype, 'constructor', { get() { for (;;) {} }, configurable: true });\nreturn await codecall.callTool('echo', { a: 1 });",
        { expect: ["ok", "PROGRAM_ERROR", ...STOPPED] },
      );
    },
  },
  "hostile-console-arguments": {
    title:
      "hostile: console methods given revoked proxies, throwing toJSON, symbols and getters stay inside the program",
    async run(ctx) {
      await hostile(
        ctx,
        `const { proxy, revoke } = Proxy.revocable({}, {}); revoke();
const fnProxy = Proxy.revocable(function () {}, {}); fnProxy.revoke();
const args = [proxy, fnProxy.proxy, { toJSON() { throw new Error("no"); } }, Symbol("s"), 10n, Object.create(null),
  new Proxy({}, { getPrototypeOf() { throw 1; } }), { get constructor() { throw 2; }, toJSON() { throw 3; } }];
let thrown = 0;
for (const a of args) for (const m of ["log", "info", "warn", "error", "debug"]) { try { console[m]("x", a); } catch (e) { thrown++; } }
console.log = () => { throw new Error("replaced"); };
return { thrown: typeof thrown };`,
        { expect: "ok", check: (o) => expect(o.value).toEqual({ thrown: "number" }) },
      );
      await hostile(
        ctx,
        "console.log(new Proxy(function () {}, { get() { for (;;) {} } }), { toJSON() { for (;;) {} } });",
        { expect: [...STOPPED] },
      );
    },
  },
  "hostile-tool-result-mutation": {
    title:
      "hostile: a program that mutates, freezes and re-prototypes tool results changes nothing the host returned",
    async run(ctx) {
      const shared = { list: [1, 2], nested: { a: 1 }, text: "t" };
      const snapshot = JSON.stringify(shared);
      const tools: ToolHandler = () => shared;
      await hostile(
        ctx,
        `const r = await codecall.callTool("echo");
r.list.push(3); r.nested.a = 2; r.extra = true; delete r.text;
Object.setPrototypeOf(r.nested, null); Object.freeze(r.list);
try { r.__proto__.pollutedByResult = true; } catch (e) {}
try { r.constructor.prototype.pollutedByResult2 = true; } catch (e) {}
const again = await codecall.callTool("echo");
delete Object.prototype.pollutedByResult; delete Object.prototype.pollutedByResult2;
return again;`,
        { expect: "ok", tools, check: (o) => expect(o.value).toEqual(JSON.parse(snapshot)) },
      );
      expect(JSON.stringify(shared)).toBe(snapshot);
      expect(Object.getPrototypeOf(shared.nested)).toBe(Object.prototype);
      expect(Object.isFrozen(shared.list)).toBe(false);
    },
  },
  "hostile-error-global-replaced": {
    title:
      "hostile: a program that replaces the Error global to take raw stack frames, or captures stacks on its own objects, reaches no host frame",
    async run(ctx) {
      // Node's stack formatting reads Error.prepareStackTrace off the error's global: a program that swaps
      // the global Error for a plain object would get the frames a guarded prepareStackTrace filters out.
      await hostile(
        ctx,
        `${REACHED}
const files = [];
const grab = (_e, frames) => { for (const f of frames || []) { try { files.push(String(f.getFileName && f.getFileName())); fromFn("this", f.getThis && f.getThis() && f.getThis().constructor && f.getThis().constructor.constructor); fromFn("fn", f.getFunction && f.getFunction() && f.getFunction().constructor); } catch (x) {} } try { fromFn("frames", frames && frames.constructor && frames.constructor.constructor); } catch (x) {} return "grabbed"; };
const RealError = Error;
try { globalThis.Error = { prepareStackTrace: grab }; } catch (e) {}
try { const f = () => f(); f(); } catch (e) { String(e.stack); }
try { await codecall.callTool("fail", { message: "x" }); } catch (e) { String(e.stack); }
try { null.x; } catch (e) { String(e.stack); }
try { new RealError("own").stack; } catch (e) {}
try { globalThis.Error = RealError; } catch (e) {}
if (typeof RealError.captureStackTrace === "function") {
  const target = {};
  RealError.prepareStackTrace = grab;
  RealError.captureStackTrace(target); String(target.stack);
  RealError.captureStackTrace(target, codecall.callTool); String(target.stack);
  delete RealError.prepareStackTrace;
}
return { reached, files: files.join("\\n") };`,
        {
          expect: "ok",
          check: (o) => {
            const value = o.value as { reached: string[]; files: string };
            expect(value.reached).toEqual([]);
            expect(value.files).not.toMatch(HOST_TEXT);
          },
        },
      );
    },
  },
  "hostile-host-text": {
    title:
      "hostile: the source text of every function a program can reach, and the messages of runtime errors, name no host file or module",
    async run(ctx) {
      await hostile(
        ctx,
        `const seen = new Set(), texts = [];
const visit = (v, depth) => {
  if (v === null || (typeof v !== "object" && typeof v !== "function") || seen.has(v) || depth > 3) return;
  seen.add(v);
  if (typeof v === "function") { try { texts.push(Function.prototype.toString.call(v)); } catch (e) {} }
  for (const k of Reflect.ownKeys(v)) { let d; try { d = Object.getOwnPropertyDescriptor(v, k); } catch (e) { continue; }
    if (!d) continue; for (const x of [d.value, d.get, d.set]) visit(x, depth + 1); }
};
visit(globalThis, 0); visit(codecall, 0); visit(console, 0);
for (const f of [() => null.x, () => undefinedName, () => { const f = () => f(); f(); }, () => JSON.parse("{"), () => new Array(-1), () => Symbol() + ""])
  try { f(); } catch (e) { texts.push(String(e && e.message)); }
try { await codecall.callTool("fail", { message: "m" }); } catch (e) { texts.push(String(e.stack), JSON.stringify(Object.entries(e))); }
try { await codecall.callTool("nope"); } catch (e) { texts.push(String(e.stack)); }
return texts.filter((t) => ${HOST_TEXT}.test(t)).map((t) => t.slice(0, 300));`,
        {
          expect: "ok",
          limits: { cpuTimeMs: ctx.ms(5_000), wallTimeMs: ctx.ms(5_000), maxOutputBytes: 4 * MiB },
          check: (o) => expect(o.value).toEqual([]),
        },
      );
    },
  },
  "hostile-oversized-call-flood": {
    title:
      "hostile: a flood of refused oversized tool calls, never awaited, does not pile up in the host's memory",
    async run(ctx) {
      await hostile(
        ctx,
        `const big = "o".repeat(3 << 20);
const refused = [];
for (let i = 0; ; i++) refused.push(codecall.callTool("echo", { big }).catch((e) => e.code));`,
        {
          expect: [...STOPPED, "SANDBOX_MEMORY"],
          limits: { maxToolArgsBytes: 1 * MiB, memoryBytes: 64 * MiB },
        },
      );
    },
  },
  "hostile-results-in-flight": {
    title:
      "hostile: many parallel calls each answered with a large result do not grow the host past the memory limit",
    async run(ctx) {
      // One result the tool keeps: what grows is only what the sandbox's path makes of it per call.
      const result = "r".repeat(6 * MiB);
      const tools: ToolHandler = () => result;
      // A remote backend's host sends each answer over its SDK, whose buffers are garbage once written: the
      // longer the remote engine takes to reach its heap limit, the more of it the host holds at a time
      // (E2B: 99-132 MiB over 5-15 s, the run ending with SANDBOX_MEMORY). A local backend keeps the default.
      const maxRssGrowth = ctx.sandbox.capabilities.remote ? 32 * MiB + 128 * MiB : undefined;
      await hostile(
        ctx,
        `const all = await Promise.allSettled(Array.from({ length: 60 }, () => codecall.callTool("big")));
return all.filter((r) => r.status === "fulfilled").length;`,
        {
          expect: ["ok", "SANDBOX_MEMORY", "TOOL_CALL_LIMIT", ...STOPPED],
          tools,
          limits: {
            memoryBytes: 32 * MiB,
            maxToolResultBytes: 8 * MiB,
            cpuTimeMs: ctx.ms(10_000),
            wallTimeMs: ctx.ms(10_000),
          },
          maxRssGrowth,
        },
      );
    },
  },
  "hostile-results-while-computing": {
    title:
      "hostile: answers to many calls that arrive while the program computes, each under 64 KiB, do not pile up on the host",
    async run(ctx) {
      // Two-byte characters, each answer just under the size engines may take without confirming.
      const result = "€".repeat(65_000);
      const tools: ToolHandler = () => result;
      await hostile(
        ctx,
        // The program never takes the answers: what arrives while it computes is all the host could pile up.
        `for (let i = 0; i < 1000; i++) codecall.callTool("small").catch(() => 0);
const t = Date.now();
while (Date.now() - t < 1500) {}
return "computed";`,
        {
          expect: "ok",
          check: (o) => expect(o.value).toBe("computed"),
          tools,
          limits: { maxToolCalls: 1000, cpuTimeMs: ctx.ms(6_000), wallTimeMs: ctx.ms(10_000) },
        },
      );
    },
  },
  "hostile-caller-chains": {
    title:
      "hostile: caller and arguments.callee.caller of every callback the runtime and the bridge call reach no host function",
    async run(ctx) {
      await hostile(
        ctx,
        `${REACHED}
const callers = [];
function note() {
  let f = note.caller, hops = 0;
  try { if (arguments.callee && arguments.callee.caller) f = arguments.callee.caller; } catch (e) {}
  while (f && hops++ < 20) { callers.push(f); fromFn("caller", f.constructor); try { f = f.caller; } catch (e) { break; } }
}
const hooks = {
  toJSON: function () { note(); return 1; },
  get getter() { note(); return 2; },
  [Symbol.toPrimitive]: function () { note(); return 3; },
  valueOf: function () { note(); return 4; },
  toString: function () { note(); return "5"; },
};
try { await codecall.callTool("echo", hooks); } catch (e) {}
try { console.log(hooks, { toJSON: function () { note(); return 6; } }); } catch (e) {}
try { await codecall.callTool("echo", { v: { get x() { note(); return 1; } } }); } catch (e) {}
try { await { then: function (r) { note(); r(1); } }; } catch (e) {}
try { await codecall.callTool("echo", {}).then(function () { note(); }); } catch (e) {}
try { Object.defineProperty(Object.prototype, "hooked", { get: function () { note(); return undefined; }, configurable: true }); await codecall.callTool("echo", { a: 1 }); } catch (e) {}
delete Object.prototype.hooked;
try { Error.prepareStackTrace = function () { note(); return ""; }; new Error("x").stack; delete Error.prepareStackTrace; } catch (e) {}
try { [3, 1, 2].sort(function () { note(); return 0; }); } catch (e) {}
return { reached, callers: callers.filter((f) => f !== note).map((f) => String(f.name || "anonymous")) };`,
        {
          expect: "ok",
          check: (o) => expect((o.value as { reached: string[] }).reached).toEqual([]),
        },
      );
    },
  },
  "hostile-overflow-in-report": {
    title:
      "hostile: values that overflow the stack while the prelude reports them (recursive getters, toJSON, stack and message getters) give typed errors",
    async run(ctx) {
      for (const code of [
        "return { get x() { return this.x; } };",
        "const o = { toJSON() { return { o: this }; } };\nreturn o;",
        "const e = new Error('m');\nObject.defineProperty(e, 'stack', { get() { const f = () => f(); return f(); } });\nthrow e;",
        "throw { get message() { const f = () => f(); return f(); }, name: 'Custom' };",
        "throw new Proxy(new Error('p'), { get(t, k) { const f = () => f(); return f(); } });",
      ]) {
        // An engine whose stack is deep may reach the CPU limit first: a limit, never a crash.
        await hostile(ctx, code, {
          expect: ["RESULT_NOT_SERIALIZABLE", "PROGRAM_ERROR", "SANDBOX_OUTPUT_LIMIT", ...STOPPED],
        });
      }
    },
  },
  "hostile-huge-error": {
    title:
      "hostile: a thrown error with a message and stack of megabytes ends with a typed error without growing the host",
    async run(ctx) {
      await hostile(
        ctx,
        "const e = new Error('m'.repeat(12 << 20));\ne.stack = 's'.repeat(12 << 20);\ne.code = 'c'.repeat(1 << 20);\nthrow e;",
        {
          expect: ["PROGRAM_ERROR", "SANDBOX_OUTPUT_LIMIT", "SANDBOX_MEMORY"],
          limits: { memoryBytes: 96 * MiB, cpuTimeMs: ctx.ms(5_000), wallTimeMs: ctx.ms(5_000) },
          check: (o) => expect(JSON.stringify(o.error).length).toBeLessThan(2 * MiB),
        },
      );
    },
  },
  "hostile-abort-native-operation": {
    title: "hostile: the caller's AbortSignal stops a program inside one long native operation",
    async run(ctx) {
      // A backend may refuse the sparse scan at once (a catchable RangeError): the BigInt power still runs.
      await expectAbortStops(
        ctx,
        "const a = [];\na.length = 2 ** 32 - 1;\nlet n = 0;\nfor (;;) {\n  try { n += a.lastIndexOf(1); } catch {}\n  n += (7n ** 3000000n).toString().length;\n}",
        300,
        { cpuTimeMs: 60_000, wallTimeMs: 60_000, memoryBytes: 64 * MiB },
      );
    },
  },
} satisfies Record<string, ConformanceCase>;
