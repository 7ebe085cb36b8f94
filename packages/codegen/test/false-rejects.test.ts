/**
 * Zero false rejects: every schema of the JSON Schema Test Suite (2020-12 and draft-07), used as a tool's
 * input schema, as its output schema and as a free-standing type, accepts every instance the suite calls
 * valid, and every generated declaration compiles with `skipLibCheck: false`.
 */
import { describe, expect, it } from "vitest";
import { jsonSchemaSuite } from "./helpers/data.js";
import { findFalseRejects, onlyDeclaredNames, type SchemaCase } from "./helpers/false-rejects.js";

const cases = (dialect: "2020-12" | "draft-07"): SchemaCase[] =>
  jsonSchemaSuite(dialect).map((g) => ({
    label: `${dialect} ${g.file} / ${g.description}`,
    batch: g.file,
    schema: g.schema,
    valid: g.tests.filter((t) => t.valid).map((t) => t.data),
  }));

describe.each(["2020-12", "draft-07"] as const)(
  "JSON Schema Test Suite %s: zero false rejects",
  (dialect) => {
    it("accepts every valid instance as argument, result and value, and the declarations compile", () => {
      const all = cases(dialect);
      expect(all.length).toBeGreaterThan(250);
      const report = findFalseRejects(all);
      expect(report.checks).toBeGreaterThan(800);
      expect({ declarationErrors: report.declarationErrors, rejects: report.rejects }).toEqual({
        declarationErrors: [],
        rejects: [],
      });
    }, 120_000);

    it("holds with closedInputObjects for arguments that use only declared names", () => {
      // Closed objects reject undeclared names by design; every other valid argument must still pass.
      const closed = cases(dialect).map((c) => ({
        ...c,
        valid: c.valid.filter((v) => onlyDeclaredNames(c.schema, v)),
      }));
      const report = findFalseRejects(closed, { closedInputObjects: true });
      expect({ declarationErrors: report.declarationErrors, rejects: report.rejects }).toEqual({
        declarationErrors: [],
        rejects: [],
      });
    }, 120_000);
  },
);
