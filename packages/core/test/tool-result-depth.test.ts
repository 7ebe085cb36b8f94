import { quickjs } from "@codecall/sandbox-quickjs";
import { afterAll, describe, expect, it } from "vitest";
import { createExecutor, type Executor } from "../src/executor/index.js";
import { createPrivacyGuard } from "../src/internal.js";

/** A value nested `depth` levels deep, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = { email: "ada.l@example.com" };
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

const executors: Executor[] = [];
afterAll(async () => {
  for (const executor of executors) await executor.close();
});

describe("a tool's own result nested thousands of levels deep", () => {
  for (const privacy of [false, true]) {
    it(`reaches the program as a typed error that says so, and the host keeps working (privacy ${privacy ? "on" : "off"})`, async () => {
      const executor = await createExecutor({
        servers: [
          {
            name: "data",
            tools: [
              { name: "deep", inputSchema: { type: "object" }, outputSchema: { type: "object" } },
              { name: "flat", inputSchema: { type: "object" }, outputSchema: { type: "object" } },
            ],
          },
        ],
        callTool: async (_server, tool) => ({
          content: [],
          structuredContent: { value: tool === "deep" ? nested(10_000) : nested(2) },
        }),
        sandbox: quickjs(),
        typeCheck: "off",
        ...(privacy ? { interceptor: createPrivacyGuard() } : {}),
      });
      executors.push(executor);
      const result = await executor.execute(
        "try { await data.deep({}); return 'got it'; } catch (e) { return { code: e.code, message: e.message }; }",
      );
      const caught = result.value as { code: string; message: string };
      expect(caught.code).toBe("TOOL_RESULT_TOO_LARGE");
      expect(caught.message).toMatch(/data\.deep nests arrays and objects too deeply/);
      expect(caught.message).not.toMatch(/call stack|RangeError|node_modules|\.ts:\d/);
      // The same session and host go on: a flat result arrives (as a token when privacy is on).
      const next = await executor.execute("return JSON.stringify(await data.flat({}));");
      expect(next.ok, JSON.stringify(next.error)).toBe(true);
      expect(next.value).toMatch(privacy ? /\[EMAIL_1\]/ : /ada\.l@example\.com/);
    });
  }
});
