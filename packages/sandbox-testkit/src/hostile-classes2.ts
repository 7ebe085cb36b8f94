/**
 * The third part of the adversarial kit: classes of attack the first two parts do not hold, found by a
 * third red team against every backend. Each runs through {@link hostile}, so each also checks the host's
 * globals, memory, event loop and the next execution.
 */
import { expect } from "vitest";
import type { CaseContext, ConformanceCase } from "./cases.js";
import { hostile } from "./hostile.js";

const STOPPED = ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"] as const;

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
/** What a program does after installing them: every way a value reaches the prelude's report. */
const REPORTED: Array<[string, Array<string>]> = [
  ["return { list: [1, 2], nested: { a: [3] } };", ["ok", "RESULT_NOT_SERIALIZABLE"]],
  ["throw new Error('thrown');", ["PROGRAM_ERROR"]],
  ["throw { message: 'plain', list: [1] };", ["PROGRAM_ERROR"]],
  ["console.log('a', { b: [1] }, [2]);\nreturn 'logged';", ["ok", "PROGRAM_ERROR"]],
  ["return await codecall.callTool('echo', { list: [1, 2] });", ["ok", "PROGRAM_ERROR"]],
  ["return [, 1];", ["ok", "RESULT_NOT_SERIALIZABLE"]],
];

/**
 * Runs each program with a wall limit just over its CPU limit, which makes twice the limit a tight bound (an
 * engine that stops a program only at the wall clock, or later, fails it), then checks that no thread
 * of a local backend keeps computing: an idle host uses a few milliseconds of the next second.
 */
async function stoppedAndIdle(ctx: CaseContext, programs: string[]): Promise<void> {
  const limits = { cpuTimeMs: ctx.ms(1_000), wallTimeMs: ctx.ms(1_500) };
  for (const code of programs) {
    await hostile(ctx, code, { expect: [...STOPPED, "SANDBOX_MEMORY", "PROGRAM_ERROR"], limits });
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
        for (const [body, codes] of REPORTED) {
          await hostile(ctx, `${accessor}\n${body}`, {
            expect: codes as Array<"ok">,
            check: (o) => {
              // The thrown error reaches the caller as the program threw it.
              if (body.startsWith("throw new Error")) expect(o.error?.message).toBe("thrown");
              if (body.startsWith("throw {")) expect(o.error?.message).toBe("plain");
            },
          });
        }
      }
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
      "hostile: one call listing the keys of a long typed array or string (Object.keys, entries, getOwnPropertyNames, Reflect.ownKeys) or walking a huge String.raw template stops in time, and no thread keeps computing after the run",
    async run(ctx) {
      await stoppedAndIdle(ctx, [
        "return Object.keys(new Uint8Array(1 << 25)).length;",
        "return Object.entries(new Uint8Array(1 << 24)).length;",
        "return Object.getOwnPropertyNames('x'.repeat(1 << 25)).length;",
        "return Reflect.ownKeys(new String('x'.repeat(1 << 25))).length;",
        "return String.raw({ raw: { length: 2 ** 32 - 1 } }).length;",
      ]);
    },
  },
} satisfies Record<string, ConformanceCase>;
