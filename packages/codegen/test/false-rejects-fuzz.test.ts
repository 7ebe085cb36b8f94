/**
 * Zero false rejects on random schemas: fast-check draws schemas (objects, arrays, tuples, enums,
 * combinators, local and root `$ref`s, recursion), a sampler proposes instances, ajv (2020-12) keeps the
 * valid ones, and every one must type-check as argument, result and value. One compilation checks the
 * whole batch. `FUZZ_SEED` and `FUZZ_RUNS` reproduce or widen a run.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findFalseRejects, onlyDeclaredNames, type SchemaCase } from "./helpers/false-rejects.js";
import { sampleCandidates, schemaArbitrary } from "./helpers/fuzz.js";

const SEED = Number(process.env.FUZZ_SEED ?? 24);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** ajv's verdict; a schema that recurses without consuming the instance overflows the stack: no verdict. */
function accepts(validate: (v: unknown) => boolean, value: unknown): boolean {
  try {
    return validate(value) === true;
  } catch {
    return false;
  }
}

/** Random schemas with their ajv-valid sampled instances. */
function fuzzCases(runs: number, seed: number): { cases: SchemaCase[]; instances: number } {
  // `ownProperties`: otherwise ajv finds a required `constructor` on Object.prototype.
  const ajv = new Ajv2020({ strict: false, validateFormats: false, ownProperties: true });
  const schemas = fc.sample(fc.tuple(schemaArbitrary(), fc.integer({ min: 1, max: 2 ** 31 - 1 })), {
    numRuns: runs,
    seed,
  });
  const cases: SchemaCase[] = [];
  let instances = 0;
  schemas.forEach(([schema, sampleSeed], i) => {
    let validate: (v: unknown) => boolean;
    try {
      validate = ajv.compile(schema);
    } catch {
      return; // ajv refuses it (an infinitely recursive $ref, say): no valid instance to check.
    }
    const seen = new Set<string>();
    const valid = sampleCandidates(schema, sampleSeed).filter((v) => {
      const key = JSON.stringify(v);
      if (seen.has(key) || !accepts(validate, v)) return false;
      seen.add(key);
      return true;
    });
    instances += valid.length;
    cases.push({
      label: `#${i} ${JSON.stringify(schema)}`,
      batch: `fuzz${Math.floor(i / 50)}`,
      schema,
      valid,
    });
  });
  return { cases, instances };
}

describe("random schemas: zero false rejects", () => {
  it(`accepts every ajv-valid instance (seed ${SEED}, ${RUNS} schemas)`, () => {
    const { cases, instances } = fuzzCases(RUNS, SEED);
    const report = findFalseRejects(cases);
    console.log(`fuzz: ${cases.length} schemas, ${instances} valid instances, ${report.checks} checks`);
    // The sampler must find valid instances, or the test proves nothing.
    expect(instances).toBeGreaterThan(RUNS);
    expect({ declarationErrors: report.declarationErrors, rejects: report.rejects }).toEqual({
      declarationErrors: [],
      rejects: [],
    });
  }, 180_000);

  it(`with closedInputObjects, accepts every ajv-valid instance that uses declared names (seed ${SEED + 1})`, () => {
    const { cases } = fuzzCases(Math.ceil(RUNS / 2), SEED + 1);
    const closed = cases.map((c) => ({ ...c, valid: c.valid.filter((v) => onlyDeclaredNames(c.schema, v)) }));
    const report = findFalseRejects(closed, { closedInputObjects: true });
    expect({ declarationErrors: report.declarationErrors, rejects: report.rejects }).toEqual({
      declarationErrors: [],
      rejects: [],
    });
  }, 180_000);
});
