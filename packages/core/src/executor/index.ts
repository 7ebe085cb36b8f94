export type { SandboxChoice } from "./backend.js";
export {
  DEFAULT_ENVELOPE_BYTES,
  type Envelope,
  type EnvelopeInput,
  type EnvelopeOptions,
  renderEnvelope,
} from "./envelope.js";
export {
  createExecutor,
  type ExecuteOptions,
  type ExecutionResult,
  type Executor,
  type ExecutorCatalogue,
  type ExecutorOptions,
  type TypeCheckMode,
} from "./executor.js";
export type { ExecutionInterceptor, InterceptedCall } from "./interceptor.js";
export { stripTypes } from "./strip-types.js";
export type { CallToolFunction } from "./tool-bridge.js";
export {
  createToolLimiter,
  type RetryOptions,
  ToolLimiter,
  type ToolLimitRule,
  type ToolLimitsConfig,
} from "./tool-limits.js";
export {
  DEFAULT_TYPE_CHECK_BUDGET,
  type TypeCheckBudget,
  warmUpTypeChecker,
} from "./type-check-service.js";
export {
  DEFAULT_CHECK_OPTIONS,
  formatDiagnostics,
  ProgramTypeChecker,
  type TypeDiagnostic,
} from "./type-checker.js";
