/** The `codecall` command, callable in-process: `await main(["exec", "program.ts"])` returns the exit code. */

export { type RunRecord, recordedTurns } from "./commands/agent.js";
export { type CliIo, EXIT_CODES, processIo } from "./io.js";
export { createProgram, main } from "./main.js";
