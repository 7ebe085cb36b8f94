/**
 * The classes of misses the third independent set (generate3.ts) found, one behaviour each, through the
 * public API. The values here are not the set's.
 */
import { describe, expect, it } from "vitest";
import { text, tok } from "./found.js";

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
      note: "bumped protobuf to 3.25.1.0 last night; updated libfoo to v3.19.2.0",
    });
    expect(found).toEqual([]);
    expect(tok({ log: "blocked 81.2.69.160 after 5 tries" }).found).toEqual(["IPV4:81.2.69.160"]);
    // `update` and `upgrade` are said of addresses too: only a bump makes a version.
    expect(
      tok({
        dns: "update DNS record to 81.2.69.160",
        a: "Updated A record from 81.2.69.161 to 81.2.69.162",
        ws: "Connection upgrade from 81.2.69.163 rejected",
      }).found,
    ).toEqual(["IPV4:81.2.69.160", "IPV4:81.2.69.161", "IPV4:81.2.69.162", "IPV4:81.2.69.163"]);
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

describe("what a review of these fixes found", () => {
  it("a short legal form that is also a surname counts only written as an abbreviation", () => {
    expect(
      tok({
        customer_name: "Tran Van Co",
        assignee: "Nguyen Thi Co",
        cardholder_name: "ANA SA",
        owner: "Juha Oy",
      }).found,
    ).toEqual(["NAME:Tran Van Co", "NAME:Nguyen Thi Co", "NAME:ANA SA", "NAME:Juha Oy"]);
    expect(tok({ assignee: "Initech Co.", owner: "Siemens AG", vendor_contact: "Nokia, Oy" }).found).toEqual(
      [],
    );
  });

  it("a bare `name:` needs its record's own email or phone, and a nested key does not end the record", () => {
    expect(tok(text("name: Payments Gateway\nversion: 1.2\nowner_email: team@example.com")).found).toEqual([
      "EMAIL:team@example.com",
    ]);
    const yaml =
      "people:\n- name: Hamid Karimi\n  address:\n    city: Paris\n  # main contact\n  email: hamid@example.org\n";
    expect(tok(text(yaml)).found).toEqual(["NAME:Hamid Karimi", "EMAIL:hamid@example.org"]);
  });

  it("every table under a rule line is read, a leading CSV too, and a MySQL box", () => {
    const two =
      "## A\n| id | status |\n|---|---|\n| 1 | ok |\n\n## B\n| Customer | Plan |\n|---|---|\n| Oksana Melnyk | pro |\n";
    expect(tok(text(two)).found).toEqual(["NAME:Oksana Melnyk"]);
    const csvThenTable = "customer,plan\nOksana Melnyk,pro\n\n| a | b |\n|---|---|\n| 1 | 2 |";
    expect(tok(text(csvThenTable)).found).toEqual(["NAME:Oksana Melnyk"]);
    const box =
      "+----+---------------+-----------------+\n| id | name          | email           |\n+----+---------------+-----------------+\n|  1 | Oksana Melnyk | om@example.com  |\n+----+---------------+-----------------+\n1 row in set";
    expect(tok(text(box)).found).toEqual(["NAME:Oksana Melnyk", "EMAIL:om@example.com"]);
  });

  it("a rule-like line of megabytes is no rule and costs no stack", () => {
    const line = `head | x\n|${"-|".repeat(1_600_000)}x\n`;
    expect(tok(text(line)).found).toEqual([]);
  });

  it("a log's JSON lines are read whatever its first and last lines are, indented too; a Python dict is not tried", () => {
    const log =
      '{"event":"login","author":"Rania Haddad"}\nts=1 msg=filler\n  {"event":"logout","author":"Ivo Petrov"}\n{"a":1}';
    expect(tok(text(log)).found).toEqual(["NAME:Rania Haddad", "NAME:Ivo Petrov"]);
    expect(tok(text("x\n{'user': 'Rania Haddad'}\n{not json}")).found).toEqual([]);
  });

  it("a JSON line nested past the stack in a log is read as text, and tokenize does not throw", () => {
    const deep = `start\n${'{"a":'.repeat(5000)}"r.h@example.com"${"}".repeat(5000)}\nend`;
    expect(tok(text(deep)).found).toEqual(["EMAIL:r.h@example.com"]);
  });

  it("a resource flag leaves a key that says whose name it is a name", () => {
    expect(tok({ full_name: "Jane Doe", email: "jd@example.com", resource: true }).found).toEqual([
      "NAME:Jane Doe",
      "EMAIL:jd@example.com",
    ]);
  });

  it("an IPv6 network's IPv4 tail is no host, and a /31 holds hosts", () => {
    expect(tok({ nat64: "64:ff9b::192.0.2.0/120", mapped: "::ffff:10.0.0.0/104" }).found).toEqual([]);
    expect(tok({ link: "10.0.0.0/31" }).found).toEqual(["IPV4:10.0.0.0"]);
  });

  it("the header list beside rows is the one as wide as the rows", () => {
    expect(
      tok({
        tags: ["a", "b", "c"],
        columns: ["customer_name", "msisdn"],
        rows: [["Ines Carvalho", 351912345678]],
      }).found,
    ).toEqual(["NAME:Ines Carvalho", "PHONE:351912345678"]);
  });
});
