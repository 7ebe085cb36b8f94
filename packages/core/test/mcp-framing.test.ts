import { describe, expect, it } from "vitest";
import { BoundedLineReader, findMessageId } from "../src/mcp/stdio-framing.js";

const line = (message: object) => `${JSON.stringify(message)}\n`;

describe("BoundedLineReader: stdio lines with a cap", () => {
  it("joins a message split over chunks, splits several in one chunk, and accepts CRLF", () => {
    const refused: unknown[] = [];
    const reader = new BoundedLineReader(1_000, (id) => refused.push(id));
    const text = `${line({ jsonrpc: "2.0", id: 1, result: {} })}${line({ jsonrpc: "2.0", method: "x" }).replace("\n", "\r\n")}`;
    for (let i = 0; i < text.length; i += 7) reader.append(Buffer.from(text.slice(i, i + 7)));
    expect(reader.readMessage()).toEqual({ jsonrpc: "2.0", id: 1, result: {} });
    expect(reader.readMessage()).toEqual({ jsonrpc: "2.0", method: "x" });
    expect(reader.readMessage()).toBeNull();
    expect(refused).toEqual([]);
  });

  it("refuses a line the moment it passes the cap, skips the rest, and reads the next line", () => {
    const refused: Array<[unknown, boolean]> = [];
    const reader = new BoundedLineReader(1_000, (id, ended) => refused.push([id, ended]));
    reader.append(Buffer.from(`{"jsonrpc":"2.0","id":7,"result":{"text":"`));
    reader.append(Buffer.from("x".repeat(1_500)));
    // Refused before the line ended.
    expect(refused).toEqual([[7, false]]);
    reader.append(Buffer.from("x".repeat(100_000)));
    reader.append(Buffer.from(`"}}\n${line({ jsonrpc: "2.0", id: 8, result: {} })}`));
    expect(refused).toEqual([[7, false]]);
    expect(reader.readMessage()).toEqual({ jsonrpc: "2.0", id: 8, result: {} });
    expect(reader.readMessage()).toBeNull();
  });

  it("finds the id at the end of a refused line when it is not at its start", () => {
    const refused: Array<[unknown, boolean]> = [];
    const reader = new BoundedLineReader(1_000, (id, ended) => refused.push([id, ended]));
    reader.append(Buffer.from(`{"jsonrpc":"2.0","result":{"text":"${"y".repeat(5_000)}"},"id":"req-9"}\n`));
    expect(refused).toEqual([
      [undefined, false],
      ["req-9", true],
    ]);
  });

  it("reads only a message's own id, at its start or its end, never one nested in its result", () => {
    expect(findMessageId('{"jsonrpc":"2.0","id":42,"res', "start")).toBe(42);
    expect(findMessageId('{"id":"a\\"b","result', "start")).toBe('a"b');
    expect(findMessageId('{"result":{"items":[{"id":3,"na', "start")).toBeUndefined();
    expect(findMessageId('xx"}]},"jsonrpc":"2.0","id":5}', "end")).toBe(5);
    expect(findMessageId('xx"}]},"id":5,"jsonrpc":"2.0"}', "end")).toBe(5);
    expect(findMessageId('xx,"items":[{"id":3}]}}', "end")).toBeUndefined();
  });
});
