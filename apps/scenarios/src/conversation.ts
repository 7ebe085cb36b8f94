/**
 * What a scripted model reads before it answers: the tool results in the request, paired with the tool uses
 * that asked for them. Scripted turns are functions of this view, so a replayed model reacts to what the
 * servers actually returned (a next page, a failure, the program's envelope) as a live one would.
 */
import type { MessagesRequestBody, ScriptedBlock, ScriptedTurn } from "@codecall/core/testing";

export interface SeenResult {
  name: string;
  input: Record<string, unknown>;
  text: string;
  isError: boolean;
}

export interface Conversation {
  /** 0 for the model's first turn of the session. */
  turn: number;
  /** The results of the previous turn's tool uses (empty on the first turn). */
  last: SeenResult[];
  /** Every tool result so far, oldest first. */
  all: SeenResult[];
}

/** A model turn chosen from what the model has seen. */
export type ScriptStep = (conversation: Conversation) => ScriptedTurn;

/** Reads the conversation out of a Messages request. */
export function readConversation(body: MessagesRequestBody): Conversation {
  const uses = new Map<string, { name: string; input: Record<string, unknown> }>();
  const all: SeenResult[] = [];
  let last: SeenResult[] = [];
  let turn = 0;
  for (const message of body.messages) {
    if (typeof message.content === "string") continue;
    if (message.role === "assistant") {
      turn++;
      for (const block of message.content)
        if (block.type === "tool_use")
          uses.set(String(block.id), {
            name: String(block.name),
            input: (block.input ?? {}) as Record<string, unknown>,
          });
      continue;
    }
    const results: SeenResult[] = [];
    for (const block of message.content) {
      if (block.type !== "tool_result") continue;
      const use = uses.get(String(block.tool_use_id)) ?? { name: "?", input: {} };
      const content = block.content;
      const text =
        typeof content === "string"
          ? content
          : Array.isArray(content)
            ? content.map((c) => (c as { text?: string }).text ?? "").join("")
            : "";
      results.push({ ...use, text, isError: block.is_error === true });
    }
    if (results.length) {
      all.push(...results);
      last = results;
    }
  }
  return { turn, last, all };
}

export const say = (text: string): ScriptedBlock => ({ type: "text", text });
export const use = (name: string, input: unknown): ScriptedBlock => ({ type: "tool_use", name, input });
export const turn = (...content: ScriptedBlock[]): ScriptedTurn => ({ content });

/** The value a program returned, read from the envelope the model received. */
export function envelopeValue<T = unknown>(result: SeenResult | undefined): T {
  if (!result) throw new Error("The script expected a program result.");
  const envelope = JSON.parse(result.text) as { ok: boolean; value?: T; error?: { message: string } };
  if (!envelope.ok) throw new Error(`The program failed: ${envelope.error?.message}`);
  return envelope.value as T;
}

/** A tool result read as JSON (classic mode passes structured results as JSON text). */
export const json = <T = unknown>(result: SeenResult): T => JSON.parse(result.text) as T;

/** Money as a person writes it: $1,234.56. */
export const money = (n: number) =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * The usual code-mode script: search for the tools, run one program, answer from its envelope. `answer`
 * reads the program's value; the program is what a model writes after reading the search results.
 */
export function codeModeSteps(options: {
  intro: string;
  search: { query: string; limit?: number };
  program: string;
  answer: (value: never) => string;
}): ScriptStep[] {
  return [
    () =>
      turn(
        say(options.intro),
        use("search_tools", {
          query: options.search.query,
          detail: "full",
          limit: options.search.limit ?? 4,
        }),
      ),
    () =>
      turn(
        say("I'll do it in one program so the data stays out of my context."),
        use("execute_code", { code: options.program }),
      ),
    (c) => turn(say(options.answer(envelopeValue(c.last[0]) as never))),
  ];
}

/** Plays steps in order, one per model turn. */
export const inOrder =
  (steps: ScriptStep[]): ScriptStep =>
  (c) => {
    const step = steps[c.turn];
    if (!step) throw new Error(`The script has no turn ${c.turn + 1}.`);
    return step(c);
  };
