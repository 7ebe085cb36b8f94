/**
 * The classes of misses the independent set found, one behaviour each, through the public API.
 */
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../src/json.js";
import { tokenize, untokenize, Vault } from "../../src/privacy/index.js";

function tok(value: JsonValue, roundTrip = true) {
  const vault = new Vault();
  const out = tokenize(value, vault);
  const restored = untokenize(out, vault).value;
  if (roundTrip) expect(restored).toEqual(value);
  return {
    out: JSON.stringify(out),
    found: [...vault.entries()].map((e) => `${e.type}:${e.value}`),
    restored,
  };
}

describe("classes the independent set found", () => {
  it("a value found by position with no-break spaces or dash look-alikes is replaced in every copy", () => {
    const csv = tok({
      content: [
        { type: "text", text: "name,phone,country\nLéa Martin,01\u00a054\u00a023\u00a085\u00a027,FR" },
      ],
    });
    expect(csv.out).not.toContain("54\u00a023");
    expect(csv.found).toContain("PHONE:01\u00a054\u00a023\u00a085\u00a027");
    const sheetText = JSON.stringify({
      values: [
        ["Name", "Phone", "Country"],
        ["Sem Jansen", "030\u2013282\u20138598", "NL"],
      ],
    });
    const sheet = tok({ content: [{ type: "text", text: sheetText }] });
    expect(sheet.out).not.toContain("282");
    // The text copy spells the no-break spaces as `\u00a0` escapes; the structured copy has them raw.
    const fhir = {
      telecom: [{ system: "phone", value: "07\u00a047\u00a034\u00a071\u00a095" }],
      address: [{ country: "FR" }],
    };
    const escaped = JSON.stringify(fhir).replace(/\u00a0/g, "\\u00a0");
    // An escaped copy stands for its decoded text: restored, it holds the characters, the same JSON.
    const both = tok({ content: [{ type: "text", text: escaped }], structuredContent: fhir }, false);
    expect(both.out).not.toContain("47\\\\u00a034");
    expect(both.found.filter((f) => f.startsWith("PHONE:"))).toHaveLength(1);
    const restored = both.restored as { content: { text: string }[]; structuredContent: unknown };
    expect(JSON.parse(restored.content[0]!.text)).toEqual(fhir);
    expect(restored.structuredContent).toEqual(fhir);
  });

  it("a mailbox's display name is replaced in the signature too", () => {
    const { out, found } = tok({
      content: [
        {
          type: "text",
          text: "From: Dwayne Moore <dwayne@example.net>\nSubject: order\n\nThanks!\n--\nDwayne Moore\nSales",
        },
      ],
    });
    expect(found).toContain("NAME:Dwayne Moore");
    expect(out).not.toContain("Moore");
  });

  it("the display of a reference to a person's resource is a name; of other resources it is not", () => {
    const { found } = tok({
      generalPractitioner: [{ reference: "Practitioner/8841", display: "Amélie Chevalier" }],
      managingOrganization: { reference: "Organization/12", display: "Hôpital Saint Louis" },
    });
    expect(found).toEqual(["NAME:Amélie Chevalier"]);
  });

  it("a pager is a phone, and makes its object a person", () => {
    const { found } = tok({
      on_call: { name: "Hannah Thompson", pager: "+1 415 555 2671" },
      service: { name: "billing" },
    });
    expect(found.sort()).toEqual(["NAME:Hannah Thompson", "PHONE:+1 415 555 2671"]);
  });

  it("Portuguese and Italian mobile labels mark a national number", () => {
    expect(tok("Celular: (68) 97913-5926").found).toEqual(["PHONE:(68) 97913-5926"]);
    expect(tok("Cellulare: 347 123 4567").found).toEqual(["PHONE:347 123 4567"]);
  });

  it("a dotted quad under a version key in JSON text is a version, not an address", () => {
    const text = JSON.stringify({
      service: "billing",
      version: "2.16.8.72",
      app_version: "4.17.6.72",
      host: "10.0.3.17",
    });
    const { found } = tok({ content: [{ type: "text", text }] });
    expect(found).toEqual(["IPV4:10.0.3.17"]);
  });

  it("a bare national number beside `Tél.` is a phone", () => {
    expect(tok("Tél. : 0320975956").found).toEqual(["PHONE:0320975956"]);
  });

  it("the German slash form beside a phone word or under a phone key, never a date, path or file number", () => {
    expect(tok("Telefon: 030/1152996").found).toEqual(["PHONE:030/1152996"]);
    expect(tok({ mobile: "0151/83293505" }).found).toEqual(["PHONE:0151/83293505"]);
    expect(tok("Rechnung 2024/000123 vom 01/02/2024, Az. 030/1152996, GET /api/0123/4567890").found).toEqual(
      [],
    );
  });

  it("in a record's region a number needs the trunk prefix people write there, or a label", () => {
    const nl = {
      customer_country: "NL",
      description: "Telefoon: 020 921 8008\ntotal 159 662 112 units processed",
    };
    expect(tok(nl).found).toEqual(["PHONE:020 921 8008"]);
    expect(tok({ country: "FR", note: "CA 2024 : 123 456 789 EUR" }).found).toEqual([]);
    expect(tok({ country: "FR", note: "rappeler au 01 23 45 67 89" }).found).toEqual([
      "PHONE:01 23 45 67 89",
    ]);
    // Where numbers are written without it: Indian mobiles, Brazilian area codes in parentheses.
    expect(tok({ country: "IN", note: "whatsapp group 98765 43210 only" }).found).toEqual([
      "PHONE:98765 43210",
    ]);
    expect(tok({ country: "BR", note: "ligar (11) 91234-5678" }).found).toEqual(["PHONE:(11) 91234-5678"]);
  });

  it("a mailbox object's name: Microsoft Graph's emailAddress, a help desk's from", () => {
    const graph = tok({
      from: { emailAddress: { name: "Poppy Wright", address: "poppy@example.com" } },
      body: { content: "Thanks,\nPoppy Wright" },
      to: { address: "support@example.com", name: "Support" },
      office: { address: "12 Main St", name: "Head Office" },
    });
    expect(graph.found).toEqual([
      "NAME:Poppy Wright",
      "EMAIL:poppy@example.com",
      "EMAIL:support@example.com",
    ]);
    expect(graph.out).not.toContain("Poppy");
  });

  it("every item of a list under a phone key, whatever its own type says", () => {
    const { found } = tok({
      phoneNumbers: [
        { value: "022 2972 1850", type: "home" },
        { value: "n/a", type: "work" },
      ],
      phones: [{ number: "06 12 34 56 78", type: "business" }],
    });
    expect(found).toEqual(["PHONE:022 2972 1850", "PHONE:06 12 34 56 78"]);
  });

  it("JSON lines: each record's fields count, numbers under msisdn included", () => {
    const lines = [
      JSON.stringify({ ts: "2025-01-02T03:04:05Z", msisdn: 4916057410756, event: "sms.sent" }),
      JSON.stringify({ ts: "2025-01-02T03:04:06Z", msisdn: 34948382046, build: "20210323.17" }),
    ].join("\n");
    const { found, out } = tok({ content: [{ type: "text", text: lines }] });
    expect(found).toEqual(["PHONE:4916057410756", "PHONE:34948382046"]);
    expect(out).toContain("20210323.17");
  });

  it("vCard and iCalendar text: FN, the parts of N, TEL, EMAIL and an attendee's CN", () => {
    const card = [
      "BEGIN:VCARD",
      "VERSION:3.0",
      "FN:Carmen Núñez",
      "N:Núñez;Carmen;;;",
      "TEL;TYPE=CELL:612 34 56 78",
      "END:VCARD",
    ];
    const vc = tok({ content: [{ type: "text", text: card.join("\r\n") }] });
    expect(vc.found.sort()).toEqual(["NAME:Carmen", "NAME:Carmen Núñez", "NAME:Núñez", "PHONE:612 34 56 78"]);
    const cal = [
      "BEGIN:VCALENDAR",
      "BEGIN:VEVENT",
      "UID:17ee363b9d981c30@calendar.example.com",
      "ORGANIZER;CN=Dieter Krüger:mailto:dieter@example.org",
      'ATTENDEE;CN="Sabine Fischer";ROLE=REQ-PARTICIPANT:mailto:sabine@example.com',
      "END:VEVENT",
      "END:VCALENDAR",
    ];
    const ics = tok({ content: [{ type: "text", text: cal.join("\r\n") }] });
    expect(ics.found.sort()).toEqual([
      "EMAIL:dieter@example.org",
      "EMAIL:sabine@example.com",
      "NAME:Dieter Krüger",
      "NAME:Sabine Fischer",
    ]);
  });

  it("message ids and calendar UIDs written like addresses are not emails", () => {
    const mail =
      "Message-ID: <CAF3x9@mail.gmail.com>\nReferences: <x1@mx.example.com> <z2@mx.example.com>\nTo: bob@example.com";
    expect(tok(mail).found).toEqual(["EMAIL:bob@example.com"]);
    expect(tok({ internetMessageId: "<abc@mx.example.com>", sender: "jane@example.com" }).found).toEqual([
      "EMAIL:jane@example.com",
    ]);
    expect(tok('<img src="cid:logo@example.com">').found).toEqual([]);
  });

  it("WhatsApp links and signature labels (`Mob:`, `Ph:`, a line's `T:`) mark phones; a timestamp stays", () => {
    expect(tok("chat on https://wa.me/33634096136 today").found).toEqual(["PHONE:33634096136"]);
    expect(tok("Thanks,\nJane\nT: 0044 199 854 2472\nPh: 0443 756 649\nMob: 06 12 34 56 78").found).toEqual([
      "PHONE:0044 199 854 2472",
      "PHONE:0443 756 649",
      "PHONE:06 12 34 56 78",
    ]);
    expect(tok("T: 1699999999 ms\nhttps://wa.me/12").found).toEqual([]);
  });

  it("a barcode under a product-code key or label is not a card; a card number is", () => {
    const text = JSON.stringify({ ean: "4092015796637", sku: "AB-1", card: "4111 1111 1111 1111" });
    const { found } = tok({ content: [{ type: "text", text }], structuredContent: JSON.parse(text) });
    expect(found).toEqual(["CARD:4111 1111 1111 1111"]);
    expect(tok("EAN: 4092015796637").found).toEqual([]);
  });
  it("a first name that is also a month is replaced where it stands as a value in every copy, never in prose", () => {
    const record = { firstName: "May", lastName: "Okafor", notes: "Renewal due 3 May 2026" };
    const both = tok({
      content: [
        { type: "text", text: JSON.stringify(record, null, 2) },
        { type: "text", text: "May I help with anything else?" },
      ],
      structuredContent: record,
    });
    expect(both.found).toEqual(["NAME:Okafor", "NAME:May"]);
    expect(both.out).not.toMatch(/"May"|\\"May\\"/);
    expect(both.out.match(/Renewal due 3 May 2026/g)).toHaveLength(2);
    expect(both.out).toContain("May I help");
    // Text only: the JSON in the text block is the only copy.
    expect(
      tok({ content: [{ type: "text", text: JSON.stringify({ contacts: [record] }) }] }).out,
    ).not.toContain('\\"May\\"');
    // A table column and a vCard's structured name.
    const csv = tok({
      content: [{ type: "text", text: "Nachname;Vorname;Telefon\nOkafor;June;0711 9906471" }],
    });
    expect(csv.found).toContain("NAME:June");
    expect(csv.out).not.toContain(";June;");
    const card = tok(
      "BEGIN:VCARD\r\nFN:August Weber\r\nN:Weber;August;;;\r\nNOTE:due in August\r\nEND:VCARD",
    );
    expect(card.out).not.toContain(";August;");
    expect(card.out).toContain("due in August");
    // The full name is remembered: its copies in prose are replaced too.
    const full = tok({
      content: [{ type: "text", text: "Ticket assigned. April Johnson will call back." }],
      structuredContent: { assignee: { displayName: "April Johnson" } },
    });
    expect(full.out).not.toContain("April Johnson");
  });

  it("dotted versions in a table's version column are not IPv4 addresses; an address column's are", () => {
    const md = tok("| host | ip | version |\n|---|---|---|\n| web-1 | 203.0.113.50 | 4.12.1.134 |");
    expect(md.found).toEqual(["IPV4:203.0.113.50"]);
    expect(md.out).toContain("4.12.1.134");
    const sheet = tok({
      values: [
        ["Owner", "Email", "Build"],
        ["Li Wei", "li.wei@example.com", "5.18.9.47"],
      ],
    });
    expect(sheet.found).not.toContain("IPV4:5.18.9.47");
    expect(sheet.out).toContain("5.18.9.47");
  });

  it("a version column is read word by word, only in a real table, and only at its cells", () => {
    // `build_agent` and `Release notes` are not version headers: a word that contains one does not count.
    expect(tok("host,build_agent\nweb-1,203.0.113.50\n\nPlease firewall 203.0.113.50 now").found).toEqual([
      "IPV4:203.0.113.50",
    ]);
    expect(tok({ release_host: "203.0.113.50" }).found).toEqual(["IPV4:203.0.113.50"]);
    // A first line with a comma is not a table when the lines under it are not rows of it.
    const prose = tok({
      content: [{ type: "text", text: "Release notes, 2024\n203.0.113.50\nserver 203.0.113.50 was updated" }],
    });
    expect(prose.found).toEqual(["IPV4:203.0.113.50"]);
    expect(prose.out).not.toContain("203.0.113.50");
    // A real version column keeps its cells; the same dotted quad in prose below the table is an address.
    const table = tok("host,version\nweb-1,203.0.113.50\n\nPlease firewall 203.0.113.50 now");
    expect(table.found).toEqual(["IPV4:203.0.113.50"]);
    expect(JSON.parse(table.out)).toBe("host,version\nweb-1,203.0.113.50\n\nPlease firewall [IPV4_1] now");
    expect(tok({ build_number: "203.0.113.50", firmwareVersion: "198.51.100.7" }).found).toEqual([]);
  });

  it("a first name that is also a month is replaced only at name places, never in a month key or column", () => {
    const csv = tok({
      content: [
        {
          type: "text",
          text: "First name,Last name,Start month\nMay,Okafor,June\nJune,Smith,May\nTom,Lee,March",
        },
      ],
    });
    const csvText = JSON.parse(csv.out).content[0].text as string;
    const rows = csvText.split("\n").map((l) => l.split(","));
    expect(rows.slice(1).map((r) => r[2])).toEqual(["June", "May", "March"]);
    expect(rows.slice(1).every((r) => /^\[NAME_\d+\]$/.test(r[0]!))).toBe(true);
    const rec = { firstName: "June", lastName: "Okafor", startMonth: "June", cohort: "May" };
    const both = tok({
      content: [{ type: "text", text: JSON.stringify(rec, null, 2) }],
      structuredContent: rec,
    });
    const out = JSON.parse(both.out);
    const text = JSON.parse(out.content[0].text);
    // The text copy and the structured copy agree: the name is a token in both, the month in neither.
    expect(text).toEqual(out.structuredContent);
    expect(text.firstName).toMatch(/^\[NAME_\d+\]$/);
    expect(text.startMonth).toBe("June");
    const sheet = tok({
      content: [
        {
          type: "text",
          text: JSON.stringify({
            values: [
              ["First name", "Last name", "Month"],
              ["May", "Okafor", "June"],
              ["June", "Lee", "May"],
            ],
          }),
        },
      ],
    });
    const values = JSON.parse(JSON.parse(sheet.out).content[0].text).values as string[][];
    expect(values.slice(1).map((r) => r[2])).toEqual(["June", "May"]);
    expect(values.slice(1).every((r) => /^\[NAME_\d+\]$/.test(r[0]!))).toBe(true);
  });

  it("a German phone with a slash after its area code is taken beside any label, `M:` and `T:` included", () => {
    expect(tok("Thanks,\nJan\nM: 0711/2867573\nT: 030/12345678").found).toEqual([
      "PHONE:0711/2867573",
      "PHONE:030/12345678",
    ]);
    expect(tok("see 0711/2867573 and ref 030/1234567").found).toEqual([]);
  });

  it("a literal `+` in a query string with escapes is a plus, not a space: no part stays visible", () => {
    const phone = tok("GET https://api.example.com/v1/lookup?phone=+49%20151%2012345678&lang=de 200");
    expect(phone.found).toEqual(["PHONE:+49%20151%2012345678"]);
    expect(phone.out).not.toContain("phone=+");
    const email = tok("https://example.com/unsubscribe?email=jan+news%40example.com&list=7");
    expect(email.found).toEqual(["EMAIL:jan+news%40example.com"]);
    expect(email.out).toContain("?email=[EMAIL_1]&");
  });

  it("query words joined by `+` before an escaped email stay words: the shorter, space reading wins", () => {
    const words = tok("GET /s?q=Contact+Jane+jan.doe%40example.com 200");
    expect(words.found).toEqual(["EMAIL:jan.doe%40example.com"]);
    expect(JSON.parse(words.out)).toBe("GET /s?q=Contact+Jane+[EMAIL_1] 200");
    // A phone that starts at its plus keeps it.
    expect(tok("GET /s?q=call+me+%2B1+415+555+2671&x=%20 200").found).toEqual(["PHONE:%2B1+415+555+2671"]);
  });
});
