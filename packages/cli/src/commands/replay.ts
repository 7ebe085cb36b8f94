import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { PrivacyGuardOptions } from "@codecall/core";
import {
  type ExecutionRecord,
  parseRecord,
  type ReplayResult,
  type RunRecord,
  recordToTest,
  replayRecord,
} from "@codecall/core/records";
import { isSandboxName, loadSandbox, SANDBOX_BACKENDS, type SandboxName } from "../backends.js";
import { type CliIo, EXIT_CODES, ExitWith, progress, usageError } from "../io.js";
import { codeModeOptions, type ServerFlags, withConnections } from "../setup.js";

export interface ReplayFlags extends ServerFlags {
  live?: boolean;
  emitTest?: string;
  json?: boolean;
}

/** A record file, read and validated (RECORD_INVALID, exit 2, for anything else). */
export async function loadRecordFile(file: string, io: CliIo): Promise<RunRecord> {
  const path = resolve(io.cwd, file);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw usageError(
      `Cannot read the record ${file}: ${(error as Error).message}`,
      "Pass a file written by `codecall exec --record <file>` or `codecall run --record <file>`.",
    );
  }
  return parseRecord(text, file);
}

/** Writes a record as indented JSON. */
export async function writeRecordFile(file: string, record: RunRecord, io: CliIo): Promise<void> {
  await writeFile(resolve(io.cwd, file), `${JSON.stringify(record, null, 2)}\n`);
}

/** The backend a replay runs on: `--sandbox`, else the one the record was made on when codecall knows it. */
function replaySandbox(flags: ServerFlags, record: RunRecord, io: CliIo): SandboxName {
  const named = flags.sandbox ?? io.env.CODECALL_SANDBOX?.trim();
  if (named) {
    if (!isSandboxName(named))
      throw usageError(
        `Unknown sandbox "${named}".`,
        `Choose one of: ${Object.keys(SANDBOX_BACKENDS).join(", ")}.`,
      );
    return named;
  }
  const first: ExecutionRecord | undefined = record.kind === "agent" ? record.executions[0] : record;
  // A remote backend would need its credentials: offline replays run locally unless asked otherwise.
  return first && first.backend === "isolated-vm" ? "isolated-vm" : "quickjs";
}

/**
 * `codecall replay <record>`: replays a run record offline (tool results, clock and random values from
 * the record), or with `--live` against the configured servers; `--emit-test` writes a vitest test.
 */
export async function replayAction(
  file: string,
  flags: ReplayFlags,
  io: CliIo,
  liveAgent: (legacy: unknown) => Promise<void>,
): Promise<void> {
  const note = progress(io, flags.quiet);
  let record: RunRecord;
  try {
    record = await loadRecordFile(file, io);
  } catch (error) {
    // Model-turn scripts of earlier versions still play, on purpose against live servers only.
    const legacy = flags.live ? await legacyScript(file, io) : undefined;
    if (legacy !== undefined) {
      note(`${file} is a model-turns script (deprecated): playing its turns against the live servers`);
      return liveAgent(legacy);
    }
    throw error;
  }
  if (flags.emitTest) {
    const sandbox = SANDBOX_BACKENDS[replaySandbox(flags, record, io)];
    await writeFile(resolve(io.cwd, flags.emitTest), recordToTest(record, { sandbox }));
    note(`wrote ${flags.emitTest}: run it with \`npx vitest run ${flags.emitTest}\``);
    return;
  }
  if (flags.live && record.kind === "agent") return liveAgent(record);
  const name = replaySandbox(flags, record, io);
  const sandbox = () => loadSandbox(name, io.cwd);
  let result: ReplayResult;
  if (flags.live) {
    note(`replaying ${file} against the live servers on ${name}`);
    result = await withConnections(
      flags,
      io,
      note,
      async (connections, settings) => {
        const options = await codeModeOptions(connections, settings);
        // With privacy on, live results are tokenized as when the record was made, so they compare as tokens.
        const privacy = options.privacy
          ? (await import("@codecall/core/privacy")).createPrivacyGuard(
              options.privacy as PrivacyGuardOptions,
            )
          : undefined;
        const interceptor = privacy ?? options.interceptor;
        if (record.kind === "execution" && record.redacted && !privacy)
          note("the record was made with privacy on: pass --privacy so live results compare as tokens");
        return replayRecord(record, {
          sandbox,
          live: { catalogue: connections, ...(interceptor ? { interceptor } : {}) },
        });
        // The replay runs on its own sandbox (`name`), not the configured one.
      },
      { runsPrograms: false },
    );
  } else {
    note(`replaying ${file} offline on ${name}: no server is started`);
    result = await replayRecord(record, { sandbox });
  }
  report(result, record, flags, io);
}

function report(result: ReplayResult, record: RunRecord, flags: ReplayFlags, io: CliIo): void {
  if (flags.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  const calls =
    record.kind === "agent"
      ? record.executions.reduce((n, e) => n + e.toolCalls.length, 0)
      : record.toolCalls.length;
  if (result.ok) {
    if (!flags.json)
      io.stdout(
        `replay matches the record: ${result.executions} execution${result.executions === 1 ? "" : "s"}, ${calls} tool call${calls === 1 ? "" : "s"}\n`,
      );
    return;
  }
  const d = result.divergence!;
  io.stderr(
    `codecall: the replay diverged (${d.kind}) at ${d.execution ? `execution ${d.execution}, ` : ""}step ${d.step}: ${d.message}\n` +
      `  expected: ${JSON.stringify(d.expected)}\n  actual:   ${JSON.stringify(d.actual)}\n`,
  );
  throw new ExitWith(EXIT_CODES.failed);
}

/** The parsed JSON of a pre-1 `codecall run --record` file (`codecall: "run-record"`), else undefined. */
async function legacyScript(file: string, io: CliIo): Promise<unknown> {
  try {
    const json = JSON.parse(await readFile(resolve(io.cwd, file), "utf8")) as Record<string, unknown>;
    return json?.codecall === "run-record" && json.version === 1 && Array.isArray(json.turns)
      ? json
      : undefined;
  } catch {
    return undefined;
  }
}
