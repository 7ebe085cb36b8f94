import { describe, expect, it } from "vitest";
import { createSandbox, type HostBridgeV1, type SandboxAdapterV1 } from "../src/index.js";

const MiB = 1024 * 1024;

/**
 * An adapter standing for an engine on another thread: each run makes `calls` parallel host calls, as a
 * program awaiting `Promise.all` would, and reports how many answers came back whole. With `acknowledge`
 * its engine takes each answer as it arrives; without, answers pile up unacknowledged (an engine that
 * never reads them).
 */
function parallelCaller(calls: number, acknowledge: boolean): SandboxAdapterV1 {
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
    },
    async createContext() {
      return {
        async run(_prelude, _script, bridge: HostBridgeV1) {
          const answers = await Promise.all(
            Array.from({ length: calls }, () =>
              bridge.call(JSON.stringify({ name: "big", args: {} })).then((answer) => {
                if (acknowledge) bridge.answerTaken?.(answer.length);
                return answer;
              }),
            ),
          );
          const whole = answers.filter((a) => a.startsWith('{"ok":true')).length;
          return { kind: "completed", report: JSON.stringify({ ok: true, value: whole }) };
        },
        async dispose() {},
      };
    },
  };
}

const limits = { memoryBytes: 8 * MiB, maxToolResultBytes: 4 * MiB };

describe("answers in flight to an engine that acknowledges them", () => {
  it("ends the run with SANDBOX_MEMORY once unacknowledged answers pass limits.memoryBytes, and makes no more of them", async () => {
    let made = 0;
    const big = "a".repeat(MiB);
    const outcome = await createSandbox(parallelCaller(40, false)).execute({
      code: "",
      limits,
      tools: () => ({
        toJSON() {
          made++;
          return big;
        },
      }),
    });
    expect(outcome.error?.code).toBe("SANDBOX_MEMORY");
    expect(outcome.error?.message).toMatch(/Await fewer large calls at once/);
    // Seven answers of 1 MiB and their envelope fit in 8 MiB; the eighth is refused, and none is made after.
    const answerLength = `{"ok":true,"value":${JSON.stringify(big)}}`.length;
    expect(made).toBe(Math.floor(limits.memoryBytes / answerLength) + 1);
  });

  it("lets every answer through when the engine takes each as it arrives", async () => {
    const big = "a".repeat(MiB);
    const outcome = await createSandbox(parallelCaller(40, true)).execute({
      code: "",
      limits,
      tools: () => big,
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.value).toBe(40);
  });

  it("makes parallel large answers one per turn of the event loop, so timers run between them", async () => {
    let turn = 0;
    let ticking = true;
    const tick = () => {
      turn++;
      if (ticking) setImmediate(tick);
    };
    tick();
    const turns: number[] = [];
    const big = "a".repeat(MiB);
    const small: number[] = [];
    try {
      const outcome = await createSandbox(parallelCaller(6, true)).execute({
        code: "",
        limits,
        tools: () => ({
          toJSON() {
            turns.push(turn);
            return big;
          },
        }),
      });
      expect(outcome.value).toBe(6);
      // Small answers are never held back: all six of these are made in one turn.
      await createSandbox(parallelCaller(6, true)).execute({
        code: "",
        tools: () => ({
          toJSON() {
            small.push(turn);
            return 1;
          },
        }),
      });
    } finally {
      ticking = false;
    }
    expect(new Set(turns).size, String(turns)).toBe(6);
    expect(new Set(small).size).toBe(1);
  });

  it("holds a result to maxToolResultBytes by its own JSON, not the answer's envelope", async () => {
    const run = (text: string) =>
      createSandbox(parallelCaller(1, true)).execute({
        code: "",
        limits: { maxToolResultBytes: 1000 },
        tools: () => text,
      });
    // 998 characters and their two quotes are exactly 1,000 bytes of JSON; one more is over.
    expect((await run("é".repeat(499))).value).toBe(1);
    expect((await run("a".repeat(998))).value).toBe(1);
    expect((await run("a".repeat(999))).value).toBe(0);
  });
});
