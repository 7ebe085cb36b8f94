/**
 * The scenario suite shared by the bench and the demo: tasks over real MCP servers (server-filesystem,
 * server-memory, server-everything, and this package's seeded data and catalogue servers), each run in code
 * mode and in classic mode through the real agent loop.
 */
import type { Scenario } from "./scenario.js";
import { exportPoll, openBugs, stockRetry } from "./tasks/control-flow.js";
import { issueNote, renewalsJoin, saveResume, vipToMemory } from "./tasks/cross-server.js";
import { salesQ3, transcriptActions } from "./tasks/data-heavy.js";
import { catalogueQuote, oneCallWeather } from "./tasks/small.js";

/** Every scenario, in the order the report lists them. */
export const scenarios: readonly Scenario[] = [
  salesQ3,
  transcriptActions,
  saveResume,
  renewalsJoin,
  vipToMemory,
  openBugs,
  stockRetry,
  exportPoll,
  issueNote,
  catalogueQuote,
  oneCallWeather,
];

export function scenarioById(id: string): Scenario | undefined {
  return scenarios.find((s) => s.id === id);
}

export * from "./context.js";
export * from "./conversation.js";
export * from "./run.js";
export * from "./scenario.js";
export { catalogueTools } from "./servers/catalogue-server.js";
export { countTokens } from "./tokens.js";
export { createWorld, type ServerName, type World } from "./world.js";
