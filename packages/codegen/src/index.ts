export { type SchemaToTypeScriptOptions, schemaToTypeScript } from "./declare-schema.js";
export { declarationsFor, generateApi } from "./generate.js";
export { runtimeFor, SERVER_FACTORY_MAKER } from "./runtime.js";
export type {
  CodegenWarning,
  GeneratedApi,
  GeneratedServer,
  GeneratedTool,
  GenerateOptions,
  ServerDefinition,
  ToolAnnotations,
  ToolDefinition,
  ToolRenderings,
} from "./types.js";
