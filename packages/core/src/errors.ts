// Errors live in the contract package so every backend shares one class; core's modules import them here,
// from its small `errors` entry: `@codecall/core/privacy` needs only these, not the sandbox runner.
export {
  CodecallError,
  type CodecallErrorOptions,
  ERROR_HINTS,
  type ErrorCode,
  hasErrorCode,
  type SerializedError,
} from "@codecall/sandbox/errors";
