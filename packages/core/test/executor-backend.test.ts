import { describe, expect, it } from "vitest";
import { loadBackend, resolveSandbox } from "../src/executor/backend.js";
import { hasErrorCode } from "../src/index.js";

describe("resolveSandbox", () => {
  it("rejects an unknown backend name with CONFIG_INVALID naming the choices", async () => {
    const error = await resolveSandbox("v8-please" as never).catch((e: unknown) => e);
    expect(hasErrorCode(error, "CONFIG_INVALID")).toBe(true);
    expect((error as Error).message).toMatch(/sandbox: "v8-please".*quickjs, isolated-vm, e2b/);
  });

  it("rejects an unknown CODECALL_SANDBOX value, naming the variable", async () => {
    const error = await resolveSandbox(undefined, { CODECALL_SANDBOX: "docker" }).catch((e: unknown) => e);
    expect(hasErrorCode(error, "CONFIG_INVALID")).toBe(true);
    expect((error as Error).message).toMatch(/CODECALL_SANDBOX="docker"/);
  });

  it("gives SANDBOX_NOT_INSTALLED naming the package when a backend package is missing", async () => {
    const error = await loadBackend({
      packageName: "@codecall/sandbox-not-a-real-backend",
      factory: "x",
    }).catch((e: unknown) => e);
    expect(hasErrorCode(error, "SANDBOX_NOT_INSTALLED")).toBe(true);
    expect((error as Error).message).toMatch(/npm install @codecall\/sandbox-not-a-real-backend/);
  });

  it("loads the backend CODECALL_SANDBOX names from its package", async () => {
    const sandbox = await resolveSandbox(undefined, { CODECALL_SANDBOX: "quickjs" });
    try {
      expect(sandbox.name).toBe("quickjs");
      expect((await sandbox.execute({ code: "return 6 * 7" })).value).toBe(42);
    } finally {
      await sandbox.close();
    }
  });

  it("uses a Sandbox object as given", async () => {
    const sandbox = { name: "mine" } as never;
    expect(await resolveSandbox(sandbox)).toBe(sandbox);
  });
});
