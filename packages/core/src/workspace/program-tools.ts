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
declare const workspace: { readFile(path: string, options?: { encoding?: "utf8" | "base64" }): Promise<string>; readBytes(path: string): Promise<Uint8Array>; readJSON<T = any>(path: string): Promise<T>; writeFile(path: string, data: string | Uint8Array, options?: { encoding?: "utf8" | "base64" }): Promise<{ path: string; bytes: number }>; writeJSON(path: string, value: unknown): Promise<{ path: string; bytes: number }>; list(prefix?: string): Promise<Array<{ path: string; bytes: number }>>; remove(path: string): Promise<boolean>; exists(path: string): Promise<boolean> };
`;

/**
 * Base64 inside the sandbox, for `Uint8Array` data: the bridge carries JSON only, and engines differ in
 * what they offer (QuickJS has neither `btoa` nor `Buffer`), so a few lines of plain JavaScript do it.
 */
const BASE64_RUNTIME = `var __b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
function __toBase64(bytes) {
  var out = "", i = 0, n;
  for (; i + 2 < bytes.length; i += 3) { n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2]; out += __b64[(n >> 18) & 63] + __b64[(n >> 12) & 63] + __b64[(n >> 6) & 63] + __b64[n & 63]; }
  if (bytes.length - i === 1) { n = bytes[i] << 16; out += __b64[(n >> 18) & 63] + __b64[(n >> 12) & 63] + "=="; }
  else if (bytes.length - i === 2) { n = (bytes[i] << 16) | (bytes[i + 1] << 8); out += __b64[(n >> 18) & 63] + __b64[(n >> 12) & 63] + __b64[(n >> 6) & 63] + "="; }
  return out;
}
function __fromBase64(text) {
  var clean = text.replace(/[^A-Za-z0-9+/]/g, ""), bytes = new Uint8Array(Math.floor((clean.length * 3) / 4)), bits = 0, value = 0, j = 0;
  for (var i = 0; i < clean.length; i++) { value = ((value << 6) | __b64.indexOf(clean[i])) & 0xffffff; bits += 6; if (bits >= 8) { bits -= 8; bytes[j++] = (value >> bits) & 255; } }
  return bytes;
}
`;

/** The `workspace` global in the sandbox: each method one call over the bridge. */
export const WORKSPACE_RUNTIME = `${BASE64_RUNTIME}const workspace = Object.freeze({
  readFile: function (path, options) { return codecall.callTool(${JSON.stringify(WORKSPACE_TOOL_IDS.readFile)}, { path: path, encoding: options && options.encoding }); },
  readBytes: function (path) { return codecall.callTool(${JSON.stringify(WORKSPACE_TOOL_IDS.readFile)}, { path: path, encoding: "base64" }).then(__fromBase64); },
  readJSON: function (path) { return codecall.callTool(${JSON.stringify(WORKSPACE_TOOL_IDS.readJSON)}, { path: path }); },
  writeFile: function (path, data, options) {
    if (data instanceof Uint8Array) return codecall.callTool(${JSON.stringify(WORKSPACE_TOOL_IDS.writeFile)}, { path: path, data: __toBase64(data), encoding: "base64" });
    return codecall.callTool(${JSON.stringify(WORKSPACE_TOOL_IDS.writeFile)}, { path: path, data: data, encoding: options && options.encoding });
  },
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
