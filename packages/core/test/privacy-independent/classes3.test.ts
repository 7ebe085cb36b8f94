/**
 * The classes of misses the third independent set (generate3.ts) found, one behaviour each, through the
 * public API. The values here are not the set's.
 */
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../src/json.js";
import { tokenize, untokenize, Vault } from "../../src/privacy/index.js";

function tok(value: JsonValue) {
  const vault = new Vault();
  const out = tokenize(value, vault);
  expect(untokenize(out, vault).value).toEqual(value);
  return { out: JSON.stringify(out), found: [...vault.entries()].map((e) => `${e.type}:${e.value}`) };
}
const text = (t: string): JsonValue => ({ content: [{ type: "text", text: t }] });

describe("classes the third independent set found", () => {
  it("a network in CIDR notation, a netmask and 0.0.0.0 name no host", () => {
    const { found } = tok({
      vpc: "10.42.0.0/16",
      subnets: ["192.168.7.0/24", "2001:db8:4a::/48"],
      netmask: "255.255.255.192",
      listen: "0.0.0.0:8080",
      note: "allow 172.20.0.0/14 and fd00:1::/64.",
    });
    expect(found).toEqual([]);
    // A host written with its subnet, a single-host route and a plain address are still addresses.
    expect(tok({ ip: "203.0.113.45/24", allow: "198.51.100.7/32", peer: "2001:db8::9/64" }).found).toEqual([
      "IPV4:203.0.113.45",
      "IPV4:198.51.100.7",
      "IPV6:2001:db8::9",
    ]);
  });

  it("a text table under a rule line is read anywhere in the text (markdown after a heading, psql)", () => {
    const md =
      "### Triage\n\n| Reporter | Email | Build |\n|:--|---|---|\n| Oksana Melnyk | o.m@example.net | 3.1.4.159 |\n\nDone.";
    const a = tok(text(md));
    expect(a.found).toEqual(["NAME:Oksana Melnyk", "EMAIL:o.m@example.net"]);
    const psql =
      " id | name         | contact_email   | version\n----+--------------+-----------------+----------\n  7 | Tomás Arriaga | ta@example.org | 12.0.3.44\n(1 row)";
    const b = tok(text(psql));
    // The version column's dotted quad is a version, as in CSV text.
    expect(b.found).toEqual(["NAME:Tomás Arriaga", "EMAIL:ta@example.org"]);
  });

  it("a header list beside its rows is read as a sheet (`{columns, rows}`, a driver's `fields`)", () => {
    const a = tok({
      columns: ["id", "customer_name", "msisdn"],
      rows: [
        [1, "Ines Carvalho", 351912345678],
        [2, "Kwame Mensah", "233241234567"],
      ],
    });
    expect(a.found).toEqual([
      "NAME:Ines Carvalho",
      "PHONE:351912345678",
      "NAME:Kwame Mensah",
      "PHONE:233241234567",
    ]);
    const b = tok({ fields: [{ name: "full_name" }, { name: "plan" }], rows: [["Aiko Mori", "Team"]] });
    expect(b.found).toEqual(["NAME:Aiko Mori"]);
    // Rows of another width than the header are not its rows.
    expect(tok({ columns: ["full_name"], rows: [["a", "Aiko Mori"]] }).found).toEqual([]);
  });

  it("a bare `name:` line is a person's name in a YAML item or INI section with an email or phone line", () => {
    const yaml =
      "people:\n  - name: Hamid Karimi\n    email: hk@example.com\n  - name: Build Bot\n    role: ci\n";
    expect(tok(text(yaml)).found).toEqual(["NAME:Hamid Karimi", "EMAIL:hk@example.com"]);
    const ini = "[maintainer]\nname = Liesel Baumann\nphone = +49 30 901820\n\n[service]\nname = Billing\n";
    expect(tok(text(ini)).found).toEqual(["NAME:Liesel Baumann", "PHONE:+49 30 901820"]);
  });

  it("a log's JSON records are read among its other lines", () => {
    const log = `ts=2025-01-02 level=info msg=start\n{"level":"warn","user":{"name":"Bongani Zulu","id":7}}\nts=2025-01-02 level=info msg=done`;
    expect(tok(text(log)).found).toEqual(["NAME:Bongani Zulu"]);
    const first = `{"event":"login","author":"Rania Haddad"}\nts=2025-01-02 level=info msg=done`;
    expect(tok(text(first)).found).toEqual(["NAME:Rania Haddad"]);
  });

  it("a message id under an id key in JSON text is no address", () => {
    const v = { internetMessageId: "<a1b2c3@mail.example.com>", in_reply_to: "<x9@mx.example.org>" };
    expect(tok(text(JSON.stringify(v))).found).toEqual([]);
  });

  it("a phone word compounded with a number word is a phone key (`Telefonnummer`)", () => {
    // Digits as a JSON number are found by their key alone.
    expect(tok({ Telefonnummer: 4930901820, telefoonnummer: 31205550147 }).found).toEqual([
      "PHONE:4930901820",
      "PHONE:31205550147",
    ]);
    expect(tok({ Telefonnummer_gueltig: "ja", phonenumbers_count: 3 }).found).toEqual([]);
  });

  it("a dotted quad after a version change's words is a version (`Bump x from ... to ...`)", () => {
    const { found } = tok({
      message: "Bump grpc-core from 1.58.3.2 to 1.60.0.1",
      note: "Upgraded agent to 7.52.0.1 last night; updated libfoo to v3.19.2.0",
    });
    expect(found).toEqual([]);
    expect(tok({ log: "blocked 81.2.69.160 after 5 tries" }).found).toEqual(["IPV4:81.2.69.160"]);
  });

  it("a company's legal form is no person's name", () => {
    const { found } = tok({
      assignee: "Hooli Inc.",
      owner: "Vandelay Industries GmbH",
      contact: { name: "Wayne Enterprises LLC", email: "ap@example.com" },
    });
    expect(found).toEqual(["EMAIL:ap@example.com"]);
    expect(tok({ assignee: "Coco Chanel", owner: "Agatha Christie" }).found).toEqual([
      "NAME:Coco Chanel",
      "NAME:Agatha Christie",
    ]);
  });

  it("the parties of a payment or a call are people (`counterparty_name`, `payee_name`, `caller_name`)", () => {
    const { found } = tok({
      counterparty_name: "Óscar Ibarra",
      payee_name: "Mei Ling Tan",
      caller_name: "RUTH OKORO",
    });
    expect(found).toEqual(["NAME:Óscar Ibarra", "NAME:Mei Ling Tan", "NAME:RUTH OKORO"]);
  });

  it("a calendar resource among the attendees is no person", () => {
    const { found } = tok({
      attendees: [
        { email: "c_1f2e@resource.calendar.google.com", displayName: "Skylight", resource: true },
        { email: "p.q@example.com", displayName: "Priya Quinn" },
      ],
    });
    expect(found).not.toContain("NAME:Skylight");
    expect(found).toContain("NAME:Priya Quinn");
  });
});
