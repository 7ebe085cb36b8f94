import type {
  ErrorCode,
  ExecuteRequest,
  ExecutionLimits,
  ExecutionOutcome,
  Sandbox,
  SandboxSession,
} from "@codecall/sandbox";
import { expect } from "vitest";
import { HOSTILE_CASES } from "./hostile.js";
import { HOSTILE_CLASS_CASES } from "./hostile-classes.js";
import { HOSTILE_CLASS2_CASES } from "./hostile-classes2.js";
import { HOSTILE_CLASS3_CASES } from "./hostile-classes3.js";
import { HOSTILE_CLASS4_CASES } from "./hostile-classes4.js";
import { HOSTILE_CLASS5_CASES } from "./hostile-classes5.js";
import { conformanceTools, LONG_STRING_KINDS, longString, sleep, type ToolProbe } from "./tools.js";

/** What every case receives. */
export interface CaseContext {
  /** The backend under test, shared by the cases of one suite. */
  sandbox: Sandbox;
  /** Makes another sandbox of the same backend (closed by the case). */
  create(): Promise<Sandbox>;
  /** Scales a time limit by the suite's `timeScale`. */
  ms(value: number): number;
}

/** One conformance case. */
export interface ConformanceCase {
  title: string;
  run(ctx: CaseContext): Promise<void>;
}

/** The base time limit of limit cases: large enough that scheduling noise on a loaded machine cannot flake. */
const LIMIT_MS = 500;
const MiB = 1024 * 1024;

type RunOptions = Omit<ExecuteRequest, "code" | "tools"> & { probe?: (probe: ToolProbe) => void };

/** Runs `code` with the conformance tools; checks the outcome is well-formed. */
async function run(
  target: Sandbox | SandboxSession,
  code: string,
  options: RunOptions = {},
): Promise<ExecutionOutcome> {
  const { tools, probe } = conformanceTools();
  const { probe: onProbe, ...request } = options;
  const outcome = await target.execute({ ...request, code, tools });
  onProbe?.(probe);
  expectWellFormed(outcome);
  return outcome;
}

/** Runs `code`, expecting success, and returns its value. */
async function value(
  target: Sandbox | SandboxSession,
  code: string,
  options: RunOptions = {},
): Promise<unknown> {
  const outcome = await run(target, code, options);
  if (!outcome.ok) throw new Error(`Expected success, got ${JSON.stringify(outcome.error)}`);
  return outcome.value;
}

function expectWellFormed(outcome: ExecutionOutcome): void {
  expect(typeof outcome.ok).toBe("boolean");
  expect(Array.isArray(outcome.logs)).toBe(true);
  expect(Array.isArray(outcome.toolCalls)).toBe(true);
  expect(typeof outcome.stats.wallMs).toBe("number");
  expect(JSON.parse(JSON.stringify(outcome))).toEqual(JSON.parse(JSON.stringify(outcome)));
  if (!outcome.ok) {
    expect(outcome.error?.code).toBeTypeOf("string");
    expect(outcome.error?.message).toBeTypeOf("string");
    expect(outcome).not.toHaveProperty("value");
  }
}

function expectError(outcome: ExecutionOutcome, code: ErrorCode | ErrorCode[]): void {
  const codes = Array.isArray(code) ? code : [code];
  if (outcome.ok || !codes.includes(outcome.error!.code)) {
    throw new Error(
      `Expected error ${codes.join(" or ")}, got ${JSON.stringify(outcome.ok ? { value: outcome.value } : outcome.error)}`,
    );
  }
}

/**
 * Runs a program that must hit a limit in a warm session, checks its error code and that it stopped within
 * twice `limitMs`, then checks the same session and the sandbox both run the next program.
 */
async function expectLimit(
  ctx: CaseContext,
  code: string,
  limits: Partial<ExecutionLimits>,
  expected: ErrorCode | ErrorCode[],
  limitMs: number,
): Promise<ExecutionOutcome> {
  const session = await ctx.sandbox.createSession();
  try {
    expect(await value(session, "return 1")).toBe(1);
    const t0 = performance.now();
    const outcome = await run(session, code, { limits });
    const elapsed = performance.now() - t0;
    expectError(outcome, expected);
    expect(elapsed, `stopped after ${Math.round(elapsed)} ms; the limit is ${limitMs} ms`).toBeLessThan(
      2 * limitMs,
    );
    expect(await value(session, "return 'next'")).toBe("next");
    expect(await value(ctx.sandbox, "return 'fresh'")).toBe("fresh");
    return outcome;
  } finally {
    await session.dispose();
  }
}

/** Runs a memory-hungry program: it must end with SANDBOX_MEMORY (when the backend claims a limit) without growing the host. */
async function expectMemoryLimit(ctx: CaseContext, code: string): Promise<void> {
  const memoryBytes = 32 * MiB;
  const wallTimeMs = ctx.ms(20_000);
  const rssBefore = process.memoryUsage().rss;
  const outcome = await run(ctx.sandbox, code, {
    limits: { memoryBytes, cpuTimeMs: wallTimeMs, wallTimeMs },
  });
  const rssGrowth = process.memoryUsage().rss - rssBefore;
  expectError(
    outcome,
    ctx.sandbox.capabilities.memoryLimit
      ? "SANDBOX_MEMORY"
      : ["SANDBOX_MEMORY", "SANDBOX_CRASHED", "SANDBOX_TIMEOUT"],
  );
  if (outcome.stats.peakMemoryBytes !== undefined)
    expect(outcome.stats.peakMemoryBytes).toBeLessThanOrEqual(2 * memoryBytes);
  // The host must not pay for the program's appetite (the patterns once grew a process to 2 GB).
  expect(rssGrowth, `host RSS grew by ${Math.round(rssGrowth / MiB)} MiB`).toBeLessThan(
    8 * memoryBytes + 64 * MiB,
  );
  expect(await value(ctx.sandbox, "return [1, 2].length")).toBe(2);
}

/** Every case, keyed by its stable id. */
export const CASES = {
  // ── Values ────────────────────────────────────────────────────────────────
  "return-json-types": {
    title: "returns every JSON type",
    async run({ sandbox }) {
      const values: unknown[] = [
        null,
        true,
        false,
        0,
        -1.5,
        1e308,
        "",
        "text",
        [],
        {},
        [1, "a", null, [2]],
        { a: { b: [true] } },
      ];
      for (const v of values) expect(await value(sandbox, `return ${JSON.stringify(v)};`)).toEqual(v);
    },
  },
  "return-undefined": {
    title: "returning undefined (or nothing) gives ok with no value",
    async run({ sandbox }) {
      for (const code of ["return undefined;", "const a = 1;", "return;"]) {
        const outcome = await run(sandbox, code);
        expect(outcome.ok).toBe(true);
        expect(outcome).not.toHaveProperty("value");
      }
    },
  },
  "return-json-coercions": {
    title: "return values follow JSON.stringify (NaN, Date, undefined members)",
    async run({ sandbox }) {
      expect(await value(sandbox, "return NaN")).toBeNull();
      expect(await value(sandbox, "return { a: undefined, b: 1, c: () => 1 }")).toEqual({ b: 1 });
      expect(await value(sandbox, "return new Date(0)")).toBe("1970-01-01T00:00:00.000Z");
      expect(await value(sandbox, "return { toJSON() { return 'custom'; } }")).toBe("custom");
    },
  },
  "return-strings-unicode": {
    title: "strings survive the boundary (non-BMP, NUL, line separators, lone surrogates)",
    async run({ sandbox }) {
      const text = '☃ 😀 \u0000 \u2028 \u2029 " \\ \n é';
      expect(await value(sandbox, `return ${JSON.stringify(text)}`)).toBe(text);
      expect(
        await value(sandbox, `return await codecall.callTool("echo", ${JSON.stringify({ text })})`),
      ).toEqual({ text });
      expect(await value(sandbox, `return "\\ud800".length`)).toBe(1);
      expect(await value(sandbox, `return "a\\ud800b"`)).toBe("a\ud800b");
    },
  },
  "return-without-await": {
    title:
      "a program without await behaves as an async function body (returned promises and thenables adopted)",
    async run({ sandbox }) {
      // Core runs a program that never says `await` as a plain function; what it returns must not change.
      expect(await value(sandbox, "return codecall.callTool('echo', { a: 1 });")).toEqual({ a: 1 });
      expect(await value(sandbox, "return Promise.resolve(2).then((x) => x * 3);")).toBe(6);
      expect(
        await value(sandbox, "let reads = 0;\nreturn { get then() { reads++; return (ok) => ok(reads); } };"),
        "then is read once, as an async function's return reads it",
      ).toBe(1);
      // biome-ignore lint/suspicious/noThenProperty: a value whose then is not callable is returned as is.
      expect(await value(sandbox, "return { then: 1, b: 2 };")).toEqual({ then: 1, b: 2 });
      const rejected = await run(sandbox, "return Promise.reject(new TypeError('nope'));");
      expect(rejected.error).toMatchObject({ code: "PROGRAM_ERROR", name: "TypeError", message: "nope" });
      const notAPromise = await run(sandbox, "return Object.create(Promise.prototype);");
      expect(notAPromise.error).toMatchObject({ code: "PROGRAM_ERROR", name: "TypeError" });
      const badThen = await run(sandbox, "return { get then() { throw new RangeError('no then'); } };");
      expect(badThen.error).toMatchObject({ code: "PROGRAM_ERROR", name: "RangeError", message: "no then" });
      const thrown = await run(sandbox, "const a = 1;\nthrow new Error('sync ' + a);");
      expect(thrown.error).toMatchObject({ code: "PROGRAM_ERROR", message: "sync 1", line: 2 });
      // The word in a comment or a string takes the async path; the result is the same.
      expect(await value(sandbox, "// await nothing\nreturn 'await';")).toBe("await");
    },
  },
  "return-not-serializable": {
    title: "a return value JSON cannot encode gives RESULT_NOT_SERIALIZABLE",
    async run({ sandbox }) {
      for (const code of [
        "const a = {}; a.self = a; return a;",
        "return 10n;",
        "return { toJSON() { throw new Error('no'); } };",
      ]) {
        expectError(await run(sandbox, code), "RESULT_NOT_SERIALIZABLE");
      }
      const fn = await run(sandbox, "return () => 1;");
      expect(fn.ok ? fn : fn.error?.code, "a function is not a value").toBe("RESULT_NOT_SERIALIZABLE");
    },
  },

  // ── Errors ────────────────────────────────────────────────────────────────
  "error-message-and-line": {
    title: "a thrown error keeps its name, message and the program's own line",
    async run({ sandbox }) {
      const outcome = await run(sandbox, "const a = 1;\nconst b = 2;\nthrow new Error('boom ' + (a + b));");
      expectError(outcome, "PROGRAM_ERROR");
      expect(outcome.error).toMatchObject({ name: "Error", message: "boom 3", line: 3 });
      const typeError = await run(
        sandbox,
        "const o = null;\n\nfunction f() {\n  return o.x;\n}\nreturn f();",
      );
      expect(typeError.error).toMatchObject({ code: "PROGRAM_ERROR", name: "TypeError", line: 4 });
      expect(typeError.error?.stack ?? "").not.toContain("codecall-prelude");
    },
  },
  "error-after-await-line": {
    title: "an error thrown after an await keeps the program's line",
    async run({ sandbox }) {
      const outcome = await run(
        sandbox,
        "await codecall.callTool('noop');\nawait null;\n\nthrow new RangeError('late');",
      );
      expect(outcome.error).toMatchObject({
        code: "PROGRAM_ERROR",
        name: "RangeError",
        message: "late",
        line: 4,
      });
    },
  },
  "error-non-error-values": {
    title: "throwing a non-Error value is reported, not lost",
    async run({ sandbox }) {
      for (const [code, text] of [
        ["throw 'plain string';", "plain string"],
        ["throw { reason: 42 };", "42"],
        ["throw null;", "null"],
        ["throw undefined;", "undefined"],
      ] as const) {
        const outcome = await run(sandbox, code);
        expectError(outcome, "PROGRAM_ERROR");
        expect(JSON.stringify(outcome.error)).toContain(text);
      }
    },
  },
  "error-syntax": {
    title: "a syntax error gives PROGRAM_SYNTAX with the program's line",
    async run({ sandbox }) {
      const outcome = await run(sandbox, "const a = 1;\nconst b = ;\nreturn a;");
      expectError(outcome, "PROGRAM_SYNTAX");
      expect(outcome.error?.line).toBe(2);
    },
  },
  "error-stack-overflow": {
    title: "unbounded recursion is a program error and the sandbox keeps working",
    async run({ sandbox }) {
      const session = await sandbox.createSession();
      try {
        const outcome = await run(session, "function f(n) { return f(n + 1) + 1; }\nreturn f(0);");
        expectError(outcome, "PROGRAM_ERROR");
        expect(await value(session, "return 'alive'")).toBe("alive");
      } finally {
        await session.dispose();
      }
    },
  },
  "logs-kept-on-error": {
    title: "logs written before an error are kept",
    async run({ sandbox }) {
      const outcome = await run(sandbox, "console.log('before');\nthrow new Error('x');");
      expect(outcome.logs).toEqual([{ level: "log", message: "before" }]);
    },
  },

  // ── Console ───────────────────────────────────────────────────────────────
  "console-order-and-levels": {
    title: "console.log/info/warn/error/debug are captured in order with their levels",
    async run({ sandbox }) {
      const outcome = await run(
        sandbox,
        "console.log('one', 1, { b: [2] });\nconsole.warn('two');\nawait codecall.callTool('noop');\nconsole.error('three', null, undefined, true);\nconsole.info('four');\nconsole.debug('five');\nconsole.log();",
      );
      expect(outcome.ok).toBe(true);
      expect(outcome.logs).toEqual([
        { level: "log", message: 'one 1 {"b":[2]}' },
        { level: "warn", message: "two" },
        { level: "error", message: "three null undefined true" },
        { level: "info", message: "four" },
        { level: "debug", message: "five" },
        { level: "log", message: "" },
      ]);
    },
  },
  "console-odd-values": {
    title: "console formats values JSON cannot encode without failing",
    async run({ sandbox }) {
      const outcome = await run(
        sandbox,
        "const c = {}; c.c = c;\nconsole.log(c, 5n, function named() {}, Symbol('s'), new Error('e').message);\nreturn 1;",
      );
      expect(outcome.ok).toBe(true);
      expect(outcome.logs).toHaveLength(1);
      expect(outcome.logs[0]!.message).toContain("5n");
      expect(outcome.logs[0]!.message).toContain("named");
    },
  },

  // ── Tools ─────────────────────────────────────────────────────────────────
  "tool-sequential": {
    title: "sequential async tool calls pass JSON arguments and results",
    async run({ sandbox }) {
      let probe: ToolProbe | undefined;
      const outcome = await run(
        sandbox,
        "const a = await codecall.callTool('add', { a: 1, b: 2 });\nconst b = await codecall.callTool('add', { a, b: 3 });\nconst e = await codecall.callTool('echo', { nested: { list: [1, 'x', null, true] } });\nconst n = await codecall.callTool('noop');\nreturn { b, e, n: n === undefined };",
        { probe: (p) => (probe = p) },
      );
      expect(outcome.value).toEqual({ b: 6, e: { nested: { list: [1, "x", null, true] } }, n: true });
      expect(outcome.toolCalls.map((c) => [c.name, c.ok])).toEqual([
        ["add", true],
        ["add", true],
        ["echo", true],
        ["noop", true],
      ]);
      expect(outcome.stats.toolCalls).toBe(4);
      expect(probe!.calls[0]).toEqual({ name: "add", args: { a: 1, b: 2 } });
      expect(probe!.calls[3]).toEqual({ name: "noop", args: undefined });
      // What reaches the host is plain host data, never a sandbox object.
      expect(Object.getPrototypeOf(probe!.calls[2]!.args)).toBe(Object.prototype);
    },
  },
  "tool-parallel-100": {
    title: "100 tool calls in parallel with Promise.all overlap and keep their order",
    async run({ sandbox }) {
      let probe: ToolProbe | undefined;
      const outcome = await run(
        sandbox,
        // Every call waits until all 100 are in flight, and they answer in reverse order.
        "const ids = Array.from({ length: 100 }, (_, i) => i);\nreturn await Promise.all(ids.map((i) => codecall.callTool('gather', { count: 100, value: i })));",
        { probe: (p) => (probe = p) },
      );
      expect(outcome.value).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(outcome.toolCalls).toHaveLength(100);
      expect(probe!.maxInFlight, "calls must overlap, not run one at a time").toBe(100);
    },
  },
  "tool-error-catchable": {
    title: "a failing tool raises a catchable error with its message and code",
    async run({ sandbox }) {
      const outcome = await run(
        sandbox,
        "try {\n  await codecall.callTool('fail', { message: 'disk full' });\n  return 'no error';\n} catch (e) {\n  return { isError: e instanceof Error, name: e.name, message: e.message, code: e.code, tool: e.tool };\n}",
      );
      expect(outcome.value).toEqual({
        isError: true,
        name: "ToolError",
        message: "disk full",
        code: "TOOL_FAILED",
        tool: "fail",
      });
      expect(outcome.toolCalls).toEqual([
        expect.objectContaining({ name: "fail", ok: false, error: "TOOL_FAILED" }),
      ]);
      const coded = await value(
        sandbox,
        "try { await codecall.callTool('fail', { message: 'denied', code: 'POLICY_DENIED' }); } catch (e) { return e.code; }",
      );
      expect(coded).toBe("POLICY_DENIED");
      const unknown = await value(
        sandbox,
        "try { await codecall.callTool('no_such_tool'); } catch (e) { return e.code; }",
      );
      expect(unknown).toBe("TOOL_NOT_FOUND");
    },
  },
  "tool-error-uncaught": {
    title: "an uncaught tool error ends the program with the tool's code, message and the program's line",
    async run({ sandbox }) {
      const outcome = await run(
        sandbox,
        "const x = 1;\nawait codecall.callTool('fail', { message: 'upstream broke' });",
      );
      expect(outcome.error).toMatchObject({
        code: "TOOL_FAILED",
        message: "upstream broke",
        details: { tool: "fail" },
      });
    },
  },
  "tool-result-too-large": {
    title: "a tool result over maxToolResultBytes is refused with TOOL_RESULT_TOO_LARGE",
    async run({ sandbox }) {
      const limits = { maxToolResultBytes: 10_000 };
      const caught = await value(
        sandbox,
        "try { await codecall.callTool('big', { bytes: 20000 }); return 'accepted'; } catch (e) { return e.code; }",
        { limits },
      );
      expect(caught).toBe("TOOL_RESULT_TOO_LARGE");
      expect(
        await value(sandbox, "return (await codecall.callTool('big', { bytes: 9000 })).length", { limits }),
      ).toBe(8998);
      expectError(
        await run(sandbox, "await codecall.callTool('big', { bytes: 20000 });", { limits }),
        "TOOL_RESULT_TOO_LARGE",
      );
    },
  },
  "tool-result-long-strings": {
    title:
      "long string results of every kind reach the program unchanged (JSON text, reply look-alikes, escapes, NUL, lone surrogates), held to maxToolResultBytes by their JSON's bytes",
    async run({ sandbox }) {
      const read = `let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0; return [typeof s, s.length, h];`;
      for (const kind of LONG_STRING_KINDS) {
        const s = longString(kind);
        let h = 0;
        for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
        const code = `const s = await codecall.callTool("long", { kind: ${JSON.stringify(kind)} }); ${read}`;
        // At exactly its JSON's bytes it is let through; one byte less, refused.
        const jsonBytes = new TextEncoder().encode(JSON.stringify(s)).byteLength;
        const limits = { maxToolResultBytes: jsonBytes };
        expect([kind, await value(sandbox, code, { limits })]).toEqual([kind, ["string", s.length, h]]);
        const refused = await run(sandbox, code, { limits: { maxToolResultBytes: jsonBytes - 1 } });
        expect([kind, refused.error?.code]).toEqual([kind, "TOOL_RESULT_TOO_LARGE"]);
      }
    },
  },
  "tool-args-too-large": {
    title: "tool arguments over maxToolArgsBytes are refused with TOOL_ARGS_TOO_LARGE",
    async run({ sandbox }) {
      const code =
        "try { await codecall.callTool('echo', { s: 'x'.repeat(50000) }); return 'sent'; } catch (e) { return e.code; }";
      expect(await value(sandbox, code, { limits: { maxToolArgsBytes: 10_000 } })).toBe(
        "TOOL_ARGS_TOO_LARGE",
      );
    },
  },
  "tool-refusals-counted": {
    title:
      "calls refused before they reach a tool (arguments over maxToolArgsBytes, too many in flight, a name too long) count toward maxToolCalls and leave a record with their error code",
    async run({ sandbox }) {
      const limits = { maxToolArgsBytes: 10_000, maxToolCalls: 20 };
      // One of each refusal, then a call that works: each is counted and recorded.
      const outcome = await run(
        sandbox,
        `const codes = [];
const code = (p) => p.then(() => "ok", (e) => e.code);
codes.push(await code(codecall.callTool("echo", { s: "x".repeat(50000) })));
const slow = Array.from({ length: 5 }, () => code(codecall.callTool("delay", { ms: 50, s: "y".repeat(9000) })));
codes.push(...(await Promise.all(slow)));
codes.push(await code(codecall.callTool("n".repeat(5000))));
codes.push(await code(codecall.callTool("echo", { n: 1 })));
return codes;`,
        { limits },
      );
      expect(outcome.value).toEqual([
        "TOOL_ARGS_TOO_LARGE",
        "ok",
        "ok",
        "ok",
        "ok",
        "TOOL_ARGS_TOO_LARGE",
        "TOOL_NOT_FOUND",
        "ok",
      ]);
      expect(outcome.stats.toolCalls).toBe(8);
      const records = outcome.toolCalls.map((r) => [r.name.slice(0, 4), r.error ?? "ok"]);
      expect(records.filter(([, error]) => error !== "ok")).toEqual([
        ["echo", "TOOL_ARGS_TOO_LARGE"],
        ["dela", "TOOL_ARGS_TOO_LARGE"],
        ["nnnn", "TOOL_NOT_FOUND"],
      ]);
      expect(outcome.toolCalls).toHaveLength(8);
      expect(JSON.stringify(outcome.toolCalls).length).toBeLessThan(2_000);
      // A loop of oversized calls, each refused and caught, ends at the call limit.
      const flood = await run(
        sandbox,
        'const big = "x".repeat(50000);\nfor (;;) { try { await codecall.callTool("echo", { big }); } catch (e) {} }',
        { limits: { ...limits, cpuTimeMs: 5_000, wallTimeMs: 10_000 } },
      );
      expectError(flood, "TOOL_CALL_LIMIT");
      expect(flood.toolCalls.length).toBeLessThanOrEqual(limits.maxToolCalls);
    },
  },
  "tool-non-json-args": {
    title: "tool arguments JSON cannot encode (cycles, BigInt, functions) give a clean, catchable error",
    async run({ sandbox }) {
      let probe: ToolProbe | undefined;
      const outcome = await run(
        sandbox,
        `const out = [];
const c = {}; c.c = c;
for (const args of [c, { n: 1n }, { f() {} }, () => 1, [Symbol("s")]]) {
  try { await codecall.callTool("echo", args); out.push("sent"); }
  catch (e) { out.push(e instanceof TypeError ? "TypeError" : String(e && e.name)); }
}
return out;`,
        { probe: (p) => (probe = p) },
      );
      expect(outcome.value).toEqual(["TypeError", "TypeError", "TypeError", "TypeError", "TypeError"]);
      expect(probe!.calls).toHaveLength(0);
    },
  },
  "tool-non-json-result": {
    title: "a tool result JSON cannot encode fails that call, catchably",
    async run({ sandbox }) {
      expect(
        await value(
          sandbox,
          "try { await codecall.callTool('cyclic'); return 'ok'; } catch (e) { return e.code; }",
        ),
      ).toBe("TOOL_FAILED");
    },
  },
  "tool-name-not-string": {
    title: "a tool name that is not a string is a TypeError in the program",
    async run({ sandbox }) {
      expect(
        await value(
          sandbox,
          "try { await codecall.callTool({ toString() { return 'echo'; } }); return 'called'; } catch (e) { return e.name; }",
        ),
      ).toBe("TypeError");
    },
  },
  "tool-dangling-call": {
    title: "a tool call still pending when the program returns is dropped safely",
    async run({ sandbox }) {
      const session = await sandbox.createSession();
      try {
        const first = await run(
          session,
          "codecall.callTool('delay', { ms: 30 }).then(() => console.log('late'));\nreturn 'early';",
        );
        expect(first.value).toBe("early");
        await sleep(80);
        const second = await run(session, "await codecall.callTool('delay', { ms: 40 });\nreturn 'second';");
        expect(second.value).toBe("second");
        expect(second.logs.map((l) => l.message)).not.toContain("late");
        // A fresh execution whose context is disposed while its call is in flight.
        expect(await value(sandbox, "codecall.callTool('delay', { ms: 20 }); return 1;")).toBe(1);
        await sleep(50);
        expect(await value(sandbox, "return 2")).toBe(2);
      } finally {
        await session.dispose();
      }
    },
  },

  // ── Limits ────────────────────────────────────────────────────────────────
  "limit-cpu-sync-loop": {
    title: "a synchronous endless loop is stopped with SANDBOX_CPU_LIMIT",
    async run(ctx) {
      const cpuTimeMs = ctx.ms(LIMIT_MS);
      const expected = ctx.sandbox.capabilities.cpuTimeLimit ? "SANDBOX_CPU_LIMIT" : "SANDBOX_TIMEOUT";
      const limits = ctx.sandbox.capabilities.cpuTimeLimit
        ? { cpuTimeMs, wallTimeMs: ctx.ms(20_000) }
        : { cpuTimeMs, wallTimeMs: cpuTimeMs };
      await expectLimit(ctx, "let i = 0;\nwhile (true) { i++; }", limits, expected, cpuTimeMs);
    },
  },
  "limit-loop-after-await": {
    title: "a loop after awaiting a tool is stopped (CPU or wall limit)",
    async run(ctx) {
      const limitMs = ctx.ms(LIMIT_MS);
      await expectLimit(
        ctx,
        "await codecall.callTool('noop');\nfor (;;) {}",
        { cpuTimeMs: limitMs, wallTimeMs: limitMs },
        ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"],
        limitMs,
      );
    },
  },
  "limit-microtask-loop-after-return": {
    title: "a loop queued in a microtask after the program returns is stopped too",
    async run(ctx) {
      const limitMs = ctx.ms(LIMIT_MS);
      const session = await ctx.sandbox.createSession();
      try {
        const t0 = performance.now();
        const outcome = await run(session, "Promise.resolve().then(() => { for (;;) {} });\nreturn 1;", {
          limits: { cpuTimeMs: limitMs, wallTimeMs: limitMs },
        });
        expect(performance.now() - t0).toBeLessThan(2 * limitMs);
        if (!outcome.ok) expectError(outcome, ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"]);
        expect(await value(session, "return 'next'")).toBe("next");
      } finally {
        await session.dispose();
      }
    },
  },
  "limit-never-settles": {
    title: "a promise that never settles ends with SANDBOX_TIMEOUT",
    async run(ctx) {
      const wallTimeMs = ctx.ms(LIMIT_MS);
      await expectLimit(ctx, "await new Promise(() => {});", { wallTimeMs }, "SANDBOX_TIMEOUT", wallTimeMs);
    },
  },
  "limit-tool-never-answers": {
    title: "waiting on a tool counts against the wall clock (SANDBOX_TIMEOUT)",
    async run(ctx) {
      const wallTimeMs = ctx.ms(LIMIT_MS);
      await expectLimit(
        ctx,
        "await codecall.callTool('never');",
        { wallTimeMs },
        "SANDBOX_TIMEOUT",
        wallTimeMs,
      );
    },
  },
  "limit-wall-clock-paused": {
    title:
      "a tool call that pauses the wall clock (an approval) may wait past the limit; the clock then runs again",
    async run(ctx) {
      const wallTimeMs = ctx.ms(LIMIT_MS);
      const tools: ExecuteRequest["tools"] = async (call, context) => {
        if (call.name !== "approve") return "quick";
        const resume = context.pauseClock?.();
        expect(resume, "createSandbox gives tool handlers pauseClock").toBeTypeOf("function");
        await sleep(wallTimeMs * 3);
        resume?.();
        return "approved";
      };
      const waited = await ctx.sandbox.execute({
        code: "const a = await codecall.callTool('approve'); let n = 0; for (let i = 0; i < 1000; i++) n += i; return [a, await codecall.callTool('quick'), n];",
        tools,
        limits: { wallTimeMs },
      });
      expectWellFormed(waited);
      expect(waited.error).toBeUndefined();
      expect(waited.value).toEqual(["approved", "quick", 499500]);
      // After the pause the clock runs again: a program that then never settles still times out.
      const stuck = await ctx.sandbox.execute({
        code: "await codecall.callTool('approve'); await new Promise(() => {});",
        tools,
        limits: { wallTimeMs },
      });
      expectWellFormed(stuck);
      expectError(stuck, "SANDBOX_TIMEOUT");
    },
  },
  "limit-memory-arrays": {
    title: "memory growth by pushing arrays of doubles ends with SANDBOX_MEMORY",
    async run(ctx) {
      await expectMemoryLimit(ctx, "const keep = [];\nfor (;;) keep.push(new Array(10000).fill(1.5));");
    },
  },
  "limit-memory-strings": {
    title: "memory growth by pushing 1 MB strings ends with SANDBOX_MEMORY",
    async run(ctx) {
      await expectMemoryLimit(
        ctx,
        "const keep = [];\nfor (let i = 0; ; i++) keep.push('x'.repeat(1 << 20) + i);",
      );
    },
  },
  "limit-memory-caught": {
    title: "a program that catches out-of-memory errors and keeps allocating still ends with SANDBOX_MEMORY",
    async run(ctx) {
      await expectMemoryLimit(
        ctx,
        "const keep = [];\nfor (;;) { try { keep.push(new Array(100000).fill(2.5)); } catch (e) { keep.length = keep.length; } }",
      );
    },
  },
  "limit-memory-garbage": {
    title:
      "a program that allocates many times its memory limit in short-lived objects, cycles and strings, holding little at once, completes",
    async run(ctx) {
      // About 20 times the limit allocated in all, at most some 10 MiB of it live: a memory limit bounds what
      // a program holds, not what its engine has yet to collect (a limit read from the process's resident
      // memory counts garbage too, and stopped this program on one backend). Every tenth row points to
      // itself: garbage that reference counting alone never frees.
      const code = `let n = 0;
for (let i = 0; i < 60; i++) {
  const rows = new Array(100000).fill(0).map((_, j) => ({ j, name: "row " + j }));
  for (let j = 0; j < rows.length; j += 10) rows[j].self = rows[j];
  n += rows.length + rows[rows.length - 1].name.length;
}
return n;`;
      const outcome = await run(ctx.sandbox, code, {
        limits: { memoryBytes: 64 * MiB, cpuTimeMs: ctx.ms(20_000), wallTimeMs: ctx.ms(30_000) },
      });
      expect(outcome.ok, JSON.stringify(outcome.error)).toBe(true);
      expect(outcome.value).toBe(60 * (100000 + "row 99999".length));
    },
  },
  "limit-memory-single-allocation": {
    title: "one allocation far over the memory limit is refused",
    async run({ sandbox }) {
      for (const alloc of [
        "new ArrayBuffer(1024 * 1024 * 1024)",
        "'x'.repeat(2 ** 29)",
        "new Array(2 ** 27).fill(0)",
      ]) {
        const outcome = await run(
          sandbox,
          `try { const big = ${alloc}; return 'allocated ' + (big.length ?? big.byteLength); } catch (e) { return 'refused'; }`,
          {
            limits: { memoryBytes: 32 * MiB },
          },
        );
        if (outcome.ok) expect(outcome.value, alloc).toBe("refused");
        else expectError(outcome, "SANDBOX_MEMORY");
      }
      expect(await value(sandbox, "return 'alive'")).toBe("alive");
    },
  },
  "limit-output-return": {
    title: "a return value over maxOutputBytes ends with SANDBOX_OUTPUT_LIMIT",
    async run(ctx) {
      await expectLimit(
        ctx,
        "return 'x'.repeat(50000);",
        { maxOutputBytes: 10_000 },
        "SANDBOX_OUTPUT_LIMIT",
        ctx.ms(LIMIT_MS),
      );
    },
  },
  "limit-output-return-large": {
    title:
      "a string return value too large to copy twice within the memory limit ends with SANDBOX_OUTPUT_LIMIT, not SANDBOX_MEMORY",
    async run(ctx) {
      // 50 MB of text at 128 MiB: the string, its JSON and the report around it do not all fit, so the
      // runner must refuse it by its length before serialising it.
      await expectLimit(
        ctx,
        "return 'x'.repeat(50_000_000);",
        { memoryBytes: 128 * MiB, cpuTimeMs: ctx.ms(10_000), wallTimeMs: ctx.ms(10_000) },
        "SANDBOX_OUTPUT_LIMIT",
        ctx.ms(10_000),
      );
    },
  },
  "limit-output-console": {
    title: "console spam over maxOutputBytes ends with SANDBOX_OUTPUT_LIMIT, keeping the logs under the cap",
    async run(ctx) {
      const limitMs = ctx.ms(LIMIT_MS);
      const maxOutputBytes = 10_000;
      const outcome = await expectLimit(
        ctx,
        "for (let i = 0; ; i++) console.log('spam line', i);",
        { maxOutputBytes, wallTimeMs: ctx.ms(20_000), cpuTimeMs: ctx.ms(20_000) },
        "SANDBOX_OUTPUT_LIMIT",
        limitMs,
      );
      const logged = outcome.logs.reduce((n, l) => n + l.message.length + 1, 0);
      expect(logged).toBeLessThanOrEqual(maxOutputBytes);
      expect(outcome.logs[0]?.message).toBe("spam line 0");
    },
  },
  "limit-tool-calls": {
    title: "tool calls over maxToolCalls end with TOOL_CALL_LIMIT, even when the program catches the error",
    async run(ctx) {
      const limitMs = ctx.ms(LIMIT_MS);
      const outcome = await expectLimit(
        ctx,
        "for (;;) { try { await codecall.callTool('noop'); } catch (e) {} }",
        { maxToolCalls: 20, wallTimeMs: ctx.ms(20_000), cpuTimeMs: ctx.ms(20_000) },
        "TOOL_CALL_LIMIT",
        limitMs,
      );
      expect(outcome.toolCalls.length).toBeLessThanOrEqual(20);
      const parallel = await run(
        ctx.sandbox,
        "await Promise.all(Array.from({ length: 50 }, () => codecall.callTool('noop')));",
        {
          limits: { maxToolCalls: 20 },
        },
      );
      expectError(parallel, "TOOL_CALL_LIMIT");
    },
  },
  "limit-other-session-unaffected": {
    title: "a session stopped by a limit does not disturb a concurrent session",
    async run(ctx) {
      const limitMs = ctx.ms(LIMIT_MS);
      const [looping, waiting] = await Promise.all([
        run(ctx.sandbox, "for (;;) {}", { limits: { cpuTimeMs: limitMs, wallTimeMs: limitMs } }),
        run(
          ctx.sandbox,
          "globalThis.mine = 'b';\nconst v = await codecall.callTool('delay', { ms: 20, value: 'waited' });\nreturn [v, globalThis.mine];",
        ),
      ]);
      expectError(looping, ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT"]);
      expect(waiting.value).toEqual(["waited", "b"]);
    },
  },

  // ── Cancellation and disposal ─────────────────────────────────────────────
  "abort-by-caller": {
    title: "the caller's AbortSignal stops a run with ABORTED and aborts its tool calls",
    async run({ sandbox }) {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const t0 = performance.now();
      const outcome = await run(sandbox, "await codecall.callTool('never');", { signal: controller.signal });
      expectError(outcome, "ABORTED");
      expect(performance.now() - t0).toBeLessThan(5_000);
      // Aborted before execute: ABORTED at once, and nothing of the program runs (no tool call, no log).
      const pre = new AbortController();
      pre.abort();
      let calls = -1;
      const early = await run(sandbox, "console.log('ran');\nawait codecall.callTool('noop');\nreturn 1;", {
        signal: pre.signal,
        probe: (probe) => {
          calls = probe.calls.length;
        },
      });
      expectError(early, "ABORTED");
      expect(calls).toBe(0);
      expect(early.logs).toEqual([]);
    },
  },
  "dispose-during-run": {
    title: "disposing a session or closing a sandbox during a run settles it and keeps the host alive",
    async run({ create }) {
      const other = await create();
      const session = await other.createSession();
      const pending = run(session, "await codecall.callTool('never');");
      await sleep(30);
      await session.dispose();
      expectError(await pending, "SANDBOX_DISPOSED");
      expectError(await run(session, "return 1"), "SANDBOX_DISPOSED");
      const second = await other.createSession();
      const pendingSecond = run(second, "await codecall.callTool('delay', { ms: 1000 });");
      await sleep(30);
      await other.close();
      expectError(await pendingSecond, "SANDBOX_DISPOSED");
      await other.close();
    },
  },

  // ── Isolation ─────────────────────────────────────────────────────────────
  "no-host-globals": {
    title: "no host global is reachable (process, require, fetch, module, Buffer, the host bridge)",
    async run({ sandbox }) {
      const names = [
        "process",
        "require",
        "module",
        "exports",
        "Buffer",
        "fetch",
        "global",
        "__dirname",
        "__filename",
        "__codecallHost",
        "XMLHttpRequest",
        "Deno",
        "Bun",
      ];
      const found = await value(
        sandbox,
        `return ${JSON.stringify(names)}.filter((n) => typeof globalThis[n] !== "undefined" || (() => { try { return typeof eval(n) !== "undefined"; } catch { return false; } })());`,
      );
      expect(found).toEqual([]);
    },
  },
  "no-host-via-constructors": {
    title: "constructor chains, prototypes and stack hooks reach only the sandbox's own globals",
    async run({ sandbox }) {
      const found = await value(
        sandbox,
        `const probe = "return [typeof process, typeof require, typeof fetch, typeof Buffer, typeof module].join()";
const clean = "undefined,undefined,undefined,undefined,undefined";
const leaks = [];
const check = async (label, get) => {
  try {
    const fn = get();
    if (typeof fn !== "function") return;
    let got = fn(probe)();
    // An AsyncFunction constructor (reachable from a stack frame) builds functions returning promises.
    if (got && typeof got.then === "function") got = await got;
    if (got !== clean) leaks.push(label + ": " + got);
  } catch (e) {}
};
await check("object", () => ({}).constructor.constructor);
await check("Function", () => Function);
await check("AsyncFunction", () => (async () => {}).constructor);
await check("callTool", () => codecall.callTool.constructor);
await check("console.log", () => console.log.constructor);
await check("codecall object", () => codecall.constructor.constructor);
const pending = codecall.callTool("echo", { a: 1 });
await check("tool promise", () => pending.constructor.constructor);
await check("tool result", () => ({}).constructor.constructor);
const result = await pending;
await check("tool result object", () => result.constructor.constructor);
try { await codecall.callTool("fail", { message: "x" }); } catch (e) {
  await check("tool error", () => e.constructor.constructor);
  await check("tool error proto", () => Object.getPrototypeOf(e).constructor.constructor);
  if (e.stack && typeof e.stack === "object") leaks.push("stack is an object");
}
try { null.x; } catch (e) { await check("TypeError", () => e.constructor.constructor); }
Error.prepareStackTrace = (_e, frames) => frames;
try {
  const frames = new Error("x").stack;
  if (Array.isArray(frames)) for (const f of frames) {
    await check("frame function", () => f.getFunction && f.getFunction() && f.getFunction().constructor);
    await check("frame this", () => f.getThis && f.getThis() && f.getThis().constructor.constructor);
  }
} catch (e) {}
delete Error.prepareStackTrace;
const g = Function("return this")();
for (const n of ["process", "require", "fetch", "Buffer"]) if (typeof g[n] !== "undefined") leaks.push("global " + n);
try { await import("node:fs"); leaks.push("import node:fs"); } catch (e) {}
try { const m = await import("fs"); if (m) leaks.push("import fs"); } catch (e) {}
return leaks;`,
      );
      expect(found, `host reached through: ${JSON.stringify(found)}`).toEqual([]);
    },
  },
  "prelude-sealed": {
    title: "codecall's own bindings cannot be replaced by a program",
    async run({ sandbox }) {
      const session = await sandbox.createSession();
      try {
        const tamper = await run(
          session,
          "try { codecall = null; } catch (e) {}\ntry { codecall.callTool = () => 'forged'; } catch (e) {}\ntry { __codecallRun = () => 'forged'; } catch (e) {}\ntry { delete globalThis.codecall; } catch (e) {}\nreturn typeof codecall.callTool;",
        );
        expect(tamper.value).toBe("function");
        expect(await value(session, "return await codecall.callTool('add', { a: 2, b: 2 });")).toBe(4);
      } finally {
        await session.dispose();
      }
    },
  },
  "no-leak-between-executions": {
    title: "fresh executions never share globals; sessions share them only with persistentState",
    async run({ sandbox }) {
      await value(sandbox, "globalThis.leaked = 'yes'; Object.prototype.polluted = 1; return 1;");
      expect(await value(sandbox, "return [typeof leaked, ({}).polluted === undefined]")).toEqual([
        "undefined",
        true,
      ]);
      const session = await sandbox.createSession();
      try {
        await value(session, "globalThis.kept = 41; return 0;");
        const seen = await value(session, "return typeof kept === 'number' ? kept + 1 : 'absent';");
        expect(seen).toBe(sandbox.capabilities.persistentState ? 42 : "absent");
      } finally {
        await session.dispose();
      }
    },
  },
  "concurrent-sessions": {
    title: "concurrent executions in different sessions do not interfere",
    async run({ sandbox }) {
      const sessions = await Promise.all(Array.from({ length: 4 }, () => sandbox.createSession()));
      try {
        const outcomes = await Promise.all(
          sessions.map((s, i) =>
            run(
              s,
              `globalThis.who = ${i};\nconsole.log("start ${i}");\nconst got = await codecall.callTool("delay", { ms: ${5 + ((i * 7) % 13)}, value: ${i} });\nconsole.log("end ${i}");\nreturn [who, got];`,
            ),
          ),
        );
        outcomes.forEach((o, i) => {
          expect(o.value).toEqual([i, i]);
          expect(o.logs.map((l) => l.message)).toEqual([`start ${i}`, `end ${i}`]);
          expect(o.toolCalls).toHaveLength(1);
        });
        const fresh = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            value(sandbox, `await codecall.callTool("delay", { ms: ${8 - i} }); return ${i};`),
          ),
        );
        expect(fresh).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      } finally {
        await Promise.all(sessions.map((s) => s.dispose()));
      }
    },
  },
  "session-executions-in-order": {
    title: "executions queued on one session run one at a time, in order",
    async run({ sandbox }) {
      const session = await sandbox.createSession();
      try {
        const outcomes = await Promise.all(
          [30, 1, 10].map((ms, i) =>
            run(
              session,
              `console.log("a${i}");\nawait codecall.callTool("delay", { ms: ${ms} });\nconsole.log("b${i}");\nreturn ${i};`,
            ),
          ),
        );
        expect(outcomes.map((o) => o.value)).toEqual([0, 1, 2]);
        for (const [i, o] of outcomes.entries())
          expect(o.logs.map((l) => l.message)).toEqual([`a${i}`, `b${i}`]);
      } finally {
        await session.dispose();
      }
    },
  },
  "survives-tampering": {
    title: "a session survives a program that tampers with JSON, Promise, Array.prototype and Object",
    async run({ sandbox }) {
      const session = await sandbox.createSession();
      try {
        const tampered = await run(
          session,
          `JSON.stringify = () => "forged";
JSON.parse = () => ({ forged: true });
Promise.prototype.then = function () { return this; };
Promise.resolve = () => new Promise(() => {});
Array.prototype.join = () => "forged";
Array.prototype.push = () => 0;
Object.defineProperty = () => { throw new Error("forged"); };
Reflect.apply = () => "forged";
Function.prototype.apply = () => "forged";
Function.prototype.call = () => "forged";
String.prototype.indexOf = () => -1;
Error.prototype.toString = () => "forged";
console.log("after", { a: 1 });
const r = await codecall.callTool("echo", { x: 1 });
return { r, list: [1, 2] };`,
        );
        expect(tampered.value).toEqual({ r: { x: 1 }, list: [1, 2] });
        expect(tampered.logs).toEqual([{ level: "log", message: 'after {"a":1}' }]);
        const next = await run(
          session,
          "console.log('next', [1]);\nconst r = await codecall.callTool('add', { a: 1, b: 1 });\nthrow new Error('still ' + r);",
        );
        expect(next.error).toMatchObject({ code: "PROGRAM_ERROR", message: "still 2", line: 3 });
        expect(next.logs).toEqual([{ level: "log", message: "next [1]" }]);
      } finally {
        await session.dispose();
      }
    },
  },
  "capabilities-declared": {
    title: "the backend declares its name and capabilities",
    async run({ sandbox }) {
      expect(sandbox.name).toMatch(/^[a-z0-9-]+$/);
      const c = sandbox.capabilities;
      expect(["wasm", "v8-isolate", "microvm", "process", "none"]).toContain(c.isolation);
      for (const key of ["memoryLimit", "cpuTimeLimit", "persistentState", "remote"] as const)
        expect(typeof c[key]).toBe("boolean");
      const outcome = await run(sandbox, "return 1");
      expect(outcome.stats.backend).toBe(sandbox.name);
    },
  },
  // ── Nondeterminism (run records and replay) ────────────────────────────────
  "nondeterminism-tape": {
    title: "Date.now, new Date() and Math.random are taped on request and replayed from a tape",
    async run({ sandbox }) {
      const code = `const a = Date.now();
const d = new Date();
const r = [Math.random(), Math.random()];
await codecall.callTool("echo", {});
const later = Date();
return { a, d: d.getTime(), r, later, isDate: d instanceof Date, parsed: new Date(0).getTime(), utc: Date.UTC(2020, 0) };`;
      const untaped = await run(sandbox, code);
      expect(untaped.ok).toBe(true);
      expect(untaped).not.toHaveProperty("nondeterminism");
      const recorded = await run(sandbox, code, { nondeterminism: "record" });
      const v = recorded.value as { a: number; d: number; r: number[]; later: string; isDate: boolean };
      expect(v.isDate).toBe(true);
      expect(recorded.value).toMatchObject({ parsed: 0, utc: Date.UTC(2020, 0) });
      // Date() without new reads the clock too: three clock readings, two random numbers, in order.
      expect(recorded.nondeterminism?.now.slice(0, 2)).toEqual([v.a, v.d]);
      expect(recorded.nondeterminism?.now).toHaveLength(3);
      expect(recorded.nondeterminism?.random).toEqual(v.r);
      for (const x of v.r) expect(x >= 0 && x < 1).toBe(true);

      const given = { now: [1_000, 2_000, 3_000], random: [0.25, 0.5] };
      const replayed = await run(sandbox, code, { nondeterminism: given });
      expect(replayed.value).toMatchObject({ a: 1_000, d: 2_000, r: [0.25, 0.5] });
      expect((replayed.value as { later: string }).later).toMatch(/1970/);
      expect(replayed.nondeterminism).toEqual(given);
      // A tape that runs out falls back to the engine's values, which are taped too.
      const short = await run(sandbox, "return [Math.random(), Math.random()]", {
        nondeterminism: { now: [], random: [0.75] },
      });
      expect((short.value as number[])[0]).toBe(0.75);
      expect(short.nondeterminism?.random).toEqual(short.value);
      // A failing program still reports what it consumed.
      const failed = await run(sandbox, "const x = Math.random(); throw new Error('boom ' + x)", {
        nondeterminism: { now: [], random: [0.125] },
      });
      // The tape travels after the program: its lines are where they were.
      expect(failed.error).toMatchObject({ code: "PROGRAM_ERROR", message: "boom 0.125", line: 1 });
      expect(failed.nondeterminism).toEqual({ now: [], random: [0.125] });
    },
  },
  // ── Adversarial programs (hostile.ts) ─────────────────────────────────────
  ...HOSTILE_CASES,
  // ── Further classes of attack (hostile-classes.ts) ───────────────────────
  ...HOSTILE_CLASS_CASES,
  // ── A third red team's classes (hostile-classes2.ts) ──────────────────────
  ...HOSTILE_CLASS2_CASES,
  // ── A fourth red team's classes (hostile-classes3.ts) ─────────────────────
  ...HOSTILE_CLASS3_CASES,
  // ── A fifth red team's classes (hostile-classes4.ts) ──────────────────────
  ...HOSTILE_CLASS4_CASES,
  // ── A sixth red team's classes (hostile-classes5.ts) ──────────────────────
  ...HOSTILE_CLASS5_CASES,
} satisfies Record<string, ConformanceCase>;

/** A conformance case id. */
export type ConformanceCaseId = keyof typeof CASES;

/** Every case id, in the order the suite runs them. */
export const CONFORMANCE_CASE_IDS = Object.keys(CASES) as ConformanceCaseId[];
