import { quickjs } from "@codecall/sandbox-quickjs";
import { describe, expect, it } from "vitest";
import { openSandbox } from "../src/executor/backend.js";
import { createExecutor, type Sandbox } from "../src/internal.js";

describe("openSandbox: backends are passed in, never looked up by name", () => {
  it("uses a Sandbox as given and leaves it to the caller", async () => {
    const sandbox = quickjs();
    try {
      const opened = await openSandbox(sandbox);
      expect(opened.sandbox).toBe(sandbox);
      expect(opened.owned).toBe(false);
    } finally {
      await sandbox.close();
    }
  });

  it("calls a factory once and owns what it returns", async () => {
    let calls = 0;
    const opened = await openSandbox(async () => {
      calls++;
      return quickjs();
    });
    expect(calls).toBe(1);
    expect(opened.owned).toBe(true);
    expect((await opened.sandbox.execute({ code: "return 6 * 7" })).value).toBe(42);
    await opened.sandbox.close();
  });

  it("refuses a backend's name with a hint that says what to pass", async () => {
    const error = await openSandbox("quickjs" as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONFIG_INVALID" });
    expect((error as Error).message).toMatch(/not its name \("quickjs"\)/);
    expect((error as { hint: string }).hint).toMatch(/@codecall\/sandbox-quickjs/);
  });

  it("refuses a missing backend and a factory that returns something else", async () => {
    await expect(openSandbox(undefined)).rejects.toMatchObject({ code: "CONFIG_INVALID" });
    await expect(openSandbox(() => ({ name: "nope" }) as unknown as Sandbox)).rejects.toMatchObject({
      code: "CONFIG_INVALID",
    });
  });

  it("an executor closes a sandbox it made from a factory, and not one it was given", async () => {
    const closed = new Set<string>();
    const tracked = (label: string): Sandbox => {
      const sandbox = quickjs();
      const close = sandbox.close.bind(sandbox);
      sandbox.close = async () => {
        closed.add(label);
        await close();
      };
      return sandbox;
    };
    const tools = { servers: [], callTool: async () => ({ content: [] }), typeCheck: "off" } as const;
    const fromFactory = await createExecutor({ ...tools, sandbox: () => tracked("made") });
    const given = tracked("given");
    const withGiven = await createExecutor({ ...tools, sandbox: given });
    expect((await fromFactory.execute("return 1 + 1")).value).toBe(2);
    await fromFactory.close();
    await withGiven.close();
    expect([...closed]).toEqual(["made"]);
    await given.close();
  });
});
