import type { Sandbox, ToolHandler } from "@codecall/sandbox";
import { afterAll, describe, expect, it } from "vitest";
import { isolatedVm, nodeSnapshotDisabled } from "../src/index.js";

const sandbox: Sandbox = isolatedVm();
afterAll(() => sandbox.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("isolated-vm backend", () => {
  it("runs a program with console output and a tool call", async () => {
    const tools: ToolHandler = async ({ name, args }) => ({ name, args });
    const out = await sandbox.execute({
      code: `console.log("hi", { a: 1 }); return await codecall.callTool("echo", { x: 2 });`,
      tools,
    });
    expect(out).toMatchObject({
      ok: true,
      value: { name: "echo", args: { x: 2 } },
      logs: [{ level: "log", message: 'hi {"a":1}' }],
    });
    expect(out.stats.backend).toBe("isolated-vm");
    expect(out.stats.cpuMs).toBeGreaterThan(0);
  });

  it("removes WebAssembly, SharedArrayBuffer and Atomics, so wasm memory cannot escape the memory limit", async () => {
    const out = await sandbox.execute({
      code: `return [typeof WebAssembly, typeof SharedArrayBuffer, typeof Atomics, "WebAssembly" in globalThis];`,
    });
    expect(out.value).toEqual(["undefined", "undefined", "undefined", false]);
    const wasm = await sandbox.execute({
      code: `return new WebAssembly.Memory({ initial: 16384 }).buffer.byteLength;`,
    });
    expect(wasm.ok).toBe(false);
    expect(wasm.error).toMatchObject({ code: "PROGRAM_ERROR", name: "ReferenceError" });
  });

  it("bounds array built-ins by length, and leaves them as they were for every array a program can hold", async () => {
    const usual = await sandbox.execute({
      code: `const a = [3, 1, 2];
const seen = [];
a.forEach((x, i, arr) => seen.push(arr === a));
return [a.map((x) => x * 2), a.filter((x) => x > 1), [...a].sort(), a.indexOf(2), a.includes(3), a.join("-"),
  String(a), a.concat([4], 5), Array.prototype.join.call({ length: 2, 0: "x", 1: "y" }),
  Array.prototype.map.call("ab", (c) => c + c), seen.every(Boolean), a.map.name, a.map.length,
  new Array(1e6).fill(0).length, Array.prototype.indexOf.call(new Uint8Array([5, 6]), 6)];`,
    });
    expect(usual.value, JSON.stringify(usual.error)).toEqual([
      [6, 2, 4],
      [3, 2],
      [1, 2, 3],
      2,
      true,
      "3-1-2",
      "3,1,2",
      [3, 1, 2, 4, 5],
      "x,y",
      ["aa", "bb"],
      true,
      "map",
      1,
      1_000_000,
      1,
    ]);
    // An array-like's length getter is read once: the built-in sees the length that was checked.
    const lying = await sandbox.execute({
      code: `let reads = 0;
const like = { get length() { return reads++ ? 2 ** 53 - 1 : 3; }, 0: "a", 1: "b", 2: "c" };
return [Array.prototype.join.call(like, ""), reads];`,
    });
    expect(lying.value, JSON.stringify(lying.error)).toEqual(["abc", 1]);
    // Methods that return or embed their object keep it (an array-like is read through a pinned view).
    const identity = await sandbox.execute({
      code: `const o = { length: 2, 0: "b", 1: "a" };
const spread = { [Symbol.isConcatSpreadable]: true, length: 2, 0: "s", 1: "t" };
return [Array.prototype.fill.call(o, 0) === o, Array.prototype.sort.call(o) === o, Array.prototype.concat.call(1, 2)[0] + 1,
  [1].concat(spread, [2], o, 3).length, [1].concat(spread)[2], [[1, [2, [3]]], , 4].flat(), [[1, [2, [3]]]].flat(Infinity),
  [1, 2].flatMap((x, i, a) => [x, a.length]), Array.prototype.flat.call({ length: 1, 0: [5] })];`,
    });
    expect(identity.value, JSON.stringify(identity.error)).toEqual([
      true,
      true,
      2,
      6,
      "t",
      [1, [2, [3]], 4],
      [1, 2, 3],
      [1, 2, 2, 2],
      [5],
    ]);
    for (const code of [
      "const h = [];\nh.length = 2 ** 32 - 1;\nreturn [h].flat().length;",
      "const h = [];\nh.length = 2 ** 32 - 1;\nreturn [1].flatMap(() => h).length;",
      "return [].concat({ [Symbol.isConcatSpreadable]: true, length: 2 ** 32 - 1 }).length;",
      "const a = [];\na.length = 2 ** 32 - 1;\nreturn a.indexOf(1);",
      "return Array.prototype.every.call({ length: 2 ** 53 - 1 }, () => true);",
      "const a = [];\na.length = 2 ** 32 - 1;\nreturn [].concat(a).length;",
    ]) {
      const out = await sandbox.execute({ code });
      expect(out.error, code).toMatchObject({ code: "PROGRAM_ERROR", name: "RangeError" });
      expect(out.error?.message).toMatch(/not available in this sandbox/);
    }
  });

  it("pins a Proxy's length once per built-in, and proxies of arrays and Proxy itself work as before", async () => {
    const usual = await sandbox.execute({
      code: `const p = new Proxy([3, 1, 2], {});
return [p.map((x) => x * 2), p.indexOf(2), p.join("-"), [0].concat(p), p.slice(1), Array.isArray(p), [...p].length,
  p.map((x, i, a) => a.length), p.sort() === p, JSON.stringify(p), Array.prototype.concat.call(p, 4)];`,
    });
    expect(usual.value, JSON.stringify(usual.error)).toEqual([
      [6, 2, 4],
      2,
      "3-1-2",
      [0, 3, 1, 2],
      [1, 2],
      true,
      3,
      [3, 3, 3],
      true,
      "[1,2,3]",
      [1, 2, 3, 4],
    ]);
    // The trap answers small once, then huge: the built-in works with the first answer.
    const lying = await sandbox.execute({
      code: `let reads = 0;
const p = new Proxy(["a", "b"], { get(t, k, r) { return k === "length" ? (reads++ ? 2 ** 32 - 1 : 2) : Reflect.get(t, k, r); } });
return [p.join(""), reads];`,
    });
    expect(lying.value, JSON.stringify(lying.error)).toEqual(["ab", 1]);
    const revocable = await sandbox.execute({
      code: `const { proxy, revoke } = Proxy.revocable([1, 2], {});
const before = proxy.indexOf(2);
revoke();
let after;
try { proxy.indexOf(2); } catch (e) { after = e.constructor.name; }
return [before, after];`,
    });
    expect(revocable.value, JSON.stringify(revocable.error)).toEqual([1, "TypeError"]);
    const surface = await sandbox.execute({
      code: `const thrown = (f) => { try { f(); } catch (e) { return e.constructor.name; } };
return [Proxy.name, Proxy.length, typeof Proxy.prototype, thrown(() => Proxy([], {})), Proxy.revocable.name,
  Proxy.revocable.length, "prototype" in Proxy.revocable, thrown(() => new Proxy.revocable([], {})),
  Object.getOwnPropertyDescriptor(globalThis, "Proxy").enumerable, typeof Reflect.construct(Proxy, [{}, {}])];`,
    });
    expect(surface.value, JSON.stringify(surface.error)).toEqual([
      "Proxy",
      2,
      "undefined",
      "TypeError",
      "revocable",
      2,
      false,
      "TypeError",
      false,
      "object",
    ]);
    // Array.from over an array-like gets the same pinned view; iterables and subclasses work as before.
    const from = await sandbox.execute({
      code: `let n = 0;
class My extends Array {}
return [Array.from({ get length() { return n++ ? 2 ** 32 - 1 : 2; }, 0: "a" }, (x) => x + "!"), Array.from("ab"),
  Array.from(new Set([3])), Array.from([1, 2], (x) => x * 2), My.from({ length: 1, 0: 1 }) instanceof My,
  Array.from.name, Array.from.length, "prototype" in Array.from];`,
    });
    expect(from.value, JSON.stringify(from.error)).toEqual([
      ["a!", "undefined!"],
      ["a", "b"],
      [3],
      [2, 4],
      true,
      "from",
      1,
      false,
    ]);
    // A frozen array-like keeps its own length value (a Proxy's invariant); a proxy not spread by concat is
    // appended as itself; a getter answering "iterable" once is iterated, never walked by length.
    const edges = await sandbox.execute({
      code: `const p = new Proxy([1], {});
p[Symbol.isConcatSpreadable] = false;
const r = p.concat([2]);
let reads = 0;
const o = { get [Symbol.iterator]() { return reads++ ? undefined : function () { return ["x"][Symbol.iterator](); }; }, length: 2 ** 32 - 1 };
return [Array.prototype.indexOf.call(Object.freeze({ length: "2", 0: 1, 1: 2 }), 2), r.length, r[0] === p, Array.from(o), reads];`,
    });
    expect(edges.value, JSON.stringify(edges.error)).toEqual([1, 2, true, ["x"], 1]);
    for (const code of [
      "return Array.from({ length: 2 ** 32 - 1 }).length;",
      "const p = new Proxy([], { get: (t, k) => (k === 'length' ? 2 ** 32 - 1 : t[k]) });\nreturn p.indexOf(1);",
      "const a = [];\na.length = 2 ** 32 - 1;\nreturn new Proxy(a, {}).join('').length;",
      "const a = [];\na.length = 2 ** 32 - 1;\nreturn [].concat(new Proxy(a, {})).length;",
    ]) {
      const out = await sandbox.execute({ code });
      expect(out.error, code).toMatchObject({ code: "PROGRAM_ERROR", name: "RangeError" });
      expect(out.error?.message).toMatch(/not available in this sandbox/);
    }
  });

  // Its own test, with room: through the view, each of these walks 4 million elements in JavaScript traps
  // (indexOf took 9.7 s of CPU with the machine at load 9; concat over such an array 28-46 s, left out).
  it("walks a real array longer than 2 ** 22 through the view, with the same answers", {
    timeout: 300_000,
  }, async () => {
    const long = await sandbox.execute({
      code: `const n = 2 ** 22 + 10;
const a = [];
for (let i = 0; i < n; i++) a.push(i);
return [a.indexOf(n - 5), a.slice(-2), a.with(0, 1)[0], a.at(-1)];`,
      limits: { cpuTimeMs: 120_000, wallTimeMs: 240_000, memoryBytes: 512 * 1024 * 1024 },
    });
    const n = 2 ** 22 + 10;
    expect(long.value, JSON.stringify(long.error)).toEqual([n - 5, [n - 2, n - 1], 1, n - 1]);
  });

  it("keeps the glue's wrappers of built-ins out of a program error's stack, and they behave as the built-ins", async () => {
    const out = await sandbox.execute({ code: "const n = 1;\nJSON.parse('{bad');" });
    expect(out.error?.code).toBe("PROGRAM_ERROR");
    expect(out.error?.stack).toContain("program.ts:2");
    expect(out.error?.stack).not.toContain("codecall-");
    const same = await sandbox.execute({
      code: `const c = new Intl.Collator("de");
return [c.compare === c.compare, c.compare.name, c.compare.length, ["b", "a", "ä"].sort(c.compare),
  String.prototype.trimLeft === String.prototype.trimStart, "".padStart.name, "".padStart.length,
  "abcab".lastIndexOf("a", undefined), [1, 2, 1].lastIndexOf(1, undefined), new Float64Array([1.5, 2]).toLocaleString("de-DE"),
  (() => { try { new "".trim(); return "constructed"; } catch (e) { return e.name; } })()];`,
    });
    expect(same.value).toEqual([
      true,
      "",
      2,
      ["a", "ä", "b"],
      true,
      "padStart",
      1,
      3,
      0,
      "1,5,2",
      "TypeError",
    ]);
  });

  it("reports a syntax error with its program line", async () => {
    const out = await sandbox.execute({ code: "const a = 1;\nreturn a +;" });
    expect(out.error).toMatchObject({ code: "PROGRAM_SYNTAX", line: 2 });
  });

  it("runs a program longer than an eighth of its memory limit (isolated-vm refuses to eval those)", async () => {
    const small = isolatedVm({ limits: { memoryBytes: 8 * 1024 * 1024 } });
    try {
      const long = "a".repeat(1_100_000);
      const out = await small.execute({ code: `const s = "${long}";\nreturn s.length;` });
      expect(out.value).toBe(1_100_000);
      const broken = await small.execute({ code: `const s = "${long}";\nreturn s +;` });
      expect(broken.error).toMatchObject({ code: "PROGRAM_SYNTAX", line: 2 });
    } finally {
      await small.close();
    }
  });

  it("keeps globals across executions of one session", async () => {
    const session = await sandbox.createSession();
    await session.execute({ code: "globalThis.counter = 41;" });
    expect((await session.execute({ code: "return ++counter;" })).value).toBe(42);
    await session.dispose();
  });

  it("stops a synchronous endless loop at the CPU limit and resets the session", async () => {
    const session = await sandbox.createSession({ limits: { cpuTimeMs: 150 } });
    const out = await session.execute({ code: "for (;;) {}" });
    expect(out.error?.code).toBe("SANDBOX_CPU_LIMIT");
    expect(out.stats.contextReset).toBe(true);
    expect((await session.execute({ code: "return 7;" })).value).toBe(7);
    await session.dispose();
  });

  it("stops a loop that starts after an awaited tool call (isolated-vm's timeout no longer applies)", async () => {
    const session = await sandbox.createSession({ limits: { cpuTimeMs: 150, wallTimeMs: 20_000 } });
    const out = await session.execute({
      code: `await codecall.callTool("tick"); for (;;) {}`,
      tools: () => 1,
    });
    expect(out.error?.code).toBe("SANDBOX_CPU_LIMIT");
    expect(out.toolCalls).toHaveLength(1);
    expect((await session.execute({ code: "return 8;" })).value).toBe(8);
    await session.dispose();
  });

  it("reacts to the wall clock while a resumed loop runs under a large CPU limit", async () => {
    const out = await sandbox.execute({
      code: `await codecall.callTool("tick"); for (;;) {}`,
      tools: () => 1,
      limits: { cpuTimeMs: 60_000, wallTimeMs: 300 },
    });
    expect(out.error?.code).toBe("SANDBOX_TIMEOUT");
    // Core waits 2 s for an adapter that ignores the abort; this one disposes the isolate at once.
    expect(out.stats.wallMs).toBeLessThan(1_500);
  });

  it("stops a program when the caller aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const out = await sandbox.execute({
      code: `await codecall.callTool("tick"); for (;;) {}`,
      tools: () => 1,
      signal: controller.signal,
    });
    expect(out.error?.code).toBe("ABORTED");
  });

  it("contains an out-of-memory isolate, reports SANDBOX_MEMORY, and the session works again", async () => {
    const session = await sandbox.createSession({ limits: { memoryBytes: 16 * 1024 * 1024 } });
    const out = await session.execute({
      code: `const a = []; for (;;) a.push({ n: Math.random(), s: "x" + Math.random() });`,
    });
    expect(out.error?.code).toBe("SANDBOX_MEMORY");
    expect(out.stats.contextReset).toBe(true);
    expect((await session.execute({ code: "return [1, 2].length;" })).value).toBe(2);
    await session.dispose();
  });

  it("contains a catastrophic V8 out-of-memory (one huge heap allocation) and reports SANDBOX_MEMORY", async () => {
    const session = await sandbox.createSession({ limits: { memoryBytes: 16 * 1024 * 1024 } });
    // V8 cannot recover from this one: isolated-vm parks the isolate's thread and the evaluation never settles.
    const out = await session.execute({ code: "return new Array(2 ** 27).fill(0).length;" });
    expect(out.error?.code).toBe("SANDBOX_MEMORY");
    expect(out.stats.contextReset).toBe(true);
    expect((await session.execute({ code: "return 'alive';" })).value).toBe("alive");
    await session.dispose();
  });

  it("fails a too large ArrayBuffer inside the program, not the host", async () => {
    const out = await sandbox.execute({
      code: "return new ArrayBuffer(512 * 1024 * 1024).byteLength;",
      limits: { memoryBytes: 16 * 1024 * 1024 },
    });
    expect(out.error).toMatchObject({ code: "PROGRAM_ERROR", name: "RangeError" });
  });

  it("contains an isolate disposed under a running program", async () => {
    const session = await sandbox.createSession();
    const pending = session.execute({ code: `await codecall.callTool("tick"); for (;;) {}`, tools: () => 1 });
    await sleep(50);
    await session.dispose();
    const out = await pending;
    expect(out.ok).toBe(false);
    expect(["SANDBOX_CRASHED", "SANDBOX_DISPOSED"]).toContain(out.error?.code);
    expect((await sandbox.execute({ code: "return 9;" })).value).toBe(9);
  });

  it("runs 100 tool calls in parallel, overlapping on the host", async () => {
    // Every call waits until all 100 are in flight (or 5 s pass): calls made one after another would
    // never get there, and the timing of the machine does not matter.
    let inFlight = 0;
    let maxInFlight = 0;
    let allIn: () => void = () => {};
    const barrier = Promise.race([
      new Promise<void>((resolve) => {
        allIn = resolve;
      }),
      sleep(5_000),
    ]);
    const tools: ToolHandler = async ({ args }) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (inFlight === 100) allIn();
      await barrier;
      inFlight--;
      return (args as { i: number }).i * 2;
    };
    const out = await sandbox.execute({
      code: `const r = await Promise.all(Array.from({ length: 100 }, (_, i) => codecall.callTool("double", { i }))); return r;`,
      tools,
    });
    expect(out.value).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
    expect(out.toolCalls).toHaveLength(100);
    expect(maxInFlight).toBe(100);
  });

  it("never resumes a program with a tool answer that arrives after its execution ended", async () => {
    const session = await sandbox.createSession();
    const tools: ToolHandler = async ({ name }) => {
      await sleep(name === "slow" ? 50 : 200);
      return name;
    };
    const first = await session.execute({
      code: `codecall.callTool("slow").then(() => { globalThis.leaked = true; }); return 1;`,
      tools,
    });
    expect(first.value).toBe(1);
    const second = await session.execute({
      code: `await codecall.callTool("wait"); return globalThis.leaked === true;`,
      tools,
    });
    expect(second.value).toBe(false);
    await session.dispose();
  });

  it("keeps host objects out of reach: no Reference, Callback or ExternalCopy, and poisoned prototypes change nothing", async () => {
    const out = await sandbox.execute({
      code: `
        const names = Object.getOwnPropertyNames(globalThis);
        const suspicious = names.filter((n) => {
          const v = globalThis[n];
          const ctor = v && (typeof v === "object" || typeof v === "function") && v.constructor && v.constructor.name;
          return /^__/.test(n) && n !== "__codecallRun" || ["Reference", "Callback", "ExternalCopy", "Isolate"].includes(ctor) || /ivm|isolated/i.test(n);
        });
        // Poison what isolated-vm and the glue could read after the prelude ran.
        for (const key of ["reference", "copy", "externalCopy", "promise", "result", "arguments", "timeout"]) {
          Object.defineProperty(Object.prototype, key, { get() { return true; }, configurable: true });
        }
        Reflect.apply = () => { throw new Error("poisoned Reflect.apply"); };
        // isolated-vm's own promise results resolve through a \`then\` lookup; the glue's must not.
        Promise.prototype.then = function () { return this; };
        Function.prototype.apply = Function.prototype.call = () => { throw new Error("poisoned"); };
        JSON.stringify = JSON.parse = () => { throw new Error("poisoned JSON"); };
        const value = await codecall.callTool("echo", { s: "x" });
        const p = codecall.callTool("echo", 1);
        const isPromise = p instanceof Promise;
        await p;
        return { suspicious, type: typeof value, keys: Object.keys(value), isPromise, host: typeof __codecallHost };
      `,
      tools: ({ args }) => args,
    });
    expect(out.error).toBeUndefined();
    expect(out.value).toEqual({
      suspicious: [],
      type: "object",
      keys: ["s"],
      isPromise: true,
      host: "undefined",
    });
  });

  it("passes nested tool arguments to the host intact", async () => {
    const seen: unknown[] = [];
    const out = await sandbox.execute({
      code: `return await codecall.callTool("t", { nested: { list: [1, "two", null] } });`,
      tools: ({ args }) => {
        seen.push(args);
        return "ok";
      },
    });
    expect(out.value).toBe("ok");
    expect(seen).toEqual([{ nested: { list: [1, "two", null] } }]);
  });

  it("round-trips a 1 MB tool payload", async () => {
    const big = "y".repeat(1024 * 1024);
    const out = await sandbox.execute({
      code: `const s = await codecall.callTool("big"); return s.length;`,
      tools: () => big,
      limits: { maxToolResultBytes: 4 * 1024 * 1024 },
    });
    expect(out.value).toBe(big.length);
  });
});

describe("Node flags", () => {
  it("detects --no-node-snapshot on the command line and in NODE_OPTIONS", () => {
    expect(nodeSnapshotDisabled(["--no-node-snapshot"], "")).toBe(true);
    expect(nodeSnapshotDisabled([], "--max-old-space-size=512 --no-node-snapshot")).toBe(true);
    expect(nodeSnapshotDisabled(["--inspect"], "--trace-warnings")).toBe(false);
    // This worker runs with the flag from vitest.config.ts.
    expect(nodeSnapshotDisabled()).toBe(true);
  });

  it("fails with SANDBOX_UNAVAILABLE naming the flag when Node runs without it", async () => {
    const saved = { argv: [...process.execArgv], options: process.env.NODE_OPTIONS };
    process.execArgv.splice(0, process.execArgv.length);
    delete process.env.NODE_OPTIONS;
    try {
      const out = await isolatedVm().execute({ code: "return 1;" });
      expect(out.error?.code).toBe("SANDBOX_UNAVAILABLE");
      expect(out.error?.message).toContain("--no-node-snapshot");
    } finally {
      process.execArgv.push(...saved.argv);
      if (saved.options !== undefined) process.env.NODE_OPTIONS = saved.options;
    }
  });
});
