/**
 * Upstream resources from inside a program: two built-in tools next to the catalogue's, answered from the
 * MCP connections and passed through the same interceptor as tool calls (policy first, privacy next to
 * the server), so a resource's personal data reaches the program as tokens when privacy is on.
 *
 * ```ts
 * const list = await codecall.listResources({ server: "docs" });
 * const page = await codecall.readResource({ server: "docs", uri: list[0].uri });
 * return page.text;
 * ```
 */

import type { ToolHandler } from "@codecall/sandbox";
import { CodecallError } from "../errors.js";
import type { ExecutionInterceptor, InterceptedCall } from "../executor/interceptor.js";
import type { JsonObject } from "../json.js";
import type { McpConnections } from "./connections.js";

/** The ids of the built-in resource tools. */
export const RESOURCE_TOOL_IDS = {
  listResources: "codecall.listResources",
  readResource: "codecall.readResource",
} as const;

/** One resource as a program lists it. */
export interface ProgramResource {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

/** One resource's content as a program reads it: `text` for text, `blob` (base64) for binary content. */
export interface ProgramResourceContent {
  uri: string;
  mimeType?: string;
  text?: string;
  blob?: string;
}

/**
 * A tool handler answering `codecall.listResources({server})` and `codecall.readResource({server, uri})`
 * and passing every other call to `next`. Policies see them as the tools `resources/list` and
 * `resources/read` of the server (a `deny: ["docs.*"]` covers them).
 */
export function createResourceHandler(options: {
  connections: McpConnections;
  interceptor?: ExecutionInterceptor | undefined;
  next: ToolHandler;
}): ToolHandler {
  const { connections, interceptor, next } = options;
  return async (call, context) => {
    if (call.name !== RESOURCE_TOOL_IDS.listResources && call.name !== RESOURCE_TOOL_IDS.readResource)
      return next(call, context);
    const args = (
      typeof call.args === "object" && call.args !== null && !Array.isArray(call.args) ? call.args : {}
    ) as JsonObject;
    const server = args.server;
    if (typeof server !== "string" || server === "")
      throw new CodecallError("TOOL_ARGS_INVALID", `${call.name} needs { server: "<MCP server name>" }.`);
    const reading = call.name === RESOURCE_TOOL_IDS.readResource;
    const intercepted: InterceptedCall = {
      id: call.name,
      server,
      tool: reading ? "resources/read" : "resources/list",
      args,
    };
    const sent = interceptor?.beforeCall ? await interceptor.beforeCall(intercepted) : args;
    let value: unknown;
    if (reading) {
      const uri = sent.uri;
      if (typeof uri !== "string" || uri === "")
        throw new CodecallError("TOOL_ARGS_INVALID", `${call.name} needs { server, uri: "<resource URI>" }.`);
      const result = await connections.readResource(server, uri);
      const contents: ProgramResourceContent[] = result.contents.map((c) => ({
        uri: c.uri,
        ...(c.mimeType ? { mimeType: c.mimeType } : {}),
        ...("text" in c && typeof c.text === "string" ? { text: c.text } : {}),
        ...("blob" in c && typeof c.blob === "string" ? { blob: c.blob } : {}),
      }));
      // One content (the usual case) is returned as itself, so `page.text` works.
      value = contents.length === 1 ? contents[0] : contents;
    } else {
      value = (await connections.listResources(server)).map(
        (r): ProgramResource => ({
          uri: r.uri,
          name: r.name,
          ...(r.title ? { title: r.title } : {}),
          ...(r.description ? { description: r.description } : {}),
          ...(r.mimeType ? { mimeType: r.mimeType } : {}),
        }),
      );
    }
    return interceptor?.afterCall ? interceptor.afterCall(intercepted, value) : value;
  };
}
