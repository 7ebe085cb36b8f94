/**
 * Issue 22's classes of real tool results, one behaviour each: names by position (roles, FHIR, sheets,
 * mail headers, JSON and escaped copies in text blocks), phones worldwide with the region from context,
 * the other types' real-world spellings, what must never be tokenized, and consistency.
 */
import { describe, expect, it } from "vitest";
import { createPrivacyGuard, redact, tokenize, untokenize, Vault } from "../src/internal.js";
import type { JsonValue } from "../src/json.js";

/** Tokenizes `value` in a fresh vault; returns the output and `type:value` of every entry. */
function tok(value: JsonValue, roundTrip = true) {
  const vault = new Vault();
  const out = tokenize(value, vault);
  const found = [...vault.entries()].map((e) => `${e.type}:${e.value}`);
  if (roundTrip) expect(untokenize(out, vault).value).toEqual(value);
  return { out, found, vault };
}

describe("names by position", () => {
  it("displayName, author, assignee, owner and {login, name} objects", () => {
    const { found } = tok({
      fields: {
        assignee: { displayName: "Maria Schmidt", accountId: "5b10ac8d82e05b22cc7d4ef5" },
        reporter: "Kofi Mensah",
        owner: { login: "hiro-t", name: "Hiro Tanaka" },
        author: "release-bot",
        creator: "platform team",
      },
    });
    expect(found).toEqual(
      expect.arrayContaining(["NAME:Maria Schmidt", "NAME:Kofi Mensah", "NAME:Hiro Tanaka"]),
    );
    expect(found.join()).not.toMatch(/release-bot|platform team|hiro-t/);
  });

  it("FHIR given/family, a very long key, a From: header", () => {
    const { found } = tok({
      resourceType: "Patient",
      name: [{ use: "official", family: "Chalmers", given: ["Peter", "James"] }],
      primary_contact_person_full_legal_name_as_registered_with_the_authority: "Inès Dubois",
      note: "From: Jane Doe <jane.doe@example.com>\nSubject: visit",
    });
    expect(found).toEqual(
      expect.arrayContaining([
        "NAME:Chalmers",
        "NAME:Peter",
        "NAME:James",
        "NAME:Inès Dubois",
        "NAME:Jane Doe",
        "EMAIL:jane.doe@example.com",
      ]),
    );
  });

  it("a sheet as a 2-D array with a header row", () => {
    const { out } = tok({
      range: "A1:C3",
      values: [
        ["Full Name", "Email", "Team"],
        ["Ann Lee", "ann@example.com", "Ops"],
        ["Bob Stone", "bob@example.org", "Sales"],
      ],
    });
    expect((out as { values: string[][] }).values).toEqual([
      ["Full Name", "Email", "Team"],
      ["[NAME_1]", "[EMAIL_1]", "Ops"],
      ["[NAME_2]", "[EMAIL_2]", "Sales"],
    ]);
  });

  it("JSON inside text blocks, several blocks, and a \\u-escaped copy get the structured copy's tokens", () => {
    const record = { contact: { name: "José García", email: "jose@example.es", country: "ES" } };
    const escaped = JSON.stringify(record).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    const result = {
      content: [
        { type: "text", text: escaped },
        { type: "text", text: "Found 1 record for José García." },
      ],
      structuredContent: record,
    };
    // The escaped copy is restored unescaped: the same JSON, the same person, one token.
    const { out, vault } = tok(result, false);
    const back = untokenize(out, vault).value as typeof result;
    expect(JSON.parse(back.content[0]!.text)).toEqual(record);
    expect(back.content[1]!.text).toBe(result.content[1]!.text);
    const text = JSON.stringify(out);
    expect(text).not.toContain("Garc");
    expect(text).not.toContain("jose@");
    const blocks = (out as { content: { text: string }[] }).content;
    expect(blocks[0]!.text).toContain('"name":"[NAME_1]"');
    expect(blocks[1]!.text).toBe("Found 1 record for [NAME_1].");
  });

  it("placeholders are not taken; a first name that is a month stays in its field", () => {
    const { out, found } = tok({
      people: [
        { first_name: "June", last_name: "Park", email: "june@example.com", middle_name: "n/a" },
        { first_name: "Support", email: "none", phone: "-" },
      ],
      note: "Meeting on June 5 with the team, owner none.",
    });
    expect(found).toContain("NAME:June");
    expect(found.join()).not.toMatch(/NAME:(?:Support|n\/a)|:none|PHONE:-/);
    expect((out as { note: string }).note).toBe("Meeting on June 5 with the team, owner none.");
  });
});

describe("phones worldwide", () => {
  it("national formats with the region from a country field, a locale or a language", () => {
    const cases: [Record<string, string>, string][] = [
      [{ country: "FR" }, "06 12 34 56 78"],
      [{ country: "Germany" }, "030 12345678"],
      [{ locale: "en-IN" }, "098765 43210"],
      [{ country_code: "es" }, "612 34 56 78"],
      [{ country: "Italia" }, "312 345 6789"],
      [{ locale: "pt_BR" }, "(11) 91234-5678"],
      [{ lang: "ja" }, "090-1234-5678"],
    ];
    for (const [ctx, phone] of cases) {
      const { found } = tok({ ...ctx, notes: `Rückruf bitte unter ${phone} heute` });
      expect(found, JSON.stringify(ctx)).toContain(`PHONE:${phone}`);
    }
  });

  it("a well-formed number the plan has not assigned counts in a phone field and beside a label", () => {
    expect(tok({ phone: "(543) 862-4483" }).found).toEqual(["PHONE:(543) 862-4483"]);
    expect(tok("Phone: (543) 862-4483").found).toEqual(["PHONE:(543) 862-4483"]);
  });

  it("JSON numbers under phone-like keys and in phone columns, as one token with their text", () => {
    const { out, found } = tok({
      msisdn: 4915112345678,
      mobile_no: 447400123456,
      note: "sms sent to 4915112345678",
    });
    expect(found).toEqual(["PHONE:4915112345678", "PHONE:447400123456"]);
    expect(out).toEqual({ msisdn: "[PHONE_1]", mobile_no: "[PHONE_2]", note: "sms sent to [PHONE_1]" });
  });

  it("grouping with no-break spaces and every kind of dash", () => {
    for (const phone of [
      "+33\u00a06\u00a012\u00a034\u00a056\u00a078",
      "+49\u2011151\u2011234\u201156789",
      "0612\u2013345\u2013678",
    ]) {
      const { found } = tok({ country: "NL", text: `tel ${phone}` });
      expect(found).toEqual([`PHONE:${phone}`]);
    }
  });
});

describe("other types as real results spell them", () => {
  it("URL-encoded emails and phones in query strings", () => {
    const { found } = tok(
      "https://x.example.com/u?email=ann.lee%2Bnews%40example.com&to=%2B33%206%2012%2034%2056%2078&id=9",
    );
    expect(found).toEqual(["EMAIL:ann.lee%2Bnews%40example.com", "PHONE:%2B33%206%2012%2034%2056%2078"]);
  });

  it("emails with non-ASCII local parts or domains, never cut", () => {
    const { found } = tok("to jürgen.müller@bücher.de and иван@пример.рф, cc 李明@例え.jp");
    expect(found).toEqual(["EMAIL:jürgen.müller@bücher.de", "EMAIL:иван@пример.рф", "EMAIL:李明@例え.jp"]);
  });

  it("SSNs with dots, bare under a key or label, as numbers; ITINs", () => {
    expect(tok({ ssn: "123456789" }).found).toEqual(["SSN:123456789"]);
    expect(tok({ social_security_number: 123456789 }).found).toEqual(["SSN:123456789"]);
    expect(tok("SSN 123.45.6789, ITIN 912-78-1234, SSN: 123456788").found).toEqual([
      "SSN:123.45.6789",
      "SSN:912-78-1234",
      "SSN:123456788",
    ]);
  });

  it("lower-case and dash-grouped IBANs; cards grouped with dots or no-break spaces", () => {
    expect(tok("iban de89 3704 0044 0532 0130 00 or DE89-3704-0044-0532-0130-00").found).toEqual([
      "IBAN:de89 3704 0044 0532 0130 00",
      "IBAN:DE89-3704-0044-0532-0130-00",
    ]);
    expect(tok("card 4111.1111.1111.1111 / 5555\u00a05555\u00a05555\u00a04444").found).toEqual([
      "CARD:4111.1111.1111.1111",
      "CARD:5555\u00a05555\u00a05555\u00a04444",
    ]);
  });

  it("a URL's password is a SECRET, and its user part no email", () => {
    const { out, found } = tok("DATABASE_URL=postgres://app:s3cr3t@db.example.com:5432/app");
    expect(found).toEqual(["SECRET:s3cr3t"]);
    expect(out).toBe("DATABASE_URL=postgres://app:[SECRET_1]@db.example.com:5432/app");
  });
});

describe("ordinary data stays as it is", () => {
  it("versions, user agents, asset names, remotes, ids and failing checksums", () => {
    const text = [
      "build 2.4.1.0",
      "Mozilla/5.0 Chrome/120.0.6099.109 Safari/537.36",
      "Chrome/120.0.1.109",
      "download app-1.2.3.4.zip",
      "icon@2x.png logo@3x.webp",
      "git@github.com:org/repo.git",
      "ssh://git@git.example.com:7999/team/repo.git",
      "order 4111111111111112", // fails Luhn
      "DE89370400440532013001", // fails mod-97
      "666-12-3456 000-12-3456",
      "sha 3f786850e387550fdab836ed7e6dc881de23001b",
      "at 2024-05-06T10:11:12Z",
    ].join("\n");
    expect(tok(text).found).toEqual([]);
  });
});

describe("consistency", () => {
  it("the same value has one token as a JSON number and as a string (restored as first seen)", () => {
    const { out, vault } = tok([{ phone: 4155552671 }, { phone: "4155552671" }], false);
    expect(out).toEqual([{ phone: "[PHONE_1]" }, { phone: "[PHONE_1]" }]);
    expect(untokenize(out, vault).value).toEqual([{ phone: 4155552671 }, { phone: 4155552671 }]);
  });

  it("a token inside CSV text a program returns stays that token, never an alias", () => {
    const vault = new Vault();
    tokenize({ contacts: [{ name: "Ann Lee", email: "ann@example.com" }] }, vault);
    const csv = "name,email\n[NAME_1],[EMAIL_1]\n";
    expect(redact(csv, vault)).toBe(csv);
    expect(untokenize(csv, vault).value).toBe("name,email\nAnn Lee,ann@example.com\n");
    expect([...vault.entries()].map((e) => e.token)).toEqual(["[NAME_1]", "[EMAIL_1]"]);
  });

  it("a vault of 25,000 remembered values finds and replaces as a small one does", () => {
    const big = new Vault();
    for (let i = 0; i < 25_000; i++) big.issue("NAME", `Person${i} Example`, { remember: true });
    const text = "Ann Lee met Person24999 Example and Person7 Example at 10.0.0.12";
    const small = new Vault();
    small.issue("NAME", "Person24999 Example", { remember: true });
    small.issue("NAME", "Person7 Example", { remember: true });
    const a = tokenize(text, big);
    expect(a).toMatch(
      /^Ann Lee met \[NAME_\d+\] Example|^Ann Lee met \[NAME_25000\] and \[NAME_8\] at \[IPV4_1\]$/,
    );
    expect(untokenize(a, big).value).toBe(text);
    expect(untokenize(tokenize(text, small), small).value).toBe(text);
    expect(a).toBe("Ann Lee met [NAME_25000] and [NAME_8] at [IPV4_1]");
  });
});

describe("names in free text: the plug-in point", () => {
  it("a nameDetector function finds names in prose; emails still win their overlaps", () => {
    const guard = createPrivacyGuard({
      nameDetector: (text) =>
        [...text.matchAll(/\b(?:Maria Schmidt|maria)\b/g)].map((m) => ({
          start: m.index,
          end: m.index + m[0].length,
        })),
    });
    const out = guard.afterCall(
      { server: "s", tool: "t", args: {} },
      {
        text: "please call Maria Schmidt tomorrow, or maria@example.com",
      },
    );
    expect(out).toEqual({ text: "please call [NAME_1] tomorrow, or [EMAIL_1]" });
  });
});
