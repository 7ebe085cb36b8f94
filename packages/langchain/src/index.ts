/**
 * codecall for LangChain.js: code mode (or classic mode, for comparisons) as LangChain tools for any chat
 * model, `ToolNode` or agent.
 */
export {
  type ClassicModeToolsOptions,
  type CodecallLangChainTools,
  type CodeModeLangChainTools,
  type CodeModeToolsOptions,
  createClassicModeTools,
  createCodeModeTools,
} from "./modes.js";
export { CODECALL_EVENT, type LangChainToolsOptions, toolboxTools } from "./tools.js";
