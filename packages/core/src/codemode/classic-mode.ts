import { type ClassicTool, classicToolName, createClassicToolbox } from "../agent/classic.js";
import type { AgentToolbox } from "../agent/toolbox.js";
import type { McpConnections } from "../mcp/connections.js";
import { toolResultToValue } from "../mcp/result.js";

/**
 * Classic mode over the same MCP servers: every tool is an Anthropic tool (`server__tool`), called one at
 * a time, with every result passing through the model's context. The baseline code mode is measured against.
 */
export function createClassicMode(
  connections: McpConnections,
  options: { system?: string } = {},
): AgentToolbox {
  const tools: ClassicTool[] = connections.tools().map((tool) => ({
    name: classicToolName(tool.server, tool.name),
    ...(tool.description ? { description: tool.description } : {}),
    inputSchema: tool.inputSchema,
    call: async (args, { signal }) =>
      toolResultToValue(
        await connections.callTool(
          tool.server,
          tool.name,
          (args ?? {}) as Record<string, unknown>,
          signal ? { signal } : {},
        ),
      ),
  }));
  return createClassicToolbox(tools, options);
}
