/**
 * Classes a fifth pass found, one behaviour each, through the public API: a date and a time read as a
 * national phone number, a phone number beside a timestamp missed or cut, and a dated build number read
 * as a phone number. The values here are not the sets'.
 */
import { describe, expect, it } from "vitest";
import { text, tok } from "./found.js";

describe("classes of a fifth pass (timestamps beside phone numbers, dated build numbers)", () => {
  it("a day-first date and a time is no national phone number of the record's region", () => {
    const rows = [
      { country: "DE", created: "17.03.2022 04:51", updated: "17-03-2022 04:51:09", seen: "17.03.22 4:51" },
      { country: "FR", created: "03-11-2021 22:05", closed: "03.11.2021 22.05" },
      { land: "AT", erstellt: "9.4.2024 13:30 Uhr", geaendert: "09.04.2024, 13:30", telefon: "0662 878787" },
    ];
    expect(tok(text(JSON.stringify(rows))).found).toEqual(["PHONE:0662 878787"]);
    expect(tok(rows).found).toEqual(["PHONE:0662 878787"]);
  });

  it("a phone number right after or before a timestamp is found whole, and the timestamp stays", () => {
    const log = [
      "2022-03-17 04:51:09 sms to 0351 4567890 queued",
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
    for (const stamp of ["2022-03-17 04:51:09", "2022-03-17T04:51:09.512+0100", "17.03.2022 04:51"])
      expect(a.out).toContain(stamp);
    // International numbers after a time and its offset, in a record naming no region.
    expect(tok(text("2022-03-17T04:51:09+01:00 +49 351 4567895 ok")).found).toEqual([
      "PHONE:+49 351 4567895",
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
});
