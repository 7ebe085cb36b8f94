import { type ClassicTool, classicToolName, createClassicToolbox } from "../agent/classic.js";
import type { AgentToolbox } from "../agent/toolbox.js";
import type { JsonObject } from "../json.js";
import {
  type ConnectOptions,
  type McpConnections,
  openServers,
  type ServersOption,
} from "../mcp/connections.js";
import { toolResultToValue } from "../mcp/result.js";
import { checkAmbientCall } from "../policy/gate.js";

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
    call: async (args, { signal }) => {
      const input = (args ?? {}) as Record<string, unknown>;
      // An agent's policy (createAgent({ policy, approve })) holds for classic mode's direct calls too.
      await checkAmbientCall({
        id: `${tool.server}.${tool.name}`,
        server: tool.server,
        tool: tool.name,
        args: input as JsonObject,
        ...(tool.annotations ? { annotations: tool.annotations } : {}),
      });
      return toolResultToValue(
        await connections.callTool(tool.server, tool.name, input, signal ? { signal } : {}),
      );
    },
  }));
  return createClassicToolbox(tools, options);
}

/** Classic mode over servers given as code mode takes them, and how to close what was opened for it. */
export interface OpenClassicMode {
  toolbox: AgentToolbox;
  connections: McpConnections;
  /** Closes the connections if they were opened here (connections you passed stay yours). */
  close(): Promise<void>;
}

/**
 * {@link createClassicMode} from a config file, a parsed config or connections you made: what the framework
 * adapters' classic-mode tools are built on.
 */
export async function openClassicMode(options: {
  servers: ServersOption;
  connect?: ConnectOptions;
  system?: string;
}): Promise<OpenClassicMode> {
  const { connections, owned } = await openServers(options.servers, options.connect);
  return {
    toolbox: createClassicMode(connections, options.system ? { system: options.system } : {}),
    connections,
    close: async () => {
      if (owned) await connections.close();
    },
  };
}
