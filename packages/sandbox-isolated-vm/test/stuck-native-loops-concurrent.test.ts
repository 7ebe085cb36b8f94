/**
 * Programs stuck in a native loop V8 cannot interrupt, started together: before, the cap on stopped
 * isolates still running was checked only when a run started, so all of them passed it and all became
 * loops still running after their runs ended (a review: 5 at once, all 5 running, 53.6 s to drain). Runs
 * now take a process-wide place first, and a stopped run's place is given back only when its thread lets
 * go: the count stays within the places. The places are set low here so that 5 programs exceed them.
 */
import type { ToolHandler } from "@codecall/sandbox";
import { afterAll, expect, it } from "vitest";
import { isolatedVm } from "../src/index.js";
import { MAX_RUNNING, runsInFlight, setPlacesForTests, stoppedStillRunning } from "../src/stopped.js";

const TYPED = ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT", "SANDBOX_MEMORY"];
const PLACES = 3;
const sandbox = isolatedVm({ limits: { cpuTimeMs: 300, wallTimeMs: 3_000 } });

afterAll(async () => {
  setPlacesForTests(MAX_RUNNING);
  await sandbox.close();
});

async function sampleUntil<T>(work: Promise<T>, samples: number[]): Promise<T> {
  let done = false;
  const sampling = (async () => {
    while (!done) {
      samples.push(stoppedStillRunning());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    return await work;
  } finally {
    done = true;
    await sampling;
  }
}

it("5 stuck programs started together leave at most as many loops running as there are places", async () => {
  setPlacesForTests(PLACES);
  const samples: number[] = [];
  const outcomes = await sampleUntil(
    Promise.all(
      Array.from({ length: 5 }, () =>
        sandbox.execute({ code: `return "a".repeat(8 << 20).replace(/a/g, "bb").length;` }),
      ),
    ),
    samples,
  );
  samples.push(stoppedStillRunning());
  for (const out of outcomes) {
    expect(out.ok).toBe(false);
    expect(TYPED).toContain(out.ok ? "ok" : out.error?.code);
  }
  // The next execution works once a stopped program is gone: it may wait for it, within its limit.
  const after = await sampleUntil(
    sandbox.execute({ code: "return 1 + 1", limits: { wallTimeMs: 100_000 } }),
    samples,
  );
  expect(after.ok ? after.value : after.error).toBe(2);
  expect(Math.max(...samples)).toBeLessThanOrEqual(PLACES);
}, 150_000);

it("8 programs run at once with the default places: none waits for another", async () => {
  setPlacesForTests(MAX_RUNNING);
  // Each program calls a tool that answers only once all 8 called: one queued behind another would never
  // call, and the runs would end at their wall-clock limit instead.
  let calls = 0;
  let all = () => {};
  const together = new Promise<void>((resolve) => {
    all = resolve;
  });
  let inFlight = 0;
  const tools: ToolHandler = async () => {
    if (++calls === 8) {
      inFlight = runsInFlight();
      all();
    }
    await together;
    return 1;
  };
  const many = isolatedVm({ limits: { wallTimeMs: 60_000 } });
  try {
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () =>
        many.execute({ code: `return 1 + (await codecall.callTool("wait"));`, tools }),
      ),
    );
    for (const out of outcomes) expect(out.ok ? out.value : out.error).toBe(2);
    expect(inFlight).toBe(8);
  } finally {
    await many.close();
  }
}, 90_000);
