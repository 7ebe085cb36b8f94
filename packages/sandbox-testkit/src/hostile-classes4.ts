/**
 * The fifth part of the adversarial kit: shapes a fifth red team found outside the first four parts. Each
 * runs through {@link hostile}, so each also checks the host's globals, memory, event loop and the next
 * execution.
 */
import type { ExecutionOutcome, ToolHandler } from "@codecall/sandbox";
import { expect } from "vitest";
import type { ConformanceCase } from "./cases.js";
import { hostile } from "./hostile.js";
import { conformanceTools } from "./tools.js";

const MiB = 1024 * 1024;

/** Program text: `deep`, arrays nested 5,000 levels (the host's JSON.stringify overflows at about 4,000). */
const DEEP = 'const deep = JSON.parse("[".repeat(5000) + "]".repeat(5000));\n';

/** The outcome, and so its value, serializes on the host as it is (a RangeError here is the bug). */
function serializes(outcome: ExecutionOutcome): void {
  expect(() => JSON.stringify(outcome)).not.toThrow();
}

export const HOSTILE_CLASS4_CASES = {
  "hostile-nesting-past-host-json": {
    title:
      "hostile: a return value or tool arguments nested deeper than the host's JSON.stringify can follow are refused with a typed error, never handed to the host",
    async run(ctx) {
      // QuickJS's own JSON.stringify is quadratic in depth: 5,000 levels cost it a few hundred ms.
      const limits = { cpuTimeMs: ctx.ms(5_000), wallTimeMs: ctx.ms(8_000) };
      await hostile(ctx, `${DEEP}return deep;`, {
        expect: "RESULT_NOT_SERIALIZABLE",
        limits,
        check: serializes,
      });
      await hostile(ctx, `${DEEP}return { a: [1], b: deep };`, {
        expect: "RESULT_NOT_SERIALIZABLE",
        limits,
        check: serializes,
      });
      // The tool, if called, receives arguments it can serialize; refused, the program gets a catchable error.
      const received: string[] = [];
      const tools: ToolHandler = (call, options) => {
        try {
          JSON.stringify(call.args);
          received.push("serialized");
        } catch (error) {
          received.push(String(error));
        }
        return conformanceTools().tools(call, options);
      };
      await hostile(
        ctx,
        `${DEEP}try { await codecall.callTool("noop", { deep }); return "called"; } catch (e) { return e.code ?? e.name; }`,
        {
          expect: "ok",
          limits,
          tools,
          check: (o) => {
            serializes(o);
            // Refused by the host, or where the engine's own JSON.stringify overflows first (V8 in E2B's worker).
            expect(["TOOL_ARGS_INVALID", "TypeError"]).toContain(o.value);
          },
        },
      );
      // Refused, such calls still count: a loop of them, never awaited, ends at the call limit (a low one:
      // QuickJS's JSON.stringify is quadratic in depth, and a thousand calls would reach its CPU limit).
      await hostile(
        ctx,
        'const deep = JSON.parse("[".repeat(1001) + "]".repeat(1001));\nfor (;;) codecall.callTool("noop", deep).catch(() => {});',
        { expect: "TOOL_CALL_LIMIT", limits: { ...limits, maxToolCalls: 20 }, tools },
      );
      expect(received.filter((r) => r !== "serialized")).toEqual([]);
    },
  },
  "hostile-native-loop-past-limit": {
    title:
      "hostile: one regular-expression split or replace over a 16 MiB string, a native loop that runs for seconds without a termination check, ends with its typed error at the limit",
    async run(ctx) {
      // V8 checks for termination between JavaScript operations only: one such call went on 5 s past a
      // 1 s limit on isolated-vm, which then gave up on the isolate (SANDBOX_CRASHED at about 6 s). The
      // outcome is due at the limit whether or not the engine has stopped yet. Short limits make twice the
      // limit a tight bound and keep small what the loop allocates past the memory limit meanwhile (V8
      // lets the heap grow while termination is pending): about 50-140 MiB by 1.1 s in runs, so the RSS
      // bound here is wider than the default limit + 64 MiB (the split grew isolated-vm's host by 129-131 MiB
      // in five idle runs here). The isolate is disposed at the
      // limit and its memory freed when the native call returns; left to finish, each call grows a process
      // by about 285 MiB (plain Node, measured), past this bound.
      const limits = { cpuTimeMs: 500, wallTimeMs: 550, memoryBytes: 64 * MiB };
      const text = "const s = 'ab'.repeat(2 ** 23);\n";
      for (const code of [
        `${text}return s.split(/b/).length;`,
        `${text}return s.replace(/b/g, '').length;`,
      ]) {
        // Finishing in time (or a RangeError, or the memory limit) is fine; what matters is the bound.
        await hostile(ctx, code, {
          expect: ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT", "SANDBOX_MEMORY", "PROGRAM_ERROR", "ok"],
          limits,
          maxRssGrowth: limits.memoryBytes + 128 * MiB,
        });
      }
    },
  },
  "hostile-deep-tool-result": {
    title:
      "hostile: a tool result nested 10,000 levels deep (past what the host's JSON.stringify can follow) fails that call with a typed, catchable error that says so, and the host keeps working",
    async run(ctx) {
      const tools: ToolHandler = (call, options) => {
        if (call.name !== "deep") return conformanceTools().tools(call, options);
        let value: unknown = [];
        for (let i = 0; i < 10_000; i++) value = [value];
        return value;
      };
      await hostile(
        ctx,
        'try { await codecall.callTool("deep"); return "got it"; } catch (e) { return { code: e.code, message: e.message, after: await codecall.callTool("echo", { n: 1 }) }; }',
        {
          expect: "ok",
          tools,
          check: (o) => {
            const value = o.value as { code: string; message: string; after: unknown };
            expect(value.code).toBe("TOOL_RESULT_TOO_LARGE");
            expect(value.message).toMatch(/too deeply/);
            // Nothing of the host's own failure: no RangeError, stack or file.
            expect(value.message).not.toMatch(/call stack|RangeError|node_modules|node:internal|\.ts:\d/);
            expect(value.after).toEqual({ n: 1 });
          },
        },
      );
    },
  },
  "hostile-huge-tool-names": {
    title:
      "hostile: tool calls with names of many kilobytes, made one after another, are refused with a catchable error and leave the outcome's call records small",
    async run(ctx) {
      const longest: number[] = [];
      const tools: ToolHandler = (call, options) => {
        longest.push(call.name.length);
        return conformanceTools().tools(call, options);
      };
      // Each name is 64 KiB: 40 of them kept in the call records would be 2.5 MiB of outcome (a program
      // may send up to limits.maxToolCalls names of up to limits.maxToolArgsBytes: gigabytes).
      await hostile(
        ctx,
        `const name = "n".repeat(1 << 16);
let refused = 0;
for (let i = 0; i < 40; i++) { try { await codecall.callTool(name, {}); } catch (e) { refused++; } }
return refused;`,
        {
          expect: "ok",
          tools,
          limits: { cpuTimeMs: ctx.ms(10_000), wallTimeMs: ctx.ms(15_000), memoryBytes: 64 * MiB },
          check: (o) => {
            expect(o.value).toBe(40);
            expect(JSON.stringify(o.toolCalls).length).toBeLessThan(MiB);
          },
        },
      );
      expect(Math.max(0, ...longest)).toBeLessThan(1 << 16);
      // Refused, they still count as calls: a loop of them, never awaited, ends at the call limit.
      await hostile(
        ctx,
        'const name = "n".repeat(2000);\nfor (;;) codecall.callTool(name).catch(() => {});',
        {
          expect: "TOOL_CALL_LIMIT",
          tools,
        },
      );
    },
  },
} satisfies Record<string, ConformanceCase>;
