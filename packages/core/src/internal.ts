/**
 * `@codecall/core/internal`: every module's exports, for codecall's own packages, tests and benchmarks.
 * Not part of the public API: anything here may change in any release.
 */

export * from "@codecall/sandbox";
export * from "@codecall/sandbox/internal";
export * from "./agent/index.js";
export * from "./codemode/index.js";
export * from "./discovery/index.js";
export * from "./errors.js";
export * from "./executor/index.js";
export * from "./json.js";
export * from "./mcp/index.js";
export * from "./privacy/checks.js";
export * from "./privacy/detectors.js";
export * from "./privacy/fields.js";
export * from "./privacy/guard.js";
export * from "./privacy/policy.js";
export * from "./privacy/profile.js";
export * from "./privacy/tokenize.js";
export * from "./privacy/tokens.js";
export * from "./privacy/vault.js";
export * from "./skills/index.js";
export * from "./workspace/index.js";
