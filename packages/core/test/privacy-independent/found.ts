/** What the class tests read off a tokenized value: its JSON text and the vault's entries as `TYPE:value`. */
import { expect } from "vitest";
import type { JsonValue } from "../../src/json.js";
import { tokenize, untokenize, Vault } from "../../src/privacy/index.js";

/** Tokenizes `value` in a fresh vault and checks it restores (an escaped copy restores as decoded text: pass false). */
export function tok(value: JsonValue, roundTrip = true) {
  const vault = new Vault();
  const out = tokenize(value, vault);
  if (roundTrip) expect(untokenize(out, vault).value).toEqual(value);
  return { out: JSON.stringify(out), found: [...vault.entries()].map((e) => `${e.type}:${e.value}`) };
}

/** An MCP result of one text block. */
export const text = (t: string): JsonValue => ({ content: [{ type: "text", text: t }] });
