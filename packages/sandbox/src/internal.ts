/**
 * `@codecall/sandbox/internal`: pieces shared with codecall's own packages and tests (the prelude, the
 * program wrapper, stack mapping, byte counting, a deferred promise). Not part of the public API: it may change in any release.
 */
export { deferred } from "./deferred.js";
export {
  isStackOverflow,
  requestName,
  standInRequest,
  toolResultTooDeep,
  utf8Length,
} from "./json.js";
export {
  PRELUDE_FILENAME,
  PRELUDE_SOURCE,
  PROGRAM_FILENAME,
  wrapProgram,
} from "./prelude.js";
export { mapProgramStack, type ProgramPosition } from "./stack.js";
