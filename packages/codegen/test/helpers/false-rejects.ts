/**
 * The zero-false-reject harness: schemas become a tool's input and output schema (and a free-standing type
 * via `schemaToTypeScript`), and every valid instance must type-check as the argument, as the result and
 * as a value of the type. Everything goes into one compilation, one program file per batch, so the check
 * costs one compiler run.
 */
import { CHECK_COMPILER_OPTIONS, typeCheckFiles } from "../../src/check.js";
import { type GenerateOptions, generateApi, schemaToTypeScript } from "../../src/index.js";
import { jsonLiteral } from "./data.js";

export interface SchemaCase {
  /** Where the case comes from, for failure messages. */
  label: string;
  /** Cases with the same batch share a program file. */
  batch: string;
  schema: unknown;
  /** Instances the schema accepts. */
  valid: unknown[];
}

export interface FalseRejectReport {
  /** Valid instances the generated types rejected: `label / use / instance` with the compiler's message. */
  rejects: string[];
  /** Diagnostics inside generated declarations (which must always compile). */
  declarationErrors: string[];
  /** How many instance checks ran. */
  checks: number;
}

const isObject = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);

/** Checks every valid instance of every case; MCP arguments and results are objects, so only those go there. */
export function findFalseRejects(cases: SchemaCase[], options: GenerateOptions = {}): FalseRejectReport {
  const api = generateApi(
    cases.map((c, i) => ({
      name: `g${i}`,
      tools: [{ name: "t", inputSchema: c.schema, outputSchema: c.schema }],
    })),
    options,
  );
  const files: Record<string, string> = { ...api.declarations };
  const where = new Map<string, { label: string; use: string; text: string }>();
  const batches = new Map<string, number[]>();
  cases.forEach((c, i) => {
    batches.set(c.batch, [...(batches.get(c.batch) ?? []), i]);
  });
  const declaredBy = new Map<string, string>();
  let checks = 0;
  let b = 0;
  for (const [batch, indexes] of batches) {
    const path = `check/${++b}-${batch.replace(/[^\w.-]/g, "_")}.ts`;
    const lines: string[] = [];
    const add = (line: string, label: string, use: string) => {
      lines.push(line);
      where.set(`${path}:${lines.length}`, { label, use, text: line });
      checks++;
    };
    for (const i of indexes) {
      const c = cases[i]!;
      const { code } = schemaToTypeScript(c.schema, { ...options, name: "Root" });
      const from = lines.length + 1;
      lines.push(`namespace N${i} {`, ...code.trimEnd().split("\n"), "}");
      for (let l = from; l <= lines.length; l++) declaredBy.set(`${path}:${l}`, c.label);
      c.valid.forEach((v, j) => {
        const value = jsonLiteral(v);
        add(`const a${i}_${j}: N${i}.Root = ${value};`, c.label, "schema type");
        if (!isObject(v)) return;
        add(`void g${i}.t(${value});`, c.label, "argument");
        add(`const r${i}_${j}: Awaited<ReturnType<typeof g${i}.t>> = ${value};`, c.label, "result");
      });
    }
    lines.push("export {};");
    files[path] = lines.join("\n");
  }
  const rejects: string[] = [];
  const declarationErrors: string[] = [];
  for (const d of typeCheckFiles(files, { ...CHECK_COMPILER_OPTIONS, skipLibCheck: false })) {
    const at = where.get(`${d.file}:${d.line}`);
    if (at) rejects.push(`${at.label} / ${at.use}: ${at.text}\n    ${d.message.split("\n")[0]}`);
    else {
      const line = files[d.file]?.split("\n")[d.line - 1] ?? "";
      const tool = /^servers\/g(\d+)\//.exec(d.file);
      const label = tool ? cases[Number(tool[1])]!.label : (declaredBy.get(`${d.file}:${d.line}`) ?? d.file);
      declarationErrors.push(
        `${label} (${d.file}:${d.line}) ${d.message.split("\n")[0]}\n    ${line.trim()}`,
      );
    }
  }
  return { rejects: [...new Set(rejects)], declarationErrors: [...new Set(declarationErrors)], checks };
}

/** True when every key of every object in `value` is named in some `properties` of `schema`. */
export function onlyDeclaredNames(schema: unknown, value: unknown): boolean {
  const names = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (s: unknown) => {
    if (s === null || typeof s !== "object" || seen.has(s)) return;
    seen.add(s);
    if (!Array.isArray(s) && "properties" in s && s.properties && typeof s.properties === "object")
      for (const k of Object.keys(s.properties)) names.add(k);
    for (const v of Object.values(s)) walk(v);
  };
  walk(schema);
  const check = (v: unknown): boolean =>
    Array.isArray(v)
      ? v.every(check)
      : v !== null && typeof v === "object"
        ? Object.entries(v).every(([k, x]) => names.has(k) && check(x))
        : true;
  return check(value);
}
