/** The shapes the tool catalogue hands to code generation and to the executor. */

/** JSON Schema, as MCP servers send it. */
export type JsonSchema = { [key: string]: unknown };

/** MCP tool annotations (hints about behaviour; never trusted for security). */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
  [key: string]: unknown;
}

/** One tool as its server lists it: the input `@codecall/codegen` turns into a typed function. */
export interface ToolDefinition {
  name: string;
  title?: string;
  description?: string;
  inputSchema: JsonSchema;
  outputSchema?: JsonSchema;
  annotations?: ToolAnnotations;
}

/** One connected server and its tools, under the name the configuration gives it. */
export interface ServerDefinition {
  name: string;
  description?: string;
  tools: ToolDefinition[];
}

/** A tool in the flat catalogue: its definition plus the server that owns it. */
export interface CatalogueTool extends ToolDefinition {
  server: string;
}
