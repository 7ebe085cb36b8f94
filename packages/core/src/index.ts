/**
 * `@codecall/core`: code mode over MCP servers. Connect servers, generate their typed API, and serve the
 * meta-tools (`search_tools`, `execute_code`, `list_files`, `read_file`) to any agent loop; or run
 * programs directly with an executor. Lighter entries: `@codecall/core/mcp`, `/privacy`, `/discovery`,
 * and `/agent` (the Anthropic agent loop). TypeScript loads only when a program is type-checked.
 */

// The sandbox contract, so code mode users need one import.
export {
  CodecallError,
  type CodecallErrorOptions,
  type CreateSandboxOptions,
  createSandbox,
  DEFAULT_LIMITS,
  ERROR_HINTS,
  type ErrorCode,
  type ExecuteRequest,
  type ExecutionEvent,
  type ExecutionLimits,
  type ExecutionOutcome,
  hasErrorCode,
  type JsonObject,
  type JsonValue,
  type LogEntry,
  type Sandbox,
  type SandboxSession,
  type SerializedError,
  type ToolCall,
  type ToolHandler,
} from "@codecall/sandbox";
export type { AgentToolbox, AgentToolDefinition, ToolboxEvent, ToolUseResult } from "./agent/toolbox.js";
// Code mode and its classic baseline.
export { createClassicMode, type OpenClassicMode, openClassicMode } from "./codemode/classic-mode.js";
export { type CodeMode, type CodeModeOptions, createCodeMode } from "./codemode/code-mode.js";
export {
  CALL_TOOL_NAME,
  EXPOSED_SURFACES,
  type ExposedResources,
  type ExposedSurface,
  type ExposedToolbox,
  type ExposeOptions,
  exposeCodeMode,
} from "./codemode/expose.js";
// Running programs.
export type { SandboxChoice } from "./executor/backend.js";
export type { TypeDiagnostic } from "./executor/diagnostics.js";
export { DEFAULT_ENVELOPE_BYTES, type Envelope, type EnvelopeOptions } from "./executor/envelope.js";
export {
  createExecutor,
  type ExecuteOptions,
  type ExecutionResult,
  type Executor,
  type ExecutorCatalogue,
  type ExecutorOptions,
  type TypeCheckMode,
} from "./executor/executor.js";
export type { ExecutionInterceptor, InterceptedCall } from "./executor/interceptor.js";
export type { CallToolFunction } from "./executor/tool-bridge.js";
export { DEFAULT_TYPE_CHECK_BUDGET, type TypeCheckBudget } from "./executor/type-check-service.js";
// MCP servers.
export {
  type ClientConfigOptions,
  loadClientConfig,
  MCP_CLIENTS,
  type McpClient,
} from "./mcp/client-configs.js";
export {
  type ConfigOptions,
  loadConfig,
  type McpConfig,
  type McpServerConfig,
  parseConfig,
  type RemoteServerConfig,
  type StdioServerConfig,
} from "./mcp/config.js";
export {
  type ConnectOptions,
  connectServers,
  McpConnections,
  openServers,
  type ServersOption,
} from "./mcp/connections.js";
export type { OAuthTokenStorage, UpstreamOAuthOptions } from "./mcp/oauth.js";
// Privacy options (the guard itself is in `@codecall/core/privacy`).
export type { PrivacyGuard, PrivacyGuardOptions } from "./privacy/guard.js";
// Workspace and skills.
export {
  createSkills,
  type SaveSkillInput,
  type Skill,
  type SkillInfo,
  type Skills,
  type SkillsOptions,
  type SkillTool,
} from "./skills/skills.js";
export type { WorkspaceStorage } from "./workspace/storage.js";
export {
  createWorkspace,
  DEFAULT_WORKSPACE_QUOTA,
  type Workspace,
  type WorkspaceEncoding,
  type WorkspaceFile,
  type WorkspaceOptions,
  type WorkspaceQuota,
} from "./workspace/workspace.js";
