/**
 * Classes left over from issue 22's audit, one behaviour each, through the public API: a record's
 * international number sets the region of its other numbers; full-width labels are read as labels and a
 * value in full width shares its ASCII copy's token; a desk's quoted `"Sales, EMEA"` is no `Family,
 * Given`. The values here are made up for these tests, not taken from the sets.
 */
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../src/json.js";
import { tokenize, untokenize, Vault } from "../../src/privacy/index.js";
import { text, tok } from "./found.js";

describe("leftover classes of issue 22 (regions from a + number)", () => {
  it("a + number under a phone key makes its record's national numbers phones of that region", () => {
    const records: { [key: string]: JsonValue }[] = [
      { phone: "+33 7 81 22 45 09", mobile: "06 47 19 83 52" },
      { tel: "+49 89 4417263", privat: "0152 38461907" },
      { telefono: "+34 655 201 874", fijo: "934 118 260" },
      { phone: "+91 99012 76345", alt: "87654 12098" },
      { phone: "+55 21 98765-4321", home: "(31) 3456-7812" },
      { phone: "+81 80-2468-1357", office: "06-6543-2109" },
      // A child record's number sets its parent's region, as a child's `country` does.
      { contact: { phone: "+33 6 73 40 18 26" }, secondary: "01 44 72 39 61" },
    ];
    for (const r of records) {
      const a = tok(r);
      const national = Object.values(r).at(-1) as string;
      expect(a.found, JSON.stringify(r)).toContain(`PHONE:${national}`);
    }
  });

  it("in text, a labelled + number sets the region of the unlabelled numbers beside it", () => {
    const a = tok(text("Phone: +33 6 51 90 27 34\nBureau: 04 72 18 93 65"));
    expect(a.found).toContain("PHONE:04 72 18 93 65");
  });

  it("a + number's region admits only numbers written as its region writes them", () => {
    // A count without France's trunk prefix, a NANP number's record, and a + number under no phone key.
    const a = tok({ phone: "+33 7 81 22 45 09", visits: "159 662 112" });
    expect(a.out).toContain("159 662 112");
    const b = tok({ phone: "+1 415 555 0134", ref: "06 47 19 83 52" });
    expect(b.out).toContain("06 47 19 83 52");
    // A number under an identifier's key is the record's id, not a sibling to read in the region.
    const d = tok({ phone: "+65 6287 1934", receipt_number: "9318-2756" });
    expect(d.out).toContain("9318-2756");
    const c = tok({ sku: "+33 7 81 22 45 09", ref: "06 47 19 83 52" });
    expect(c.out).toContain("06 47 19 83 52");
  });
});

describe("a + number's region reads its record's own strings only (review F)", () => {
  it("never an identifier's value, nor one below the record", () => {
    const a = tok({
      phone: "+65 6287 1934",
      mobile: "8123 4567",
      receipt_number: "9318-2756",
      order_id: "6123-4567",
    });
    expect(a.found).toContain("PHONE:8123 4567");
    for (const id of ["9318-2756", "6123-4567"]) expect(a.out).toContain(id);
    const b = tok({ phone: "+91 98765 43210", alt: "87654 12098", ref_no: "99887 76655" });
    expect(b.found).toContain("PHONE:87654 12098");
    expect(b.out).toContain("99887 76655");
    const c = tok({ phone: "+33 6 12 34 56 78", tracking_no: "06 12 34 56 79" });
    expect(c.out).toContain("06 12 34 56 79");
    const d = tok({
      contact: { phone: "+33 6 12 34 56 78", mobile: "06 98 76 54 32" },
      items: [{ sku: "06 47 19 83 52", lot: { code: "04 72 18 93 65" } }],
    });
    expect(d.found).toContain("PHONE:06 98 76 54 32");
    for (const id of ["06 47 19 83 52", "04 72 18 93 65"]) expect(d.out).toContain(id);
  });
});

describe("leftover classes of issue 22 (full-width forms)", () => {
  it("a label in full-width letters and colon is read as a label", () => {
    for (const t of [
      "ＴＥＬ：０６－４３２１－８７６５",
      "ＦＡＸ：０４５－６７８－９０１２",
      "Ｍｏｂｉｌｅ：０８０－５５１２－３３９０",
    ]) {
      const a = tok(text(t));
      expect(a.found, t).toHaveLength(1);
      expect(a.found[0], t).toMatch(/^PHONE:/);
    }
  });

  it("a value in full width and its ASCII copy are both tokenized, and each is restored as it was written", () => {
    const vault = new Vault();
    const value = {
      phone: "０８０－２２３３－４４５５",
      note: "or 080-2233-4455 after six",
      email: "ｋｅｎ．ｓａｔｏ＠ｅｘａｍｐｌｅ．ｊｐ",
      cc: "ken.sato@example.jp",
    };
    const out = tokenize(value, vault) as Record<string, string>;
    for (const v of Object.values(value))
      expect(JSON.stringify(out)).not.toContain(v.replace("or ", "").replace(" after six", ""));
    expect(out.note).toMatch(/^or \[PHONE_\d+\] after six$/);
    // One token per width: a tool that gets the ASCII address back gets an address it can use.
    expect(untokenize(out, vault).value).toEqual(value);
  });
});

describe("leftover classes of issue 22 (a desk's quoted display name)", () => {
  const names = (display: string) =>
    tok(text(`From: "${display}" <box17@example.net>\nSee below.`)).found.filter((f) =>
      f.startsWith("NAME:"),
    );

  it("a quoted `X, Y` whose given part is in capitals or two common words joined is a desk, not a person", () => {
    for (const d of ["Billing, LATAM", "Sales, APJ", "IT, Frontdesk", "Ops, Mailroom"])
      expect(names(d), d).toEqual([]);
  });

  it("a quoted `Family, Given` is still a person, a family name in capitals too", () => {
    for (const [d, given] of [
      ["OKONKWO, Adaeze", "Adaeze OKONKWO"],
      ["Haugen, Ingrid", "Ingrid Haugen"],
      ["Tan, Mei Ling", "Mei Ling Tan"],
      ["Ferreira, João", "João Ferreira"],
    ] as const) {
      expect(names(d), d).toContain(`NAME:${given}`);
    }
  });
});

describe("a record of label lines holding characters outside the BMP (review F)", () => {
  it("a line of emoji under 80 characters still continues the record, so its name is found", () => {
    const bio = `Coffee lover \u2615 and hiker ${"\u{1F332}".repeat(30)} end`;
    const a = tok(text(`name: Jane Doe\nbio: ${bio}\nemail: jane@example.com`));
    expect(a.found).toContain("NAME:Jane Doe");
  });
});
