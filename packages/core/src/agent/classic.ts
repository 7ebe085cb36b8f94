import { CodecallError } from "../errors.js";
import type { AgentToolbox, AgentToolDefinition } from "./toolbox.js";

/** One tool exposed directly to the model in classic mode. */
export interface ClassicTool {
  /** Unique; must match `^[a-zA-Z0-9_-]{1,64}$` (use {@link classicToolName} for MCP tools). */
  name: string;
  description?: string;
  inputSchema: unknown;
  call(args: unknown, context: { signal?: AbortSignal }): Promise<unknown>;
}

const SYSTEM = "You are a helpful assistant with tools. Call the tools you need, one at a time, then answer.";

/**
 * Classic mode, the baseline code mode is measured against: every tool is an Anthropic tool, the model
 * calls them one at a time, and every result passes through its context as JSON text.
 */
export function createClassicToolbox(tools: ClassicTool[], options: { system?: string } = {}): AgentToolbox {
  const byName = new Map(tools.map((t) => [t.name, t]));
  return {
    mode: "classic",
    system: () => options.system ?? SYSTEM,
    tools: () =>
      tools.map(
        (t): AgentToolDefinition => ({
          name: t.name,
          description: t.description ?? "",
          input_schema: asObjectSchema(t.inputSchema),
        }),
      ),
    async call(name, input, { signal }) {
      const tool = byName.get(name);
      if (!tool) return { content: `No tool named "${name}".`, isError: true };
      try {
        const value = await tool.call(input, { signal });
        return { content: typeof value === "string" ? value : JSON.stringify(value), isError: false };
      } catch (error) {
        const e = CodecallError.from(error, "TOOL_FAILED");
        return { content: `${e.code}: ${e.message}`, isError: true };
      }
    },
  };
}

/** A valid Anthropic tool name for an MCP tool: `server__tool`, sanitised and cut to 64 characters. */
export function classicToolName(server: string, tool: string): string {
  return `${server}__${tool}`.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
}

function asObjectSchema(schema: unknown): AgentToolDefinition["input_schema"] {
  if (schema && typeof schema === "object" && (schema as { type?: unknown }).type === "object") {
    return schema as AgentToolDefinition["input_schema"];
  }
  return { type: "object", properties: {} };
}
