/**
 * codecall for the Vercel AI SDK: code mode (or classic mode, for comparisons) as a `ToolSet` for
 * `generateText`, `streamText` and agents, with any provider's model.
 */
export {
  type ClassicModeToolsOptions,
  type CodecallTools,
  type CodeModeTools,
  type CodeModeToolsOptions,
  createClassicModeTools,
  createCodeModeTools,
} from "./modes.js";
export { type CodecallToolOutput, type ToolboxToolsOptions, toolboxTools } from "./tools.js";
