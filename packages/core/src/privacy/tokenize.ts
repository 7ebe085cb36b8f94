/**
 * Tokenize and untokenize JSON values with a {@link Vault}. `untokenize(tokenize(x))` equals `x` for any
 * JSON value: every replaced span maps back to its exact text, numbers stored as tokens come back as
 * numbers, and token-shaped text already present in the input is itself vaulted (as a `LITERAL` token),
 * so the output contains no token the vault did not issue.
 */
import type { JsonValue } from "../json.js";
import {
  contextGateMask,
  type Detector,
  defaultDetectors,
  eachMailboxName,
  GATE,
  type Gated,
  gateMask,
  type Match,
  mayHoldMailbox,
  namesVersion,
  onlyBuiltins,
  PHONE_GATE,
  type PieceContext,
  type ResultContext,
  type ScanContext,
} from "./detectors.js";
import {
  atPlace,
  cardFieldValues,
  columnTypes,
  type FieldValue,
  fieldValueFits,
  fullNameShape,
  isCalendarWord,
  isPersonObject,
  isPlaceholder,
  isRegionKey,
  type KeyKind,
  keyKind,
  keyWords,
  labelFieldValues,
  labelStringValues,
  looksLikePhone,
  mayHoldQuotedPairs,
  namesId,
  namesSomeName,
  namesUserName,
  oneDigitRepeated,
  quotedPairValues,
  regionForField,
  rememberable,
  replyHeaderNames,
  tableFieldValues,
  typeForSchema,
  versionCells,
} from "./fields.js";
import { readLiteral } from "./literal.js";
import { perKey } from "./per-key.js";
import { plusRegion } from "./phone-regions.js";
import { profileOf, type TextProfile, textProfile } from "./profile.js";
import { ESCAPE_TYPE, TOKEN_PATTERN } from "./tokens.js";
import {
  findKnownIn,
  type IssueOptions,
  issueRange,
  type KnownMatch,
  lookupToken,
  rememberedIndex,
  type Vault,
  type VaultEntry,
} from "./vault.js";

/** The options values are issued with, made once (the vault only reads them): no object per value. */
const REMEMBER: Readonly<IssueOptions> = { remember: true };
const LOCAL: Readonly<IssueOptions> = { local: true };
const NUMERIC_REMEMBER: Readonly<IssueOptions> = { numeric: true, remember: true };

/** How to find values. */
export interface ScanOptions {
  /** Detectors in priority order. Default: {@link defaultDetectors}. */
  detectors?: readonly Detector[];
  /** Ignore matches of detectors with a lower confidence. Default 0. */
  minConfidence?: number;
  /** Schema-driven detection (field names, `format`, CSV headers, sheet header rows). Default true. */
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
/** Read as `hasOwn.call(o, k)` inside `for (k in o)`: V8 then checks the key without a lookup. */
const hasOwn = Object.prototype.hasOwnProperty;
/** Text blocks up to this size that hold JSON are parsed so the values in their fields are known. */
const MAX_EMBEDDED_JSON = 4_000_000;

/** Values found by position in one tokenize call: container → property name or index → type. */
type Marks = WeakMap<object, Map<string | number, Mark>>;
/**
 * What pass 1 says of a value found by position: the token it issued for it, or, for a value it did not
 * issue (one kept local to its text block), the value's type. Tokens start with `[`, types never do.
 */
type Mark = string;

/** How a container was reached: what its parent says about the people in it. */
enum Role {
  None = 0,
  /** Under a role (`author`, `attendees`): an object here is a person, a string a name. */
  Person = 1,
  /** Inside a person's structured name (`name: {given, family}`, FHIR `HumanName`). */
  NameParts = 2,
}

const NAME_PART_KEYS = new Set([
  "given",
  "family",
  "first",
  "last",
  "middle",
  "text",
  "full",
  "prefix",
  "suffix",
]);
const CONTACT_KIND_KEYS = ["system", "type", "kind", "label", "channel", "medium"];

/**
 * Whether `record`, reached in `role`, is a person's, so that its generic `name` is the person's: under a
 * role and naming no thing, or a person by its own fields; a calendar's room or equipment never.
 */
function personRecord(record: { [key: string]: JsonValue }, role: Role): boolean {
  return (
    record.resource !== true && ((role === Role.Person && !namesAThing(record)) || isPersonObject(record))
  );
}

/** Keys that hold a wrapper's one text (`{value: "..."}`, Notion's rich text `{plain_text: "..."}`). */
const TEXT_KEYS = ["value", "plain_text"];

/**
 * The one text a wrapper holds, and where: `{value: "Jane"}`, `{plain_text: "Jane Doe"}`, a list of one
 * such, or a typed union's payload (`{type: "title", title: [...]}`, `{type: "email", email: "..."}`).
 * Undefined for anything else (a record of several fields, a list of several items).
 */
function wrappedText(
  v: JsonValue,
  depth: number,
): { container: object; at: string | number; text: string } | undefined {
  if (depth > 3 || typeof v !== "object" || v === null) return undefined;
  if (Array.isArray(v)) return v.length === 1 ? wrappedText(v[0]!, depth + 1) : undefined;
  for (const at of TEXT_KEYS) {
    const text = v[at];
    if (typeof text === "string") return { container: v, at, text };
  }
  const t = v.type;
  if (typeof t !== "string" || t === "type" || !hasOwn.call(v, t)) return undefined;
  const payload = v[t]!;
  if (typeof payload === "string") return { container: v, at: t, text: payload };
  return wrappedText(payload, depth + 1);
}

/** What {@link Collector} reads from a property name. */
interface KeyFacts {
  readonly kind: KeyKind;
  /** May name a region (`country`, `locale`). */
  readonly region: boolean;
  /** A bare name part: `given`, `family`, `first` or `last`, in any case. */
  readonly namePart: boolean;
  /** Holds a person's name parts (`given`, `family`: FHIR's lists of them). */
  readonly nameParts: boolean;
  /** One of {@link NAME_PART_KEYS}, in any case. */
  readonly namePartKey: boolean;
  /** One of {@link GENERIC_NAME_KEYS}. */
  readonly genericName: boolean;
  /** See {@link namesUserName}. */
  readonly userName: boolean;
  /** See {@link namesSomeName}. */
  readonly someName: boolean;
}
/** The {@link KeyFacts} of `key`, read once per name: the same few come back in every object of a list. */
const keyFactsOf = perKey(
  (key): KeyFacts => ({
    kind: keyKind(key),
    region: isRegionKey(key),
    namePart: /^(?:given|family|first|last)$/i.test(key),
    nameParts: /^(?:given|family)$/i.test(key),
    namePartKey: NAME_PART_KEYS.has(key.toLowerCase()),
    genericName: GENERIC_NAME_KEYS.has(key),
    userName: namesUserName(key),
    someName: namesSomeName(key),
  }),
);

/** Pass 1: finds every value that is personal by position; remembers those that may be found elsewhere. */
class Collector {
  /** Some value was marked: the walk looks marks up only then. */
  marked = false;
  /**
   * Per text block, the values found by position in it that are too ordinary to remember (a first name
   * that is also a month): the walk replaces them in that text only where they stand as a whole value.
   */
  readonly locals = new Map<string, FieldValue[]>();
  /** A text block is being read (the outermost one): values found by position in it are its own. */
  #reading = false;
  /** The local values of the text block being read, made when the first one is found. */
  #local: FieldValue[] | undefined;

  constructor(
    readonly vault: Vault,
    readonly marks: Marks,
    /** Called with JSON parsed out of a text block, to find what its structure tells (see {@link tokenize}). */
    readonly embedded: (parsed: JsonValue) => void,
    /** Mailbox display names are found (a `NAME` detector is on): remember them too. */
    readonly mailboxes = false,
    /** The cells of version columns (CSV text, sheets): dotted quads there are versions, not addresses. */
    readonly versions = new Set<string>(),
    /**
     * The records {@link regionOf} may find a region in: each holding a string under a key that may name
     * a region or an international number under a phone key, or a direct child (not a list) holding one.
     * The walk reads no other record's fields for a region (they cannot give one).
     */
    readonly regionRecords = new Set<object>(),
  ) {}

  #mark(container: object, at: string | number, type: string, value: string | number, words: boolean): void {
    this.marked = true;
    let m = this.marks.get(container);
    if (m === undefined) {
      m = new Map();
      this.marks.set(container, m);
    }
    // The token issued here is the one the walk would look up again (a token never changes): kept.
    if (typeof value === "string") {
      if (rememberable(type, value, words)) m.set(at, this.vault.issue(type, value, REMEMBER));
      else {
        // A common word's token is issued now, not remembered, so tokens keep the order their values come
        // in; a month's is issued when the walk reaches it, as it always was.
        m.set(at, isCalendarWord(value) ? type : this.vault.issue(type, value, LOCAL));
        this.#keep({ type, value, place: typeof at === "string" ? { key: at } : { index: at } });
      }
    } else m.set(at, this.vault.issue(type, String(value), NUMERIC_REMEMBER));
  }

  /** A value a text block's table or card holds: remembered, or kept as one of that text's local values. */
  #found(f: FieldValue): void {
    if (rememberable(f.type, f.value)) this.vault.issue(f.type, f.value, REMEMBER);
    else this.#keep(f);
  }

  /** Keeps a value not remembered as a local value of the text block being read, if one is. */
  #keep(f: FieldValue): void {
    if (!this.#reading) return;
    if (this.#local === undefined) this.#local = [f];
    else this.#local.push(f);
  }

  /** Marks `value` at `container[at]` as `type` when it fits; true when marked. */
  #take(
    container: object,
    at: string | number,
    type: string,
    value: JsonValue,
    strict: boolean,
    declared = false,
    /** See {@link rememberable}: false for a person's display `name`, by which notes address them. */
    words = true,
  ): boolean {
    if (typeof value === "string") {
      if (value.length > MAX_FIELD_VALUE) return false;
      // A type the output schema declares is trusted; one read from a name must look the part.
      if (declared ? value.trim() === "" || isPlaceholder(value) : !fieldValueFits(type, value, strict))
        return false;
      // The common-word rule is a role field's (`owner: "Grace"`, `assignee: "Open"`): a name field's one
      // word (`first_name: "John"`, `last_name: "Smith"`) is the person's, and prose that names them is replaced.
      this.#mark(container, at, type, value, strict && words);
      return true;
    }
    if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) {
      if (
        (type === "PHONE" && value >= 1e6 && !oneDigitRepeated(String(value))) ||
        (type === "SSN" && value >= 1e6 && value < 1e9)
      ) {
        this.#mark(container, at, type, value, words);
        return true;
      }
    }
    return false;
  }

  /** Reads `value`; true when it is a record holding a region's field itself (see {@link regionRecords}). */
  collect(value: JsonValue, schema: unknown, role: Role): boolean {
    if (typeof value === "string") {
      this.text(value);
      return false;
    }
    if (typeof value !== "object" || value === null) return false;
    const s = typeof schema === "object" && schema !== null ? (schema as Record<string, unknown>) : undefined;
    if (Array.isArray(value)) {
      this.array(value, s, role);
      return false;
    }
    return this.object(value, s, role);
  }

  text(value: string): void {
    if (this.#reading) {
      this.#text(value);
      return;
    }
    this.#reading = true;
    try {
      this.#text(value);
    } finally {
      this.#reading = false;
    }
    if (this.#local !== undefined) {
      this.locals.set(value, this.#local);
      this.#local = undefined;
    }
  }

  #text(value: string): void {
    const first = value.charCodeAt(0);
    // Text that may be one JSON document (read by its structure below).
    const json = (first === 123 || first === 91) && value.length <= MAX_EMBEDDED_JSON && closesJson(value);
    // The first `=`, read once for the two checks below that look for one.
    const eq = value.indexOf("=");
    if (value.indexOf("\n") !== -1) {
      versionCells(value, namesVersion, this.versions);
      for (const f of tableFieldValues(value)) this.#found(f);
      for (const f of cardFieldValues(value)) this.#found(f);
      // `key: value` lines (a config dump, a form, an INI file's `[section]`s); JSON text is read by its
      // structure instead.
      if (first !== 123 && (first !== 91 || isLetter(value.charCodeAt(1))))
        for (const f of labelFieldValues(value)) this.#found(f);
      // Outlook's reply header names its sender without an address (`From: Jane Doe` above `Sent:`).
      if (value.indexOf("\nSent:") !== -1) for (const f of replyHeaderNames(value)) this.#found(f);
      // A log's JSON records among its other lines.
      if (!json) this.#jsonLines(value);
    } else {
      // One `key: value` line as a whole string (a ticket's `summary` of `Assignee: Jane Doe`).
      const label = labelStringValues(value, eq);
      if (label !== undefined) for (const f of label) this.#found(f);
    }
    // Quoted pairs in a log line (`assignee="Jane Doe"`).
    if (mayHoldQuotedPairs(value, eq)) for (const f of quotedPairValues(value)) this.#found(f);
    // A mailbox's display name (`From: Jane Doe <jane@...>`) is a name by its place: remembered, so the
    // signature under the message and every other copy of it are replaced too.
    if (this.mailboxes && value.indexOf("@") !== -1 && mayHoldMailbox(value)) this.#mailboxNames(value);
    // JSON inside a text block: the values in its fields are remembered, so the text is tokenized too.
    if (json) {
      let parsed: JsonValue;
      try {
        parsed = JSON.parse(value) as JsonValue;
      } catch {
        // JSON lines (a log's records, one per line, other lines between): each is read as one document.
        if (value.indexOf("\n") !== -1) this.#jsonLines(value);
        // A Python or JavaScript literal (`{'name': 'Jane Doe', 'vip': True}`), read as its JSON.
        const literal = readLiteral(value);
        if (literal !== undefined) this.#document(literal);
        return;
      }
      if (typeof parsed === "object" && parsed !== null) this.#document(parsed);
    } else if ((first === 123 || first === 91) && value.length <= MAX_EMBEDDED_JSON) {
      // JSON (or a literal) cut short by a tool's output limit: what it holds up to the cut.
      const literal = readLiteral(value);
      if (literal !== undefined) this.#document(literal);
    }
  }

  /** A document read out of a text block: its fields read by name, its values remembered. */
  #document(parsed: JsonValue): void {
    try {
      this.collect(parsed, undefined, Role.None);
      this.embedded(parsed);
    } catch (error) {
      // Nested past the stack (a log line of thousands of `{"a":`): its strings are still scanned as
      // text by the walk; only the reading by field names is lost.
      if (!(error instanceof RangeError)) throw error;
    }
  }

  /**
   * Remembers the display names of the mailboxes in `value`. A method of its own: inside `#text`, which
   * reads every string, the variables this callback captures would be allocated on every call.
   */
  #mailboxNames(value: string): void {
    eachMailboxName(value, (start, end, written) => {
      const name = value.slice(start, end);
      if (rememberable("NAME", name, false)) this.vault.issue("NAME", name, REMEMBER);
      // `"Nakamura, Kenji"`: the signature and the greeting write it `Kenji Nakamura`.
      if (written !== undefined) this.vault.issue("NAME", written, REMEMBER);
    });
  }

  /**
   * The lines of a text that are JSON objects (`{"event": ...}`, indented or not), each read as one
   * document. A line whose `{` is not followed by `"` or `}` (a Python dict, `{not json}`) is not tried.
   */
  #jsonLines(value: string): void {
    // From `{` to `{`: a log with few records costs a few native searches, not a loop over its lines.
    for (let brace = value.indexOf("{"); brace !== -1; ) {
      let from = brace;
      while (from > 0 && (value.charCodeAt(from - 1) === 32 || value.charCodeAt(from - 1) === 9)) from--;
      let next = brace + 1;
      if (from === 0 || value.charCodeAt(from - 1) === 10) {
        let end = value.indexOf("\n", brace);
        if (end === -1) end = value.length;
        next = end;
        let key = brace + 1;
        while (value.charCodeAt(key) === 32) key++;
        const k = value.charCodeAt(key);
        if ((k === 34 || k === 125) && end - brace <= MAX_EMBEDDED_JSON) {
          const line = value.slice(brace, end).trimEnd();
          if (line.charCodeAt(line.length - 1) === 125) this.#text(line);
        }
      }
      brace = value.indexOf("{", next);
    }
  }

  /** Rows (arrays) from `from` on under a header of column names: version cells, and personal columns taken. */
  #rows(head: readonly string[], rows: readonly JsonValue[], from: number): void {
    for (let i = 0; i < head.length; i++) {
      if (!namesVersion(head[i]!)) continue;
      for (let r = from; r < rows.length; r++) {
        const cell = (rows[r] as JsonValue[] | undefined)?.[i];
        if (Array.isArray(rows[r]) && typeof cell === "string") this.versions.add(cell);
      }
    }
    const columns = columnTypes(head);
    if (columns === undefined) return;
    for (let r = from; r < rows.length; r++) {
      const row = rows[r];
      if (!Array.isArray(row)) continue;
      for (let i = 0; i < row.length && i < columns.length; i++) {
        const type = columns[i];
        if (type !== undefined) this.#take(row, i, type, row[i]!, type === "NAME");
      }
    }
  }

  array(value: JsonValue[], s: Record<string, unknown> | undefined, role: Role): void {
    // A sheet: a header row of strings, then rows.
    const head = value[0];
    if (
      value.length > 1 &&
      Array.isArray(head) &&
      head.length > 0 &&
      head.every((h) => typeof h === "string")
    )
      this.#rows(head as string[], value, 1);
    for (let i = 0; i < value.length; i++) {
      const item = value[i]!;
      if (role !== Role.None && typeof item === "string") {
        this.#take(value, i, "NAME", item, role === Role.Person);
        continue;
      }
      this.collect(item, s?.items, role);
    }
  }

  object(value: { [key: string]: JsonValue }, s: Record<string, unknown> | undefined, role: Role): boolean {
    // Whether this record holds a region's field (see `regionRecords`) itself, and whether a direct child does.
    let holdsRegion = false;
    let childHoldsRegion = false;
    const props = s?.properties as Record<string, unknown> | undefined;
    let person: boolean | undefined;
    // `{system: "phone", value: "..."}` (FHIR ContactPoint, vCard-like lists): the kind names the value.
    let contactType: string | undefined;
    let headLists: JsonValue[][] | undefined;
    let rowLists: JsonValue[] | undefined;
    if (typeof value.value === "string" || typeof value.value === "number") {
      for (const k of CONTACT_KIND_KEYS) {
        const kind = value[k];
        if (typeof kind === "string" && kind.length <= 200) {
          const t = keyKind(kind);
          if (t === "EMAIL" || t === "PHONE" || t === "SSN") contactType = t;
          else if (/\bssn\b|social.?security/i.test(kind)) contactType = "SSN";
          if (contactType) break;
        }
      }
    }
    for (const key in value) {
      if (!hasOwn.call(value, key)) continue; // inherited keys are not the value's
      const v = value[key]!;
      const sub = props?.[key] ?? s?.additionalProperties;
      const facts = keyFactsOf(key);
      const kind = facts.kind;
      // A region key, or an international number under a phone key (see `regionOf`).
      if (typeof v === "string" && (facts.region || (kind === "PHONE" && v.charCodeAt(0) === 43)))
        holdsRegion = true;
      if (key === "value" && contactType !== undefined) {
        this.#take(value, key, contactType, v, false);
        continue;
      }
      if (typeof v === "string" || typeof v === "number") {
        let type: string | undefined = typeForSchema(sub);
        const declared = type !== undefined;
        let strict = false;
        let words = true;
        if (type === undefined) {
          if (kind === "EMAIL" || kind === "PHONE" || kind === "SSN") type = kind;
          // A calendar's room or equipment among the attendees (`{displayName: "Boardroom", email,
          // resource: true}`) is no person; a key that says whose name it is (`full_name`) still is one.
          else if (kind === "NAME") {
            if (value.resource !== true || !facts.genericName) type = kind;
          } else if (kind === "ROLE" && typeof v === "string") {
            type = "NAME";
            strict = true;
          } else if (role === Role.NameParts && facts.namePartKey) type = "NAME";
          else if (typeof v === "string" && facts.userName && fullNameShape(v)) {
            // A login written as a full name (`userName: "Elena Rossi"`), not a handle (`erossi`).
            type = "NAME";
            strict = true;
          } else if (facts.genericName) {
            person ??= personRecord(value, role);
            if (person) {
              type = "NAME";
              strict = role !== Role.Person && !isPersonObject(value);
              words = false;
            }
          } else if (typeof v === "string" && facts.someName) {
            // `vollstaendiger_name` beside an email or phone: the record's person.
            person ??= (role === Role.Person && !namesAThing(value)) || isPersonObject(value);
            if (person) type = "NAME";
          } else if (facts.namePart) {
            // Bare name parts: in a person's record (`{first, last, email}`) or beside each other.
            person ??= role === Role.Person || isPersonObject(value);
            const lower = Object.keys(value).map((k) => k.toLowerCase());
            const pair =
              lower.includes("given") || lower.includes("family")
                ? lower.includes("given") && lower.includes("family")
                : lower.includes("first") && lower.includes("last");
            if (person || pair) type = "NAME";
          }
        }
        if (type !== undefined) {
          this.#take(value, key, type, v, strict, declared, words);
          if (typeof v === "string") this.text(v);
          continue;
        }
        if (typeof v === "string") this.text(v);
        continue;
      }
      // A list under a phone or email key (`phoneNumbers: [{value, type: "home"}]`, `phones: [{number}]`,
      // `mobiles: ["..."]`): each item (or its value) is one, whatever its own `type` says.
      if ((kind === "PHONE" || kind === "EMAIL") && Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const item = v[i]!;
          if (typeof item === "string" || typeof item === "number") {
            this.#take(v, i, kind, item, false);
            continue;
          }
          if (typeof item !== "object" || item === null || Array.isArray(item)) continue;
          const at = "value" in item ? "value" : "number" in item ? "number" : undefined;
          if (at !== undefined) this.#take(item, at, kind, item[at]!, false);
        }
      }
      // A header list beside its rows (`{columns: ["name", "email"], rows: [[...]]}`, a driver's `fields`
      // of `{name}` beside array rows): read as a sheet once both are seen.
      if (Array.isArray(v) && v.length > 0) {
        const first = v[0];
        if (Array.isArray(first)) rowLists ??= v;
        else if (typeof first === "string" || columnName(first) !== undefined) {
          headLists ??= [];
          headLists.push(v);
        }
      }
      // One text in a wrapper under a key that types it (`firstname: {value: "Jane"}`, Notion's
      // `Name: {type: "title", title: [{plain_text: "Jane Doe"}]}` in a record with a phone): the key's value.
      if (typeof v === "object" && v !== null) {
        const wrapped = wrappedText(v, 0);
        if (wrapped !== undefined) {
          let type: string | undefined;
          let strict = false;
          if (kind === "EMAIL" || kind === "PHONE" || kind === "SSN" || kind === "NAME") type = kind;
          else if (kind === "ROLE") {
            type = "NAME";
            strict = true;
          } else if (facts.genericName) {
            person ??= personRecord(value, role);
            if (person) {
              type = "NAME";
              strict = role !== Role.Person && !isPersonObject(value);
            }
          }
          if (type !== undefined) this.#take(wrapped.container, wrapped.at, type, wrapped.text, strict);
        }
      }
      let childRole = Role.None;
      if (kind === "ROLE" || kind === "PEOPLE") childRole = Role.Person;
      else if (
        kind === "NAME" ||
        ((key === "name" || key === "names") && (role === Role.Person || isPersonish(value)))
      )
        childRole = Role.NameParts;
      else if (facts.nameParts) childRole = Role.NameParts;
      if (this.collect(v, sub, childRole)) childHoldsRegion = true;
    }
    if (holdsRegion || childHoldsRegion) this.regionRecords.add(value);
    if (headLists !== undefined && rowLists !== undefined) {
      // The header is the list as wide as the rows (a `tags` list beside them is not one).
      const width = (rowLists[0] as JsonValue[]).length;
      const headList = headLists.find((h) => h.length === width);
      if (headList !== undefined)
        this.#rows(
          headList.map((h) => (typeof h === "string" ? h : (columnName(h) ?? ""))),
          rowLists,
          0,
        );
    }
    return holdsRegion;
  }
}

/** Whether text ends like a JSON document: `}` or `]`, then at most some white space. */
function closesJson(text: string): boolean {
  let i = text.length - 1;
  while (i >= 0 && i >= text.length - 16 && /\s/.test(text[i]!)) i--;
  const c = text.charCodeAt(i);
  return c === 125 || c === 93;
}

/** Keys that name whatever their object is: a person's name only when the object is a person. */
const GENERIC_NAME_KEYS = new Set(["name", "Name", "displayName", "display_name", "display"]);

/** An ASCII letter (an INI section's `[name]`, not JSON's `[` before a value). */
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** The name of a column described by an object (`{name: "email", dataTypeID: 25}`). */
function columnName(column: JsonValue | undefined): string | undefined {
  if (typeof column !== "object" || column === null || Array.isArray(column)) return undefined;
  return typeof column.name === "string" ? column.name : undefined;
}

/** An object that says it is something other than a person (`{name, type: "file"}`). */
function namesAThing(obj: Record<string, unknown>): boolean {
  for (const k of ["type", "kind", "entityType", "object", "resourceType"]) {
    const v = obj[k];
    if (
      typeof v === "string" &&
      !/^(?:person|people|user|contact|customer|employee|patient|member|individual|human|account)$/i.test(v)
    )
      return true;
  }
  return false;
}

/** An object whose nested `name` is a person's structured name (a FHIR `Patient`, a `Practitioner`). */
function isPersonish(obj: Record<string, unknown>): boolean {
  const t = obj.resourceType ?? obj.type ?? obj.kind;
  if (
    typeof t === "string" &&
    /^(?:patient|practitioner|person|relatedperson|user|contact|customer|employee)$/i.test(t)
  )
    return true;
  return isPersonObject(obj);
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

// ------------------------------------------------------------------------------------------ finding spans

/**
 * Space and dash look-alikes, read as ` ` and `-`, and full-width forms of ASCII (digits, `＋`, `（`, and
 * the letters and colon of a label, `ＴＥＬ：`) read as their ASCII forms (their NFKC forms) (the same
 * length, so positions carry over and a token replaces the original span). The long-vowel mark `ー`
 * reads as a dash only between digits (`415ー555ー2671`).
 */
const LOOKALIKE = /[\u00a0\u2007\u2009\u202f\u3000\u2010-\u2015\u2212\ufe63\uff01-\uff5e\u30fc]/;
const LOOKALIKES = /[\u00a0\u2007\u2009\u202f\u3000\u2010-\u2015\u2212\ufe63\uff01-\uff5e\u30fc]/g;
const DIGIT_LIKE = /[0-9\uff10-\uff19]/;

/** `text` with no-break and thin spaces read as spaces, every dash as `-`, full-width forms as ASCII. */
function normalize(text: string): string {
  return text.replace(LOOKALIKES, (c, i: number) => {
    const code = c.charCodeAt(0);
    if (code === 0x30fc)
      return DIGIT_LIKE.test(text.charAt(i - 1)) && DIGIT_LIKE.test(text.charAt(i + 1)) ? "-" : c;
    if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
    return /[\u00a0\u2007\u2009\u202f\u3000]/.test(c) ? " " : "-";
  });
}

/** A decoded reading of a string: `map[i]` is where the decoded text's `i`-th unit starts in the original. */
interface View {
  text: string;
  map: Int32Array;
  /** Values found keep the decoded text as their value (`\u00e9` → `é`); otherwise the original text. */
  decodedValues: boolean;
}

const PERCENT = /%[0-9A-Fa-f]{2}/;
const JSON_ESCAPE = /\\(?:u[0-9A-Fa-f]{4}|[nrt"\\/])/;
const SIMPLE_ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\", "/": "/" };

/**
 * Decodes `%XX` escapes (and `+` as a space, in query strings, unless `keepPlus`) or JSON string escapes
 * (`\u00e9`, `\n`).
 */
function decodedView(text: string, kind: "percent" | "json", keepPlus = false): View | undefined {
  const out: string[] = [];
  const map: number[] = [];
  const n = text.length;
  let i = 0;
  let changed = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (
      kind === "percent" &&
      c === 37 &&
      i + 2 < n &&
      isHex(text.charCodeAt(i + 1)) &&
      isHex(text.charCodeAt(i + 2))
    ) {
      // A run of escaped bytes is one UTF-8 sequence or more.
      let j = i;
      const bytes: number[] = [];
      while (
        j + 2 < n &&
        text.charCodeAt(j) === 37 &&
        isHex(text.charCodeAt(j + 1)) &&
        isHex(text.charCodeAt(j + 2))
      ) {
        bytes.push(Number.parseInt(text.slice(j + 1, j + 3), 16));
        j += 3;
      }
      const decoded = new TextDecoder().decode(new Uint8Array(bytes));
      for (let k = 0; k < decoded.length; k++) {
        out.push(decoded[k]!);
        map.push(i);
      }
      i = j;
      changed = true;
    } else if (kind === "percent" && c === 43 && !keepPlus) {
      out.push(" ");
      map.push(i);
      i++;
    } else if (kind === "json" && c === 92 && i + 1 < n) {
      const e = text[i + 1]!;
      if (e === "u" && i + 5 < n && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
        out.push(String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16)));
        map.push(i);
        i += 6;
        changed = true;
      } else if (SIMPLE_ESCAPES[e] !== undefined) {
        out.push(SIMPLE_ESCAPES[e]!);
        map.push(i);
        i += 2;
        changed = true;
      } else {
        out.push("\\");
        map.push(i);
        i++;
      }
    } else {
      out.push(text[i]!);
      map.push(i);
      i++;
    }
  }
  if (!changed) return undefined;
  map.push(n);
  return { text: out.join(""), map: Int32Array.from(map), decodedValues: kind === "json" };
}

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** A span to replace, with the value the token stands for when it is not the original slice. */
interface Span extends Match {
  value?: string;
}

/**
 * Finds the spans to replace in `text`. `escape` vaults token-shaped text (tokenize); without it, existing
 * tokens are left alone (redact). Space and dash look-alikes are read as plain ones; text with `%XX` or
 * `\uXXXX` escapes is also read decoded, and what is found there replaces its escaped original.
 */
function findSpans(
  text: string,
  context: ScanContext,
  vault: Vault,
  options: ScanOptions,
  known: "remembered" | "all" | undefined,
  escapeTokens: boolean,
): Span[] {
  const builtins = onlyBuiltins(detectorsOf(options));
  const index = known === "remembered" ? rememberedIndex(vault) : undefined;
  const words = index === undefined || index.empty ? undefined : index;
  // No digit, `@`, escape or `[`: no built-in detector can match, in any reading. Only known values.
  // With remembered values the profile below says so (it is read for its word list anyway): one pass
  // over the text instead of this regex and then the profile or a scan for known words. Without, the
  // regex is the cheaper read.
  if (words === undefined && builtins && !MAY_HOLD_VALUE.test(text)) {
    if (known === undefined) return NONE;
    return knownOnly(text, vault, known);
  }
  // One pass over the raw text says which readings it needs; usually none, and the detectors reuse it.
  // The profile lists the words a scan for remembered values would look up, so that scan reads no text.
  const raw = profileOf(text, context, words);
  if (words !== undefined && builtins && !mayHoldValue(raw)) return knownOnly(text, vault, "remembered", raw);
  const { scan, json, exact } = mainReading(text, raw);
  if (scan !== text) context.profile = undefined;
  let spans = scanOnce(scan, context, vault, options, known, escapeTokens, exact);
  if (json !== undefined) spans = mapBack(spans, json, text);
  if (raw.percent && PERCENT.test(scan)) {
    // A `+` in a query string is a space or a literal plus (`?phone=+49%20151...`, `jan+news%40...`, sent
    // unencoded): where it holds one, the reading with literal pluses comes first, for the spans
    // `preferLiteralPlus` gives it.
    const views =
      scan.indexOf("+") === -1
        ? [decodedView(scan, "percent")]
        : [decodedView(scan, "percent", true), decodedView(scan, "percent")];
    const extras: Span[][] = [];
    for (const view of views) {
      const extra: Span[] = [];
      extras.push(extra);
      if (view === undefined) continue;
      context.profile = undefined;
      // Escaped look-alikes (`%C2%A0`, `%E2%80%93` in `?tel=%2B33%C2%A06...`) are read as plain ones too.
      const viewText = LOOKALIKE.test(view.text) ? normalize(view.text) : view.text;
      const found = scanOnce(viewText, context, vault, options, known, false);
      for (const f of found) {
        const start = view.map[f.start]!;
        const end = view.map[f.end]!;
        // Only what decoding revealed: a span the plain reading found is kept as it was.
        if (end - start === f.end - f.start && scan.slice(start, end) === viewText.slice(f.start, f.end))
          continue;
        extra.push({ start, end, type: f.type, confidence: f.confidence });
      }
    }
    if (extras.length === 2 && extras[0]!.length > 0 && extras[1]!.length > 0) {
      const spaced = extras[1]!;
      extras[0] = extras[0]!.filter((l) => {
        const s = spaced.find((s) => s.type === l.type && s.end === l.end && s.start > l.start);
        return s === undefined || preferLiteralPlus(scan, l.start, s.start);
      });
    }
    for (const extra of extras) {
      if (extra.length > 0) {
        spans =
          json !== undefined
            ? mergeKeepingFirst(spans, mapBack(extra, json, text))
            : mergeKeepingFirst(spans, extra);
      }
    }
  }
  return spans;
}

/**
 * Whether a span the literal-`+` reading found from `start` is kept over the shorter one the `+`-as-space
 * reading found from `spaced` (same type, same end): when it starts at the plus (`+49 151...`, `%2B33...`),
 * or right after `=`, `&` or `?` with one plus in what it adds (`?email=jan+news%40...`, a subaddress).
 * Query words before a value (`?q=Contact+Jane+jan.doe%40...`) are words, not part of it.
 */
function preferLiteralPlus(scan: string, start: number, spaced: number): boolean {
  if (scan.charCodeAt(start) === 43 || scan.slice(start, start + 3).toUpperCase() === "%2B") return true;
  const before = scan.charCodeAt(start - 1);
  if (before !== 61 && before !== 38 && before !== 63) return false;
  const added = scan.slice(start, spaced);
  return added.indexOf("+") === added.length - 1;
}

/**
 * The text the detectors read: space and dash look-alikes read as plain ones, and JSON text (a text block
 * holding a JSON copy of the result) decoded, once. Decoding only turns escapes into the characters they
 * stand for, so nothing found in the raw text is lost. `exact` is the same reading with the look-alikes
 * kept, where known values are looked up as they were found (`030–282–8598`, no-break spaces kept;
 * normalizing keeps every position).
 */
function mainReading(
  text: string,
  raw: TextProfile,
): { scan: string; json: View | undefined; exact: string } {
  let scan = raw.lookalike ? normalize(text) : text;
  let exact = text;
  let json: View | undefined;
  if (raw.backslash && JSON_ESCAPE.test(scan)) {
    json = decodedView(scan, "json");
    if (json !== undefined) {
      exact = raw.lookalike ? (decodedView(text, "json")?.text ?? json.text) : json.text;
      scan = LOOKALIKE.test(json.text) ? normalize(json.text) : json.text;
    }
  }
  return { scan, json, exact };
}

/** A character some built-in type's values hold (a digit, full-width too, or `@`) or that decoding may turn into one. */
const MAY_HOLD_VALUE = /[0-9@%\\[\uff10-\uff19]/;
/** No spans. Never mutated: callers only read what the scan functions return. */
const NONE: Span[] = [];

/** {@link MAY_HOLD_VALUE}'s test read from a profile: an ASCII digit, `@`, `%`, `\\` or `[`. */
const mayHoldValue = (p: TextProfile): boolean =>
  p.digitRun > 0 || p.at || p.percent || p.backslash || p.bracket;

/** Known values only: for text in which no detector can match (with its profile, when read). */
function knownOnly(text: string, vault: Vault, known: "remembered" | "all", profile?: TextProfile): Span[] {
  const hits: KnownMatch[] = [];
  findKnownIn(vault, text, known, hits, NONE, profile);
  if (hits.length === 0) return NONE;
  return clean(hits.map((h) => ({ start: h.start, end: h.end, type: h.type, confidence: 1 })));
}

/**
 * Spans found in a JSON-decoded reading, moved to the raw text. A value with escapes inside stands for
 * its decoded text (the same person, the same token as in the structured copy); one with characters
 * JSON must escape keeps its raw text, so a restored text stays valid JSON.
 */
function mapBack(spans: Span[], view: View, raw: string): Span[] {
  return spans.map((f) => {
    const start = view.map[f.start]!;
    const end = view.map[f.end]!;
    const span: Span = { start, end, type: f.type, confidence: f.confidence };
    if (end - start !== f.end - f.start) {
      const decoded = view.text.slice(f.start, f.end);
      if (!/["\\\u0000-\u001f]/.test(decoded)) span.value = decoded;
    } else if (f.value !== undefined) span.value = f.value;
    void raw;
    return span;
  });
}

/** Each detector's {@link GATE} (0: none), by position in its list: read once per list, not per string. */
const gateLists = new WeakMap<readonly Detector[], Int32Array>();
/** The list read last and its gates: every string of a call scans with the same list (no map lookup). */
let lastList: readonly Detector[] | undefined;
let lastGates: Int32Array | undefined;
function gatesOf(list: readonly Detector[]): Int32Array {
  if (list === lastList && lastGates!.length === list.length) return lastGates!;
  let gates = gateLists.get(list);
  if (gates === undefined || gates.length !== list.length) {
    gates = Int32Array.from(list, (d) => (d as Gated)[GATE] ?? 0);
    gateLists.set(list, gates);
  }
  lastList = list;
  lastGates = gates;
  return gates;
}

/**
 * The list {@link scanOnce} collects matches in, and the one known values are collected in: emptied after
 * each scan, so the many strings in which nothing is found make no list. A detector that scans again from
 * inside a scan (user code may) gets fresh lists.
 */
const scratchFound: Match[] = [];
const scratchHits: KnownMatch[] = [];
let scratchBusy = false;

function scanOnce(
  text: string,
  context: ScanContext,
  vault: Vault,
  options: ScanOptions,
  known: "remembered" | "all" | undefined,
  escapeTokens: boolean,
  /** `text` before space and dash look-alikes were normalized, where known values are looked up. */
  exact = text,
): Span[] {
  if (scratchBusy) return scanInto([], [], text, context, vault, options, known, escapeTokens, exact);
  scratchBusy = true;
  try {
    return scanInto(scratchFound, scratchHits, text, context, vault, options, known, escapeTokens, exact);
  } finally {
    // Emptied only when used: setting an array's length is a call into the runtime, even to 0 from 0.
    if (scratchFound.length !== 0) scratchFound.length = 0;
    if (scratchHits.length !== 0) scratchHits.length = 0;
    scratchBusy = false;
  }
}

/** {@link scanOnce} with the (empty) lists to collect matches and known values in. */
function scanInto(
  found: Match[],
  hits: KnownMatch[],
  text: string,
  context: ScanContext,
  vault: Vault,
  options: ScanOptions,
  known: "remembered" | "all" | undefined,
  escapeTokens: boolean,
  exact: string,
): Span[] {
  /** Where each detector's matches end in `found` (made at the first match: most strings hold none). */
  let bounds: number[] | undefined;
  if (escapeTokens && profileOf(text, context).bracket) {
    for (const m of text.matchAll(TOKEN_PATTERN)) {
      found.push({ start: m.index, end: m.index + m[0].length, type: ESCAPE_TYPE, confidence: 1 });
    }
    if (found.length > 0) bounds = [found.length];
  }
  const min = options.minConfidence ?? 0;
  // Built-in detectors whose first check fails on this text's profile are not called at all.
  let open = gateMask(profileOf(text, context));
  if ((open & PHONE_GATE) === 0) open |= contextGateMask(context);
  const list = detectorsOf(options);
  const gates = gatesOf(list);
  for (let k = 0; k < list.length; k++) {
    const gate = gates[k]!;
    if (gate !== 0 && (gate & open) === 0) continue;
    const d = list[k]!;
    if (d.confidence < min) continue;
    const before = found.length;
    d.find(text, found, context);
    if (found.length === before) continue;
    if (bounds === undefined) bounds = [found.length];
    else bounds.push(found.length);
  }
  // Earlier detectors (higher priority) win overlaps: merge each one's matches into what is kept, in
  // linear time.
  let detected: Match[] = NONE;
  if (bounds?.length === 1) detected = clean(found);
  else if (bounds !== undefined) {
    let from = 0;
    for (const to of bounds) {
      const g = found.slice(from, to);
      detected = detected.length === 0 ? clean(g) : mergeKeepingFirst(detected, g);
      from = to;
    }
  }
  if (known === undefined) return detected;
  // Known values last, and only where they do not cut into a detected value of another type: a name
  // inside an email address stays part of the email's token. A known value kept wins its overlaps.
  findKnownIn(vault, text, known, hits, detected, context.profile);
  if (exact !== text) vault.findKnown(exact, known, hits, detected);
  if (hits.length === 0) return detected;
  const knownSpans: Match[] = hits.map((h) => ({
    start: h.start,
    end: h.end,
    type: h.type,
    confidence: 1,
  }));
  return mergeKeepingFirst(clean(knownSpans), detected);
}

/** Sorted by start, empty spans dropped, each overlapping a kept one dropped (first in input order wins). */
function clean(found: Match[]): Match[] {
  let sorted = true;
  for (let i = 1; i < found.length; i++) if (found[i]!.start < found[i - 1]!.start) sorted = false;
  const list = sorted ? found : [...found].sort((a, b) => a.start - b.start);
  const out: Match[] = [];
  for (const m of list) {
    if (m.end <= m.start) continue;
    const last = out[out.length - 1];
    if (last !== undefined && m.start < last.end) continue;
    out.push(m);
  }
  return out;
}

/**
 * `kept` (sorted, not overlapping) plus those of `more` that overlap none of `kept` nor each other; the
 * result is sorted. Linear in the two lengths.
 */
function mergeKeepingFirst<T extends Match>(kept: T[], more: T[]): T[] {
  const add = clean(more) as T[];
  const out: T[] = [];
  let i = 0;
  for (const m of add) {
    while (i < kept.length && kept[i]!.end <= m.start) out.push(kept[i++]!);
    // kept[i] is the first kept span ending after m starts: m survives if that one starts after m ends.
    if (i < kept.length && kept[i]!.start < m.end) continue;
    out.push(m);
  }
  while (i < kept.length) out.push(kept[i++]!);
  return out;
}

function replaceSpans(text: string, spans: Span[], vault: Vault, remember = false): string {
  const options = remember ? REMEMBER : undefined;
  let at = 0;
  let out = "";
  for (const s of spans) {
    const token =
      s.value === undefined
        ? issueRange(vault, s.type, text, s.start, s.end, options)
        : vault.issue(s.type, s.value, options);
    out += text.slice(at, s.start) + token;
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
  const whole = lookupToken(vault, text);
  if (whole !== undefined) return whole;
  return tokenizeFound(text, vault, options, context);
}

/** The part of {@link tokenizeString} after the whole-string lookup: detection and replacement. */
function tokenizeFound(
  text: string,
  vault: Vault,
  options: ScanOptions,
  context: ScanContext,
  remember = false,
): string {
  const known = options.fields === false ? undefined : "remembered";
  if (
    !remember &&
    text.length >= PIECEWISE_FROM &&
    onlyBuiltins(detectorsOf(options)) &&
    !(known !== undefined && vault.knownSpanLines(known)) &&
    text.indexOf("%") === -1
  )
    return tokenizePieces(text, vault, options, context, known);
  const spans = findSpans(text, context, vault, options, known, true);
  return spans.length === 0 ? text : replaceSpans(text, spans, vault, remember);
}

/** Texts at least this long are scanned in line-aligned pieces ({@link tokenizePieces}). */
const PIECEWISE_FROM = 1 << 18;
/** About this many characters a piece (it ends at the next line break that allows the next piece). */
const PIECE = 1 << 16;
/**
 * Characters before a piece its scan reads too: the longest look-behind of a built-in detector (the
 * email detector's message-id and `uid:` check) reads 200.
 */
const LOOK_BEHIND = 200;
/** The most characters a piece's look-behind may take (it starts at a line start). */
const MAX_LOOK_BEHIND = 1024;

/** Where the look-behind of a piece starting at `at` starts: a line start {@link LOOK_BEHIND} or more back. */
function lookBehindStart(text: string, at: number): number {
  return at <= LOOK_BEHIND ? 0 : text.lastIndexOf("\n", at - LOOK_BEHIND - 1) + 1;
}

/**
 * Tokenizes a long text piece by piece, each piece a run of whole lines of about {@link PIECE}
 * characters scanned with the lines before it that a look-behind may read; each piece's matches, spans
 * and output die young instead of piling up for the garbage collector to copy while the scan goes on.
 * The output is the one a scan of the whole text gives: no built-in detector's match spans a line break
 * (none is found across one, remembered values with one turn this off), the matches found in the lines
 * read before a piece are dropped, and the two checks that read the whole text (the SSN label rule for
 * texts under 100,000 characters, the phone gate's formatted runs) are told of it. Texts with a `%` are
 * scanned at once: their URL-decoded reading (`+` as a space) is read for the whole text or not at all.
 */
function tokenizePieces(
  text: string,
  vault: Vault,
  options: ScanOptions,
  context: ScanContext,
  known: "remembered" | undefined,
): string {
  let phoneRun = -1;
  const whole = {
    length: text.length,
    phoneRun(): number {
      if (phoneRun < 0) phoneRun = textProfile(mainReading(text, textProfile(text)).scan).phoneRun;
      return phoneRun;
    },
  };
  const pieceContext: PieceContext & ResultContext = {
    key: context.key,
    region: context.region,
    whole,
    versions: (context as ResultContext).versions,
  };
  const out: string[] = [];
  const parts: string[] = [];
  for (let at = 0; at < text.length; ) {
    // The piece ends at a line break after which the next piece's look-behind is short.
    let end = text.indexOf("\n", at + PIECE);
    while (end !== -1 && end + 1 - lookBehindStart(text, end + 1) > MAX_LOOK_BEHIND)
      end = text.indexOf("\n", end + 1);
    end = end === -1 || end + 1 >= text.length ? text.length : end + 1;
    const from = lookBehindStart(text, at);
    const piece = from === 0 && end === text.length ? text : text.slice(from, end);
    pieceContext.profile = undefined;
    const spans = findSpans(piece, pieceContext, vault, options, known, true);
    let last = at - from;
    for (const s of spans) {
      if (s.start < at - from) continue;
      const token =
        s.value === undefined
          ? issueRange(vault, s.type, piece, s.start, s.end)
          : vault.issue(s.type, s.value);
      parts.push(piece.slice(last, s.start), token);
      last = s.end;
    }
    parts.push(piece.slice(last));
    out.push(parts.join(""));
    parts.length = 0;
    at = end;
  }
  return out.join("");
}

function tokenizeNumber(value: number, vault: Vault, options: ScanOptions, key?: string): JsonValue {
  if (!Number.isSafeInteger(value) || value < 1e6) return value;
  const digits = String(value);
  if (options.fields !== false) {
    const entry = vault.lookup(digits);
    if (entry?.remembered) return vault.issue(entry.type, digits, { numeric: true });
  }
  // A number under an identifier's key (`id`, `customerId`) is a record's id, whatever checksum its
  // digits happen to pass (one in ten passes Luhn): no card number. Other detectors (a custom one for
  // employee ids) still read it.
  const id = key !== undefined && namesId(key);
  const min = options.minConfidence ?? 0;
  for (const d of detectorsOf(options)) {
    if (id && d.type === "CARD") continue;
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
 * The region a record's own fields (or those of its direct children, such as `address`) name, by a
 * country or locale field; the record and everything in it are read in that region. When none names one,
 * the record's own strings may take the region of an international number under a phone key (the walk
 * applies it to those strings only); that is returned in `plusOut`.
 */
function regionOf(
  value: { [key: string]: JsonValue },
  plusOut: { region?: string | undefined },
): string | undefined {
  let nested: string | undefined;
  /** The first international number under a phone key, the record's own or a direct child's. */
  let plus: string | undefined;
  for (const k in value) {
    if (!hasOwn.call(value, k)) continue;
    const v = value[k];
    if (typeof v === "string") {
      if (plus === undefined && v.charCodeAt(0) === 43 && keyKind(k) === "PHONE") plus = v;
      if (!isRegionKey(k)) continue;
      const r = regionForField(k, v);
      if (r !== undefined) return r;
    } else if (nested === undefined && typeof v === "object" && v !== null && !Array.isArray(v)) {
      for (const k2 in v) {
        if (!hasOwn.call(v, k2)) continue;
        const v2 = v[k2];
        if (typeof v2 !== "string") continue;
        if (plus === undefined && v2.charCodeAt(0) === 43 && keyKind(k2) === "PHONE") plus = v2;
        if (isRegionKey(k2)) {
          const r = regionForField(k2, v2);
          if (r !== undefined) {
            nested = r;
            break;
          }
        }
      }
    }
  }
  // The number's region only for a record with a national number to read (see `holdsNational`).
  if (nested === undefined && plus !== undefined && holdsNational(value)) plusOut.region = plusRegion(plus);
  return nested;
}

/** A key for an identifier (`receipt_number`, `order_no`, `ref`), not a phone's (`phone_number`). */
const namesANumber = perKey((key) => {
  if (keyKind(key) === "PHONE") return false;
  const words = keyWords(key);
  return ID_KEY_WORDS.has(words[words.length - 1]!);
});
const ID_KEY_WORDS: ReadonlySet<string> = new Set(["number", "no", "nr", "num", "id", "ref", "code"]);

/**
 * Whether a record holds a string that is a whole national number by its shape (`06 98 76 54 32`,
 * `(21) 2345-6789`) under a key that names no identifier (`receipt_number: "3323-9674"` is a receipt's), which
 * an international number's region could make a phone. Without one the region
 * is left unset: every record of a list then shares the walk's cached results.
 */
function holdsNational(value: { [key: string]: JsonValue }): boolean {
  for (const k in value) {
    if (!hasOwn.call(value, k)) continue;
    const v = value[k];
    if (typeof v !== "string" || v.length < 7 || v.length > 40) continue;
    // Only digits, spaces and `().-/` (one pass, no string made), then the phone field's own test.
    let digits = 0;
    let i = 0;
    for (; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c >= 48 && c <= 57) digits++;
      else if (c !== 32 && c !== 40 && c !== 41 && c !== 45 && c !== 46 && c !== 47) break;
    }
    if (i === v.length && digits >= 7 && v.charCodeAt(0) !== 43 && looksLikePhone(v) && !namesANumber(k))
      return true;
  }
  return false;
}

/**
 * One tokenize call's state. Object keys and short values (`"status": "open"`) repeat in every element of
 * a list, so their results are cached per property name and region (detectors may read both). A result
 * depends only on the text, the property name, the region and the vault's remembered values, so the cache
 * is dropped when a remembered value is added; the whole-string vault lookup still comes first, as in
 * {@link tokenizeString}.
 */
class Walker {
  readonly #cache = new Map<string | undefined, CacheSlot>();
  /** The slot of object keys (no property name, no region), held apart: every key of every object uses it. */
  #keySlot: CacheSlot | undefined;
  #revision: number;
  readonly #context: ResultContext = {};
  /** {@link regionOf}'s second answer, reused: one object per walk, not per record. */
  readonly #plus: { region?: string | undefined } = {};

  constructor(
    readonly vault: Vault,
    readonly options: ScanOptions,
    readonly marks: Marks | undefined,
    /** Remember every value found (a walk over JSON parsed out of a text block, whose text comes next). */
    readonly remember = false,
    /** The records to look for a region in (see {@link Collector.regionRecords}); none without fields. */
    readonly regions?: ReadonlySet<object>,
    /** Per text block, its local values (see {@link Collector.locals}). */
    readonly locals?: ReadonlyMap<string, readonly FieldValue[]>,
    /** The cells of the result's version columns (see {@link Collector.versions}). */
    versions?: ReadonlySet<string>,
  ) {
    this.#revision = vault.rememberedRevision;
    this.#context.versions = versions;
  }

  walk(value: JsonValue, key: string | undefined, region: string | undefined): JsonValue {
    if (typeof value === "string") return this.string(value, key, region);
    if (typeof value === "number") return tokenizeNumber(value, this.vault, this.options, key);
    if (typeof value !== "object" || value === null) return value;
    const marked = this.marks?.get(value);
    // Copy on write: a list or object none of whose parts changed is returned as it is.
    if (Array.isArray(value)) {
      let out: JsonValue[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = value[i]!;
        const mark = marked?.get(i);
        const next = mark !== undefined ? this.field(mark, item) : this.walk(item, key, region);
        if (out === undefined) {
          if (next === item) continue;
          out = value.slice(0, i);
        }
        out.push(next);
      }
      return out ?? value;
    }
    const plus = this.#plus;
    plus.region = undefined;
    const here = this.regions?.has(value) === true ? (regionOf(value, plus) ?? region) : region;
    /**
     * `phone: "+33 6 ..."` makes `mobile: "06 ..."` French (the issue's "a `+` prefix"), but only the
     * record's own strings, and never an identifier's (`receipt_number`, `order_no`): a + number says where
     * its owner is, not how the record's other numbers are written, and below the record (order lines,
     * SKUs) it read ids and amounts as phones.
     */
    const plusRegion = plus.region;
    let out: Record<string, JsonValue> | undefined;
    // `for...in` (with the own-key check: inherited keys are never read) walks the keys without the
    // array `Object.keys` makes per object, in the same order.
    for (const k in value) {
      if (!hasOwn.call(value, k)) continue;
      const item = value[k]!;
      const nextKey = this.string(k, undefined, undefined);
      const mark = marked?.get(k);
      const itemRegion =
        plusRegion !== undefined && typeof item === "string" && !namesANumber(k) ? plusRegion : here;
      const next = mark !== undefined ? this.field(mark, item) : this.walk(item, k, itemRegion);
      if (out === undefined) {
        if (next === item && nextKey === k) continue;
        out = {};
        for (const j in value) {
          if (j === k) break;
          if (hasOwn.call(value, j)) setKey(out, j, value[j]!);
        }
      }
      setKey(out, nextKey, next);
    }
    return out ?? value;
  }

  /** A value personal by position: its whole text is one token (see {@link Mark}). */
  field(mark: Mark, item: JsonValue): JsonValue {
    if (mark.charCodeAt(0) === 91) return mark; // the token pass 1 issued
    const type = mark;
    if (typeof item === "number") return this.vault.issue(type, String(item), NUMERIC_REMEMBER);
    if (typeof item !== "string") return item;
    const known = lookupToken(this.vault, item);
    if (known !== undefined) return known;
    // Pass 1 issues every string it may remember: this one it judged local (a month, a role's common word).
    return this.vault.issue(type, item, LOCAL);
  }

  string(text: string, key: string | undefined, region: string | undefined): string {
    if (text.length === 0) return text;
    // The vault may hold the whole string since it was cached (found elsewhere): that comes first.
    const whole = lookupToken(this.vault, text);
    if (whole !== undefined) return whole;
    const context = this.#context;
    context.key = key;
    context.region = region;
    if (this.remember) return tokenizeFound(text, this.vault, this.options, context, true);
    const local = this.locals?.size ? this.locals.get(text) : undefined;
    if (local !== undefined)
      return replaceWholeValues(tokenizeFound(text, this.vault, this.options, context), local, this.vault);
    if (text.length > CACHED_LENGTH) return tokenizeFound(text, this.vault, this.options, context);
    const revision = this.vault.rememberedRevision;
    if (revision !== this.#revision) {
      this.#cache.clear();
      this.#keySlot = undefined;
      this.#revision = revision;
    }
    let slot = key === undefined && region === undefined ? this.#keySlot : undefined;
    if (slot === undefined) {
      const slotKey = region === undefined ? key : `${key}\u0000${region}`;
      slot = this.#cache.get(slotKey);
      if (slot === undefined) {
        slot = { results: new Map(), hits: 0, misses: 0 };
        this.#cache.set(slotKey, slot);
      }
      if (slotKey === undefined) this.#keySlot = slot;
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
  let marks: Marks | undefined;
  let regions: ReadonlySet<object> | undefined;
  let locals: ReadonlyMap<string, readonly FieldValue[]> | undefined;
  let versions: ReadonlySet<string> | undefined;
  if (options.fields !== false) {
    const m: Marks = new WeakMap();
    marks = m;
    // JSON inside a text block is read as structure first: values found there with the help of their
    // place (a phone beside its record's `country`) are remembered, so the text copy loses none.
    const versionValues = new Set<string>();
    const regionRecords = new Set<object>();
    // The collector reads parsed JSON before it is walked here: its records are in `regionRecords`.
    const embedded = (parsed: JsonValue) =>
      void new Walker(vault, options, m, true, regionRecords, undefined, versionValues).walk(
        parsed,
        undefined,
        undefined,
      );
    const mailboxes = detectorsOf(options).some((d) => d.type === "NAME");
    const collector = new Collector(vault, m, embedded, mailboxes, versionValues, regionRecords);
    for (const [v, s] of schemaRoot(value, options.schema)) collector.collect(v, s, Role.None);
    // The collector saw every object: without a mark, the walk looks for none; it looks for regions
    // only in the records that may name one.
    if (!collector.marked) marks = undefined;
    if (regionRecords.size > 0) regions = regionRecords;
    locals = collector.locals;
    if (collector.versions.size > 0) versions = collector.versions;
  }
  return new Walker(vault, options, marks, false, regions, locals, versions).walk(
    value,
    undefined,
    undefined,
  );
}

/** What may stand just before a whole value in text: a line start, a JSON `"`, `:`, `[`, a cell separator. */
const VALUE_OPENERS = new Set([..."\n\r\"'[:;,\t|"].map((c) => c.charCodeAt(0)));
/** What may stand just after a whole value: a line end, a closing quote or bracket, a cell separator. */
const VALUE_CLOSERS = new Set([..."\n\r\"'\\];,\t|"].map((c) => c.charCodeAt(0)));

/**
 * True when `text.slice(start, end)` stands as a whole value: a whole JSON string, table cell or card
 * component (`"May"`, `;May;`, `| May |`), not a word of prose (`due 3 May 2026`).
 */
function standsAlone(text: string, start: number, end: number): boolean {
  let i = start - 1;
  while (i >= 0 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  let j = end;
  while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
  const before = i < 0 ? -1 : text.charCodeAt(i);
  const after = j >= text.length ? -1 : text.charCodeAt(j);
  if (before !== -1 && !VALUE_OPENERS.has(before)) return false;
  if (after !== -1 && !VALUE_CLOSERS.has(after)) return false;
  // A quote on one side is a JSON or CSV string's: the other side closes it.
  const quoteBefore = before === 34 || before === 39;
  const quoteAfter = after === 34 || after === 39 || after === 92;
  return quoteBefore === quoteAfter;
}

/**
 * Replaces, in a text block, the values found by position in it that are not remembered (a first name
 * that is also a month): each where it stands as a whole value, so `"firstName": "May"` and `;May;` are
 * tokenized in every copy while `due 3 May 2026` stays as it is.
 */
function replaceWholeValues(text: string, values: readonly FieldValue[], vault: Vault): string {
  const spans: Span[] = [];
  const byValue = new Map<string, FieldValue[]>();
  for (const f of values) {
    if (f.value.length === 0) continue;
    const same = byValue.get(f.value);
    if (same === undefined) byValue.set(f.value, [f]);
    else same.push(f);
  }
  const escapes = text.indexOf("\\u") !== -1;
  for (const [value, found] of byValue) {
    // A copy in ASCII-only JSON (`"\u738b"` for `王`) holds the value escaped, in either case of hex.
    const forms = escapes && /[^\x00-\x7e]/.test(value) ? [value, ...jsonEscapedForms(value)] : [value];
    for (const form of forms)
      for (let i = text.indexOf(form); i !== -1; i = text.indexOf(form, i + form.length)) {
        const end = i + form.length;
        if (!standsAlone(text, i, end)) continue;
        // Only where such a value was found (its key, column, sheet index, card line): `June` as a first
        // name leaves a `startMonth` or `Start month` of `June` in the same text as it is.
        const f = found.find((f) => f.place === undefined || atPlace(text, i, f.place));
        if (f !== undefined) spans.push({ start: i, end, type: f.type, confidence: 1, value });
      }
  }
  if (spans.length === 0) return text;
  let out = "";
  let at = 0;
  for (const s of clean(spans) as Span[]) {
    out += text.slice(at, s.start) + vault.issue(s.type, s.value!, LOCAL);
    at = s.end;
  }
  return out + text.slice(at);
}

/** `value` as ASCII-only JSON writes it: non-ASCII characters as `\uXXXX`, lower- and upper-case hex. */
function jsonEscapedForms(value: string): string[] {
  const lower = value.replace(/[^\x00-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const upper = lower.replace(/\\u([0-9a-f]{4})/g, (_, h: string) => `\\u${h.toUpperCase()}`);
  return upper === lower ? [lower] : [lower, upper];
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
    for (const f of tableFieldValues(text)) {
      if (rememberable(f.type, f.value)) vault.issue(f.type, f.value, REMEMBER);
    }
  }
  const spans = findSpans(text, {}, vault, options, "all", false);
  if (spans.length === 0) return text;
  let out = "";
  let at = 0;
  for (const s of spans) {
    const raw = s.value ?? text.slice(s.start, s.end);
    out += text.slice(at, s.start) + (lookupToken(vault, raw) ?? vault.issue(s.type, raw));
    at = s.end;
  }
  return out + text.slice(at);
}
