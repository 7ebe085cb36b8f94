/** The MCP `tools/list` entry shape. */
export interface ToolDefinition {
  name: string;
  title?: string;
  description?: string;
  inputSchema: unknown;
  outputSchema?: unknown;
  annotations?: ToolAnnotations | null;
}

/** MCP tool annotations: hints about a tool's behaviour, never guarantees. */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** One MCP server and the tools its `tools/list` returned. */
export interface ServerDefinition {
  name: string;
  description?: string;
  tools: ToolDefinition[];
}

/** Options of {@link generateApi}. */
export interface GenerateOptions {
  /**
   * Treat an object schema without `additionalProperties` as closed (`false`) in input types, so the
   * type-check catches misspelt argument names. JSON Schema allows unknown properties there, so this is
   * stricter than the schema; off by default (sound).
   */
  closedInputObjects?: boolean;
  /** Maximum nesting depth followed in one schema before falling back to `unknown` with a warning. Default 48. */
  maxDepth?: number;
}

/** The generated API: source files, declarations, sandbox runtime, tool list and discovery renderings. */
export interface GeneratedApi {
  /**
   * TypeScript source of the API, by path: `servers/<serverIdent>/<toolIdent>.ts`,
   * `servers/<serverIdent>/index.ts`, `index.ts`, and `types.ts` (the shared MCP content types).
   * What a model reads in the file view.
   */
  files: Record<string, string>;
  /**
   * Declarations to type-check a program at `/program.ts` against, by path. Both
   * `import * as memory from "./servers/memory"` and the global `memory.readGraph(...)` (one global
   * const per server, declared in `globals.d.ts`) type-check. Needs `moduleResolution` `bundler` or `node10`.
   */
  declarations: Record<string, string>;
  /**
   * JavaScript evaluated in the program's own scope before it runs: one `const <serverIdent>` per server
   * (an object with `__esModule: true` whose functions call `codecall.callTool(toolId, args)` and return
   * its promise) and `const __codecallModules`, the module namespaces by import specifier, for a
   * `require()` shim.
   */
  runtime: string;
  tools: GeneratedTool[];
  servers: GeneratedServer[];
  warnings: CodegenWarning[];
}

/** A server as generated. */
export interface GeneratedServer {
  name: string;
  ident: string;
  description?: string;
  toolCount: number;
}

/** A tool as generated. */
export interface GeneratedTool {
  /** `${serverIdent}.${toolIdent}`: the string passed to `codecall.callTool`. */
  id: string;
  /** The original MCP server name. */
  server: string;
  /** The original MCP tool name. */
  name: string;
  serverIdent: string;
  toolIdent: string;
  definition: ToolDefinition;
  /**
   * What the program receives from a call: `structuredContent` when the tool declares an `outputSchema`,
   * otherwise the result's `content` array (typed `CallToolContent[]`).
   */
  returns: "structuredContent" | "content";
  /** Discovery detail levels. */
  renderings: ToolRenderings;
}

/** A tool at the three discovery detail levels. */
export interface ToolRenderings {
  /** The tool id. */
  name: string;
  /** The id, a compact one-line signature and the description's first sentence. */
  summary: string;
  /** The complete declaration with TSDoc, input and output types included. */
  full: string;
}

/** Something the generator could not express faithfully; the type there fell back to a wider one. */
export interface CodegenWarning {
  server: string;
  tool: string;
  /** JSON pointer into the schema (`/inputSchema/properties/x`). */
  path: string;
  message: string;
}
