export { normalizeWorkspacePath } from "./paths.js";
export * from "./program-tools.js";
export { directoryDriver, openStorage, type WorkspaceStorage } from "./storage.js";
export * from "./workspace.js";
