/**
 * Search and describe from inside a program: built-in tools the executor exposes next to the catalogue,
 * so a program can find a tool and call it without the search results passing through the model.
 *
 * ```ts
 * const [hit] = await codecall.searchTools({ query: "weather forecast", limit: 1 });
 * return codecall.callTool(hit.id, { city: "Paris" });
 * ```
 */

import type { ToolHandler } from "@codecall/sandbox";
import { CodecallError } from "../errors.js";
import type { FileView } from "./file-view.js";
import type { SearchToolsOptions, ToolIndex } from "./tool-index.js";

/** The ids of the built-in discovery tools. */
export const DISCOVERY_TOOL_IDS = {
  searchTools: "codecall.searchTools",
  describeTool: "codecall.describeTool",
  listFiles: "codecall.listFiles",
  readFile: "codecall.readFile",
} as const;

/** What {@link createDiscoveryHandler} serves. */
export interface DiscoveryHandlerOptions {
  index: ToolIndex;
  /** Serves `codecall.listFiles` / `codecall.readFile` when given. */
  view?: FileView;
  /** Answers every other tool call (the catalogue's tools). */
  next?: ToolHandler;
}

/**
 * A tool handler answering the built-in discovery tools and passing every other call to `next`.
 * `codecall.searchTools({query, detail?, limit?, server?})` (`query` a string or a list, one per sub-task)
 * returns `[{id, server, name, score, text}]`;
 * `codecall.describeTool({id, detail?})` returns the rendered text.
 */
export function createDiscoveryHandler(options: DiscoveryHandlerOptions): ToolHandler {
  const { index, view, next } = options;
  return async (call, context) => {
    const args = (
      typeof call.args === "object" && call.args !== null && !Array.isArray(call.args) ? call.args : {}
    ) as Record<string, unknown>;
    switch (call.name) {
      case DISCOVERY_TOOL_IDS.searchTools:
        return index.search(args["query"] as string | string[], args as SearchToolsOptions);
      case DISCOVERY_TOOL_IDS.describeTool:
        return index.describe(
          args["id"] as string,
          (args["detail"] as SearchToolsOptions["detail"]) ?? "full",
        );
      case DISCOVERY_TOOL_IDS.listFiles:
        if (view) return view.list((args["path"] as string | undefined) ?? "");
        break;
      case DISCOVERY_TOOL_IDS.readFile:
        if (view) return view.read(args["path"] as string);
        break;
    }
    if (next) return next(call, context);
    throw new CodecallError("TOOL_NOT_FOUND", `No tool is named "${call.name}".`, {
      details: { tool: call.name },
    });
  };
}
