/**
 * Classes a fifth pass found, one behaviour each, through the public API: a date and a time read as a
 * national phone number, a phone number beside a timestamp missed or cut, a dated build number read as a
 * phone number, Mexican mobile numbers in their former international spelling (`+52 1 ...`), and a record's
 * numeric id read as a card number. The values here are not the sets'.
 */
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../src/json.js";
import { text, tok } from "./found.js";

describe("classes of a fifth pass (timestamps beside phone numbers, dated build numbers)", () => {
  it("a day-first date and a time is no national phone number of the record's region", () => {
    const rows: JsonValue = [
      { country: "DE", created: "17.03.2022 04:51", updated: "17-03-2022 04:51:09", seen: "17.03.22 4:51" },
      { country: "DE", created: "05.12.2022 02.15", note: "time written with dots" },
      { country: "FR", created: "03-11-2021 22:05", closed: "03.11.2021 22.05" },
      { land: "AT", erstellt: "9.4.2024 13:30 Uhr", geaendert: "09.04.2024, 13:30", telefon: "0662 878787" },
    ];
    expect(tok(text(JSON.stringify(rows))).found).toEqual(["PHONE:0662 878787"]);
    expect(tok(rows).found).toEqual(["PHONE:0662 878787"]);
  });

  it("a phone number right after or before a timestamp is found whole, and the timestamp stays", () => {
    const log = [
      "2022-03-17 04:51:04 0351 4567890 queued",
      "2022-03-17T04:51:09.512+0100 0351 4567891 callback",
      "17.03.2022 04:51 0351 4567892 missed",
      "2022-03-17 0351 4567893",
      "0351 4567894 2022-03-17 04:51",
    ].join("\n");
    const a = tok({ country: "DE", log });
    expect(a.found).toEqual([
      "PHONE:0351 4567890",
      "PHONE:0351 4567891",
      "PHONE:0351 4567892",
      "PHONE:0351 4567893",
      "PHONE:0351 4567894",
    ]);
    for (const stamp of ["2022-03-17 04:51:04", "2022-03-17T04:51:09.512+0100", "17.03.2022 04:51"])
      expect(a.out).toContain(stamp);
    // International numbers after a time and its offset, in a record naming no region.
    expect(tok(text("2022-03-17T04:51:09+01:00 +49 351 4567895 ok")).found).toEqual([
      "PHONE:+49 351 4567895",
    ]);
  });

  it("a number after a colon that is no time's (a numbered label, a + or a trunk prefix first) is found whole", () => {
    const t = [
      "phone2:+44 20 7946 0958",
      "mobile1:+4915112345678",
      "Contacts 1:+33 6 12 34 56 78",
      "home1:020 7946 0958",
      "called at 10:30:+14155550132",
      "tel2:+1 415 555 0132",
    ].join("\n");
    expect(tok(text(t)).found).toEqual([
      "PHONE:+44 20 7946 0958",
      "PHONE:+4915112345678",
      "PHONE:+33 6 12 34 56 78",
      "PHONE:020 7946 0958",
      "PHONE:+14155550132",
      "PHONE:+1 415 555 0132",
    ]);
  });

  it("a compact date and a counter is a build number, not a national phone number", () => {
    const rows = [
      { country_code: "CN", build_id: "20220317.42", release: "20220317-7", mobile: "139 1234 5678" },
    ];
    expect(tok(text(JSON.stringify(rows))).found).toEqual(["PHONE:139 1234 5678"]);
    // Under a phone key or beside a phone word it still is one.
    expect(tok({ country_code: "CN", phone: "20220317.42" }).found).toEqual(["PHONE:20220317.42"]);
  });

  it("a Mexican mobile number written with the former 1 after +52 is one number, and no SSN", () => {
    const mail = "Saludos,\nAna\nMobile: +521 33 1234 5678\nOficina: +52 1 81 8765 4321, 0052 1 55 2345 6789";
    expect(tok(text(mail)).found).toEqual([
      "PHONE:+521 33 1234 5678",
      "PHONE:+52 1 81 8765 4321",
      "PHONE:0052 1 55 2345 6789",
    ]);
    // Digits right after a `+` are never an SSN, whatever follows.
    expect(tok(text("ref +123 45 6789")).found).toEqual([]);
  });

  it("a JSON number under an identifier's key is a record's id, even when it passes Luhn", () => {
    // 4532015112830366 and 6011000990139424 pass Luhn with a card scheme's prefix.
    const order = { id: 4532015112830366, customer: { customerId: 6011000990139424, tags: "vip" } };
    expect(tok(order).found).toEqual([]);
    expect(tok(text(JSON.stringify(order))).found).toEqual([]);
    // Under any other key, or as a string beside a card word, it still is a card number.
    expect(tok({ pan: 4532015112830366, note: "card 6011 0009 9013 9424" }).found).toEqual([
      "CARD:4532015112830366",
      "CARD:6011 0009 9013 9424",
    ]);
    // An id key that names a payment card may hold the card's number.
    const wallet = { card_id: 4532015112830366, primary_card_id: 6011000990139424, cc_id: 5500005555555559 };
    const cards = ["CARD:4532015112830366", "CARD:6011000990139424", "CARD:5500005555555559"];
    expect(tok(wallet).found).toEqual(cards);
    expect(tok(text(JSON.stringify(wallet))).found).toEqual(cards);
  });
});
