import { createRequire } from "node:module";
import type TS from "typescript";
import { requireWithCompileCache } from "./compile-cache.js";

/**
 * TypeScript, loaded as CommonJS: it is one 9 MB CommonJS file in a package without `"type"`, and an
 * `import` of it makes Node's ESM loader parse it as an ES module first (to detect its format) and scan it
 * for named exports (measured: about twice as long as `require`, which only compiles it, a second or more of
 * the first check's time). Its compiled code comes from a code cache when there is one (compile-cache.ts).
 * Only the type-check worker loads it.
 */
const resolveHere = createRequire(import.meta.url);
export const typescript = requireWithCompileCache(
  resolveHere.resolve("typescript"),
  "typescript",
  (resolveHere("typescript/package.json") as { version: string }).version,
) as typeof TS;
