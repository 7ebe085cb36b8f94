/** A JSON value: the only kind of data that crosses a sandbox boundary. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

const encoder = new TextEncoder();

/** UTF-8 byte length of a string, without allocating for ASCII-only text. */
export function utf8Length(text: string): number {
  // Fast path: a string of n UTF-16 units takes at least n bytes and at most 3n.
  if (/^[\x00-\x7f]*$/.test(text)) return text.length;
  return encoder.encode(text).byteLength;
}
