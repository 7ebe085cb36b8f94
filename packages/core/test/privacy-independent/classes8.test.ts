/**
 * Classes an audit of names in fields found (issue 22), one behaviour each, through the public API: a
 * one-word name that is an ordinary word spread to prose, a placeholder phone spread to other fields,
 * mail headers that name people as `Last, First`, through a relay or Outlook's reply header, login and
 * compound keys holding names, names in logfmt and printed dicts, and small IPv4 addresses under an
 * address key. The values here are made up for these tests, not taken from the sets.
 */
import { describe, expect, it } from "vitest";
import { text, tok } from "./found.js";

describe("classes of an audit of names in fields (ordinary words, mail headers, keys, small addresses)", () => {
  it("a role field's one common word is tokenized in its field only, never in prose", () => {
    const a = tok({
      tickets: [
        { owner: "Grace", note: "Grace period ends" },
        { assignee: "Will", note: "Will this ship on Friday?" },
        { reviewer: "Hope", comment: "Hope is no plan." },
      ],
    });
    expect(a.out).toContain("Grace period ends");
    expect(a.out).toContain("Will this ship on Friday?");
    expect(a.out).toContain("Hope is no plan.");
    expect(a.out).not.toMatch(/"(?:owner|assignee|reviewer)":"(?:Grace|Will|Hope)"/);
  });

  it("a name field's one word is the person's, common word or not: the prose that names them is replaced", () => {
    const a = tok({
      contacts: [
        {
          first_name: "John",
          last_name: "Smith",
          email: "js@example.com",
          notes: "John Smith asked; Mr. Smith is upset",
        },
        { first_name: "Ngozi", note: "Call Ngozi back" },
        { full_name: "Will Smith", note: "Will Smith called about Grace Hopper" },
        { assignee: "Grace Hopper" },
      ],
    });
    expect(a.out).not.toMatch(/John|Smith|Ngozi|Grace Hopper/);
    // The same name in a text copy of the record is tokenized too.
    const b = tok({
      structuredContent: { first_name: "Ngozi", status: "Ngozi called" },
      content: [{ type: "text", text: '{"first_name":"Ngozi","status":"Ngozi called"}' }],
    });
    expect(b.out).not.toMatch(/Ngozi/);
  });

  it("a phone field holding one digit repeated is a placeholder: never remembered nor spread", () => {
    const a = tok({
      rows: [
        { phone: "000-000-0000", fax: "(000) 000-0000", mobile: 9999999999, ref: "000-000-0000" },
        { phone: "415-555-0132", note: "call 415-555-0132" },
      ],
    });
    expect(a.found).toEqual(["PHONE:415-555-0132"]);
    expect(a.out).toContain('"ref":"000-000-0000"');
  });

  it("a quoted `Last, First` display name leaves no part visible, and its `First Last` form is replaced too", () => {
    const a = tok(
      text(
        'From: "Nakamura, Kenji" <kenji@example.jp>\nTo: "Müller, Anna" <anna@example.de>; "Rossi, Marco" <marco@example.it>\n\nBest,\nKenji Nakamura',
      ),
    );
    expect(a.out).not.toMatch(/Nakamura|Kenji|Müller|Rossi|Marco|Anna/);
    expect(a.found.slice(0, 3)).toEqual(["NAME:Nakamura", "NAME:Kenji", "NAME:Kenji Nakamura"]);
  });

  it("a sender through a relay, an Outlook `[mailto:]` address and a reply header without addresses name people", () => {
    const a = tok(text("From: Jane Roe via Zendesk <support@example.com>\nSubject: ticket 4\n\nhi"));
    expect(a.found).toContain("NAME:Jane Roe");
    expect(a.out).toContain("via Zendesk");
    const b = tok(
      text(
        "Thanks.\n\nFrom: Nakamura Kenji [mailto:kenji@example.jp]\nSent: Monday, May 4, 2026 10:00 AM\nTo: Olu Adeyemi; Sara Lind\nCc: Priya Raman\nSubject: Re: invoice\n\n-----\nFrom: Tanaka Hiroshi\nSent: Friday, May 1, 2026 9:12 AM\nTo: Nakamura Kenji\nSubject: invoice",
      ),
    );
    expect(b.out).not.toMatch(/Nakamura|Tanaka|Olu Adeyemi|Sara Lind|Priya Raman/);
    expect(b.out).toContain("Subject: Re: invoice");
    // No `Sent:` line under it: a `From:` line is no header (a move, a quote); a phrase is no name.
    const c = tok(
      text(
        "From: Berlin Hauptbahnhof\nTo: Paris Est\n\nFrom: Release Notes\nSent: Weekly Digest\nTo: All Staff",
      ),
    );
    expect(c.found).toEqual([]);
    // A reply header's product or desk (no address to say it is a person's) is no name.
    const d = tok(
      text(
        "From: Microsoft Outlook\nSent: Monday, May 4, 2026 10:00 AM\nTo: Finance Department; Jane Doe\n\nMicrosoft Outlook could not deliver.",
      ),
    );
    expect(d.found).toEqual(["NAME:Jane Doe"]);
    expect(d.out).toContain("Microsoft Outlook could not deliver.");
  });

  it("a login's key holds a person's name written out, never a handle; compound and prefixed name keys hold names", () => {
    const a = tok({
      users: [
        { user_name: "Elena Rossi", username: "erossi" },
        { userName: "Tomasz Nowak", login: "tnowak" },
        { username: "admin", user_name: "elena.rossi", userName: "Service Account" },
      ],
      records: [
        { contactname: "Amara Okoye", ownername: "Pedro Alvares", assigneename: "Ivana Horvat" },
        { custom_field_assignee: "Marta Kowal", cf_reviewer: "Liam Byrne", custom_field_team: "Payments" },
        { filename: "Quarterly Report", hostname: "Build Agent" },
      ],
    });
    expect(a.found).toEqual([
      "NAME:Elena Rossi",
      "NAME:Tomasz Nowak",
      "NAME:Amara Okoye",
      "NAME:Pedro Alvares",
      "NAME:Ivana Horvat",
      "NAME:Marta Kowal",
      "NAME:Liam Byrne",
    ]);
  });

  it("names in logfmt and a `key=value` string are read by their keys", () => {
    const a = tok(
      text(
        "12:01 INFO ticket updated assignee='Ivana Horvat' status='Open'\n" +
          'level=info owner="Data Platform" reviewer="Tom Lee" msg="Will this ship" name="Build"',
      ),
    );
    expect(a.found).toEqual(["NAME:Ivana Horvat", "NAME:Tom Lee"]);
    expect(a.out).toContain('owner=\\"Data Platform\\"');
    const b = tok({ line: "assignee=Ivana Horvat", other: "ratio=Foo Bar" });
    expect(b.found).toEqual(["NAME:Ivana Horvat"]);
  });

  it("a dotted quad of small numbers under an address key is an IPv4 address; under a version key or in prose a version", () => {
    const a = tok({
      ip_address: "8.8.4.4",
      remote_addr: "1.0.0.1",
      "X-Forwarded-For": "1.1.1.2, 9.9.9.9",
      clientIp: "4.2.2.1",
      version: "2.4.1.0",
      build: "6.14.3.3",
      note: "upgrade to 2.4.1.0",
      ip: "client upgraded to version 2.4.1.0",
      client_ip: "client 1.2.3.5 via proxy",
    });
    expect(a.found).toEqual([
      "IPV4:8.8.4.4",
      "IPV4:1.0.0.1",
      "IPV4:1.1.1.2",
      "IPV4:9.9.9.9",
      "IPV4:4.2.2.1",
      "IPV4:1.2.3.5",
    ]);
    expect(a.out).toContain('"version":"2.4.1.0"');
    expect(a.out).toContain("upgrade to 2.4.1.0");
    // Prose under an address key: a version in it is still a version.
    expect(a.out).toContain("client upgraded to version 2.4.1.0");
  });
});
