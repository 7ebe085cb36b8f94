/**
 * `@codecall/sandbox`: the sandbox contract. The specification every backend implements (`v1`), the
 * shared runner that wraps a backend's adapter (`createSandbox`), execution limits, `CodecallError` and
 * the JSON types. No runtime dependencies: a backend (or a user who only runs programs) loads nothing else.
 */

export { createSandbox } from "./create-sandbox.js";
export {
  CodecallError,
  type CodecallErrorOptions,
  ERROR_HINTS,
  type ErrorCode,
  hasErrorCode,
  type SerializedError,
} from "./errors.js";
export type { JsonObject, JsonValue } from "./json.js";
export { DEFAULT_LIMITS, type ExecutionLimits, resolveLimits } from "./limits.js";
export {
  type AdapterRunStatsV1,
  type ContextOptionsV1,
  type ExecutionLimitsV1,
  HOST_GLOBAL,
  type HostBridgeV1,
  type IsolationKind,
  type RunControlV1,
  type RunResultV1,
  type SandboxAdapterV1,
  type SandboxCapabilitiesV1,
  type SandboxContextV1,
  type ScriptV1,
} from "./spec-v1.js";
export type {
  CreateSandboxOptions,
  EventStamp,
  ExecuteRequest,
  ExecutionEvent,
  ExecutionOutcome,
  ExecutionStats,
  LogEntry,
  LogLevel,
  NondeterminismTape,
  Sandbox,
  SandboxSession,
  SessionOptions,
  ToolCall,
  ToolCallContext,
  ToolCallRecord,
  ToolHandler,
} from "./types.js";
