import type { LogEntry } from "@codecall/sandbox";
import type { SerializedError } from "../errors.js";
import { type JsonValue, utf8Length } from "../json.js";

/** Default cap on the envelope, in UTF-8 bytes: about 5k tokens. */
export const DEFAULT_ENVELOPE_BYTES = 20_000;
/** Cap on one error message or warning inside the envelope. */
const MAX_MESSAGE_CHARS = 2_000;
/** Room kept for the envelope's own fields and the truncation note. */
const RESERVED_BYTES = 800;
/** How many individual cuts the note lists. */
const MAX_CUT_NOTES = 5;

/** What the model reads after an execution: always valid JSON, never longer than its cap. */
export interface Envelope {
  ok: boolean;
  /** The program's return value, possibly cut (see `truncated`). */
  value?: JsonValue;
  error?: Pick<SerializedError, "code" | "message" | "hint" | "name" | "line" | "column">;
  /** Console output, one entry per call; levels other than `log` are prefixed (`[warn] ...`). */
  logs?: string[];
  /** Type-check findings of a program that ran anyway (mode `warn`). */
  warnings?: string[];
  /** Present when anything was cut: what, how much, and how to get less. */
  truncated?: { note: string; originalBytes: number; shownBytes: number; cuts: string[] };
}

/** The parts of an execution result the envelope shows. */
export interface EnvelopeInput {
  ok: boolean;
  value?: JsonValue;
  error?: SerializedError;
  logs: LogEntry[];
  warnings?: string[];
}

export interface EnvelopeOptions {
  /** Cap in UTF-8 bytes. Defaults to {@link DEFAULT_ENVELOPE_BYTES}. */
  maxBytes?: number;
}

/**
 * Renders an execution result as the JSON text the model reads. When the value and logs do not fit in
 * `maxBytes`, it keeps the first array items, object keys, string characters and log lines that fit,
 * and says what it cut and how to ask for less. The result always parses as JSON.
 */
export function renderEnvelope(input: EnvelopeInput, options: EnvelopeOptions = {}): string {
  const maxBytes = Math.max(1_000, options.maxBytes ?? DEFAULT_ENVELOPE_BYTES);
  const envelope: Envelope = { ok: input.ok };
  if (input.error) envelope.error = errorView(input.error);
  if (input.warnings?.length)
    envelope.warnings = input.warnings.slice(0, 10).map((w) => capText(w, MAX_MESSAGE_CHARS / 4));

  const logs = input.logs.map((l) => (l.level === "log" ? l.message : `[${l.level}] ${l.message}`));
  const hasValue = input.value !== undefined;
  const valueBytes = hasValue ? jsonBytes(input.value) : 0;
  const logBytes = logs.reduce((n, l) => n + jsonBytes(l) + 1, 0);
  const available = Math.max(200, maxBytes - jsonBytes(envelope) - RESERVED_BYTES);

  if (valueBytes + logBytes <= available) {
    if (hasValue) envelope.value = input.value;
    if (logs.length) envelope.logs = logs;
    return JSON.stringify(envelope);
  }

  // Share the room: each part gets half, and what one does not need goes to the other.
  const half = Math.floor(available / 2);
  const valueBudget = logBytes < half ? available - logBytes : Math.max(half, available - logBytes);
  const cuts: string[] = [];
  if (hasValue)
    envelope.value = shrink(input.value as JsonValue, Math.min(valueBytes, valueBudget), "value", cuts);
  const logBudget = available - (hasValue ? jsonBytes(envelope.value) : 0);
  if (logs.length) envelope.logs = shrinkLogs(logs, logBudget, cuts);

  const originalBytes = valueBytes + logBytes;
  const shownBytes =
    (hasValue ? jsonBytes(envelope.value) : 0) +
    (envelope.logs ?? []).reduce((n, l) => n + jsonBytes(l) + 1, 0);
  const parts: string[] = [];
  if (hasValue && valueBytes > valueBudget) parts.push(`the return value was ${valueBytes} bytes`);
  if (logs.length && logBytes > logBudget) parts.push(`console output was ${logBytes} bytes`);
  envelope.truncated = {
    note: `Output cut to fit ${maxBytes} bytes: ${parts.join(" and ")}; ${originalBytes - shownBytes} bytes were left out. To get less, filter, select the fields you need, aggregate or slice in code, and return or log only that.`,
    originalBytes,
    shownBytes,
    cuts: cuts.slice(0, MAX_CUT_NOTES),
  };
  if (cuts.length > MAX_CUT_NOTES)
    envelope.truncated.cuts.push(`... and ${cuts.length - MAX_CUT_NOTES} more cuts`);
  return JSON.stringify(envelope);
}

function errorView(error: SerializedError): NonNullable<Envelope["error"]> {
  const out: NonNullable<Envelope["error"]> = {
    code: error.code,
    message: capText(error.message, MAX_MESSAGE_CHARS),
  };
  if (error.name !== undefined) out.name = error.name;
  if (error.line !== undefined) out.line = error.line;
  if (error.column !== undefined) out.column = error.column;
  if (error.hint !== undefined) out.hint = error.hint;
  return out;
}

/**
 * Fits `value` in `budget` bytes of JSON: strings keep their first characters, arrays their first items,
 * and objects share the room among their keys (small keys whole, large ones cut), so a short `total`
 * beside a huge list survives.
 */
function shrink(value: JsonValue, budget: number, path: string, cuts: string[]): JsonValue {
  if (jsonBytes(value) <= budget) return value;
  if (typeof value === "string") {
    const kept = cutString(value, Math.max(0, budget - 16));
    cuts.push(`${path}: kept ${kept.length} of ${value.length} characters`);
    return `${kept}…`;
  }
  if (value === null || typeof value !== "object") return value;
  return Array.isArray(value)
    ? shrinkArray(value, budget, path, cuts)
    : shrinkObject(value, budget, path, cuts);
}

function shrinkArray(items: JsonValue[], budget: number, path: string, cuts: string[]): JsonValue[] {
  const kept: JsonValue[] = [];
  let used = 2;
  for (const item of items) {
    const cost = jsonBytes(item) + 1;
    if (used + cost <= budget) {
      kept.push(item);
      used += cost;
      continue;
    }
    // The first item that does not fit is cut to the room left, when that room is worth using.
    const room = budget - used - 1;
    if (room >= 64 || kept.length === 0)
      kept.push(shrink(item, Math.max(0, room), `${path}[${kept.length}]`, cuts));
    break;
  }
  if (kept.length < items.length) cuts.unshift(`${path}: kept ${kept.length} of ${items.length} items`);
  return kept;
}

function shrinkObject(
  object: { [key: string]: JsonValue },
  budget: number,
  path: string,
  cuts: string[],
): JsonValue {
  const entries = Object.entries(object).map(([key, item]) => ({
    key,
    item,
    cost: jsonBytes(item),
    keyCost: jsonBytes(key) + 2,
  }));
  // Water-filling: the cheapest keys are served first, each to at most an even share of what is left.
  const share = new Map<string, number>();
  let room = budget - 2;
  let left = entries.length;
  for (const e of [...entries].sort((a, b) => a.cost + a.keyCost - (b.cost + b.keyCost))) {
    const fair = Math.floor(room / left--) - e.keyCost;
    const given = Math.max(0, Math.min(e.cost, fair));
    share.set(e.key, given);
    room -= given + e.keyCost;
  }
  const out: { [key: string]: JsonValue } = {};
  const dropped: string[] = [];
  for (const e of entries) {
    const given = share.get(e.key)!;
    if (given >= e.cost) out[e.key] = e.item;
    else if (given >= 64) out[e.key] = shrink(e.item, given, `${path}.${e.key}`, cuts);
    else dropped.push(e.key);
  }
  if (dropped.length) {
    cuts.unshift(
      `${path}: left out ${dropped.length} of ${entries.length} keys (${dropped.slice(0, 5).join(", ")}${dropped.length > 5 ? ", ..." : ""})`,
    );
  }
  return out;
}

function shrinkLogs(logs: string[], budget: number, cuts: string[]): string[] {
  const kept: string[] = [];
  let used = 2;
  for (const line of logs) {
    const cost = jsonBytes(line) + 1;
    if (used + cost <= budget) {
      kept.push(line);
      used += cost;
      continue;
    }
    if (budget - used >= 64) kept.push(`${cutString(line, budget - used - 16)}…`);
    break;
  }
  if (kept.length < logs.length || kept.at(-1) !== logs[kept.length - 1]) {
    cuts.push(
      `logs: kept ${kept.length} of ${logs.length} lines${kept.at(-1) === logs[kept.length - 1] ? "" : " (the last one cut)"}`,
    );
  }
  return kept;
}

/** The longest prefix of `text` whose JSON form fits in `budget` bytes, not splitting a surrogate pair. */
function cutString(text: string, budget: number): string {
  let lo = 0;
  let hi = Math.min(text.length, budget);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (jsonBytes(text.slice(0, mid)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  const code = text.charCodeAt(lo - 1);
  return code >= 0xd800 && code <= 0xdbff ? text.slice(0, lo - 1) : text.slice(0, lo);
}

function capText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

function jsonBytes(value: unknown): number {
  const json = JSON.stringify(value);
  return json === undefined ? 0 : utf8Length(json);
}
