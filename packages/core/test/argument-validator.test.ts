import { generateApi } from "@codecall/codegen";
import { describe, expect, it } from "vitest";
import { ArgumentValidator } from "../src/executor/tool-bridge.js";

const [tool] = generateApi([
  {
    name: "notes",
    tools: [
      {
        name: "add_note",
        inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
      },
    ],
  },
]).tools;

describe("ArgumentValidator", () => {
  it("waits for the first compile, then checks synchronously (a call does not wait a turn for it)", async () => {
    const validator = new ArgumentValidator();
    const first = validator.check(tool!, { text: "a" });
    expect(first).toBeInstanceOf(Promise);
    await first;
    expect(validator.check(tool!, { text: "b" })).toBeUndefined();
    expect(() => validator.check(tool!, { text: 5 })).toThrow(
      expect.objectContaining({
        code: "TOOL_ARGS_INVALID",
        message: expect.stringMatching(/text must be string/),
      }),
    );
  });
});
