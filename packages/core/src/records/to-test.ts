import type { RunRecord } from "./types.js";

/** Options of {@link recordToTest}. */
export interface RecordTestOptions {
  /** The sandbox package and its factory the test replays on. Default `@codecall/sandbox-quickjs`'s `quickjs`. */
  sandbox?: { packageName: string; factory: string };
  /** The test's title. Default: the record's run id. */
  title?: string;
}

/**
 * A vitest test file that replays `record` offline and fails at its first divergence: the record is
 * embedded, so the file stands alone (it needs `vitest`, `@codecall/core` and the sandbox package).
 */
export function recordToTest(record: RunRecord, options: RecordTestOptions = {}): string {
  const sandbox = options.sandbox ?? { packageName: "@codecall/sandbox-quickjs", factory: "quickjs" };
  const what = record.kind === "agent" ? `the agent run "${record.task}"` : `execution ${record.runId}`;
  const title = options.title ?? `replays ${what} as recorded`;
  return `// Generated from a codecall run record (recordVersion ${record.recordVersion}) by \`codecall replay --emit-test\` or recordToTest().
// It replays the recorded program${record.kind === "agent" ? "s" : ""} offline: tool results, Date.now() and Math.random() come from the record.
import { parseRecord, replayRecord } from "@codecall/core/records";
import { ${sandbox.factory} } from ${JSON.stringify(sandbox.packageName)};
import { expect, it } from "vitest";

const RECORD = ${JSON.stringify(JSON.stringify(record))};

it(${JSON.stringify(title)}, async () => {
  const result = await replayRecord(await parseRecord(RECORD), { sandbox: ${sandbox.factory}() });
  expect(result.divergence?.message).toBeUndefined();
  expect(result.ok).toBe(true);
}, 120_000);
`;
}
