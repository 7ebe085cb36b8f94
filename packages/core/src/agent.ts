/**
 * `@codecall/core/agent`: the agent loop on the Anthropic Messages API (`@anthropic-ai/sdk`, an optional
 * peer dependency loaded only by this entry): prompt caching, streaming events, bounded retries on program
 * errors, usage per turn. Give it any {@link AgentToolbox}: code mode, classic mode, or your own.
 */
export {
  type Agent,
  type AgentEvent,
  type AgentOptions,
  type AgentResult,
  anthropicClient,
  createAgent,
  type RunOptions,
  type TaskUsage,
  type TurnUsage,
} from "./agent/agent.js";
export { type ClassicTool, classicToolName, createClassicToolbox } from "./agent/classic.js";
export type { AgentToolbox, AgentToolDefinition, ToolboxEvent, ToolUseResult } from "./agent/toolbox.js";
