import type { AgentToolbox, ToolboxEvent, ToolUseResult } from "@codecall/core";
import { jsonSchema, type Tool, type ToolSet, tool } from "ai";

/**
 * What a codecall tool returns to the AI SDK. While a program runs (`execute_code` in a stream), the tool
 * yields `running` outputs the SDK passes on as preliminary tool results; the last output is `done`.
 */
export type CodecallToolOutput =
  | {
      status: "running";
      /** The program's events so far (logs, tool calls and their outcomes), oldest first, at most 100. */
      events: ToolboxEvent[];
    }
  | ({ status: "done" } & ToolUseResult);

/** Options of {@link toolboxTools}. */
export interface ToolboxToolsOptions {
  /**
   * Yield the program's events as preliminary tool results while it runs (they reach `streamText`'s
   * `fullStream` as `tool-result` parts with `preliminary: true`, and UI messages). Default true; the
   * model only ever sees the final result.
   */
  events?: boolean;
}

/** How many events a preliminary result carries; a long program's stream stays bounded. */
const EVENT_WINDOW = 100;

/**
 * Turns any codecall toolbox (code mode's meta-tools, or classic mode's one-tool-per-MCP-tool) into an AI
 * SDK `ToolSet`. Each tool runs through `toolbox.call`, so the policy, the privacy guard and the limits of
 * the toolbox apply unchanged; an error result reaches the model as `error-text`.
 */
export function toolboxTools(toolbox: AgentToolbox, options: ToolboxToolsOptions = {}): ToolSet {
  const streamEvents = options.events ?? true;
  const tools: Record<string, Tool<Record<string, unknown>, CodecallToolOutput>> = {};
  for (const definition of toolbox.tools()) {
    const name = definition.name;
    tools[name] = tool<Record<string, unknown>, CodecallToolOutput>({
      description: definition.description,
      inputSchema: jsonSchema<Record<string, unknown>>(
        definition.input_schema as Parameters<typeof jsonSchema>[0],
      ),
      execute: streamEvents
        ? (input, { abortSignal }) => streamCall(toolbox, name, input, abortSignal)
        : async (input, { abortSignal }) => ({
            status: "done",
            ...(await toolbox.call(name, input, abortSignal ? { signal: abortSignal } : {})),
          }),
      toModelOutput: ({ output }) => modelOutput(output),
    });
  }
  return tools;
}

/** What the model reads: the toolbox's text, as an error when the call failed. */
function modelOutput(output: CodecallToolOutput): { type: "text" | "error-text"; value: string } {
  if (output.status !== "done") return { type: "text", value: "" };
  return { type: output.isError ? "error-text" : "text", value: output.content };
}

/**
 * Runs one call and yields a `running` output after each burst of events, then the `done` output. Events
 * arrive through a callback; a promise that is replaced after each wake-up turns them into a generator.
 */
async function* streamCall(
  toolbox: AgentToolbox,
  name: string,
  input: unknown,
  signal: AbortSignal | undefined,
): AsyncGenerator<CodecallToolOutput> {
  const events: ToolboxEvent[] = [];
  let seen = 0;
  let wake: () => void = () => undefined;
  let changed = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const onEvent = (event: ToolboxEvent) => {
    events.push(event);
    if (events.length > EVENT_WINDOW) events.splice(0, events.length - EVENT_WINDOW);
    seen++;
    wake();
  };
  let finished = false;
  const call = toolbox.call(name, input, { ...(signal ? { signal } : {}), onEvent }).finally(() => {
    finished = true;
    wake();
  });
  let reported = 0;
  while (!finished) {
    await changed;
    changed = new Promise<void>((resolve) => {
      wake = resolve;
    });
    if (!finished && seen > reported) {
      reported = seen;
      yield { status: "running", events: [...events] };
    }
  }
  yield { status: "done", ...(await call) };
}
