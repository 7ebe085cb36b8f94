import type { AgentToolbox, ToolboxEvent } from "@codecall/core";
import { dispatchCustomEvent } from "@langchain/core/callbacks/dispatch";
import { ToolMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { DynamicStructuredTool, type ToolRunnableConfig } from "@langchain/core/tools";

/** The name of the custom event each program event is dispatched under (see `streamEvents`). */
export const CODECALL_EVENT = "codecall_event";

/** Options of {@link toolboxTools}. */
export interface LangChainToolsOptions {
  /**
   * Dispatch a running program's events (logs, tool calls and their outcomes) as LangChain custom events
   * named {@link CODECALL_EVENT}, visible in `streamEvents` and to callback handlers. Default true.
   */
  events?: boolean;
}

/**
 * Turns any codecall toolbox (code mode's meta-tools, or classic mode's one-tool-per-MCP-tool) into
 * LangChain.js tools. Each call runs through `toolbox.call`, so the policy, the privacy guard and the
 * limits apply unchanged. Called with a tool call (as agents and `ToolNode` do), a tool answers with a
 * `ToolMessage` whose `status` is `"error"` when the call failed and whose `artifact` says how a program
 * ended; called with plain arguments, it answers with the text the model would read.
 */
export function toolboxTools(
  toolbox: AgentToolbox,
  options: LangChainToolsOptions = {},
): DynamicStructuredTool[] {
  const dispatch = options.events ?? true;
  return toolbox.tools().map(
    (definition) =>
      new DynamicStructuredTool({
        name: definition.name,
        description: definition.description,
        schema: definition.input_schema as Record<string, unknown>,
        func: async (input: unknown, runManager, config?: ToolRunnableConfig) => {
          const signal = config?.signal;
          // Custom events belong to the tool's own run, whose callbacks are the run manager's children.
          const events =
            dispatch && runManager ? eventDispatcher({ callbacks: runManager.getChild() }) : undefined;
          const result = await toolbox.call(definition.name, input, {
            ...(signal ? { signal } : {}),
            ...(events ? { onEvent: events.onEvent } : {}),
          });
          // Every event reaches the handlers before the tool's end does.
          await events?.flushed();
          const toolCallId = config?.toolCall?.id;
          if (!toolCallId) return result.content;
          return new ToolMessage({
            content: result.content,
            status: result.isError ? "error" : "success",
            tool_call_id: toolCallId,
            name: definition.name,
            artifact: { isError: result.isError, ...(result.program ? { program: result.program } : {}) },
          });
        },
      }),
  );
}

/** Dispatches events in order without holding the program up; a run without callbacks ignores them. */
function eventDispatcher(config: RunnableConfig): {
  onEvent: (event: ToolboxEvent) => void;
  flushed: () => Promise<void>;
} {
  let chain = Promise.resolve();
  return {
    onEvent: (event) => {
      chain = chain.then(() => dispatchCustomEvent(CODECALL_EVENT, event, config)).catch(() => undefined);
    },
    flushed: () => chain,
  };
}
