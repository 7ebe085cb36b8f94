/**
 * The third part of the adversarial kit: classes of attack the first two parts do not hold, found by a
 * third red team against every backend. Each runs through {@link hostile}, so each also checks the host's
 * globals, memory, event loop and the next execution.
 */

import type { ExecutionOutcome } from "@codecall/sandbox";
import { expect } from "vitest";
import type { CaseContext, ConformanceCase } from "./cases.js";
import { type HostileOptions, hostile } from "./hostile.js";

const STOPPED = ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"] as const;
const MiB = 1024 * 1024;

/**
 * Accessors a program puts on the index properties every array inherits: a getter without a setter makes
 * assigning (or pushing) an array's first elements throw, a setter sees every value written there. An
 * engine's built-ins that build arrays of their own through those properties (QuickJS's JSON.stringify
 * pushes what it walks onto one) then throw or call the program, and a report built with them failed the
 * run as SANDBOX_CRASHED.
 */
const INDEX_ACCESSORS = [
  "Object.defineProperty(Array.prototype, 0, { get() { return 1; }, configurable: true });",
  "Object.defineProperty(Object.prototype, 1, { get() { return 1; }, configurable: true });\nObject.defineProperty(Array.prototype, 0, { set(v) { throw new Error('caught ' + typeof v); }, configurable: true });",
  "Object.defineProperty(Array.prototype, 0, { get() { return 1; }, configurable: false });",
];
/** What `[, 1]` returns under each of {@link INDEX_ACCESSORS}: its hole reads index 0 through the prototype. */
const HOLE_READS = [1, null, 1];
/**
 * What a program does after installing them: every way a value reaches the prelude's report, with the
 * value a successful run returns (a function of the accessor's index in {@link INDEX_ACCESSORS}).
 */
const REPORTED: Array<[string, Array<string>, ((accessor: number) => unknown)?]> = [
  [
    "return { list: [1, 2], nested: { a: [3] } };",
    ["ok", "RESULT_NOT_SERIALIZABLE"],
    () => ({ list: [1, 2], nested: { a: [3] } }),
  ],
  ["throw new Error('thrown');", ["PROGRAM_ERROR"]],
  ["throw { message: 'plain', list: [1] };", ["PROGRAM_ERROR"]],
  ["console.log('a', { b: [1] }, [2]);\nreturn 'logged';", ["ok", "PROGRAM_ERROR"], () => "logged"],
  [
    "return await codecall.callTool('echo', { list: [1, 2] });",
    ["ok", "PROGRAM_ERROR"],
    () => ({ list: [1, 2] }),
  ],
  ["return [, 1];", ["ok", "RESULT_NOT_SERIALIZABLE"], (accessor) => [HOLE_READS[accessor], 1]],
];
/**
 * Accessors and values a program puts on Object.prototype under the names of the report's optional fields
 * (stack, code, tool): a report that tested a field on an object of its own read the program's getter
 * (SANDBOX_CRASHED when it threw) or value (`code` and `tool` forged a tool's failure). Each program must end
 * as plain JavaScript has it: PROGRAM_ERROR with the thrown value, nothing inherited.
 */
const THROWING_GETTER = "{ get() { throw new Error('boom'); }, configurable: true }";
const INHERITED_FIELDS: string[] = [
  ...["stack", "code", "tool"].flatMap((name) => [
    `Object.defineProperty(Object.prototype, '${name}', ${THROWING_GETTER});\nthrow 1;`,
    `Object.defineProperty(Object.prototype, '${name}', ${THROWING_GETTER});\nthrow 'str';`,
  ]),
  "Object.prototype.code = 'TOOL_FAILED';\nObject.prototype.tool = 'fake';\nObject.prototype.stack = 'forged';\nthrow 1;",
  // An object where a string was expected (QuickJS's stringify of it pushes through the index accessor).
  "Object.defineProperty(Object.prototype, 'tool', { get() { return { a: [1] }; }, configurable: true });\nObject.defineProperty(Array.prototype, 0, { get() { return 1; }, configurable: true });\nthrow 1;",
];

/**
 * What a program can put on the fields of errors: a backend that reads or assigns them on an error of the
 * program's realm (Node builds a timed-out evaluation's error there and assigns its `code`) ran the
 * program's accessor outside any limit; a throwing setter aborted the process.
 */
const ERROR_FIELD_TRAPS = [
  `Object.defineProperty(Object.prototype, 'code', ${THROWING_GETTER});`,
  "Object.defineProperty(Object.prototype, 'code', { set(v) { throw new Error('set ' + v); }, configurable: true });",
  "Object.defineProperty(Object.prototype, 'code', { get() { for (;;) {} }, set(v) { for (;;) {} }, configurable: true });",
  "Object.defineProperty(Error.prototype, 'code', { value: 'forged', writable: false });",
  `for (const name of ['message', 'stack', 'name']) Object.defineProperty(Object.prototype, name, ${THROWING_GETTER});`,
  "Object.setPrototypeOf(Error.prototype, new Proxy({}, { get() { throw 1; }, set() { throw 2; } }));",
];

/**
 * A getter a program puts on Promise's species, armed by a job of its own after the run's last promise
 * reaction and throwing once: a backend that chains a promise of the next run outside that run's evaluation
 * (to start it) ran it there, where its throw crashed the sandbox (E2B's worker).
 */
const ARMED_SPECIES =
  "Object.defineProperty(Promise, Symbol.species, { get() { if (globalThis.armed) { globalThis.armed = false; throw new Error('species'); } return Promise; }, configurable: true });\nPromise.resolve().then(() => { globalThis.armed = true; });\nreturn 'armed';";
/** A constructor getter on Promise.prototype that always throws: promise machinery reads it everywhere. */
const THROWING_CONSTRUCTOR = `Object.defineProperty(Promise.prototype, 'constructor', ${THROWING_GETTER});\nreturn 'x';`;
/**
 * A program that closes its wrapper and throws at the script's top level a function whose conversion to
 * text is its own, or an object with a stack getter: a backend that read them outside the evaluation ran
 * them there (E2B's worker crashed on the throwing one and lost its process to the endless ones). An engine
 * whose wrapper stays unbalanced reports a syntax error.
 */
const THROWN_AT_TOP = [
  "}, 1, 1 / 0); }); throw Object.defineProperty(function () {}, 'toString', { value() { throw new Error('text'); } }); (function () { (function () {",
  "}, 1, 1 / 0); }); throw Object.defineProperty(function () {}, 'toString', { value() { for (;;) {} } }); (function () { (function () {",
  // Node decorated the stack of what a script threw, after its evaluation: it ran this getter unlimited.
  "}, 1, 1 / 0); }); throw { get stack() { for (;;) {} } }; (function () { (function () {",
];

/**
 * import() from the program's script and from code it builds from strings: each must fail with a value of
 * the program's own realm. Node rejected it with an error of the realm of E2B's worker, whose constructor's
 * constructor compiled code there (with the worker's process and require). An eval a promise reaction
 * calls directly runs with no script beneath it, so only a callback of the whole context reaches it.
 */
const IMPORTS = `const seen = [];
for (const load of [() => import('fs'), () => eval("import('fs')"), () => (0, eval)("import('fs')"), () => Function("return import('fs')")(), () => (async function () {}).constructor("return import('fs')")(), () => Promise.resolve("import('fs')").then(eval)]) {
  try { await load(); seen.push('imported'); } catch (e) { seen.push(e !== null && (typeof e === 'object' || typeof e === 'function') && !(e instanceof Object) ? 'foreign' : 'refused'); }
}
return seen;`;

/** Runs a taped program (recording) in a session of its own. */
async function taped(ctx: CaseContext, code: string): Promise<ExecutionOutcome> {
  const session = await ctx.sandbox.createSession();
  try {
    return await session.execute({ code, nondeterminism: "record" });
  } finally {
    await session.dispose();
  }
}

/**
 * Runs each program with a wall limit just over its CPU limit, which makes twice the limit a tight bound (an
 * engine that stops a program only at the wall clock, or later, fails it), then checks that no thread
 * of a local backend keeps computing: an idle host uses a few milliseconds of the next second.
 */
async function stoppedAndIdle(
  ctx: CaseContext,
  programs: string[],
  options: Pick<HostileOptions, "expect" | "check"> = {
    expect: [...STOPPED, "SANDBOX_MEMORY", "PROGRAM_ERROR"],
  },
): Promise<void> {
  const limits = { cpuTimeMs: ctx.ms(1_000), wallTimeMs: ctx.ms(1_500) };
  for (const code of programs) {
    await hostile(ctx, code, { ...options, limits });
    if (ctx.sandbox.capabilities.remote) continue;
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000, "host CPU used after the run ended (ms)").toBeLessThan(600);
  }
}

export const HOSTILE_CLASS2_CASES = {
  "hostile-index-accessors-on-prototypes": {
    title:
      "hostile: accessors on the index properties of Array.prototype and Object.prototype end returns, throws, logs, tool calls and taped runs with the program's own error, never SANDBOX_CRASHED",
    async run(ctx) {
      for (const accessor of INDEX_ACCESSORS) {
        for (const [body, codes, value] of REPORTED) {
          await hostile(ctx, `${accessor}\n${body}`, {
            expect: codes as Array<"ok">,
            check: (o) => {
              // The thrown error reaches the caller as the program threw it, a value as it was returned.
              if (body.startsWith("throw new Error")) expect(o.error?.message).toBe("thrown");
              if (body.startsWith("throw {")) expect(o.error?.message).toBe("plain");
              if (o.ok) expect(o.value).toEqual(value?.(INDEX_ACCESSORS.indexOf(accessor)));
            },
          });
        }
      }
      for (const code of INHERITED_FIELDS) {
        await hostile(ctx, code, {
          expect: "PROGRAM_ERROR",
          check: (o) => {
            expect(o.error?.message).toMatch(/Uncaught (1|str)/);
            expect(o.error?.details).toBeUndefined();
            expect(o.error?.stack ?? "").not.toContain("forged");
          },
        });
      }
      // A name read before a throwing message getter is kept.
      await hostile(
        ctx,
        "const e = new TypeError('x');\nObject.defineProperty(e, 'message', { get() { throw 1; } });\nthrow e;",
        { expect: "PROGRAM_ERROR", check: (o) => expect(o.error?.name).toBe("TypeError") },
      );
      // A getter that never ends is stopped where the report reads it.
      await hostile(
        ctx,
        "Object.defineProperty(Array.prototype, 0, { get() { for (;;) {} }, configurable: true });\nreturn [, 1];",
        {
          expect: [...STOPPED, "RESULT_NOT_SERIALIZABLE"],
        },
      );
      // A taped run writes its tape after the program: the accessor must not take the tape or the report.
      const session = await ctx.sandbox.createSession();
      try {
        const taped = await session.execute({
          code: `${INDEX_ACCESSORS[0]}\nconst t = Date.now();\nconst r = Math.random();\nreturn typeof t + typeof r;`,
          nondeterminism: "record",
        });
        expect(taped.error, JSON.stringify(taped.error)).toBeUndefined();
        expect(taped.value).toBe("numbernumber");
        expect(taped.nondeterminism?.now).toHaveLength(1);
        expect(taped.nondeterminism?.random).toHaveLength(1);
      } finally {
        await session.dispose();
      }
      // Accessors on Object.prototype: a tape field the tape does not have, and descriptor fields (an
      // inherited get would turn the data descriptors the tape is written with into accessors).
      for (const accessor of [
        `Object.defineProperty(Object.prototype, 'truncated', ${THROWING_GETTER});`,
        "Object.prototype.truncated = true;",
        "Object.prototype.get = function () {};",
      ]) {
        const outcome = await taped(
          ctx,
          `${accessor}\nreturn typeof Date.now() + typeof Math.random() + typeof new Date().getTime();`,
        );
        expect(outcome.error, `${accessor} ${JSON.stringify(outcome.error)}`).toBeUndefined();
        expect(outcome.value).toBe("numbernumbernumber");
        expect(outcome.nondeterminism?.now).toHaveLength(2);
        expect(outcome.nondeterminism?.random).toHaveLength(1);
        expect(outcome.nondeterminism?.truncated).toBeUndefined();
      }
    },
  },
  "hostile-string-spread": {
    title:
      "hostile: spreading long strings into arrays, again and again, stops at the CPU or memory limit, and no thread keeps computing after the run",
    async run(ctx) {
      await stoppedAndIdle(ctx, [
        "const s = 'a'.repeat(1 << 24);\nfor (;;) [...s].length;",
        "const s = 'ab'.repeat(1 << 21);\nlet n = 0;\nfor (;;) n += [...s, ...s].length;",
      ]);
    },
  },
  "hostile-key-walks": {
    title:
      "hostile: one call listing the keys of a long typed array or string (Object.keys, entries, getOwnPropertyNames, Reflect.ownKeys, the property maps of defineProperties and create, the sources of assign) or walking a huge String.raw template stops in time, and no thread keeps computing after the run",
    async run(ctx) {
      await stoppedAndIdle(ctx, [
        "return Object.keys(new Uint8Array(1 << 25)).length;",
        "return Object.entries(new Uint8Array(1 << 24)).length;",
        "return Object.getOwnPropertyNames('x'.repeat(1 << 25)).length;",
        "return Reflect.ownKeys(new String('x'.repeat(1 << 25))).length;",
        "return String.raw({ raw: { length: 2 ** 32 - 1 } }).length;",
        // Property maps and sources are key walks too.
        "return Object.keys(Object.defineProperties({}, 'x'.repeat(1 << 25))).length;",
        "return Object.keys(Object.create(null, new Uint8Array(1 << 25))).length;",
        "return Object.keys(Object.assign({}, {}, new Uint8Array(1 << 24))).length;",
      ]);
      // A raw getter answering a short array to the first read and a huge array-like to a second: the
      // template is read once, as plain JavaScript reads it, and the short array is what is walked.
      await stoppedAndIdle(
        ctx,
        [
          "let n = 0;\nreturn String.raw({ get raw() { return n++ ? { length: 2 ** 32 - 1 } : []; } }).length;",
        ],
        { expect: "ok", check: (o) => expect(o.value).toBe(0) },
      );
    },
  },
  "hostile-wrapped-built-ins-keep-semantics": {
    title:
      "hostile: built-ins a backend wraps to bound them (String.raw, the string iterator, key listings) keep plain JavaScript's semantics when a program reads twice, removes Reflect or pollutes Object.prototype",
    async run(ctx) {
      const cases: Array<[string, unknown]> = [
        // raw is read once: plain JavaScript walks the first answer.
        [
          "let n = 0;\nreturn String.raw({ get raw() { return n++ ? ['x', 'y', 'z'] : ['a', 'b']; } }, 1, 2);",
          "a1b",
        ],
        // An inherited get must not turn the descriptors of a wrapper's own arrays into accessors.
        [
          "Object.prototype.get = function () {};\nreturn String.raw({ raw: { length: 2, 0: 'a', 1: 'b' } }, 1, 2) + [[1, [2]], 3].flat(2).length;",
          "a1b3",
        ],
        // A wrapper uses the intrinsics it captured, not the globals the program replaced.
        ["globalThis.Reflect = undefined;\nreturn [...'ab'].join('') + Array.from('cd').join('');", "abcd"],
        // Reflect.ownKeys of a primitive is a TypeError, however long the string.
        [
          "try { Reflect.ownKeys('x'.repeat(2 ** 21)); return 'listed'; } catch (e) { return e.name; }",
          "TypeError",
        ],
      ];
      for (const [code, value] of cases) {
        await hostile(ctx, code, { expect: "ok", check: (o) => expect(o.value).toBe(value) });
      }
    },
  },
  "hostile-accessors-on-error-fields": {
    title:
      "hostile: accessors and read-only values a program puts on the code, message and stack of Object.prototype and Error.prototype leave a CPU-limited or interrupted run its own outcome, and the session's next run works",
    async run(ctx) {
      for (const trap of ERROR_FIELD_TRAPS) {
        // Stopped by the CPU limit: an engine that builds its timeout error in the program's realm sets
        // its code there.
        await hostile(ctx, `${trap}\nfor (;;) {}`, {
          expect: [...STOPPED],
          limits: { cpuTimeMs: ctx.ms(500), wallTimeMs: ctx.ms(1_000) },
        });
        // Returned with an endless chain of jobs left behind, which the backend abandons.
        await hostile(
          ctx,
          `${trap}\n(function again() { Promise.resolve().then(again); })();\nreturn 'left';`,
          {
            expect: ["ok", ...STOPPED],
            limits: { cpuTimeMs: ctx.ms(500), wallTimeMs: ctx.ms(1_000) },
            check: (o) => {
              if (o.ok) expect(o.value).toBe("left");
            },
          },
        );
      }
    },
  },
  "hostile-program-code-outside-its-evaluation": {
    title:
      "hostile: a species getter on Promise and a thrown function's toString run only inside the program's own evaluation, and import() fails with an error of the program's realm: the run gets its own outcome and the session's next run works",
    async run(ctx) {
      await hostile(ctx, ARMED_SPECIES, {
        expect: "ok",
        check: (o) => expect(o.value).toBe("armed"),
      });
      // Every run of it: a backend whose report waited on a chain that threw there waited for the wall clock.
      await hostile(ctx, THROWING_CONSTRUCTOR, { expect: ["ok", "PROGRAM_ERROR", "SANDBOX_CRASHED"] });
      await hostile(ctx, IMPORTS, {
        expect: ["ok", "PROGRAM_SYNTAX"],
        check: (o) => {
          if (o.ok) expect(o.value).toEqual(Array(6).fill("refused"));
        },
      });
      for (const code of THROWN_AT_TOP) {
        await hostile(ctx, code, {
          expect: ["PROGRAM_SYNTAX", "PROGRAM_ERROR"],
          limits: { cpuTimeMs: ctx.ms(500), wallTimeMs: ctx.ms(1_000) },
        });
      }
    },
  },
  "hostile-import-after-report": {
    title:
      "hostile: a refused import()'s reaction that a returned run left behind, importing again and looping, never runs in the session's next run",
    async run(ctx) {
      // A refused import's reaction, left behind by a run that returned, imports again and loops: it must
      // never run in the next run (which waits on a tool, giving leftover work every chance to run).
      await hostile(
        ctx,
        "import('x').catch(() => { import('y').catch(() => { for (;;) {} }); });\nreturn 'left';",
        {
          // A backend that settles the refusal before the program's report runs the loop in this run.
          expect: ["ok", "PROGRAM_SYNTAX", ...STOPPED],
          limits: { cpuTimeMs: ctx.ms(500), wallTimeMs: ctx.ms(1_000) },
          next: "await codecall.callTool('echo', { a: 1 });\nreturn 'next';",
        },
      );
    },
  },
  "hostile-unhandled-rejection-proxy-prototype": {
    title:
      "hostile: a program that leaves a rejected promise unhandled keeps its value, and one with a looping Proxy in that promise's prototype chain costs no time outside its own run: the session's next run works",
    async run(ctx) {
      // An engine's or runtime's bookkeeping of unhandled rejections may look a property up on the promise
      // after the run (Node reads its async id): the lookup reaches the program's Proxy.
      const trap = "new Proxy({}, { get() { for (;;) {} }, has() { for (;;) {} } })";
      const programs = [
        `const p = Promise.reject(new Error('x'));\nObject.setPrototypeOf(p, ${trap});\nreturn 'left';`,
        `const p = (async () => { throw 1; })();\nObject.setPrototypeOf(p, ${trap});\nreturn 'left';`,
        // Rejected by a job the run leaves behind, after its report.
        `Promise.resolve().then(() => Object.setPrototypeOf(Promise.reject(2), ${trap}));\nreturn 'left';`,
        `Object.setPrototypeOf(Promise.prototype, ${trap});\n(async () => { throw 1; })();\nreturn 'left';`,
      ];
      // Plain JavaScript keeps a program's value when it leaves a rejection unhandled (isolated-vm itself
      // rejects such a run with the rejection's reason).
      for (const code of [
        "Promise.reject(new Error('x'));\nreturn 'left';",
        "(async () => { await null; throw new Error('y'); })();\nawait codecall.callTool('echo', { a: 1 });\nreturn 'left';",
      ]) {
        await hostile(ctx, code, { expect: "ok", check: (o) => expect(o.value).toBe("left") });
      }
      // Left a rejection, then reaches its memory limit: that limit's error, not the wall clock's.
      await hostile(
        ctx,
        "Promise.reject(new Error('x'));\nawait codecall.callTool('echo', { a: 1 });\nconst a = [];\nfor (;;) a.push({ s: 'x'.repeat(64) + a.length });",
        {
          expect: ctx.sandbox.capabilities.memoryLimit ? ["SANDBOX_MEMORY"] : ["SANDBOX_MEMORY", ...STOPPED],
          limits: { memoryBytes: 32 * MiB, cpuTimeMs: ctx.ms(10_000), wallTimeMs: ctx.ms(10_000) },
        },
      );
      for (const code of programs) {
        await hostile(ctx, code, {
          // A backend may look the promise up inside the run, where its limit holds.
          expect: ["ok", ...STOPPED],
          limits: { cpuTimeMs: ctx.ms(500), wallTimeMs: ctx.ms(1_000) },
          next: "await codecall.callTool('echo', { a: 1 });\nreturn 'next';",
        });
      }
    },
  },
} satisfies Record<string, ConformanceCase>;
