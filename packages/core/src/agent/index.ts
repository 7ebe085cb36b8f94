export * from "./agent.js";
export * from "./classic.js";
export * from "./toolbox.js";
