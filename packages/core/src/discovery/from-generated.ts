/**
 * The bridge from `@codecall/codegen`'s output to discovery. Typed structurally (the fields discovery
 * reads), so core does not depend on codegen and any compatible generator works.
 */
import type { FileSource } from "./file-view.js";
import type { ToolDocument, ToolRenderings } from "./types.js";

/** The part of codegen's `GeneratedApi` that discovery uses. */
export interface GeneratedApiLike {
  tools: readonly {
    id: string;
    server: string;
    name: string;
    definition: {
      name: string;
      title?: string;
      description?: string;
      inputSchema?: unknown;
      outputSchema?: unknown;
    };
    renderings: ToolRenderings;
  }[];
  servers: readonly { name: string; ident: string; description?: string; toolCount?: number }[];
  /** The `servers/<server>/<tool>.ts` tree. */
  files: Readonly<Record<string, string>>;
}

/** Tool documents for every generated tool, with codegen's renderings (read on first use). */
export function fromGeneratedApi(api: GeneratedApiLike): ToolDocument[] {
  const servers = new Map(api.servers.map((server) => [server.name, server]));
  return api.tools.map((tool) => {
    const description = servers.get(tool.server)?.description;
    const { title, description: toolDescription, inputSchema, outputSchema } = tool.definition;
    const document: ToolDocument = {
      id: tool.id,
      name: tool.name,
      server: tool.server,
      ...(description ? { serverDescription: description } : {}),
      ...(title ? { title } : {}),
      ...(toolDescription ? { description: toolDescription } : {}),
      inputSchema,
      ...(outputSchema ? { outputSchema } : {}),
    };
    // Read when a result is rendered: codegen emits a tool's code on first read, and an index over
    // thousands of tools renders only what searches return.
    Object.defineProperty(document, "renderings", { enumerable: true, get: () => tool.renderings });
    return document;
  });
}

/** The generated file tree as a source for {@link createFileView}. */
export function generatedFileSource(api: GeneratedApiLike): FileSource {
  return { files: api.files };
}
