export * from "./create-sandbox.js";
export * from "./limits.js";
export { PRELUDE_FILENAME, PRELUDE_SOURCE, PROGRAM_FILENAME, wrapProgram } from "./prelude.js";
export * from "./spec-v1.js";
export { mapProgramStack, type ProgramPosition } from "./stack.js";
