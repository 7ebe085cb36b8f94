import { describe, expect, it } from "vitest";
import { okAnswer } from "../src/answer-json.js";
import { createSandbox, type HostBridgeV1, type SandboxAdapterV1 } from "../src/index.js";

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Counts turns of the event loop (a tick each check phase) until stopped; resolves from a timer, as a host
 * event would arrive, with the ticks already running.
 */
async function countTurns(): Promise<{ readonly turn: number; stop(): void }> {
  let turn = 0;
  let ticking = true;
  const tick = () => {
    turn++;
    if (ticking) setImmediate(tick);
  };
  tick();
  await sleep(5);
  return {
    get turn() {
      return turn;
    },
    stop: () => {
      ticking = false;
    },
  };
}

/** How the stand-in engine takes the answers that reach it. */
type Engine =
  /** Takes each answer as it arrives. */
  | "prompt"
  /** Takes one answer every few milliseconds, as a busy thread would. */
  | "slow"
  /** Never takes any (a program that never yields to its event loop). */
  | "never";

interface Seen {
  /** Most units delivered to the engine and not yet taken, at any moment. */
  peakWaiting: number;
}

/**
 * An adapter standing for an engine on another thread: each run makes `calls` parallel host calls, as a
 * program awaiting `Promise.all` would, acknowledges the answers as `engine` takes them, and reports the
 * length of each answer (negative for a failure). It takes long strings as themselves unless `raw` is false.
 */
function parallelCaller(
  calls: number,
  engine: Engine,
  seen: Seen = { peakWaiting: 0 },
  raw = true,
): SandboxAdapterV1 {
  return {
    specificationVersion: "v1",
    name: "parallel-caller",
    capabilities: {
      isolation: "none",
      memoryLimit: false,
      cpuTimeLimit: false,
      persistentState: false,
      remote: false,
      acknowledgesAnswers: true,
      rawStringAnswers: raw,
    },
    async createContext() {
      return {
        async run(_prelude, _script, bridge: HostBridgeV1, control) {
          let waiting = 0;
          let queue = Promise.resolve();
          const take = (answer: string) => {
            waiting += answer.length;
            seen.peakWaiting = Math.max(seen.peakWaiting, waiting);
            const taken = () => {
              waiting -= answer.length;
              bridge.answerTaken?.(answer.length);
            };
            if (engine === "prompt") taken();
            else if (engine === "slow") queue = queue.then(() => sleep(2).then(taken));
          };
          const all = Promise.all(
            Array.from({ length: calls }, () =>
              bridge.call(JSON.stringify({ name: "t", args: {} })).then((answer) => {
                take(answer);
                // A failure is JSON `{"ok":false,...}`; a success is JSON or a long string as itself.
                return answer.startsWith('{"ok":false') ? -answer.length : answer.length;
              }),
            ),
          );
          const stopped = new Promise<"stopped">((resolve) =>
            control.signal.addEventListener("abort", () => resolve("stopped")),
          );
          const lengths = await Promise.race([all, stopped]);
          if (lengths === "stopped") return { kind: "failed", code: "SANDBOX_CRASHED", message: "stopped" };
          return { kind: "completed", report: JSON.stringify({ ok: true, value: lengths }) };
        },
        async dispose() {},
      };
    },
  };
}

const limits = { memoryBytes: 16 * MiB, maxToolResultBytes: 2 * MiB };
/**
 * The units core lets an engine leave unacknowledged: a quarter of its memory limit (the host may hold
 * each twice, at 2 bytes a unit).
 */
const budget = limits.memoryBytes / 4;
/** The length of the string the host hands the adapter for a call answered with `value`. */
const answerLength = (value: unknown) => okAnswer(value, true).length;

describe("answers in flight to an engine that acknowledges them", () => {
  it("makes no more answers while those the engine has not taken pass a quarter of limits.memoryBytes", async () => {
    let made = 0;
    const big = "a".repeat(MiB);
    const outcome = await createSandbox(parallelCaller(40, "never")).execute({
      code: "",
      limits: { ...limits, wallTimeMs: 500 },
      tools: () => ({
        toJSON() {
          made++;
          return big;
        },
      }),
    });
    // The engine never took one: the run ends at its wall clock, and answers stopped at the budget.
    expect(outcome.error?.code).toBe("SANDBOX_TIMEOUT");
    expect(made).toBe(Math.ceil(budget / JSON.stringify({ ok: true, value: big }).length));
  });

  it("hands a long string as itself only to an adapter that takes it so, and limits it by its JSON's bytes", async () => {
    // 70,000 units with a newline and a quote: JSON adds 2 quotes and 2 backslashes.
    const text = `${"a".repeat(69_998)}\n"`;
    const jsonBytes = JSON.stringify(text).length;
    expect(jsonBytes).toBe(text.length + 4);
    const lengths = async (raw: boolean, maxToolResultBytes: number) =>
      (
        await createSandbox(parallelCaller(1, "prompt", undefined, raw)).execute({
          code: "",
          limits: { ...limits, maxToolResultBytes },
          tools: () => text,
        })
      ).value;
    expect(await lengths(true, jsonBytes)).toEqual([text.length]);
    expect(await lengths(false, jsonBytes)).toEqual([JSON.stringify({ ok: true, value: text }).length]);
    // One byte under its JSON: refused, as itself or as JSON.
    for (const raw of [true, false]) {
      const [length] = (await lengths(raw, jsonBytes - 1)) as number[];
      expect(length).toBeLessThan(0);
    }
  });

  it("lets every answer through, never holding much over the budget, when a slow engine takes them one by one", async () => {
    const seen: Seen = { peakWaiting: 0 };
    const answer = "a".repeat(700 * 1024);
    // 200 answers of 700 KiB: 140 MB in all, what an ordinary program summing their lengths gets.
    const outcome = await createSandbox(parallelCaller(200, "slow", seen)).execute({
      code: "",
      limits,
      tools: () => answer,
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.value).toEqual(Array(200).fill(answerLength(answer)));
    expect(seen.peakWaiting).toBeLessThanOrEqual(budget + answerLength(answer));
  });

  it("holds failed calls' answers to the same budget, and cuts an error over maxToolResultBytes", async () => {
    const seen: Seen = { peakWaiting: 0 };
    const message = "e".repeat(MiB);
    const outcome = await createSandbox(parallelCaller(40, "never", seen)).execute({
      code: "",
      limits: { ...limits, wallTimeMs: 500 },
      tools: () => {
        throw new Error(message);
      },
    });
    expect(outcome.error?.code).toBe("SANDBOX_TIMEOUT");
    // The budget filled with failures, then only the stopped run's short replies came (under 1 KiB each).
    expect(seen.peakWaiting).toBeGreaterThanOrEqual(budget);
    expect(seen.peakWaiting).toBeLessThan(budget + MiB + 40 * 1024);

    const huge = await createSandbox(parallelCaller(1, "prompt")).execute({
      code: "",
      limits: { maxToolResultBytes: 100_000 },
      tools: () => {
        throw new Error("e".repeat(3 * MiB));
      },
    });
    const [length] = huge.value as number[];
    expect(length).toBeLessThan(0);
    expect(-length!).toBeLessThan(100_000);
  });

  it("makes large answers one turn of the event loop at a time, so timers run between them", async () => {
    const clock = await countTurns();
    const turns: number[] = [];
    const small: number[] = [];
    const big = "a".repeat(MiB);
    try {
      const outcome = await createSandbox(parallelCaller(6, "prompt")).execute({
        code: "",
        limits,
        tools: () => ({
          toJSON() {
            turns.push(clock.turn);
            return big;
          },
        }),
      });
      expect(outcome.value).toHaveLength(6);
      // Small answers are never held back: all six of these are made in one turn.
      await createSandbox(parallelCaller(6, "prompt")).execute({
        code: "",
        tools: () => ({
          toJSON() {
            small.push(clock.turn);
            return 1;
          },
        }),
      });
    } finally {
      clock.stop();
    }
    // The first answer may share its turn with the second (made in the check phase of the turn before
    // the timer that releases the second); every later one waits for a turn of its own.
    expect(new Set(turns.slice(1)).size, String(turns)).toBe(5);
    expect(new Set(small).size).toBe(1);
  });

  it("measures a large answer and hands it over each in a turn of its own, and makes no other answer meanwhile", async () => {
    const clock = await countTurns();
    const made: Array<{ size: number; turn: number }> = [];
    const received: Array<{ size: number; turn: number }> = [];
    const adapter: SandboxAdapterV1 = {
      ...parallelCaller(0, "prompt"),
      async createContext() {
        return {
          async run(_prelude, _script, bridge: HostBridgeV1) {
            const sizes = [1.5 * MiB, 10];
            await Promise.all(
              sizes.map((size) =>
                bridge.call(JSON.stringify({ name: "t", args: { size } })).then((answer) => {
                  received.push({ size, turn: clock.turn });
                  bridge.answerTaken?.(answer.length);
                }),
              ),
            );
            return { kind: "completed", report: JSON.stringify({ ok: true, value: received.length }) };
          },
          async dispose() {},
        };
      },
    };
    try {
      const outcome = await createSandbox(adapter).execute({
        code: "",
        limits,
        tools: ({ args }) => {
          const size = (args as { size: number }).size;
          return {
            toJSON() {
              made.push({ size, turn: clock.turn });
              return "a".repeat(size);
            },
          };
        },
      });
      expect(outcome.value).toBe(2);
      expect(outcome.toolCalls.map((c) => c.ok)).toEqual([true, true]);
    } finally {
      clock.stop();
    }
    const big = {
      made: made.find((m) => m.size > 10)!.turn,
      received: received.find((r) => r.size > 10)!.turn,
    };
    // Stringified in one turn, measured in a later one, handed over in a later one still.
    expect(big.received - big.made, JSON.stringify({ made, received })).toBeGreaterThanOrEqual(2);
    // The small answer waited for the large one to be handed over.
    expect(received.map((r) => r.size)).toEqual([1.5 * MiB, 10]);
  });

  it("never lets answers a finished run left behind stop the session's next run", async () => {
    const big = "a".repeat(6 * MiB);
    let late = 0;
    const adapter = parallelCaller(1, "prompt");
    const create = adapter.createContext.bind(adapter);
    // The first run fires ten calls it never awaits and returns; their answers come after it ended.
    let first = true;
    adapter.createContext = async (options) => {
      const context = await create(options);
      const run = context.run.bind(context);
      context.run = (prelude, script, bridge, control) => {
        if (!first) return run(prelude, script, bridge, control);
        first = false;
        for (let i = 0; i < 10; i++) void bridge.call(JSON.stringify({ name: "late", args: {} }));
        return Promise.resolve({ kind: "completed", report: '{"ok":true,"value":"first"}' });
      };
      return context;
    };
    const session = await createSandbox(adapter).createSession({ limits });
    const tools = async ({ name }: { name: string }) => {
      if (name !== "late") return sleep(300).then(() => 1);
      await sleep(20);
      late++;
      return big;
    };
    expect((await session.execute({ code: "", tools })).value).toBe("first");
    // The second run waits on its own tool while the first run's late answers arrive.
    const second = session.execute({ code: "", tools });
    await sleep(100);
    expect(late).toBe(10);
    expect((await second).error).toBeUndefined();
    await session.dispose();
  });

  it("holds a result to maxToolResultBytes by its own JSON, not the answer's envelope", async () => {
    const run = (text: string) =>
      createSandbox(parallelCaller(1, "prompt")).execute({
        code: "",
        limits: { maxToolResultBytes: 1000 },
        tools: () => text,
      });
    // 998 characters and their two quotes are exactly 1,000 bytes of JSON; one more is over.
    expect(((await run("é".repeat(499))).value as number[])[0]).toBeGreaterThan(0);
    expect(((await run("a".repeat(998))).value as number[])[0]).toBeGreaterThan(0);
    expect(((await run("a".repeat(999))).value as number[])[0]).toBeLessThan(0);
  });
});
