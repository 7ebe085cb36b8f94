/**
 * Tokenize and untokenize JSON values with a {@link Vault}. `untokenize(tokenize(x))` equals `x` for any
 * JSON value: every replaced span maps back to its exact text, numbers stored as tokens come back as
 * numbers, and token-shaped text already present in the input is itself vaulted (as a `LITERAL` token),
 * so the output contains no token the vault did not issue.
 */
import type { JsonValue } from "../json.js";
import { type Detector, defaultDetectors, type Match, type ScanContext } from "./detectors.js";
import { isPersonObject, tableFieldValues, typeForKey, typeForSchema } from "./fields.js";
import { profileOf } from "./profile.js";
import { ESCAPE_TYPE, TOKEN_PATTERN } from "./tokens.js";
import type { KnownMatch, Vault, VaultEntry } from "./vault.js";

/** How to find values. */
export interface ScanOptions {
  /** Detectors in priority order. Default: {@link defaultDetectors}. */
  detectors?: readonly Detector[];
  /** Ignore matches of detectors with a lower confidence. Default 0. */
  minConfidence?: number;
  /** Schema-driven detection (field names, `format`, CSV headers). Default true. */
  fields?: boolean;
}

/** Options of {@link tokenize}. */
export interface TokenizeOptions extends ScanOptions {
  /** The JSON Schema of the value (a tool's `outputSchema`), for `format`-driven fields. */
  schema?: unknown;
}

let builtins: Detector[] | undefined;
function detectorsOf(o: ScanOptions): readonly Detector[] {
  if (o.detectors) return o.detectors;
  builtins ??= defaultDetectors();
  return builtins;
}

const MAX_FIELD_VALUE = 256;

/** Pass 1: vault every value that is personal by position, so pass 2 can replace it anywhere. */
function collectFields(value: JsonValue, schema: unknown, vault: Vault): void {
  if (typeof value === "string") {
    if (value.indexOf("\n") !== -1) {
      for (const f of tableFieldValues(value)) vault.issue(f.type, f.value, { remember: true });
    }
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const s = typeof schema === "object" && schema !== null ? (schema as Record<string, unknown>) : undefined;
  if (Array.isArray(value)) {
    for (const item of value) collectFields(item, s?.items, vault);
    return;
  }
  const props = s?.properties as Record<string, unknown> | undefined;
  let person: boolean | undefined;
  for (const key of Object.keys(value)) {
    const v = value[key]!;
    const sub = props?.[key] ?? s?.additionalProperties;
    if (typeof v === "string" || typeof v === "number") {
      let type = typeForSchema(sub) ?? typeForKey(key);
      if (type === undefined && key === "name") {
        person ??= isPersonObject(value);
        if (person) type = "NAME";
      }
      if (type !== undefined) {
        if (typeof v === "string") {
          if (v.trim() !== "" && v.length <= MAX_FIELD_VALUE) vault.issue(type, v, { remember: true });
        } else if (type === "PHONE" && Number.isSafeInteger(v) && v >= 1e6) {
          vault.issue(type, String(v), { numeric: true, remember: true });
        }
      }
    }
    collectFields(v, sub, vault);
  }
}

/** Where the output schema applies: a CallToolResult's `structuredContent`, or the value itself. */
function schemaRoot(value: JsonValue, schema: unknown): [JsonValue, unknown][] {
  if (schema === undefined) return [[value, undefined]];
  if (typeof value === "object" && value !== null && !Array.isArray(value) && "structuredContent" in value) {
    return [
      [value.structuredContent!, schema],
      [value, undefined],
    ];
  }
  return [[value, schema]];
}

/**
 * Finds the spans to replace in `text`. `escape` vaults token-shaped text (tokenize); without it, existing
 * tokens are left alone (redact).
 */
function findSpans(
  text: string,
  context: ScanContext,
  vault: Vault,
  options: ScanOptions,
  known: "remembered" | "all" | undefined,
  escapeTokens: boolean,
): Match[] {
  const found: Match[] = [];
  if (escapeTokens && profileOf(text, context).bracket) {
    for (const m of text.matchAll(TOKEN_PATTERN)) {
      found.push({ start: m.index, end: m.index + m[0].length, type: ESCAPE_TYPE, confidence: 1 });
    }
  }
  const min = options.minConfidence ?? 0;
  for (const d of detectorsOf(options)) {
    if (d.confidence >= min) d.find(text, found, context);
  }
  const detected = found.length <= 1 ? found : firstOfOverlaps(found);
  if (known === undefined) return detected;
  // Known values last, and only where they do not cut into a detected value of another type: a name
  // inside an email address stays part of the email's token. A known value kept wins its overlaps.
  const hits: KnownMatch[] = [];
  vault.findKnown(text, known, hits, detected);
  if (hits.length === 0) return detected;
  const spans: Match[] = [];
  for (const m of detected) {
    if (!hits.some((h) => h.start < m.end && m.start < h.end)) spans.push(m);
  }
  for (const h of hits) spans.push({ start: h.start, end: h.end, type: h.entry.type, confidence: 1 });
  return spans.length <= 1 ? spans : spans.sort((a, b) => a.start - b.start);
}

/** Keeps the first-found (highest-priority) match of any overlapping set; sorted by position. */
function firstOfOverlaps(found: Match[]): Match[] {
  const kept: Match[] = [];
  for (const m of found) {
    if (m.end <= m.start) continue;
    if (!kept.some((k) => m.start < k.end && k.start < m.end)) kept.push(m);
  }
  return kept.sort((a, b) => a.start - b.start);
}

function replaceSpans(text: string, spans: Match[], vault: Vault): string {
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + vault.issue(s.type, text.slice(s.start, s.end));
    at = s.end;
  }
  return out + text.slice(at);
}

/** Tokenizes one string: the whole of it if the vault already knows it, else every value found in it. */
export function tokenizeString(
  text: string,
  vault: Vault,
  options: ScanOptions = {},
  context: ScanContext = {},
): string {
  if (text.length === 0) return text;
  const whole = vault.lookup(text);
  if (whole !== undefined) return whole.token;
  return tokenizeFound(text, vault, options, context);
}

/** The part of {@link tokenizeString} after the whole-string lookup: detection and replacement. */
function tokenizeFound(text: string, vault: Vault, options: ScanOptions, context: ScanContext): string {
  const spans = findSpans(
    text,
    context,
    vault,
    options,
    options.fields === false ? undefined : "remembered",
    true,
  );
  return spans.length === 0 ? text : replaceSpans(text, spans, vault);
}

function tokenizeNumber(
  value: number,
  key: string | undefined,
  vault: Vault,
  options: ScanOptions,
): JsonValue {
  if (!Number.isSafeInteger(value) || value < 1e6) return value;
  const digits = String(value);
  if (options.fields !== false) {
    const entry = vault.lookup(digits);
    const byKey = key === undefined ? undefined : typeForKey(key);
    if (byKey === "PHONE") return vault.issue("PHONE", digits, { numeric: true, remember: true });
    if (entry?.remembered) return vault.issue(entry.type, digits, { numeric: true });
  }
  const min = options.minConfidence ?? 0;
  for (const d of detectorsOf(options)) {
    if (d.matchNumber && d.confidence >= min && d.matchNumber(value))
      return vault.issue(d.type, digits, { numeric: true });
  }
  return value;
}

function setKey(out: Record<string, JsonValue>, key: string, value: JsonValue): void {
  if (key === "__proto__")
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** Strings up to this length have their results cached within one tokenize call. */
const CACHED_LENGTH = 80;
/** Misses after which a property whose values rarely repeat (ids, timestamps) stops being cached. */
const CACHE_TRIAL = 64;

interface CacheSlot {
  results: Map<string, string>;
  hits: number;
  misses: number;
}

/**
 * One tokenize call's state. Object keys and short values (`"status": "open"`) repeat in every element of
 * a list, so their results are cached per property name (detectors may read it). A result depends only on
 * the text, the property name and the vault's remembered values, so the cache is dropped when a
 * remembered value is added; the whole-string vault lookup still comes first, as in {@link tokenizeString}.
 */
class Walker {
  /** Results by property name (`undefined` for object keys and top-level strings), then by text. */
  readonly #cache = new Map<string | undefined, CacheSlot>();
  #revision: number;
  readonly #context: ScanContext = {};

  constructor(
    readonly vault: Vault,
    readonly options: ScanOptions,
  ) {
    this.#revision = vault.rememberedRevision;
  }

  walk(value: JsonValue, key: string | undefined): JsonValue {
    if (typeof value === "string") return this.string(value, key);
    if (typeof value === "number") return tokenizeNumber(value, key, this.vault, this.options);
    if (typeof value !== "object" || value === null) return value;
    // Copy on write: a list or object none of whose parts changed is returned as it is.
    if (Array.isArray(value)) {
      let out: JsonValue[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = value[i]!;
        const next = this.walk(item, key);
        if (out === undefined) {
          if (next === item) continue;
          out = value.slice(0, i);
        }
        out.push(next);
      }
      return out ?? value;
    }
    const keys = Object.keys(value);
    let out: Record<string, JsonValue> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const item = value[k]!;
      const nextKey = this.string(k, undefined);
      const next = this.walk(item, k);
      if (out === undefined) {
        if (next === item && nextKey === k) continue;
        out = {};
        for (let j = 0; j < i; j++) setKey(out, keys[j]!, value[keys[j]!]!);
      }
      setKey(out, nextKey, next);
    }
    return out ?? value;
  }

  string(text: string, key: string | undefined): string {
    if (text.length === 0) return text;
    // The vault may hold the whole string since it was cached (found elsewhere): that comes first.
    const whole = this.vault.lookup(text);
    if (whole !== undefined) return whole.token;
    const context = this.#context;
    context.key = key;
    if (text.length > CACHED_LENGTH) return tokenizeFound(text, this.vault, this.options, context);
    const revision = this.vault.rememberedRevision;
    if (revision !== this.#revision) {
      this.#cache.clear();
      this.#revision = revision;
    }
    let slot = this.#cache.get(key);
    if (slot === undefined) {
      slot = { results: new Map(), hits: 0, misses: 0 };
      this.#cache.set(key, slot);
    }
    if (slot.misses > CACHE_TRIAL && slot.hits < slot.misses) {
      return tokenizeFound(text, this.vault, this.options, context); // this property's values are unique
    }
    let out = slot.results.get(text);
    if (out === undefined) {
      slot.misses++;
      out = tokenizeFound(text, this.vault, this.options, context);
      slot.results.set(text, out);
    } else slot.hits++;
    return out;
  }
}

/**
 * Replaces every personal value in `value` (strings, object keys, card numbers stored as numbers) by
 * its token, issuing tokens from `vault`. The input is not changed; objects and arrays in which nothing
 * was replaced are returned as they are (the result shares them with the input), the others are copies.
 */
export function tokenize(value: JsonValue, vault: Vault, options: TokenizeOptions = {}): JsonValue {
  if (options.fields !== false)
    for (const [v, s] of schemaRoot(value, options.schema)) collectFields(v, s, vault);
  return new Walker(vault, options).walk(value, undefined);
}

/** Decides per vault entry whether a token may be restored; entries it refuses stay tokens. */
export type RestoreFilter = (entry: VaultEntry) => boolean;

function untokenizeString(
  text: string,
  vault: Vault,
  allow: RestoreFilter | undefined,
  refused: VaultEntry[],
): JsonValue {
  if (text.indexOf("[") === -1) return text;
  const whole = vault.resolve(text);
  if (whole !== undefined) {
    if (allow && !allow(whole)) {
      refused.push(whole);
      return text;
    }
    return whole.numeric ? Number(whole.value) : whole.value;
  }
  return text.replace(TOKEN_PATTERN, (token) => {
    const entry = vault.resolve(token);
    if (entry === undefined) return token; // never issued here: forged or from another session
    if (allow && !allow(entry)) {
      refused.push(entry);
      return token;
    }
    return entry.value;
  });
}

function unwalk(
  value: JsonValue,
  vault: Vault,
  allow: RestoreFilter | undefined,
  refused: VaultEntry[],
): JsonValue {
  if (typeof value === "string") return untokenizeString(value, vault, allow, refused);
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => unwalk(item, vault, allow, refused));
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(value)) {
    const key = untokenizeString(k, vault, allow, refused);
    setKey(out, typeof key === "string" ? key : String(key), unwalk(value[k]!, vault, allow, refused));
  }
  return out;
}

/**
 * Replaces tokens in `value` by their raw values. With `allow`, only entries it accepts are restored; the
 * others stay tokens and are listed in the returned `refused`. Tokens the vault did not issue stay as
 * they are.
 */
export function untokenize(
  value: JsonValue,
  vault: Vault,
  allow?: RestoreFilter,
): { value: JsonValue; refused: VaultEntry[] } {
  const refused: VaultEntry[] = [];
  return { value: unwalk(value, vault, allow, refused), refused };
}

/**
 * Text for people and models (logs, error messages, the result envelope, run records): every raw value the
 * vault holds, and every value the detectors find, becomes its token. Existing tokens are left as they are.
 * Not reversible; use {@link tokenize} for data.
 */
export function redact(text: string, vault: Vault, options: ScanOptions = {}): string {
  if (text.length === 0) return text;
  if (options.fields !== false && text.indexOf("\n") !== -1) {
    for (const f of tableFieldValues(text)) vault.issue(f.type, f.value, { remember: true });
  }
  const spans = findSpans(text, {}, vault, options, "all", false);
  if (spans.length === 0) return text;
  let out = "";
  let at = 0;
  for (const s of spans) {
    const raw = text.slice(s.start, s.end);
    out += text.slice(at, s.start) + (vault.lookup(raw)?.token ?? vault.issue(s.type, raw));
    at = s.end;
  }
  return out + text.slice(at);
}
