import type { ExecutionEvent } from "@codecall/sandbox";

/** A tool definition in the Messages API's format. */
export interface AgentToolDefinition {
  name: string;
  description: string;
  input_schema: {
    type: "object";
    properties?: Record<string, unknown>;
    required?: string[];
    [key: string]: unknown;
  };
}

/** What one tool use produced, as the model will read it in a `tool_result`. */
export interface ToolUseResult {
  content: string;
  isError: boolean;
  /**
   * The result as MCP content, when the tool use passed an upstream tool's result through (see
   * `exposeCodeMode`): an MCP server sends it as it is, images and structured content included.
   */
  mcp?: { content: unknown[]; structuredContent?: Record<string, unknown> };
  /** The tool use ran a program (code mode's `execute_code`): its outcome, for events and retries. */
  program?: { code: string; ok: boolean; errorCode?: string };
}

/** Events a toolbox emits while a tool use runs (program logs, tool calls inside a program). */
export type ToolboxEvent = ExecutionEvent | { type: "program-start"; code: string };

/**
 * What an agent can do in one mode: the system text, the tools the model sees, and how a tool use runs.
 * Code mode's toolbox exposes the meta-tools; classic mode's exposes every MCP tool directly.
 */
export interface AgentToolbox {
  readonly mode: "code" | "classic";
  system(): string;
  tools(): AgentToolDefinition[];
  call(
    name: string,
    input: unknown,
    context: { signal?: AbortSignal; onEvent?: (event: ToolboxEvent) => void },
  ): Promise<ToolUseResult>;
}
