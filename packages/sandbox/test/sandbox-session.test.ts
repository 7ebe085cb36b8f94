import { describe, expect, it } from "vitest";
import { createSandbox, type SandboxAdapterV1 } from "../src/index.js";

/** An adapter whose contexts take `createMs` to create and whose runs end only when core aborts them. */
function slowAdapter(createMs: number, events: string[]): SandboxAdapterV1 {
  return {
    specificationVersion: "v1",
    name: "stub",
    capabilities: {
      isolation: "none",
      memoryLimit: false,
      cpuTimeLimit: false,
      persistentState: false,
      remote: true,
    },
    async createContext() {
      await new Promise((r) => setTimeout(r, createMs));
      return {
        run: (_p, _s, _b, control) => {
          events.push("run");
          return new Promise((resolve) =>
            control.signal.addEventListener("abort", () =>
              resolve({ kind: "failed", code: "SANDBOX_CRASHED", message: "stopped" }),
            ),
          );
        },
        async dispose() {
          events.push("dispose");
        },
      };
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("session lifecycle", () => {
  it("stops a running execution with SANDBOX_DISPOSED when the session is disposed", async () => {
    const events: string[] = [];
    const session = await createSandbox(slowAdapter(0, events)).createSession();
    const pending = session.execute({ code: "" });
    await sleep(10);
    await session.dispose();
    expect((await pending).error?.code).toBe("SANDBOX_DISPOSED");
    expect(events).toEqual(["run", "dispose"]);
  });

  it("reports SANDBOX_DISPOSED, without running, when the session is disposed while its context is created", async () => {
    const events: string[] = [];
    const session = await createSandbox(slowAdapter(60, events)).createSession();
    const pending = session.execute({ code: "" });
    await sleep(10);
    await session.dispose();
    expect((await pending).error?.code).toBe("SANDBOX_DISPOSED");
    expect(events).not.toContain("run");
  });

  it("reports ABORTED, without running, when the caller aborts while the context is created", async () => {
    const events: string[] = [];
    const sandbox = createSandbox(slowAdapter(60, events));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const outcome = await sandbox.execute({ code: "", signal: controller.signal });
    expect(outcome.error?.code).toBe("ABORTED");
    expect(events).toEqual(["dispose"]);
  });
});
