import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TOKEN_PATTERN, tokenize, untokenize, Vault } from "../src/internal.js";
import type { JsonValue } from "../src/json.js";

const PII = [
  "ann.lee@example.com",
  "+44 20 7946 0958",
  "(415) 555-2671",
  "4111 1111 1111 1111",
  "DE89 3704 0044 0532 0130 00",
  "123-45-6789",
  "192.168.1.20",
  "2001:db8::1",
  "[EMAIL_1]",
  "[NAME_12]",
  "[LITERAL_1]",
  "[",
  "]",
  "_1]",
];

/** Strings built from random text, personal values and token look-alikes, in any mix. */
const text = fc
  .array(
    fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...PII), fc.constantFrom(" ", "\n", ",", "@", ".")),
    {
      maxLength: 8,
    },
  )
  .map((parts) => parts.join(""));

const json: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    text,
    fc.constantFrom(4111111111111111, 5555555555554444, 4155552671, 1234567, 0, -1.5, 12),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        text,
        fc.constantFrom("email", "phone", "name", "fullName", "entityType", "__proto__", "mobile"),
      ),
      tie("value"),
      { maxKeys: 4 },
    ),
  ),
})).value;

/** Every token-shaped substring of the JSON text of `value`. */
const tokensIn = (value: JsonValue): string[] => JSON.stringify(value).match(TOKEN_PATTERN) ?? [];

describe("round trip", () => {
  it("untokenize(tokenize(x)) equals x for random JSON, and every token in the output was issued", () => {
    const vault = new Vault(); // shared across runs: remembered values from one sample meet the next
    fc.assert(
      fc.property(json, (x) => {
        const t = tokenize(x, vault);
        expect(untokenize(t, vault).value).toEqual(x);
        for (const token of tokensIn(t)) expect(vault.resolve(token)).toBeDefined();
      }),
      { numRuns: 400 },
    );
  });

  it("round-trips with a fresh vault per value too", () => {
    fc.assert(
      fc.property(json, (x) => {
        const vault = new Vault();
        expect(untokenize(tokenize(x, vault), vault).value).toEqual(x);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps an own __proto__ key as data", () => {
    const vault = new Vault();
    const x = JSON.parse('{"__proto__": {"email": "a@b.co"}}') as JsonValue;
    const t = tokenize(x, vault) as Record<string, JsonValue>;
    expect(Object.keys(t)).toEqual(["__proto__"]);
    expect(JSON.stringify(t)).toBe('{"__proto__":{"email":"[EMAIL_1]"}}');
    expect(untokenize(t, vault).value).toEqual(x);
  });

  it("reads only a value's own keys, never inherited ones (a polluted prototype)", () => {
    // Enumerable keys on the prototype, as `Object.prototype` pollution would add them: the walk sees
    // only own keys, in both passes and in the copy it makes when an own value changes.
    const proto = { email: "eve@example.com", country: "FR", firstName: "Eve", phone: "06 12 34 56 78" };
    const unchanged = Object.assign(Object.create(proto), { id: "cus_1", note: "nothing here" });
    const vault = new Vault();
    expect(tokenize(unchanged as JsonValue, vault)).toBe(unchanged);
    expect(vault.size).toBe(0);
    const changed = Object.assign(Object.create(proto), { id: "cus_2", contact: "ann@example.com" });
    const t = tokenize(changed as JsonValue, vault) as Record<string, JsonValue>;
    expect(Object.keys(t)).toEqual(["id", "contact"]);
    expect(Object.getPrototypeOf(t)).toBe(Object.prototype);
    expect(t).toEqual({ id: "cus_2", contact: "[EMAIL_1]" });
    expect([...vault.entries()].map((e) => e.value)).toEqual(["ann@example.com"]);
  });
});

describe("tokenize", () => {
  it("gives the same value the same token, and different values different tokens", () => {
    const vault = new Vault();
    const a = tokenize({ to: "ann@example.com", cc: ["bob@example.com", "ann@example.com"] }, vault);
    const b = tokenize("again ann@example.com", vault);
    expect(a).toEqual({ to: "[EMAIL_1]", cc: ["[EMAIL_2]", "[EMAIL_1]"] });
    expect(b).toBe("again [EMAIL_1]");
    expect(vault.size).toBe(2);
  });

  it("finds values inside longer text and MCP text content", () => {
    const vault = new Vault();
    const result = {
      content: [{ type: "text", text: "Contact Ann at ann@example.com or +1 415-555-2671." }],
      isError: false,
    };
    expect(tokenize(result, vault)).toEqual({
      content: [{ type: "text", text: "Contact Ann at [EMAIL_1] or [PHONE_1]." }],
      isError: false,
    });
  });

  it("tokenizes card numbers stored as JSON numbers and restores them as numbers", () => {
    const vault = new Vault();
    const t = tokenize({ card: 4111111111111111, count: 4111111111111112, n: 42 }, vault);
    expect(t).toEqual({ card: "[CARD_1]", count: 4111111111111112, n: 42 });
    expect(untokenize(t, vault).value).toEqual({ card: 4111111111111111, count: 4111111111111112, n: 42 });
    // Inside text, the number's digits come back.
    expect(untokenize("paid with [CARD_1]", vault).value).toBe("paid with 4111111111111111");
  });

  it("escapes token look-alikes so they never resolve to a real value", () => {
    const vault = new Vault();
    const first = tokenize("ann@example.com", vault);
    expect(first).toBe("[EMAIL_1]");
    // A later result that contains the literal text "[EMAIL_1]" (from a hostile page, say).
    const t = tokenize({ note: "see [EMAIL_1] and [EMAIL_2]" }, vault);
    expect(t).toEqual({ note: "see [LITERAL_1] and [LITERAL_2]" });
    expect(untokenize(t, vault).value).toEqual({ note: "see [EMAIL_1] and [EMAIL_2]" });
  });

  it("uses field names, person objects and the output schema", () => {
    const vault = new Vault();
    const schema = {
      type: "object",
      properties: {
        people: { type: "array", items: { type: "object", properties: { contact: { format: "email" } } } },
      },
    };
    const value = {
      people: [
        { first_name: "Ann", lastName: "Lee", contact: "not-an-address", workPhone: "555 0100" },
        { name: "Bob Stone", entityType: "person", observations: ["Bob Stone likes tea", "Bobby"] },
        { name: "README.md", type: "file" },
      ],
      relations: [{ from: "Bob Stone", to: "Ann", relationType: "knows" }],
    } as JsonValue;
    expect(tokenize(value, vault, { schema })).toEqual({
      people: [
        { first_name: "[NAME_1]", lastName: "[NAME_2]", contact: "[EMAIL_1]", workPhone: "[PHONE_1]" },
        { name: "[NAME_3]", entityType: "person", observations: ["[NAME_3] likes tea", "Bobby"] },
        { name: "README.md", type: "file" },
      ],
      relations: [{ from: "[NAME_3]", to: "[NAME_1]", relationType: "knows" }],
    });
  });

  it("reads personal columns of CSV text, a bare name column included when the table has emails", () => {
    const vault = new Vault();
    const csv = 'name,email,city\nAnn Lee,ann@example.com,Oslo\n"Stone, Bob",bob@example.com,Rome\n';
    expect(tokenize(csv, vault)).toBe(
      'name,email,city\n[NAME_1],[EMAIL_1],Oslo\n"[NAME_2]",[EMAIL_2],Rome\n',
    );
    expect(tokenize("name,size\nreport.pdf,12\n", vault)).toBe("name,size\nreport.pdf,12\n");
  });

  it("can switch schema-driven detection off", () => {
    const vault = new Vault();
    expect(tokenize({ fullName: "Ann Lee" }, vault, { fields: false })).toEqual({ fullName: "Ann Lee" });
  });

  it("respects minConfidence", () => {
    const vault = new Vault();
    expect(tokenize("ssn 123-45-6789", vault, { minConfidence: 0.95 })).toBe("ssn 123-45-6789");
    expect(tokenize("ssn 123-45-6789", vault)).toBe("ssn [SSN_1]");
  });
});

describe("untokenize", () => {
  it("never resolves tokens the vault did not issue", () => {
    const vault = new Vault();
    tokenize("ann@example.com", vault);
    const other = new Vault();
    tokenize("eve@example.com", other);
    expect(untokenize({ a: "[EMAIL_1]", b: "[EMAIL_2]", c: "[PHONE_1]" }, vault).value).toEqual({
      a: "ann@example.com",
      b: "[EMAIL_2]",
      c: "[PHONE_1]",
    });
  });

  it("restores only what the filter allows and reports the rest", () => {
    const vault = new Vault();
    tokenize({ email: "ann@example.com", phone: "+1 415-555-2671" }, vault);
    const { value, refused } = untokenize(
      { to: "[EMAIL_1]", sms: "[PHONE_1]" },
      vault,
      (e) => e.type === "EMAIL",
    );
    expect(value).toEqual({ to: "ann@example.com", sms: "[PHONE_1]" });
    expect(refused.map((e) => e.token)).toEqual(["[PHONE_1]"]);
  });
});
