/** MCP connections and the tool catalogue. */

export {
  type ClientConfig,
  type ClientConfigFile,
  type ClientConfigOptions,
  clientConfigFiles,
  loadClientConfig,
  MCP_CLIENTS,
  type McpClient,
} from "./client-configs.js";
export {
  type ConfigOptions,
  expandVariables,
  inputVariable,
  loadConfig,
  MCP_CONFIG_SCHEMA,
  type McpConfig,
  type McpServerConfig,
  parseConfig,
  parseJsonText,
  type RemoteServerConfig,
  SERVER_KEYS,
  type StdioServerConfig,
  unknownKeyError,
} from "./config.js";
export type { CallToolOptions, ServerState, ServerStatus } from "./connection.js";
export {
  type CatalogueChange,
  type ConnectOptions,
  connectServers,
  McpConnections,
  openServers,
  type ServersOption,
} from "./connections.js";
export { DEFAULT_MAX_RESULT_BYTES } from "./limits.js";
export {
  DEFAULT_OAUTH_REDIRECT,
  defaultTokenFile,
  fileTokenStorage,
  memoryTokenStorage,
  type OAuthTokenStorage,
  type StoredOAuthState,
  type UpstreamOAuthOptions,
} from "./oauth.js";
export {
  createResourceHandler,
  type ProgramResource,
  type ProgramResourceContent,
  RESOURCE_TOOL_IDS,
} from "./resource-tools.js";
export { toolErrorText, toolResultToValue } from "./result.js";
export { nearestKey, suggestNames } from "./suggest.js";
export type {
  CatalogueTool,
  JsonSchema,
  ServerDefinition,
  ToolAnnotations,
  ToolDefinition,
} from "./types.js";
