import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const execFileAsync = promisify(execFile);
const adapterUrl = new URL("../src/adapter.ts", import.meta.url).href;
const watchdogUrl = new URL("../src/watchdog.ts", import.meta.url).href;

// The scenario runs in a child process: the failure it guards against blocks the host's thread for good,
// which no test timeout in this process could end.
const SCENARIO = `
import ivm from "isolated-vm";
import { IsolatePool } from ${JSON.stringify(adapterUrl)};
import { CpuWatchdog } from ${JSON.stringify(watchdogUrl)};
const pool = new IsolatePool(true, new CpuWatchdog());
const slot = pool.take(ivm, 16);
const context = await slot.isolate.createContext();
const script = await slot.isolate.compileScript("for (;;) {}");
script.run(context).catch(() => {});
// Until the loop has started, the isolate could still answer.
while (slot.isolate.cpuTime < 20_000_000n) await new Promise((resolve) => setTimeout(resolve, 10));
let ticks = 0;
const ticker = setInterval(() => ticks++, 10);
await pool.give(slot, true);
clearInterval(ticker);
const next = pool.take(ivm, 16);
console.log(JSON.stringify({ ticks, disposed: slot.isolate.isDisposed, reusedBusy: next === slot }));
await pool.close();
`;

describe("releasing a context whose isolate still computes", () => {
  it("neither waits for the isolate on the host's thread nor keeps it for another context", async () => {
    const { stdout } = await execFileAsync(
      process.execPath,
      ["--no-node-snapshot", "--import", "tsx", "--input-type=module", "-e", SCENARIO],
      { cwd: fileURLToPath(new URL("..", import.meta.url)), timeout: 60_000 },
    );
    const result = JSON.parse(stdout.trim().split("\n").pop()!);
    // The host's loop kept running while the pool judged the isolate busy (about 200 ms of its CPU).
    expect(result.ticks).toBeGreaterThan(0);
    expect(result.disposed).toBe(true);
    expect(result.reusedBusy).toBe(false);
  });
});
