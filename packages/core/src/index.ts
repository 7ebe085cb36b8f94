export * from "./agent/index.js";
export * from "./errors.js";
export * from "./json.js";
export * from "./sandbox/index.js";
export * from "./privacy/index.js";
export * from "./mcp/index.js";
export * from "./executor/index.js";
export * from "./discovery/index.js";
