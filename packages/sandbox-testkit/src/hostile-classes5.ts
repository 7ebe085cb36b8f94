/**
 * The sixth part of the adversarial kit: shapes a sixth red team found outside the first five parts. Each
 * runs through {@link hostile}, so each also checks the host's globals, memory, event loop and the next
 * execution.
 */
import { expect } from "vitest";
import type { ConformanceCase } from "./cases.js";
import { hostile } from "./hostile.js";

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
} satisfies Record<string, ConformanceCase>;
