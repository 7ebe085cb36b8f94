/**
 * The vault keeps values in typed arrays (a character store, id tables, columns) rather than a `Map` and
 * an object per value, and a character profile may list the words a known-value scan looks up. These
 * check what that must not change: one token per value, every token resolving to its exact value, the
 * string/number and local/indexed rules, and the same known values found with the profile's word list
 * as by reading the text.
 */
import { describe, expect, it } from "vitest";
import { findKnownIn, type KnownMatch, rememberedIndex, textProfile, Vault } from "../src/internal.js";

describe("the vault's value store", () => {
  it("gives 60,000 values of three types one token each, resolved to the exact value", () => {
    const vault = new Vault();
    const types = ["EMAIL", "PHONE", "NAME"];
    const values = Array.from({ length: 60_000 }, (_, i) => `v${i}-${(i * 7919) % 104_729}`);
    const tokens = values.map((v, i) => vault.issue(types[i % 3]!, v));
    expect(new Set(tokens).size).toBe(values.length);
    expect(tokens.slice(0, 4)).toEqual(["[EMAIL_1]", "[PHONE_1]", "[NAME_1]", "[EMAIL_2]"]);
    expect(vault.size).toBe(values.length);
    // The same value again: the same token, nothing added.
    for (let i = 0; i < values.length; i += 997) expect(vault.issue("EMAIL", values[i]!)).toBe(tokens[i]);
    expect(vault.size).toBe(values.length);
    for (let i = 0; i < values.length; i += 13) {
      const entry = vault.resolve(tokens[i]!);
      expect(entry).toEqual({
        token: tokens[i],
        type: types[i % 3],
        value: values[i],
        numeric: false,
        remembered: false,
      });
      expect(vault.lookup(values[i]!)?.token).toBe(tokens[i]);
    }
    expect([...vault.entries()].map((e) => e.value)).toEqual(values);
    expect(vault.resolve("[EMAIL_20001]")).toBeUndefined();
    expect(vault.resolve("[EMAIL_0]")).toBeUndefined();
    expect(vault.resolve("[CARD_1]")).toBeUndefined();
    expect(vault.lookup("v1-7920")).toBeUndefined();
  });

  it("round-trips values of any length and script, and tells apart values that share a prefix", () => {
    const vault = new Vault();
    const values = [
      "Zoë Ångström",
      "李小龍",
      "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂",
      "x".repeat(5000),
      "y".repeat(70_000), // longer than one block of the store
      "ab",
      "abc",
      "a",
    ];
    const tokens = values.map((v) => vault.issue("NAME", v));
    expect(new Set(tokens).size).toBe(values.length);
    for (const [i, v] of values.entries()) expect(vault.resolve(tokens[i]!)?.value).toBe(v);
  });

  it("keeps one token for a value seen as a number and as a string, and promotes a local value", () => {
    const vault = new Vault();
    const asNumber = vault.issue("PHONE", "4155552671", { numeric: true });
    expect(vault.issue("PHONE", "4155552671")).toBe(asNumber);
    expect(vault.resolve(asNumber)?.numeric).toBe(true);
    // A local value keeps its token but is found by no lookup until it is issued without `local`.
    const local = vault.issue("NAME", "May", { local: true });
    expect(vault.lookup("May")).toBeUndefined();
    expect(vault.issue("NAME", "May", { local: true })).toBe(local);
    expect(vault.issue("NAME", "May", { remember: true })).toBe(local);
    expect(vault.lookup("May")).toMatchObject({ token: local, remembered: true });
  });
});

describe("known values read from the character profile's word list", () => {
  it("finds what a scan of the text finds, before and after more values are remembered", () => {
    const vault = new Vault();
    vault.issue("NAME", "Ann Lee", { remember: true });
    vault.issue("NAME", "Ann", { remember: true });
    vault.issue("PHONE", "(415) 555-2671", { remember: true });
    vault.issue("EMAIL", "ann@acme.example", { remember: true });
    const texts = [
      "Ann Lee called (415) 555-2671 on 2024-01-02; Ann again at 9",
      "Annie and Ann_Lee and Ann-Lee, 12 Ann.",
      "ann@acme.example wrote to Ann Lee 3 times",
      "Zoë Ann 42 (415) 555-2671x",
      "no one here 123",
    ];
    const check = () => {
      const index = rememberedIndex(vault);
      for (const text of texts) {
        const read: KnownMatch[] = [];
        vault.findKnown(text, "remembered", read);
        const listed: KnownMatch[] = [];
        const profile = textProfile(text, index);
        findKnownIn(vault, text, "remembered", listed, [], profile);
        expect(listed).toEqual(read);
      }
    };
    check();
    const before: KnownMatch[] = [];
    vault.findKnown(texts[3]!, "remembered", before);
    // A profile made before a value was added is stale: the scan reads the text again.
    const stale = textProfile(texts[3]!, rememberedIndex(vault));
    vault.issue("NAME", "Zoë", { remember: true });
    const after: KnownMatch[] = [];
    findKnownIn(vault, texts[3]!, "remembered", after, [], stale);
    // The number runs on into a word (`2671x`): not a whole-word occurrence.
    expect(after.map((m) => texts[3]!.slice(m.start, m.end))).toEqual(["Zoë", "Ann"]);
    expect(before.map((m) => texts[3]!.slice(m.start, m.end))).toEqual(["Ann"]);
    check();
  });
});
