import { createRequire } from "node:module";
import type TS from "typescript";

/**
 * TypeScript, loaded with `require`: it is one 9 MB CommonJS file in a package without `"type"`, and an
 * `import` of it makes Node's ESM loader parse it as an ES module first (to detect its format) and scan it
 * for named exports (measured: about twice as long as `require`, which only compiles it, a second or more of
 * the first check's time). Only the type-check worker loads it.
 */
export const typescript: typeof TS = createRequire(import.meta.url)("typescript");
