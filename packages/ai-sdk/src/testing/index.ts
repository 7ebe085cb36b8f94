/** Offline helpers for testing code that uses `@codecall/ai-sdk` with a real provider package. */
export * from "./chat-completions-stand-in.js";
