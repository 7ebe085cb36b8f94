/**
 * E2B through codecall, offline: the real E2B SDK in debug mode against the local envd stand-in, which
 * runs the VM's processes on this machine. The figures are codecall's per-execution and tool-call costs
 * over the E2B protocol (HTTP on loopback, a runner and a program process per session); a real E2B VM
 * adds the network round trip to E2B and its boot time (not measured here).
 *
 * Each session is two Node processes, so the stand-in runs at most 16 at once: the suite's 100-session
 * RSS figure is refused for this backend rather than starting 200 processes on a shared machine.
 */
import { e2b } from "@codecall/sandbox-e2b";
import { type E2BStandIn, startE2BStandIn } from "@codecall/sandbox-e2b/testing";
import type { BenchBackend } from "../backend.js";

let standIn: E2BStandIn | undefined;

export const backend: BenchBackend = {
  name: "e2b",
  async create() {
    // A free port, so a concurrent run (or the suite's RSS child process) never collides with this one.
    standIn = await startE2BStandIn({ port: 0, maxProcesses: 16 });
    return e2b({ debug: true, sandboxUrl: standIn.url });
  },
  async teardown() {
    await standIn?.close();
    standIn = undefined;
  },
};
