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

  it("lists every violation of small arguments, and only the first of huge ones (no error object per violation on the host's thread)", async () => {
    const validator = new ArgumentValidator();
    const [, people] = generateApi([
      {
        name: "notes",
        tools: [
          { name: "add_note", inputSchema: { type: "object" } },
          {
            name: "add_people",
            inputSchema: {
              type: "object",
              properties: {
                people: {
                  type: "array",
                  items: {
                    type: "object",
                    properties: { name: { type: "string" }, age: { type: "integer" } },
                  },
                },
              },
            },
          },
        ],
      },
    ]).tools;
    const wrong = (n: number) => ({ people: Array.from({ length: n }, (_, i) => ({ name: i, age: "old" })) });
    const failure = async (args: object) => {
      try {
        await validator.check(people!, args as never);
      } catch (error) {
        return error as { code: string; message: string; details: { errors: unknown[] } };
      }
      throw new Error("the arguments passed");
    };

    const small = await failure(wrong(5));
    expect(small.code).toBe("TOOL_ARGS_INVALID");
    expect(small.message).toMatch(/people\[0\]\.name must be string; .*; and 7 more\.$/);
    expect(small.details.errors).toHaveLength(10);

    const huge = await failure(wrong(30_000));
    expect(huge.code).toBe("TOOL_ARGS_INVALID");
    expect(huge.message).toMatch(
      /people\[0\]\.name must be string \(the arguments are large: only the first problems found are listed\)\.$/,
    );
    expect(huge.details.errors).toHaveLength(1);
  });
});
