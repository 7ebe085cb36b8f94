/**
 * Schema-driven detection: a value is personal because of where it sits, not what it looks like. A
 * property named like an email, phone or person-name field (`email`, `phoneNumber`, `first_name`), or
 * declared with `format: "email"` in the tool's output schema, marks its whole value; so does a column
 * with such a header in CSV or TSV text. Such values are not re-detectable by shape (a name is just
 * words), so the vault remembers them and replaces them wherever they appear later.
 */

/** Normalised property names (lower case, no `_`, `-` or spaces) and the type each implies. */
const EXACT: Record<string, string> = {
  email: "EMAIL",
  emailaddress: "EMAIL",
  mail: "EMAIL",
  phone: "PHONE",
  phonenumber: "PHONE",
  tel: "PHONE",
  telephone: "PHONE",
  mobile: "PHONE",
  mobilenumber: "PHONE",
  cell: "PHONE",
  cellphone: "PHONE",
  fax: "PHONE",
  fullname: "NAME",
  firstname: "NAME",
  lastname: "NAME",
  middlename: "NAME",
  givenname: "NAME",
  familyname: "NAME",
  surname: "NAME",
  forename: "NAME",
  personname: "NAME",
  contactname: "NAME",
  customername: "NAME",
  employeename: "NAME",
  patientname: "NAME",
};
const SUFFIXES: [string, string][] = [
  ["emailaddress", "EMAIL"],
  ["email", "EMAIL"],
  ["phonenumber", "PHONE"],
  ["phone", "PHONE"],
  ["fullname", "NAME"],
  ["firstname", "NAME"],
  ["lastname", "NAME"],
];
/** Values of a sibling `type`-like property that make a bare `name` a person's name. */
const PERSON_KINDS = new Set([
  "person",
  "people",
  "contact",
  "user",
  "customer",
  "employee",
  "patient",
  "member",
]);
const KIND_KEYS = ["entityType", "type", "kind", "category"];

const normal = (key: string): string => key.toLowerCase().replace(/[\s_-]/g, "");

/** Results of {@link typeForKey}: the same few property names come back in every object of a list. */
const keyTypes = new Map<string, string | null>();
const KEY_TYPES_MAX = 4096;

/** The type a property name implies (`work_email` → `EMAIL`), or undefined. */
export function typeForKey(key: string): string | undefined {
  if (key.length > 40) return undefined;
  let type = keyTypes.get(key);
  if (type === undefined) {
    if (keyTypes.size >= KEY_TYPES_MAX) keyTypes.clear();
    type = keyType(key) ?? null;
    keyTypes.set(key, type);
  }
  return type ?? undefined;
}

function keyType(key: string): string | undefined {
  const k = normal(key);
  const exact = EXACT[k];
  if (exact !== undefined) return exact;
  for (const [suffix, type] of SUFFIXES) if (k.endsWith(suffix)) return type;
  return undefined;
}

/** The type a JSON Schema node's `format` implies (`email`, `idn-email`, `phone`, `tel`), or undefined. */
export function typeForSchema(schema: unknown): string | undefined {
  if (typeof schema !== "object" || schema === null) return undefined;
  const format = (schema as { format?: unknown }).format;
  if (format === "email" || format === "idn-email") return "EMAIL";
  if (format === "phone" || format === "tel" || format === "phone-number") return "PHONE";
  return undefined;
}

/**
 * True when an object describes a person, so that its bare `name` is a person's name: it says so
 * (`entityType: "person"`), or it also holds an email or phone field (`{name, email}`).
 */
export function isPersonObject(obj: Record<string, unknown>): boolean {
  for (const k of KIND_KEYS) {
    const v = obj[k];
    if (typeof v === "string" && PERSON_KINDS.has(v.toLowerCase())) return true;
  }
  for (const k of Object.keys(obj)) {
    const t = typeForKey(k);
    if (t === "EMAIL" || t === "PHONE") return true;
  }
  return false;
}

/** A value found by position. */
export interface FieldValue {
  type: string;
  value: string;
}

const DELIMITERS = [",", "\t", ";", "|"];

/** Splits one CSV line, honouring double quotes; returns the unquoted cells. */
function splitLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell.trim() === "") {
      quoted = true;
      cell = "";
    } else if (c === delimiter) {
      cells.push(cell.trim());
      cell = "";
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

/**
 * Values in the personal columns of delimited text (CSV, TSV, `;` or `|` separated) whose first line is a
 * header naming at least one such column. Returns nothing for text that is not a table.
 */
export function tableFieldValues(text: string): FieldValue[] {
  const nl = text.indexOf("\n");
  if (nl === -1) return [];
  const header = text.slice(0, nl).replace(/\r$/, "");
  if (header.length > 2000) return [];
  const delimiter = DELIMITERS.find((d) => header.includes(d));
  if (delimiter === undefined) return [];
  const names = splitLine(header, delimiter).map((h) => h.replace(/^#\s*/, ""));
  const columns = names.map(typeForKey);
  if (!columns.some((t) => t !== undefined)) return [];
  // A table with email or phone columns lists people: its bare `name` column is a person's name.
  if (columns.some((t) => t === "EMAIL" || t === "PHONE")) {
    names.forEach((n, i) => {
      if (n.toLowerCase() === "name") columns[i] = "NAME";
    });
  }
  const out: FieldValue[] = [];
  for (const line of text.slice(nl + 1).split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const cells = splitLine(line, delimiter);
    for (let i = 0; i < cells.length && i < columns.length; i++) {
      const type = columns[i];
      const value = cells[i]!;
      if (type !== undefined && value !== "") out.push({ type, value });
    }
  }
  return out;
}
