import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quickjs } from "@codecall/sandbox-quickjs";
import { describe, expect, it } from "vitest";
import { openSandbox } from "../src/executor/backend.js";
import { type CodeModeOptions, createCodeMode, createExecutor, type Sandbox } from "../src/internal.js";

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

describe("createCodeMode checks its options before it starts any MCP server", () => {
  // The one server writes a file when it starts (then exits): a mistake must be reported before that.
  const dir = mkdtempSync(join(tmpdir(), "codecall-options-"));
  const marker = join(dir, "started");
  const servers = {
    mcpServers: {
      probe: {
        command: process.execPath,
        args: ["-e", `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "")`],
      },
    },
  };
  const sandbox = quickjs();

  it.each([
    ["no sandbox", {}, /No sandbox backend/],
    ["a backend's name", { sandbox: "quickjs" }, /not its name/],
    ["a wrong typeCheck", { sandbox, typeCheck: "strict" }, /typeCheck must be/],
    ["a wrong limit", { sandbox, limits: { wallTimeMs: -1 } }, /wallTimeMs/],
    ["a wrong tool rule", { sandbox, tools: { "*": { timeoutMs: "10s" } } }, /timeoutMs/],
    ["a wrong policy", { sandbox, policy: { deny: "memory.*" } }, /deny/],
  ])("%s fails with CONFIG_INVALID and no server started", async (_label, options, message) => {
    rmSync(marker, { force: true });
    const error = await createCodeMode({ servers, ...options } as unknown as CodeModeOptions).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "CONFIG_INVALID", message: expect.stringMatching(message) });
    expect(existsSync(marker)).toBe(false);
  });

  it("closes", async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
