/**
 * `@codecall/core/records`: run records. Every execution can produce one versioned JSON record (program,
 * tool calls with arguments and results, clock and random values, logs, limits, outcome, schema hashes);
 * `replayRecord` replays it offline and reports the first divergence; `recordToTest` turns it into a
 * vitest test. Record with the executor's `record` / `onRecord` options (code mode's too).
 */
export { type AgentRunSummary, agentRecord, modelTurns } from "./agent.js";
export { canonicalJson, codecallVersion, toolSchemaHash } from "./capture.js";
export { type ReplayOptions, replayRecord } from "./replay.js";
export { type RecordTestOptions, recordToTest } from "./to-test.js";
export {
  type AgentRecord,
  type ExecutionRecord,
  RECORD_VERSION,
  type RecordedOutcome,
  type RecordedServer,
  type RecordedTool,
  type RecordedToolCall,
  type RecordedTurn,
  type ReplayDivergence,
  type ReplayResult,
  type RunRecord,
} from "./types.js";
export { parseRecord, readRecord, validateRecord } from "./validate.js";
