/**
 * isolated-vm through codecall, beside the raw engine: a new V8 isolate and context, `eval("1 + 1")`,
 * dispose; and `eval("1 + 1")` in a warm context. Both use the asynchronous API the adapter uses. The bench
 * process needs `--no-node-snapshot` on Node 20+ (without it the backend is skipped with that reason).
 */

import { createSandbox } from "@codecall/core";
import { isolatedVmAdapter } from "@codecall/sandbox-isolated-vm";
import ivm from "isolated-vm";
import type { BenchBackend } from "../backend.js";
import { medianMs } from "../stats.js";

export const backend: BenchBackend = {
  name: "isolated-vm",
  create: (options) => createSandbox(isolatedVmAdapter(), options),
  raw: {
    freshEvalDisposeMs(runs) {
      return medianMs(async () => {
        const isolate = new ivm.Isolate({ memoryLimit: 128 });
        const context = await isolate.createContext();
        await context.eval("1 + 1");
        isolate.dispose();
      }, runs);
    },
    async warmEvalMs(runs) {
      const isolate = new ivm.Isolate({ memoryLimit: 128 });
      try {
        const context = await isolate.createContext();
        return await medianMs(() => context.eval("1 + 1"), runs);
      } finally {
        isolate.dispose();
      }
    },
  },
};
