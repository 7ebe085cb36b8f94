import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { CodecallError } from "../errors.js";

/** Ends a server failure's message with its stderr, for the host; programs get the message without it (see tool-bridge.ts). */
export const STDERR_LEAD = " Its stderr ends with:\n";

/**
 * The text a failed tool gave: its text content blocks joined, or a note when it sent none.
 */
export function toolErrorText(result: CallToolResult): string {
  const texts = (result.content ?? [])
    .filter((block): block is { type: "text"; text: string } => block.type === "text")
    .map((block) => block.text);
  if (texts.length > 0) return texts.join("\n");
  if (result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return "The tool reported an error without a message.";
}

/**
 * Turns an MCP tool result into the value a program receives: `structuredContent` when present, else the
 * content array. A result with `isError` throws a TOOL_FAILED {@link CodecallError} whose message is the
 * tool's own text, with the server and tool in `details`.
 */
export function toolResultToValue(result: CallToolResult, tool?: { server: string; tool: string }): unknown {
  if (result.isError === true) {
    throw new CodecallError("TOOL_FAILED", toolErrorText(result), {
      details: { ...tool, content: result.content, structuredContent: result.structuredContent },
    });
  }
  if (result.structuredContent !== undefined) return result.structuredContent;
  return result.content ?? [];
}
