/**
 * Test helpers for users of codecall and for codecall's own tests: in-memory tool sets, and (later) a
 * scripted model. Import from `@codecall/core/testing`.
 */

import type { ToolHandler } from "@codecall/sandbox";
import { CodecallError } from "../errors.js";

/** A ToolHandler over plain functions, keyed by tool name. Unknown names fail with TOOL_NOT_FOUND. */
export function toolsFromFunctions(functions: Record<string, (args: never) => unknown>): ToolHandler {
  return async ({ name, args }) => {
    const fn = Object.hasOwn(functions, name) ? functions[name] : undefined;
    if (!fn) throw new CodecallError("TOOL_NOT_FOUND", `No tool named "${name}".`);
    return fn(args as never);
  };
}

export * from "./messages-stand-in.js";
