import { CodecallError } from "./errors.js";

/** A JSON value: the only kind of data that crosses a sandbox boundary. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Node's `Buffer`, read from the global so the module still loads where there is none (browsers). */
const NodeBuffer = (globalThis as { Buffer?: { byteLength(text: string, encoding: "utf8"): number } }).Buffer;
const encoder = new TextEncoder();

/**
 * UTF-8 byte length of a string, counted natively without making its bytes where Node is: a 6 MiB tool
 * answer took 30-70 ms of the host's thread to test for ASCII with a regular expression (and a full encoded
 * copy when it was not ASCII); counting takes about 1 ms.
 */
export function utf8Length(text: string): number {
  return NodeBuffer ? NodeBuffer.byteLength(text, "utf8") : encoder.encode(text).byteLength;
}

/**
 * The deepest nesting of arrays and objects a value may cross the boundary with. The host's own
 * JSON.stringify overflows its stack at about 4,000 levels from an idle stack (fewer from a deep one), so a
 * program's value nested deeper would reach the host as one its callers cannot serialize.
 */
export const MAX_VALUE_DEPTH = 1_000;

/**
 * Whether arrays and objects in the JSON text `json` nest more than `max` levels deep. A scan of the text,
 * in constant memory: walking the parsed value costs the host's thread over ten times as long on a
 * request of megabytes. Brackets inside strings do not count.
 */
export function jsonDeeperThan(json: string, max: number): boolean {
  // A value nested n levels deep is at least 2n characters: short texts need no scan.
  if (json.length <= 2 * max) return false;
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 34) {
      // A string: jump to its closing quote (native indexOf; arguments of megabytes are mostly strings),
      // the first one not escaped by an odd run of backslashes.
      let end = i;
      for (;;) {
        end = json.indexOf('"', end + 1);
        if (end === -1) return false;
        let b = end - 1;
        while (json.charCodeAt(b) === 92) b--;
        if ((end - 1 - b) % 2 === 0) break;
      }
      i = end;
    } else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

/**
 * Whether `error` is the host's own stack overflow: what walking or serialising a value nested a few
 * thousand levels deep gives on the host's thread (JSON.stringify, a privacy scan).
 */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

/**
 * The error a program gets for a tool result nested too deeply for the host to pass on. It says what
 * happened and nothing of the host's stack or files.
 */
export function toolResultTooDeep(tool: string): CodecallError {
  return new CodecallError(
    "TOOL_RESULT_TOO_LARGE",
    `The result of ${tool} nests arrays and objects too deeply to pass to the program (thousands of levels).`,
    { hint: "Ask the tool for a flatter or smaller result.", details: { tool } },
  );
}

/**
 * The longest tool name a call may carry: far past any real one (MCP allows 128 characters; a namespaced
 * name is a few of those), far below the megabytes the arguments' limit would let through.
 */
export const MAX_TOOL_NAME_LENGTH = 1_024;

/**
 * The tool name at the start of a call's request text (`{"name":...,"args":...}`, as the prelude makes
 * it), read without parsing the rest: the arguments may be megabytes. "" when it is not there.
 */
export function requestName(requestJson: string): string {
  const match = /^\{"name":("(?:[^"\\]|\\.)*")/.exec(requestJson.slice(0, 6 * MAX_TOOL_NAME_LENGTH + 16));
  if (!match) return "";
  try {
    const name: unknown = JSON.parse(match[1]!);
    return typeof name === "string" ? name.slice(0, MAX_TOOL_NAME_LENGTH) : "";
  } catch {
    return "";
  }
}

/**
 * What a backend that refuses a call before it crosses (QuickJS's worker: arguments over the limits)
 * sends the host instead, so the call still counts toward maxToolCalls and leaves its record: the host
 * answers it with the same refusal. `kind`: "call" (over maxToolArgsBytes) or "inFlight".
 */
export function standInRequest(requestJson: string, kind: "call" | "inFlight"): string {
  return JSON.stringify({ name: requestName(requestJson), refused: kind });
}
