import { describe, expect, it } from "vitest";
import { redact, tokenize, untokenize, Vault } from "../src/internal.js";
import type { JsonValue } from "../src/json.js";

/** Tokenizes `value` with a fresh vault and checks the round trip. */
function tok(value: JsonValue): { out: JsonValue; vault: Vault } {
  const vault = new Vault();
  const out = tokenize(value, vault);
  expect(untokenize(out, vault).value).toEqual(value);
  return { out, vault };
}

describe("remembered values meet detected values", () => {
  it("keeps an email whole when a remembered name is its local part", () => {
    const { out, vault } = tok([
      { name: "grace", email: "x@acme.example" },
      "mail grace@example.com now",
      "grace.hopper@acme.example",
      "<grace_h@acme.example>",
    ]);
    expect(out).toEqual([
      { name: "[NAME_1]", email: "[EMAIL_1]" },
      "mail [EMAIL_2] now",
      "[EMAIL_3]",
      "<[EMAIL_4]>",
    ]);
    expect(vault.resolve("[EMAIL_2]")?.value).toBe("grace@example.com");
  });

  it("keeps the email's own token for a person's email that holds their name", () => {
    const { out } = tok([
      {
        entityType: "person",
        name: "Grace",
        observations: ["Grace.Hopper@acme.example", "Grace@acme.example"],
      },
      { name: "grace", email: "grace@example.com", note: "reply to grace@example.com, grace" },
    ]);
    expect(out).toEqual([
      { entityType: "person", name: "[NAME_1]", observations: ["[EMAIL_2]", "[EMAIL_3]"] },
      // Issued first, in the pass over fields.
      { name: "[NAME_2]", email: "[EMAIL_1]", note: "reply to [EMAIL_1], [NAME_2]" },
    ]);
  });

  it("lets an email in a URL win over the name inside it; a name that is a whole path segment is still replaced", () => {
    const { out } = tok([
      { name: "grace", phone: "+1 415-555-2671" },
      "https://crm.example/compose?to=grace@example.com&x=1",
      "mailto:grace.hopper@acme.example",
      "https://crm.example/people/grace",
    ]);
    expect(out).toEqual([
      { name: "[NAME_1]", phone: "[PHONE_1]" },
      "https://crm.example/compose?to=[EMAIL_1]&x=1",
      "mailto:[EMAIL_2]",
      "https://crm.example/people/[NAME_1]",
    ]);
  });

  it("does not replace a remembered value that is part of a longer word", () => {
    const { out } = tok([
      { firstName: "Anna", email: "a@b.co" },
      "Annapolis, Joanna, Anna_b, Anna2, Anna’s, Annaé, Anna's and Anna-Lena",
    ]);
    expect(out).toEqual([
      { firstName: "[NAME_1]", email: "[EMAIL_1]" },
      "Annapolis, Joanna, Anna_b, Anna2, [NAME_1]’s, Annaé, [NAME_1]'s and [NAME_1]-Lena",
    ]);
  });

  it("keeps a remembered value that contains a detected one whole (one token per field value)", () => {
    const { out } = tok([{ phone: "+1 415-555-2671 ext 12" }, "call +1 415-555-2671 ext 12 today"]);
    expect(out).toEqual([{ phone: "[PHONE_1]" }, "call [PHONE_1] today"]);
  });

  it("still finds a shorter remembered value when a longer one would cut into an email", () => {
    const { out } = tok([{ fullName: "Ann Lee", firstName: "Ann" }, "Ann Lee@x.example"]);
    expect(out).toEqual([{ fullName: "[NAME_1]", firstName: "[NAME_2]" }, "[NAME_2] [EMAIL_1]"]);
  });

  it("keeps a known email exact where the detector reads on (a file name after it)", () => {
    const vault = new Vault();
    tokenize({ name: "ann", email: "ann@example.com" }, vault);
    expect(redact("open '/tmp/ann@example.com.txt' failed for ann", vault)).toBe(
      "open '/tmp/[EMAIL_1].txt' failed for [NAME_1]",
    );
  });

  it("redacts an email whole in logs, not just the name in it", () => {
    const vault = new Vault();
    tokenize({ name: "grace", email: "x@acme.example" }, vault);
    expect(redact("grace.hopper@acme.example said hi to grace", vault)).toBe("[EMAIL_2] said hi to [NAME_1]");
  });
});
