/**
 * The fourth part of the adversarial kit: shapes a fourth red team found outside the first three parts,
 * written from public advisories' classes (vm2, isolated-vm, node:vm) and issue 15's list. Each runs
 * through {@link hostile}, so each also checks the host's globals, memory, event loop and the next
 * execution.
 */
import type { ToolHandler } from "@codecall/sandbox";
import { expect } from "vitest";
import type { ConformanceCase } from "./cases.js";
import { hostile, REACHED } from "./hostile.js";
import { conformanceTools } from "./tools.js";

const MiB = 1024 * 1024;
const STOPPED = ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"] as const;

/** 200 KB of words: every segment Intl.Segmenter yields carries a copy of it. */
const SEGMENTED = `if (typeof Intl !== "object" || typeof Intl.Segmenter !== "function") for (;;) {}
const s = "ab ".repeat(1 << 16);
const segments = new Intl.Segmenter("en", { granularity: "word" }).segment(s);\n`;

/** A program that replaces the intrinsics a bridge might use, then calls, logs, fails and returns. */
const PATCHED = [
  // Iteration: spread and for...of inside the prelude would run the program's iterator.
  'Array.prototype[Symbol.iterator] = function* () { yield "forged"; };',
  "Object.defineProperty(Array.prototype, Symbol.iterator, { get() { for (;;) {} }, configurable: true });",
  // Regular expressions and string methods a bridge might escape or split text with.
  'const evil = function () { throw new Error("patched"); };\nRegExp.prototype.exec = evil; RegExp.prototype[Symbol.replace] = evil; RegExp.prototype[Symbol.split] = evil; String.prototype.replace = evil; String.prototype.split = evil; String.prototype.slice = evil; String.prototype.indexOf = evil;',
  // Function.prototype.call/apply/bind and the reflection a bridge might call through.
  'const evil = function () { throw new Error("patched"); };\nFunction.prototype.call = evil; Function.prototype.apply = evil; Function.prototype.bind = evil; Reflect.apply = evil; Object.keys = evil; Object.defineProperty = evil; Object.getPrototypeOf = evil; Array.isArray = evil; Object.hasOwn = evil;',
  // Promise machinery: a Proxy as Promise.prototype's prototype, a then that never ends.
  "Object.setPrototypeOf(Promise.prototype, new Proxy({}, { get() { for (;;) {} }, has() { for (;;) {} } }));",
  "Promise.prototype.then = function () { for (;;) {} };",
];
const AFTER_PATCH = `console.log("x\\ny", { a: [1] });
const r = await codecall.callTool("echo", { list: [1, 2], s: "\\u2028" });
let err;
try { await codecall.callTool("fail", { message: "m" }); } catch (e) { err = e.message; }
return { list: r.list.length, s: r.s.length, err };`;

/** Loops that catch, or swallow with finally, whatever stops them, then loop again. */
const SWALLOWING = [
  "for (;;) { try { for (;;) {} } catch (e) { continue; } finally { continue; } }",
  'for (;;) { try { await codecall.callTool("delay", { ms: 5 }); for (;;) {} } catch (e) {} finally { continue; } }',
  'await codecall.callTool("noop");\nasync function* g() { for (;;) yield 1; }\nfor await (const x of g()) {}',
  // A WebAssembly loop (br 0 forever), where the backend has WebAssembly.
  `await codecall.callTool("noop");
if (typeof WebAssembly !== "object") for (;;) {}
const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,4,1,96,0,0,3,2,1,0,7,5,1,1,102,0,0,10,9,1,7,0,3,64,12,0,11,11]);
let f;
try { f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f; } catch (e) { for (;;) {} }
f();`,
];

export const HOSTILE_CLASS3_CASES = {
  "hostile-segmenter-spread": {
    title:
      "hostile: spreading Intl.Segmenter's segments (each carrying a copy of its input) stops at the CPU or memory limit without growing the host",
    async run(ctx) {
      for (const walk of ["return [...segments].length;", "return Array.from(segments).length;"]) {
        await hostile(ctx, `${SEGMENTED}${walk}`, {
          expect: [...STOPPED, "SANDBOX_MEMORY"],
          limits: { cpuTimeMs: ctx.ms(1_000), wallTimeMs: ctx.ms(1_500) },
        });
      }
      // The segments a program walks are still the engine's own.
      await hostile(
        ctx,
        'if (typeof Intl !== "object" || typeof Intl.Segmenter !== "function") return "ab| |cd";\nreturn [...new Intl.Segmenter("en", { granularity: "word" }).segment("ab cd")].map((x) => x.segment).join("|");',
        { expect: "ok", check: (o) => expect(o.value).toBe("ab| |cd") },
      );
    },
  },
  "hostile-request-to-json": {
    title:
      "hostile: a toJSON a program puts on Object.prototype, or a setter on Array.prototype[0], rewrites at most its arguments, as in plain JavaScript, never the tool call the host receives",
    async run(ctx) {
      const names: string[] = [];
      const tools: ToolHandler = (call, options) => {
        names.push(call.name);
        return conformanceTools().tools(call, options);
      };
      await hostile(
        ctx,
        `Object.prototype.toJSON = function () { return this.name === "echo" ? { name: "fail", args: { message: "forged" } } : this; };
let r;
try { r = await codecall.callTool("echo", { real: 1 }); } catch (e) { r = e.message; }
delete Object.prototype.toJSON;
return r;`,
        { expect: "ok", tools, check: (o) => expect(o.value).toEqual({ real: 1 }) },
      );
      // QuickJS's JSON.stringify keeps the objects it is inside in an array: a setter on Array.prototype[0]
      // would see a request object there.
      await hostile(
        ctx,
        `Object.defineProperty(Array.prototype, "0", { configurable: true, set(v) {
  if (v && typeof v === "object" && "name" in v) { v.name = "fail"; v.args = { message: "forged" }; }
  Object.defineProperty(this, "0", { value: v, writable: true, configurable: true, enumerable: true });
} });
let r;
try { r = await codecall.callTool("echo", { real: 2 }); } catch (e) { r = e.message; }
delete Array.prototype[0];
return r;`,
        { expect: "ok", tools, check: (o) => expect(o.value).toEqual({ real: 2 }) },
      );
      expect(names).toEqual(["echo", "echo"]);
    },
  },
  "hostile-patched-intrinsics-2": {
    title:
      "hostile: iterators, regular expressions, Function.prototype.call/apply/bind, reflection and Promise machinery patched or looping change nothing the bridge does",
    async run(ctx) {
      for (const patch of PATCHED) {
        await hostile(ctx, `${patch}\n${AFTER_PATCH}`, {
          expect: "ok",
          check: (o) => expect(o.value, patch).toEqual({ list: 2, s: 1, err: "m" }),
        });
      }
    },
  },
  "hostile-escape-shapes-3": {
    title:
      "hostile: AggregateError and settled reasons of tool calls, captured stacks of host-made objects and symbol keys on results and arguments reach no host Function and no host frame",
    async run(ctx) {
      await hostile(
        ctx,
        `${REACHED}
const files = [];
try { await Promise.any([codecall.callTool("fail", { message: "a" }), codecall.callTool("nope")]); } catch (e) {
  fromFn("any", e.constructor && e.constructor.constructor);
  for (const x of e.errors || []) { fromFn("inner", x.constructor.constructor); fromFn("innerProto", Object.getPrototypeOf(x).constructor.constructor); }
}
const settled = await Promise.allSettled([codecall.callTool("fail", { message: "b" })]);
fromFn("settled", settled[0].reason.constructor.constructor);
Error.stackTraceLimit = Infinity;
Error.prepareStackTrace = (e, frames) => { for (const f of frames || []) { try { fromFn("this", f.getThis && f.getThis() && f.getThis().constructor.constructor); fromFn("fn", f.getFunction && f.getFunction() && f.getFunction().constructor); files.push(String(f.getFileName && f.getFileName())); } catch (x) {} } return "mine"; };
const p = codecall.callTool("delay", { ms: 5 });
for (const t of [codecall, console, codecall.callTool, p, {}]) { try { Error.captureStackTrace && Error.captureStackTrace(t); String(t.stack); } catch (e) {} }
await p;
delete Error.prepareStackTrace;
const evil = () => { for (;;) {} };
const keyed = { a: 1, [Symbol.for("nodejs.util.inspect.custom")]: evil, [Symbol.toPrimitive]: evil, [Symbol.iterator]: evil };
const echoed = await codecall.callTool("echo", { ...keyed, b: [2] });
console.log(keyed, echoed);
return { reached, files: files.filter((f) => /node_modules|node:internal|\\/work\\/|\\.ts$|file:\\/\\/|codecall-runner/.test(f)), keyed, echoed };`,
        {
          expect: "ok",
          check: (o) =>
            expect(o.value).toEqual({ reached: [], files: [], keyed: { a: 1 }, echoed: { a: 1, b: [2] } }),
        },
      );
    },
  },
  "hostile-tool-error-fields": {
    title:
      "hostile: a tool error's cause, code, path and other fields, and a thrown non-Error's fields, never reach the program: only its message",
    async run(ctx) {
      const tools: ToolHandler = ({ name }) => {
        if (name === "cause")
          throw Object.assign(new Error("plain"), {
            cause: new Error("/work/host/cause.ts"),
            code: "EACCES",
            path: "/etc/passwd",
          });
        if (name === "object") throw { message: "obj", secret: "/work/host/secret.ts" };
        throw "thrown text";
      };
      await hostile(
        ctx,
        `const out = [];
for (const name of ["cause", "object", "text"]) {
  try { await codecall.callTool(name, {}); } catch (e) {
    const own = {};
    for (const k of Reflect.ownKeys(e)) if (k !== "stack") own[String(k)] = String(e[k]);
    out.push({ own, cause: String(e.cause), inherited: Object.keys(Object.getPrototypeOf(e)) });
  }
}
return out;`,
        {
          expect: "ok",
          tools,
          check: (o) => {
            const text = JSON.stringify(o.value);
            expect(text).not.toMatch(/EACCES|passwd|\/work\/|secret/);
            const out = o.value as Array<{ own: Record<string, string>; cause: string }>;
            expect(out.map((e) => e.own.message)).toEqual(["plain", "[object Object]", "thrown text"]);
            for (const e of out) {
              expect(e.cause).toBe("undefined");
              expect(e.own.code).toBe("TOOL_FAILED");
            }
          },
        },
      );
      // A tool name that answers differently to each conversion is refused before any call.
      await hostile(
        ctx,
        'let n = 0;\nconst name = { toString() { return n++ ? "fail" : "echo"; } };\ntry { await codecall.callTool(name, {}); return "called"; } catch (e) { return e.name; }',
        { expect: "ok", check: (o) => expect(o.value).toBe("TypeError") },
      );
    },
  },
  "hostile-swallowing-loops": {
    title:
      "hostile: loops that catch or swallow with finally whatever stops them, after a tool call or in an async generator or WebAssembly, stop at the CPU limit",
    async run(ctx) {
      for (const code of SWALLOWING) {
        await hostile(ctx, code, {
          expect: [...STOPPED],
          limits: { cpuTimeMs: ctx.ms(500), wallTimeMs: ctx.ms(1_000), memoryBytes: 32 * MiB },
        });
      }
    },
  },
  "hostile-report-at-limit": {
    title:
      "hostile: a thrown 24 MiB string whose report takes the run to its CPU limit ends with a typed error, and the session's next run works",
    async run(ctx) {
      // A race: the report may arrive before the limit or as the watchdog stops the isolate. Several runs
      // give the second every chance (isolated-vm returned the report as completed from a disposed isolate,
      // and the next run failed with SANDBOX_CRASHED, in 4 runs of 6); a 250 ms limit is reached while the
      // report is built even on an idle machine (a 1 s limit was not, in 6 runs of 6). The output limit is
      // above the error's size: under it, the prelude refuses the error before building its report.
      for (let run = 0; run < 4; run++) {
        await hostile(ctx, 'throw "e".repeat(24 << 20);', {
          expect: ["PROGRAM_ERROR", "SANDBOX_OUTPUT_LIMIT", "SANDBOX_MEMORY", ...STOPPED],
          limits: {
            memoryBytes: 128 * MiB,
            maxOutputBytes: 64 * MiB,
            cpuTimeMs: ctx.ms(250),
            wallTimeMs: ctx.ms(3_000),
          },
        });
      }
    },
  },
} satisfies Record<string, ConformanceCase>;
