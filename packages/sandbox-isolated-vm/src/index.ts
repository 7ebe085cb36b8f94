import { type CreateSandboxOptions, createSandbox, type Sandbox } from "@codecall/sandbox";
import { type IsolatedVmAdapterOptions, isolatedVmAdapter } from "./adapter.js";

export {
  ISOLATED_VM_CAPABILITIES,
  type IsolatedVmAdapter,
  type IsolatedVmAdapterOptions,
  isolatedVmAdapter,
} from "./adapter.js";
export { nodeSnapshotDisabled } from "./load.js";

/** Options of {@link isolatedVm}. */
export interface IsolatedVmOptions extends IsolatedVmAdapterOptions, CreateSandboxOptions {}

/**
 * A codecall sandbox that runs each session in its own V8 isolate through isolated-vm. Node 20+ must
 * run with `--no-node-snapshot`; `isolated-vm` (5.x on Node 20, 6.x/7.x on Node 22/24) is a peer
 * dependency.
 *
 * @example
 * const sandbox = isolatedVm({ limits: { cpuTimeMs: 2_000 } });
 * const outcome = await sandbox.execute({ code: "return 1 + 1" });
 */
export function isolatedVm(options: IsolatedVmOptions = {}): Sandbox {
  const { limits, spareContext, maxConcurrentExecutions, ...adapterOptions } = options;
  // Adapter options are listed in IsolatedVmAdapterOptions (`reuseIsolates`, `skipNodeSnapshotCheck`).
  return createSandbox(isolatedVmAdapter(adapterOptions), {
    ...(limits ? { limits } : {}),
    ...(spareContext !== undefined ? { spareContext } : {}),
    ...(maxConcurrentExecutions !== undefined ? { maxConcurrentExecutions } : {}),
  });
}
