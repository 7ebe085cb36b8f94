export * from "./classic-mode.js";
export * from "./code-mode.js";
export * from "./expose.js";
