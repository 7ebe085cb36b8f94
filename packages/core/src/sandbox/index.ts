/**
 * `@codecall/core/sandbox`: what a sandbox backend and its users need (the sandbox spec, `createSandbox`,
 * limits, errors), without the rest of core. Importing it loads no MCP SDK, TypeScript, codegen or
 * Anthropic SDK, so a backend starts in milliseconds and stays small in a bundle.
 */
export * from "../errors.js";
export type { JsonObject, JsonValue } from "../json.js";
export * from "./create-sandbox.js";
export * from "./limits.js";
export { PRELUDE_FILENAME, PRELUDE_SOURCE, PROGRAM_FILENAME, wrapProgram } from "./prelude.js";
export * from "./spec-v1.js";
export { mapProgramStack, type ProgramPosition } from "./stack.js";
