/**
 * isolated-vm through codecall, beside the raw engine, both on the asynchronous API the adapter uses.
 * Raw fresh: a new isolate and context, `eval("1 + 1")`, dispose. Raw warm: an async function's value
 * copied out with `{ promise: true, copy: true }`, and an async host call through a `Reference` applied
 * with `{ result: { promise: true } }`. The bench process needs `--no-node-snapshot` on Node 20+ (without
 * it the backend is skipped with that reason).
 */

import { createSandbox } from "@codecall/sandbox";
import { isolatedVmAdapter } from "@codecall/sandbox-isolated-vm";
import ivm from "isolated-vm";
import type { BenchBackend } from "../backend.js";

export const backend: BenchBackend = {
  name: "isolated-vm",
  create: (options) => createSandbox(isolatedVmAdapter(), options),
  raw: {
    async fresh() {
      const isolate = new ivm.Isolate({ memoryLimit: 128 });
      const context = await isolate.createContext();
      await context.eval("1 + 1");
      isolate.dispose();
    },
    async open() {
      const isolate = new ivm.Isolate({ memoryLimit: 128 });
      const context = await isolate.createContext();
      await context.global.set(
        "host",
        new ivm.Reference(async (request: string) => (request ? '{"ok":true,"value":1}' : "")),
      );
      const run = (source: string) => context.eval(source, { promise: true, copy: true });
      return {
        program: () => run("(async function () { return 1 })()"),
        toolCall: () =>
          run(
            "(async function () { return JSON.parse(await host.apply(undefined, [JSON.stringify({ name: 'one', args: {} })], { result: { promise: true } })).value })()",
          ),
        loop: (source) => run(`(async function () { ${source} })()`),
        dispose: () => isolate.dispose(),
      };
    },
  },
};
