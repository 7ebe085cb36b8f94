/**
 * QuickJS through codecall, beside the raw engine: quickjs-emscripten's sync build with one shared module,
 * a new runtime and context, `evalCode("1 + 1")`, dispose. The gap between the two is codecall's overhead.
 */

import { quickjs } from "@codecall/sandbox-quickjs";
import variantExport from "@jitl/quickjs-wasmfile-release-sync";
import {
  newQuickJSWASMModuleFromVariant,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from "quickjs-emscripten-core";
import type { BenchBackend } from "../backend.js";
import { medianMs } from "../stats.js";

// The variant's types describe its CommonJS build; its ESM build exports the variant itself as default.
const variant = ("default" in variantExport ? variantExport.default : variantExport) as QuickJSSyncVariant;
let shared: Promise<QuickJSWASMModule> | undefined;
const engine = () => (shared ??= newQuickJSWASMModuleFromVariant(variant));

export const backend: BenchBackend = {
  name: "quickjs",
  create: (options) => quickjs(options),
  raw: {
    async freshEvalDisposeMs(runs) {
      const module = await engine();
      return medianMs(() => {
        const context = module.newContext();
        context.unwrapResult(context.evalCode("1 + 1")).dispose();
        context.dispose();
      }, runs);
    },
    async warmEvalMs(runs) {
      const context = (await engine()).newContext();
      try {
        return await medianMs(() => context.unwrapResult(context.evalCode("1 + 1")).dispose(), runs);
      } finally {
        context.dispose();
      }
    },
  },
};
