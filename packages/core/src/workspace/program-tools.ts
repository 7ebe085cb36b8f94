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
import type { ExecutionInterceptor, InterceptedCall } from "../executor/interceptor.js";
import type { JsonObject } from "../json.js";
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

/**
 * A tool handler answering the workspace's tools and passing every other call to `next`. The calls pass
 * `interceptor` like tool calls, as server `codecall`, tool `workspace.<method>`: a policy glob
 * `codecall.workspace.*` covers them, and with privacy on a file's personal data reaches the program as
 * tokens, and tokens a program writes stay tokens unless the flow policy lets `codecall.workspace.writeFile`
 * receive the values.
 */
export function createWorkspaceHandler(
  workspace: Workspace,
  next: ToolHandler,
  interceptor?: ExecutionInterceptor,
): ToolHandler {
  return async (call, context) => {
    if (!call.name.startsWith("codecall.workspace.")) return next(call, context);
    const given = (
      typeof call.args === "object" && call.args !== null && !Array.isArray(call.args) ? call.args : {}
    ) as JsonObject;
    const intercepted: InterceptedCall = {
      id: call.name,
      server: "codecall",
      tool: call.name.slice("codecall.".length),
      args: given,
    };
    const args = interceptor?.beforeCall ? await interceptor.beforeCall(intercepted) : given;
    const value = await answer(workspace, call.name, args);
    return interceptor?.afterCall ? interceptor.afterCall(intercepted, value) : value;
  };
}

async function answer(workspace: Workspace, name: string, args: JsonObject): Promise<unknown> {
  const encoding = args.encoding === null ? undefined : (args.encoding as "utf8" | "base64" | undefined);
  switch (name) {
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
    `No workspace tool is named "${name}". Use ${Object.values(WORKSPACE_TOOL_IDS).join(", ")}.`,
  );
}
