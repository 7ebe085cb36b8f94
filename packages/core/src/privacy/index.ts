/** Privacy: personal values in tool results become tokens; tokens flow back only where policy allows. */
export * from "./checks.js";
export * from "./detectors.js";
export * from "./fields.js";
export * from "./guard.js";
export * from "./policy.js";
export * from "./profile.js";
export * from "./tokenize.js";
export * from "./tokens.js";
export * from "./vault.js";
