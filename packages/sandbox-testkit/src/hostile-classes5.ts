/**
 * The sixth part of the adversarial kit: shapes a sixth red team found outside the first five parts. Each
 * runs through {@link hostile}, so each also checks the host's globals, memory, event loop and the next
 * execution.
 */
import { expect } from "vitest";
import type { ConformanceCase } from "./cases.js";
import { HOSTILE_LIMITS, hostile } from "./hostile.js";

const MiB = 1024 * 1024;

export const HOSTILE_CLASS5_CASES = {
  "hostile-global-this-binding": {
    title:
      "hostile: a program that deletes or reassigns globalThis (to an object with its own __codecallRun) changes nothing for the session's next run",
    async run(ctx) {
      // globalThis is a writable, configurable property of the global object, like any other: a runner
      // that looks the global object up through it after a program ran finds nothing, or the program's.
      await hostile(ctx, "delete globalThis.globalThis;\nreturn typeof globalThis;", {
        expect: "ok",
        check: (o) => expect(o.value).toBe("undefined"),
      });
      await hostile(ctx, 'globalThis = { __codecallRun: function () { return "hijacked"; } };\nreturn 1;', {
        expect: "ok",
      });
      // A replacement that calls the real runner with a program of its own: the next run would return its value.
      await hostile(
        ctx,
        `const real = globalThis.__codecallRun;
globalThis = { __codecallRun: function (main, ...rest) { return real.call(this, async () => "hijacked", ...rest); } };
return 1;`,
        { expect: "ok" },
      );
    },
  },
  "hostile-intl-native-memory": {
    title:
      "hostile: Intl objects made in a loop, kept or dropped, whose formatters live in native memory the engine's heap does not count, do not grow the host past the memory limit",
    async run(ctx) {
      // Each DateTimeFormat holds some 27 KB of ICU's memory outside the JavaScript heap: uncounted, a loop
      // of them grew an in-process engine's host by about 100 MiB a second of CPU, kept or not, and a long
      // CPU limit let it reach gigabytes. A long CPU limit here makes that growth plain (isolated-vm without
      // its count: 275 MiB); an engine without Intl returns at once. Counted, the dropped objects and what
      // they were charged pile up between two collections (isolated-vm: 65-101 MiB over a 32 MiB limit,
      // which isolated-vm calls a guideline), hence a wider bound than the default limit + 64 MiB.
      const limits = { cpuTimeMs: ctx.ms(6_000), wallTimeMs: ctx.ms(7_000) };
      const maxRssGrowth = HOSTILE_LIMITS.memoryBytes + 128 * MiB;
      const noIntl = 'if (typeof Intl !== "object") return "no Intl";\n';
      await hostile(
        ctx,
        `${noIntl}for (;;) new Intl.DateTimeFormat("en", { timeZone: "America/New_York" }).format(0);`,
        { expect: ["SANDBOX_CPU_LIMIT", "SANDBOX_MEMORY", "ok"], limits, maxRssGrowth },
      );
      await hostile(
        ctx,
        `${noIntl}const kept = [];\nfor (;;) kept.push(new Intl.DateTimeFormat("en"), new Intl.Segmenter("en"));`,
        { expect: ["SANDBOX_MEMORY", "PROGRAM_ERROR", "SANDBOX_CPU_LIMIT", "ok"], limits, maxRssGrowth },
      );
      // Whatever a backend does to count them, Intl keeps plain JavaScript's semantics.
      const semantics = [
        'new Intl.NumberFormat("en-US").format(1234.5)',
        'Intl.DateTimeFormat("en", { timeZone: "UTC" }).format(0)',
        'new (class extends Intl.Collator {})("en").compare("a", "b")',
        "Intl.DateTimeFormat.prototype.constructor === Intl.DateTimeFormat",
        'Intl.Collator("en") instanceof Intl.Collator',
        'Intl.NumberFormat.supportedLocalesOf(["en"])',
        '(() => { try { Intl.PluralRules("en"); return "made"; } catch (e) { return e instanceof TypeError; } })()',
      ];
      await hostile(ctx, `${noIntl}return [${semantics.join(", ")}];`, {
        expect: "ok",
        check: (o) => {
          if (o.value !== "no Intl")
            expect(o.value).toEqual(["1,234.5", "1/1/1970", -1, true, true, ["en"], true]);
        },
      });
    },
  },
} satisfies Record<string, ConformanceCase>;
