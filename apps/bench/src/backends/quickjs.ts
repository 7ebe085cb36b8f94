/**
 * QuickJS through codecall, beside the raw engine: quickjs-emscripten's sync build with one shared module.
 * Raw fresh: a new runtime and context, `evalCode("1 + 1")`, dispose. Raw warm: an async function whose
 * promise is read after `executePendingJobs`, and an async host call through `newPromise`, the way the
 * quickjs-emscripten docs show it. The gap between the two is codecall's overhead.
 */

import { quickjs } from "@codecall/sandbox-quickjs";
import variantExport from "@jitl/quickjs-wasmfile-release-sync";
import {
  newQuickJSWASMModuleFromVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from "quickjs-emscripten-core";
import type { BenchBackend, RawContext } from "../backend.js";

// The variant's types describe its CommonJS build; its ESM build exports the variant itself as default.
const variant = ("default" in variantExport ? variantExport.default : variantExport) as QuickJSSyncVariant;
let shared: Promise<QuickJSWASMModule> | undefined;
const engine = () => (shared ??= newQuickJSWASMModuleFromVariant(variant));

export const backend: BenchBackend = {
  name: "quickjs",
  create: (options) => quickjs(options),
  raw: {
    async fresh() {
      const context = (await engine()).newContext();
      context.unwrapResult(context.evalCode("1 + 1")).dispose();
      context.dispose();
    },
    async open() {
      return rawContext((await engine()).newContext());
    },
  },
};

function rawContext(vm: QuickJSContext): RawContext {
  let wake = () => {};
  const host = vm.newFunction("host", (request) => {
    const deferred = vm.newPromise();
    vm.getString(request);
    void Promise.resolve('{"ok":true,"value":1}').then((reply) => {
      vm.newString(reply).consume((value) => deferred.resolve(value));
      deferred.dispose();
      wake();
    });
    return deferred.handle;
  });
  vm.setProp(vm.global, "host", host);
  host.dispose();
  /** Evaluates `source`, runs jobs until its promise settles, and dumps the value (JSON inside). */
  const run = (source: string) => {
    const promise: QuickJSHandle = vm.unwrapResult(vm.evalCode(source));
    return new Promise<unknown>((resolve) => {
      const step = () => {
        vm.runtime.executePendingJobs(-1);
        const state = vm.getPromiseState(promise);
        if (state.type === "pending") {
          wake = step;
          return;
        }
        const handle = state.type === "fulfilled" ? state.value : state.error;
        const value = vm.dump(handle);
        if (handle !== promise) handle.dispose();
        promise.dispose();
        resolve(value);
      };
      step();
    });
  };
  return {
    program: () => run("(async function () { return 1 })()"),
    toolCall: () =>
      run(
        "(async function () { return JSON.parse(await host(JSON.stringify({ name: 'one', args: {} }))).value })()",
      ),
    loop: (source) => run(`(async function () { ${source} })()`),
    dispose: () => vm.dispose(),
  };
}
