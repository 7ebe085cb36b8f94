/**
 * The workspace inside a program: a `workspace` global whose methods are host tools over the sandbox's
 * tool bridge, so they work the same on every backend (E2B's remote sandbox included) and count against
 * the same limits as tool calls.
 *
 * ```ts
 * await workspace.writeFile("out/report.csv", "name,count\nada,3\n");
 * const rows = (await workspace.readFile("out/report.csv")).split("\n");
 * ```
 */
import type { ToolHandler } from "@codecall/sandbox";
import { CodecallError } from "../errors.js";
import type { Workspace } from "./workspace.js";

/** The ids of the workspace's host tools. */
export const WORKSPACE_TOOL_IDS = {
  readFile: "codecall.workspace.readFile",
  readJSON: "codecall.workspace.readJSON",
  writeFile: "codecall.workspace.writeFile",
  list: "codecall.workspace.list",
  remove: "codecall.workspace.remove",
  exists: "codecall.workspace.exists",
} as const;

/**
 * The `workspace` global for the type-checker. One line per declaration: the checker keeps a global's
 * line only when the program names it.
 */
export const WORKSPACE_DECLARATION = `/** Files kept between executions (paths like "data/report.csv"; no "..", no leading "/"). Bytes travel as base64. */
declare const workspace: { readFile(path: string, options?: { encoding?: "utf8" | "base64" }): Promise<string>; readJSON<T = any>(path: string): Promise<T>; writeFile(path: string, data: string, options?: { encoding?: "utf8" | "base64" }): Promise<{ path: string; bytes: number }>; writeJSON(path: string, value: unknown): Promise<{ path: string; bytes: number }>; list(prefix?: string): Promise<Array<{ path: string; bytes: number }>>; remove(path: string): Promise<boolean>; exists(path: string): Promise<boolean> };
`;

/** The `workspace` global in the sandbox: each method one call over the bridge. */
export const WORKSPACE_RUNTIME = `const workspace = Object.freeze({
  readFile: function (path, options) { return codecall.callTool(${JSON.stringify(WORKSPACE_TOOL_IDS.readFile)}, { path: path, encoding: options && options.encoding }); },
  readJSON: function (path) { return codecall.callTool(${JSON.stringify(WORKSPACE_TOOL_IDS.readJSON)}, { path: path }); },
  writeFile: function (path, data, options) { return codecall.callTool(${JSON.stringify(WORKSPACE_TOOL_IDS.writeFile)}, { path: path, data: data, encoding: options && options.encoding }); },
  writeJSON: function (path, value) { return codecall.callTool(${JSON.stringify(WORKSPACE_TOOL_IDS.writeFile)}, { path: path, data: JSON.stringify(value, null, 2) }); },
  list: function (prefix) { return codecall.callTool(${JSON.stringify(WORKSPACE_TOOL_IDS.list)}, { prefix: prefix === undefined ? "" : prefix }); },
  remove: function (path) { return codecall.callTool(${JSON.stringify(WORKSPACE_TOOL_IDS.remove)}, { path: path }); },
  exists: function (path) { return codecall.callTool(${JSON.stringify(WORKSPACE_TOOL_IDS.exists)}, { path: path }); }
});
`;

/** A tool handler answering the workspace's tools and passing every other call to `next`. */
export function createWorkspaceHandler(workspace: Workspace, next: ToolHandler): ToolHandler {
  return async (call, context) => {
    if (!call.name.startsWith("codecall.workspace.")) return next(call, context);
    const args = (
      typeof call.args === "object" && call.args !== null && !Array.isArray(call.args) ? call.args : {}
    ) as Record<string, unknown>;
    const encoding = args.encoding === null ? undefined : (args.encoding as "utf8" | "base64" | undefined);
    switch (call.name) {
      case WORKSPACE_TOOL_IDS.readFile:
        return workspace.readFile(args.path as string, encoding ? { encoding } : {});
      case WORKSPACE_TOOL_IDS.readJSON:
        return workspace.readJSON(args.path as string);
      case WORKSPACE_TOOL_IDS.writeFile:
        return workspace.writeFile(args.path as string, args.data as string, encoding ? { encoding } : {});
      case WORKSPACE_TOOL_IDS.list:
        return workspace.list((args.prefix as string | undefined) ?? "");
      case WORKSPACE_TOOL_IDS.remove:
        return workspace.remove(args.path as string);
      case WORKSPACE_TOOL_IDS.exists:
        return workspace.exists(args.path as string);
    }
    throw new CodecallError(
      "TOOL_NOT_FOUND",
      `No workspace tool is named "${call.name}". Use ${Object.values(WORKSPACE_TOOL_IDS).join(", ")}.`,
    );
  };
}
