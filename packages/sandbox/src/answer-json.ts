import { utf8Length } from "./json.js";

/**
 * Every reply the host makes as JSON starts with this. A long string result that goes to the engine as
 * itself (see {@link okAnswer}) never does, so the prelude tells the two apart by their first characters.
 */
export const JSON_ANSWER_PREFIX = '{"ok":';
/** Strings from this many UTF-16 units may go to the engine as themselves, not as JSON. */
export const RAW_FROM_UNITS = 64 * 1024;

/** `String.prototype.isWellFormed` (Node 20 on), which the ES2023 library this package compiles against lacks. */
const isWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;

/**
 * The answer to a call whose tool returned `value`: `{"ok":true,"value":…}` as JSON.stringify makes it,
 * or, when `raw` (the adapter takes such answers), a long string as itself. Wrapping a 6 MiB string in JSON
 * made the host's thread copy it into a new string of its own (25 ms on an idle machine, 40-110 ms with
 * the heap full of other answers; JSON.stringify of a string with quotes to escape, 30-70 ms) before
 * anything measured or sent it; the string itself goes out as the tool gave it. Still wrapped: a string
 * that starts like JSON's answers, or that holds a lone surrogate (UTF-8 on the way to an engine cannot
 * carry one) or a NUL (QuickJS takes a new string up to its first NUL); JSON escapes both.
 */
export function okAnswer(value: unknown, raw: boolean): string {
  if (
    raw &&
    typeof value === "string" &&
    value.length >= RAW_FROM_UNITS &&
    isWellFormed?.call(value) === true &&
    !value.includes("\u0000") &&
    !value.startsWith(JSON_ANSWER_PREFIX)
  )
    return value;
  return JSON.stringify({ ok: true, value });
}

/** Whether `answer` is a string result as itself (see {@link okAnswer}), not JSON. */
export function isRawAnswer(answer: string): boolean {
  return !answer.startsWith(JSON_ANSWER_PREFIX);
}

/** What JSON.stringify escapes in a well-formed string: the quote, the backslash, control characters. */
const ESCAPED = /["\\\u0000-\u001f]/;

/**
 * The bytes of `text`'s JSON (UTF-8, quotes included) without making it: a tool result's size is its
 * JSON's, whether or not it goes to the engine as JSON. `text` is well formed (see {@link okAnswer}).
 */
export function jsonStringBytes(text: string): number {
  let bytes = utf8Length(text) + 2;
  if (!ESCAPED.test(text)) return bytes;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d)
      bytes += 1; // \" \\ \b \t \n \f \r
    else if (c < 0x20) bytes += 5; // \u00XX
  }
  return bytes;
}
