/**
 * Every reply the host makes as JSON starts with this. A large string result goes to the engine as
 * itself (see {@link okAnswer}) and never starts with it, so the prelude tells the two apart by their
 * first six characters.
 */
export const JSON_ANSWER_PREFIX = '{"ok":';
/** Strings from this many UTF-16 units go to the engine as themselves, not as JSON. */
export const RAW_FROM_UNITS = 64 * 1024;

/** `String.prototype.isWellFormed` (Node 20 on), which the ES2023 library this package compiles against lacks. */
const isWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;

/**
 * The answer to a call whose tool returned `value`: `{"ok":true,"value":…}` as JSON.stringify makes it,
 * or, for a long string, the string itself. Wrapping a 6 MiB string in JSON made the host's thread copy
 * it into a new string of its own (25 ms on an idle machine, 40-110 ms with the heap full of other
 * answers; JSON.stringify of a string with quotes to escape, 30-70 ms) before anything measured or sent
 * it; the string itself goes out as the tool gave it. Still wrapped: a string that starts like JSON's
 * answers, or that holds a lone surrogate (UTF-8 on the way to an engine cannot carry one) or a NUL
 * (QuickJS takes a new string up to its first NUL); JSON escapes both.
 */
export function okAnswer(value: unknown): string {
  if (
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
