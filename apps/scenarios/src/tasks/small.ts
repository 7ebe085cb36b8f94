/** Small tasks: one tool out of a 500+ tool catalogue, and one small call where classic mode is enough. */
import { codeModeSteps, inOrder, json, money, say, turn, use } from "../conversation.js";
import { shippingQuote } from "../data/index.js";
import type { Scenario } from "../scenario.js";
import { expectAnswer } from "./checks.js";

export const catalogueQuote: Scenario = {
  id: "catalogue-quote",
  title: "Find the shipping-quote tool among 538 tools and use it",
  kind: "catalogue",
  covers: "search then use a tool from a catalogue of 500+ tools",
  servers: ["catalogue", "data"],
  prompts: () => ["How much does it cost to ship a 12 kg parcel from Berlin to Lisbon by express?"],
  script: (mode) =>
    mode === "code"
      ? inOrder(
          codeModeSteps({
            intro: "I'll search the catalogue for a shipping price tool.",
            search: { query: "shipping price quote for a parcel", limit: 3 },
            program: `return await data.shippingQuote({ weightKg: 12, from: "Berlin", to: "Lisbon", service: "express" });`,
            answer: (v: { price: number; currency: string }) =>
              `Shipping 12 kg from Berlin to Lisbon by express costs ${v.price.toFixed(2)} ${v.currency}.`,
          }),
        )
      : inOrder([
          () =>
            turn(
              say("I'll get a quote."),
              use("data__shipping_quote", { weightKg: 12, from: "Berlin", to: "Lisbon", service: "express" }),
            ),
          (c) => {
            const q = json<{ price: number; currency: string }>(c.last[0]!);
            return turn(
              say(
                `Shipping 12 kg from Berlin to Lisbon by express costs ${q.price.toFixed(2)} ${q.currency}.`,
              ),
            );
          },
        ]),
  async check({ answer }) {
    const price = shippingQuote(12, "Berlin", "Lisbon", "express")!;
    return expectAnswer(answer, {
      number: price,
      describe: `${price.toFixed(2)} EUR (${money(price).slice(1)})`,
    });
  },
};

type Weather = { temperature: number; conditions: string; humidity: number };

export const oneCallWeather: Scenario = {
  id: "one-call-weather",
  title: "One small call: the weather in Chicago (server-everything)",
  kind: "classic-wins",
  covers: "a task whose best answer is classic tool calling",
  servers: ["everything"],
  prompts: () => ["What's the weather in Chicago right now?"],
  script: (mode) => {
    const answer = (w: Weather) =>
      `In Chicago it is ${w.temperature} degrees with ${w.conditions.toLowerCase()}, humidity ${w.humidity}%.`;
    return mode === "code"
      ? inOrder(
          codeModeSteps({
            intro: "I'll look for a weather tool.",
            search: { query: "weather for a city", limit: 3 },
            program: `return await everything.getStructuredContent({ location: "Chicago" });`,
            answer,
          }),
        )
      : inOrder([
          () => turn(say("I'll check."), use("everything__get-structured-content", { location: "Chicago" })),
          (c) => turn(say(answer(json<Weather>(c.last[0]!)))),
        ]);
  },
  async check({ answer, connections }) {
    // The ground truth is the server's own answer, read directly.
    const truth = (
      await connections.callTool("everything", "get-structured-content", { location: "Chicago" })
    ).structuredContent as Weather;
    return expectAnswer(answer, {
      number: truth.temperature,
      phrases: [truth.conditions.toLowerCase()],
      describe: `${truth.temperature} degrees, ${truth.conditions}`,
    });
  },
};
