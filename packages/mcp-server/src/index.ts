/**
 * `@codecall/mcp-server`: code mode served as an MCP server in front of any MCP servers, so every MCP
 * client (Claude Desktop, Claude Code, Cursor, the MCP Inspector) gets `search_tools` and `execute_code`.
 */
export {
  type Approver,
  createPolicyInterceptor,
  type PolicyDecision,
  policyDecision,
  type ToolPolicy,
  validatePolicy,
  withApprover,
} from "./policy.js";
export { type CodecallServerOptions, createCodecallServer, type ServableToolbox } from "./server.js";
export { type HttpServeOptions, type HttpServing, serveHttp, serveStdio } from "./transports.js";
