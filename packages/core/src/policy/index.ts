export {
  type ApprovalAnswer,
  type ApprovalRequest,
  type Approver,
  allowInstead,
  createPolicyInterceptor,
  denied,
  type PolicyInterceptorOptions,
  type ProgramApprover,
  withApprover,
} from "./approval.js";
export { type PolicyOptions, withPolicy } from "./gate.js";
export {
  describeManifest,
  type ManifestTool,
  type ModuleToolLookup,
  type ProgramManifest,
} from "./program-manifest.js";
export { type PolicyDecision, policyDecision, type ToolPolicy, validatePolicy } from "./rules.js";
