/**
 * Every scenario in both modes, replayed through the local Messages stand-in over the real servers (no
 * key needed): the answer matches the data's ground truth, the figures are measured from the run
 * (per-turn input tokens grow with the conversation and add up to the total), code mode's programs call
 * only functions the model was shown, and raw personal values stay out of code mode's context when
 * tokenization is on. Slow on a busy machine (servers start per run): each scenario has its own timeout.
 */
import { describe, expect, it } from "vitest";
import { countTokens, type ModeRun, runScenario, scenarios } from "../src/index.js";
import { expectAnswer } from "../src/tasks/checks.js";

const runs = new Map<string, { code: ModeRun; classic: ModeRun }>();

function figuresAddUp(run: ModeRun) {
  expect(run.roundTrips).toBe(run.turns.length);
  expect(run.inputTokens).toBe(run.turns.reduce((n, t) => n + t.inputTokens, 0));
  expect(run.outputTokens).toBe(run.turns.reduce((n, t) => n + t.outputTokens, 0));
  expect(run.initialContextTokens).toBe(run.turns[0]!.inputTokens);
  for (let i = 1; i < run.turns.length; i++)
    if (run.turns[i]!.session === run.turns[i - 1]!.session)
      expect(run.turns[i]!.inputTokens).toBeGreaterThan(run.turns[i - 1]!.inputTokens);
  expect(run.wallMs).toBeGreaterThan(0);
}

describe.each(scenarios.map((s) => [s.id, s] as const))("scenario %s", (_id, scenario) => {
  it("answers correctly in both modes, with measured figures", async () => {
    const code = await runScenario(scenario, "code", { live: false });
    const classic = await runScenario(scenario, "classic", { live: false });
    runs.set(scenario.id, { code, classic });
    for (const run of [code, classic]) {
      expect(run.error).toBeUndefined();
      expect(run.check, `${run.mode}: ${run.answer}`).toMatchObject({ correct: true });
      figuresAddUp(run);
    }
    expect(code.undiscoveredCalls).toEqual([]);
    expect(code.mcpToolCalls).toBeGreaterThan(0);
    // A wrong answer is caught: the check reads the answer, it does not pass by construction.
    expect(
      (
        await scenario
          .check({
            answer: "I could not find it.",
            mode: "code",
            world: {} as never,
            connections: {} as never,
          })
          .catch(() => ({ correct: false }))
      ).correct,
    ).toBe(false);
    if (scenario.privacy) {
      expect(code.rawPersonalValuesSeen).toBe(0);
      expect(classic.rawPersonalValuesSeen).toBeGreaterThan(0);
    }
    if (scenario.kind === "data-heavy" || scenario.kind === "catalogue")
      expect(code.inputTokens * 5).toBeLessThan(classic.inputTokens);
  }, 240_000);
});

describe("token counts", () => {
  it("come from the tokenizer, not from constants", () => {
    expect(countTokens("hello world")).toBeGreaterThan(0);
    expect(countTokens("hello world ".repeat(100))).toBeGreaterThan(
      countTokens("hello world ".repeat(10)) * 5,
    );
  });

  it("checks read numbers and phrases from the answer", () => {
    expect(
      expectAnswer("It is $1,958,249.36 in East.", { number: 1958249.36, phrases: ["east"], describe: "" })
        .correct,
    ).toBe(true);
    expect(expectAnswer("It is $1,958,000 in East.", { number: 1958249.36, describe: "" }).correct).toBe(
      false,
    );
  });
});
