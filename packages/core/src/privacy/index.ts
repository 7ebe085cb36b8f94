/**
 * `@codecall/core/privacy`: personal values in tool results become tokens (`[EMAIL_1]`); tokens flow back
 * to a tool only where the flow policy allows. The guard plugs into code mode (`privacy` option); the
 * detectors, `tokenize` and the `Vault` serve anyone who wants the scan alone.
 */
export {
  type BuiltinType,
  type CustomDetectorOptions,
  cardDetector,
  customDetector,
  type DefaultDetectorOptions,
  type Detector,
  defaultDetectors,
  emailDetector,
  ibanDetector,
  ipv4Detector,
  ipv6Detector,
  type Match,
  mailboxNameDetector,
  type NameFinder,
  type NameSpan,
  nameDetector,
  type PhoneDetectorOptions,
  phoneDetector,
  type ScanContext,
  secretDetector,
  ssnDetector,
} from "./detectors.js";
export {
  createPrivacyGuard,
  type GuardedToolCall,
  type PrivacyGuard,
  type PrivacyGuardOptions,
} from "./guard.js";
export type { FlowCheck, FlowPolicy } from "./policy.js";
export {
  type RestoreFilter,
  redact,
  type ScanOptions,
  type TokenizeOptions,
  tokenize,
  untokenize,
} from "./tokenize.js";
export { formatToken, TOKEN_PATTERN, tokenType } from "./tokens.js";
export { type IssueOptions, Vault, type VaultEntry } from "./vault.js";
