import { generateApi } from "@codecall/codegen";
import { describe, expect, it } from "vitest";
import { CodecallError } from "../src/errors.js";
import { createToolHandler } from "../src/executor/tool-bridge.js";

const tools = generateApi([{ name: "svc", tools: [{ name: "run", inputSchema: { type: "object" } }] }]).tools;

/** The message a program reads when the tool fails with `text`. */
async function programReads(text: string): Promise<string> {
  const handler = createToolHandler({
    tools,
    callTool: async () => {
      throw new CodecallError("TOOL_FAILED", text);
    },
  });
  try {
    await handler({ name: "svc.run", args: {} }, { signal: new AbortController().signal } as never);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the call did not fail");
}

describe("a tool's error text as a program reads it", () => {
  it("loses a Node stack's frames and keeps the message", async () => {
    const text = [
      "Error: quota exceeded",
      "    at Interface.<anonymous> (file:///srv/app/server.mjs:10:40)",
      "    at Interface.emit (node:events:524:28)",
      "    at [_onLine] (node:internal/readline/interface:419:12)",
      "    at async Promise.all (index 0)",
      "    at C:\\app\\lib\\x.js:3:9",
    ].join("\n");
    expect(await programReads(text)).toBe("Error: quota exceeded\n    at async Promise.all (index 0)");
  });

  it("loses a Python traceback's head, frames and source lines, and keeps the exception", async () => {
    const text = [
      "Traceback (most recent call last):",
      '  File "/srv/app/handlers.py", line 42, in call',
      '    conn = connect("postgres://admin:secret@db")',
      '  File "/srv/app/db.py", line 7, in connect',
      "    raise QuotaError(name)",
      "QuotaError: quota exceeded for project beta",
    ].join("\n");
    expect(await programReads(text)).toBe("QuotaError: quota exceeded for project beta");
  });

  it("loses the other frames Node and bundlers write: ESM top level, eval, URLs, internal modules", async () => {
    for (const frame of [
      "    at async file:///app/main.mjs:5:1",
      "    at async /home/alice/app/x.js:10:3",
      "    at eval (eval at <anonymous> (file:///home/alice/x.js:1:1), <anonymous>:1:1)",
      "    at https://cdn.example.com/app.js?token=abc123:10:5",
      "    at f (webpack-internal:///./src/secret/x.js:1:2)",
      "    at Module._compile (internal/modules/cjs/loader.js:1063:30)",
    ])
      expect(await programReads(`Error: boom\n${frame}`)).toBe("Error: boom");
  });

  it("keeps an indented message after a traceback's frames, and cuts each frame's source line only", async () => {
    const text = [
      "  Traceback (most recent call last):",
      '    File "<stdin>", line 1, in <module>',
      '    File "/home/alice/app.py", line 3, in f',
      "      x = secret()",
      "  ValueError: bad input for user alice",
    ].join("\n");
    expect(await programReads(text)).toBe("  ValueError: bad input for user alice");
  });

  it("keeps ordinary lines that look like frames", async () => {
    for (const text of [
      "Room busy\nat 10:30",
      "Available slots:\nat 09:00\nat 10:30",
      "Validation failed:\nat least 3 items:1:2",
      'File "data.csv", line 3: bad value',
      "Meet at 10:30",
    ])
      expect(await programReads(text)).toBe(text);
  });

  it("reads a long line once: a 300,000-character line that starts like a frame is kept as it is", async () => {
    const text = `missing file\nat ${"1".repeat(300_000)}x`;
    expect(await programReads(text)).toBe(text);
  });
});
