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
 * Whether arrays and objects in `value` nest more than `max` levels deep. Walks without recursion (a
 * recursive walk is what overflows), and only into arrays and objects.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: unknown[] = [value];
  const depths: number[] = [0];
  while (stack.length > 0) {
    const item = stack.pop();
    const depth = depths.pop()!;
    if (item === null || typeof item !== "object") continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === "object") {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
