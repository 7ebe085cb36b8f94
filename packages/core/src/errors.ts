// Errors live in the contract package so every backend shares one class; core's modules import them here.
export {
  CodecallError,
  type CodecallErrorOptions,
  ERROR_HINTS,
  type ErrorCode,
  hasErrorCode,
  type SerializedError,
} from "@codecall/sandbox";
