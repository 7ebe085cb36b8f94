/** Real MCP servers and every sandbox backend, for the end-to-end tests. */
import type { Sandbox } from "@codecall/core";
import { e2b } from "@codecall/sandbox-e2b";
import { startE2BStandIn } from "@codecall/sandbox-e2b/testing";
import { isolatedVm, nodeSnapshotDisabled } from "@codecall/sandbox-isolated-vm";
import { quickjs } from "@codecall/sandbox-quickjs";

// The real MCP servers are started the same way as in core's own tests.
export { serverScript, startEverythingHttp } from "../../core/test/executor-fixtures.js";

/** A backend to run the end-to-end tests on. */
export interface TestBackend {
  name: string;
  create(): Promise<Sandbox>;
  /** Frees what `create` set up beside the Sandbox (a stand-in server). */
  teardown?(): Promise<void>;
}

/**
 * Every backend, imported statically: a backend that fails to load fails the run instead of being
 * skipped. isolated-vm needs Node started with `--no-node-snapshot` (this package's vitest config does
 * it). E2B runs against the real service with a key, otherwise the real SDK in debug mode against the
 * package's local envd stand-in on a free port (real processes on this machine).
 */
export function allBackends(): TestBackend[] {
  if (!nodeSnapshotDisabled())
    throw new Error(
      "isolated-vm needs Node started with --no-node-snapshot; run through this package's vitest config.",
    );
  let standIn: { url: string; close(): Promise<void> } | undefined;
  return [
    { name: "quickjs", create: async () => quickjs() },
    { name: "isolated-vm", create: async () => isolatedVm() },
    {
      name: process.env.E2B_API_KEY ? "e2b" : "e2b (local stand-in)",
      async create() {
        if (process.env.E2B_API_KEY) return e2b();
        standIn = await startE2BStandIn({ port: 0 });
        return e2b({ debug: true, sandboxUrl: standIn.url });
      },
      async teardown() {
        await standIn?.close();
        standIn = undefined;
      },
    },
  ];
}
