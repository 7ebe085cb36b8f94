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

  it("uses a Sandbox object as given", async () => {
    const sandbox = { name: "mine" } as never;
    expect(await resolveSandbox(sandbox)).toBe(sandbox);
  });
});
