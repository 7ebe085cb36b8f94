export {
  DEFAULT_SANDBOX,
  loadBackend,
  resolveSandbox,
  SANDBOX_BACKENDS,
  SANDBOX_ENV,
  type SandboxName,
} from "./backend.js";
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
export { type ExecutionInterceptor, type InterceptedCall, redactValue } from "./interceptor.js";
export {
  ArgumentValidator,
  type CallToolFunction,
  createToolHandler,
  type ToolBridgeOptions,
  toolResultValue,
} from "./tool-bridge.js";
export { mentionedNames, PROGRAM_EPILOGUE, programPrologue, stripTypes } from "./transpile.js";
export {
  DEFAULT_CHECK_OPTIONS,
  formatDiagnostics,
  PROGRAM_PATH,
  ProgramTypeChecker,
  type TypeDiagnostic,
  wrapForCheck,
} from "./type-checker.js";
