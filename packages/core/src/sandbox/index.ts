export * from "./spec-v1.js";
export * from "./limits.js";
export * from "./create-sandbox.js";
export { PRELUDE_SOURCE, PRELUDE_FILENAME, PROGRAM_FILENAME, wrapProgram } from "./prelude.js";
export { mapProgramStack, type ProgramPosition } from "./stack.js";
