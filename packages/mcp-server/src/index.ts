/**
 * `@codecall/mcp-server`: code mode served as an MCP server in front of any MCP servers, so every MCP
 * client (Claude Desktop, Claude Code, Cursor, the MCP Inspector) gets `search_tools` and `execute_code`.
 */

// The tool policy lives in core (code mode, the executor, agents and the CLI share it); kept exported here.
export {
  type Approver,
  createPolicyInterceptor,
  type PolicyDecision,
  policyDecision,
  type ToolPolicy,
  validatePolicy,
  withApprover,
} from "@codecall/core";
export {
  type AuthInfo,
  type HttpAuthOptions,
  type IntrospectionVerifierOptions,
  introspectionVerifier,
  type JwtVerifierOptions,
  jwtVerifier,
  type OAuthTokenVerifier,
  staticTokenVerifier,
} from "./auth.js";
export {
  type AuthorizationEvent,
  type AuthorizationRequest,
  AuthorizationRequests,
} from "./authorizations.js";
export {
  type CodecallServerOptions,
  createCodecallServer,
  type ExecutionSlots,
  type PromptSource,
  SERVER_BUSY,
  type ServableToolbox,
} from "./server.js";
export {
  codeModePerSession,
  executionSlots,
  type PerSessionOptions,
  type PerSessionServers,
} from "./tenants.js";
export {
  assertAuthBeyondLoopback,
  type HttpServeOptions,
  type HttpServing,
  type SessionInfo,
  serveHttp,
  serveStdio,
} from "./transports.js";
