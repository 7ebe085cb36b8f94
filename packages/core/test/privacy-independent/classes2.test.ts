/**
 * The classes of misses the second independent set (generate2.ts) found, one behaviour each, through
 * the public API.
 */
import { describe, expect, it } from "vitest";
import { createPrivacyGuard, Vault } from "../../src/privacy/index.js";
import { text, tok } from "./found.js";

describe("classes the second independent set found", () => {
  it("a key whose last word names the value is that value, whatever qualifies it before", () => {
    // Bare digits: found by the key alone.
    const { found } = tok({ kyc: { tax_id_ssn: 918972265, billing_id_msisdn: 33612345678 } });
    expect(found).toEqual(["SSN:918972265", "PHONE:33612345678"]);
    // A qualifier after the value's word still makes the key about something else.
    expect(tok({ ssn_verified: "Maria Lopez", phone_country_code: "+33" }).found).toEqual([]);
  });

  it("a key naming a person by relation or part (`account_holder`, `guardian`) holds a name", () => {
    const { found } = tok({ account_holder: "Venkatesh Chatterjee", guardian: "Ngozi Okafor" });
    expect(found).toEqual(["NAME:Venkatesh Chatterjee", "NAME:Ngozi Okafor"]);
    // As a role it wants a person's name: a team or a login stays; so do words as often said of things.
    expect(tok({ account_holder: "platform-team" }).found).toEqual([]);
    expect(
      tok({ parent: "Shared Drive", driver: "NVIDIA GeForce", partner: "Acme Logistics" }).found,
    ).toEqual([]);
  });

  it("a `... name` key or header is a person's name in a person's record or a contact table only", () => {
    expect(tok({ vollstaendiger_name: "Jussi Virtanen", email: "j.v@example.io" }).found).toContain(
      "NAME:Jussi Virtanen",
    );
    const sheet = tok({
      values: [
        ["Vollständiger Name", "E-mail"],
        ["Päivi Mäkinen", "p.m@example.io"],
      ],
    });
    expect(sheet.found).toContain("NAME:Päivi Mäkinen");
    // Outside a person's record, or naming a thing or a login, it is not.
    expect(tok({ vollstaendiger_name: "Jussi Virtanen" }).found).toEqual([]);
    expect(
      tok({ campaign_code_name: "Spring Sale", user_name: "Jussi", email: "j@example.io" }).found,
    ).toEqual(["EMAIL:j@example.io"]);
  });

  it("a one-letter name of an uncased script (`王`) is a name in a name field, a Latin initial is not", () => {
    const { found, out } = tok({ family: "王", given: "伟", email: "w@example.cn" });
    expect(found).toEqual(expect.arrayContaining(["NAME:王", "NAME:伟"]));
    expect(out).not.toContain("王");
    expect(tok({ first: "J", last: "Smith", email: "j@example.com" }).found).not.toContain("NAME:J");
  });

  it("a name too common to remember is replaced in the `\\u`-escaped text copy too", () => {
    const data = { first_name: "June", last_name: "王", email: "june@example.io" };
    const escaped = JSON.stringify(data).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    const { out } = tok({ content: [{ type: "text", text: escaped }], structuredContent: data }, false);
    expect(out).not.toContain("\\\\u738b");
    expect(out).not.toContain("June");
  });

  it("a month-like first name in JSON held by a JSON string is replaced there, the month in prose stays", () => {
    const payload = JSON.stringify({ firstName: "June", lastName: "Okafor", email: "jo@example.io" });
    const data = { events: [{ payload, note: "trial ends in June" }] };
    const { out } = tok(text(JSON.stringify(data)));
    expect(out).not.toMatch(/firstName[\\":]+June/);
    expect(out).toContain("trial ends in June");
  });

  it("a line labelled by a name or role key (`admin_contact: ...`, `Vorname: ...`) holds a name", () => {
    const { out, found } = tok(
      text("version: 2.1.0\nadmin_contact: Siobhán O'Brien\nVorname: June\nNotes: renewal due 2 June 2028"),
    );
    expect(found).toEqual(expect.arrayContaining(["NAME:Siobhán O'Brien", "NAME:June"]));
    expect(out).toContain("renewal due 2 June 2028");
    // A role's value must look like a person's name; other labels are not read.
    expect(tok(text("owner: platform-team\nhostname: Build Server\n")).found).toEqual([]);
  });

  it("a phone in a query string with escaped no-break spaces or dashes is found whole", () => {
    for (const tel of ["%2B81%C2%A080%C2%A03297%C2%A02186", "%2B86%E2%80%93133%E2%80%935111%E2%80%938709"]) {
      const { out, found } = tok(text(`POST /otp?tel=${tel}&ttl=300 202`));
      expect(found).toEqual([`PHONE:${tel}`]);
      expect(out).toContain("&ttl=300");
    }
  });

  it("digits grouped like an EIN (`96-6471948`) are no phone without a label, wherever regions are set", () => {
    // Portugal writes its nine-digit numbers without a trunk prefix: `96-6471948` would parse as one.
    const guard = createPrivacyGuard({ vault: new Vault(), phone: { regions: ["US", "GB", "PT"] } });
    const t = "Name\tPhone\tNote\nAyşe Çelik\t912 345 678\t96-6471948\n";
    const out = JSON.stringify(guard.afterCall({ server: "s", tool: "t", args: {} }, text(t)));
    expect(out).toContain("96-6471948");
    expect(out).not.toContain("912 345 678");
  });

  it("digit groups that do not start with four digits are no card (`672-1508841-1102093`, an order)", () => {
    expect(tok(text("order 672-1508841-1102093 shipped")).found).toEqual([]);
    expect(tok(text("card 4532-0151-1283-0366 declined")).found).toEqual(["CARD:4532-0151-1283-0366"]);
  });

  it("a version in a Windows folder's name is no IPv4 address; a UNC path's host is", () => {
    expect(tok(text("installed to C:\\Program Files\\App 7.0.1.72\\bin")).found).toEqual([]);
    expect(tok(text("share at \\\\10.20.30.40\\backups")).found).toEqual(["IPV4:10.20.30.40"]);
  });
  it("a string that is one `key: value` line is read as a labelled line (`Assignee: Jane Doe`)", () => {
    const { out, found } = tok({ id: "T-12", summary: "Assignee: Jane Doe" });
    expect(found).toEqual(["NAME:Jane Doe"]);
    expect(out).toContain('"Assignee: [NAME_');
    // The JSON text copy of it agrees.
    expect(tok(text('{"summary": "Reporter: Li Wei"}')).found).toEqual(["NAME:Li Wei"]);
    // Same key rules: a key that names no person, or a role held by a team, leaves the value.
    expect(
      tok({ a: "Status: In Progress", b: "Owner: platform-team", c: "Error: Host Unreachable" }).found,
    ).toEqual([]);
  });

  it("a role's value that reads as prose (a function word, a role word) is no name, in every shape", () => {
    // One-line strings, a role field, a line of a text block, a role list.
    expect(
      tok({ a: "User: Not Found", b: "Assignee: Not yet assigned", c: "Author: See Below" }).found,
    ).toEqual([]);
    expect(tok({ owner: "Not Found", reviewer: "No Reviewer", assignee: "Unknown User" }).found).toEqual([]);
    // A function word in lower case; two function words, capitalised.
    expect(tok({ owner: "Waiting for review", assignee: "Away From Here" }).found).toEqual([]);
    expect(tok(text("Ticket T-12\nOwner: No Owner\nReporter: Not Available Yet\n")).found).toEqual([]);
    expect(tok({ attendees: ["Not Confirmed", "Ana Lima"] }).found).toEqual(["NAME:Ana Lima"]);
    // Names that are function words too stay names: modal verbs as given names, short romanized names.
    expect(
      tok({
        a: "Owner: Will Smith",
        b: "Assignee: May Jones",
        c: "Reviewer: Do Van An",
        d: "Author: Can Yücel",
      }).found,
    ).toEqual(["NAME:Will Smith", "NAME:May Jones", "NAME:Do Van An", "NAME:Can Yücel"]);
    // Capitalised names whose words are function words or common words too (`More`, `Down`, `Nor`).
    expect(
      tok({
        owner: "Thomas More",
        assignee: "Johann Most",
        reviewer: "Lesley-Anne Down",
        author: "William Tell",
      }).found,
    ).toEqual(["NAME:Thomas More", "NAME:Johann Most", "NAME:Lesley-Anne Down", "NAME:William Tell"]);
    expect(tok({ owner: "Ward Just" }).found).toEqual(["NAME:Ward Just"]);
    expect(tok({ owner: "Jones Very" }).found).toEqual(["NAME:Jones Very"]);
    expect(tok({ owner: "Mary Given" }).found).toEqual(["NAME:Mary Given"]);
    expect(tok({ owner: "Nor Aini Hassan" }).found).toEqual(["NAME:Nor Aini Hassan"]);
    expect(tok({ a: "Owner: Thomas More", b: "Reporter: Nor Azman" }).found).toEqual([
      "NAME:Thomas More",
      "NAME:Nor Azman",
    ]);
    // Mail and commit display names follow the same rule.
    expect(
      tok(text("From: Nor Azman <nor.azman@example.my>\nCo-authored-by: Ward Just <ward@example.org>\n"))
        .found,
    ).toEqual(["NAME:Nor Azman", "NAME:Ward Just", "EMAIL:nor.azman@example.my", "EMAIL:ward@example.org"]);
  });
});
