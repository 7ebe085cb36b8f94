import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cardDetector,
  customDetector,
  type Detector,
  defaultDetectors,
  emailDetector,
  ibanDetector,
  ibanValid,
  ipv4Detector,
  ipv4Valid,
  ipv6Detector,
  ipv6Valid,
  luhn,
  type Match,
  phoneDetector,
  ssnDetector,
} from "../src/internal.js";

/** The substrings a detector finds in `text`. */
function found(d: Detector, text: string, key?: string): string[] {
  const out: Match[] = [];
  d.find(text, out, { key });
  return out.map((m) => text.slice(m.start, m.end));
}

describe("email", () => {
  const d = emailDetector();
  it.each([
    ["write to ann.lee@example.com today", "ann.lee@example.com"],
    ["<o'brien+tag@mail.co.uk>", "o'brien+tag@mail.co.uk"],
    ["mailto:x_y-z@sub.domain.io.", "x_y-z@sub.domain.io"],
    ["(bob@corp.travel)", "bob@corp.travel"],
  ])("finds %s", (text, want) => expect(found(d, text)).toEqual([want]));
  it.each([
    "@mention in a chat",
    "npm i @scope/pkg@1.2.3",
    "user@localhost",
    "a@b",
    "name@domain.c",
    "..@example.com",
    "x@-bad.com",
    "price 5@3.50",
  ])("ignores %s", (text) => expect(found(d, text)).toEqual([]));
  it("finds several in one string", () => {
    expect(found(d, "a@x.org, b@y.net; c@z.com")).toEqual(["a@x.org", "b@y.net", "c@z.com"]);
  });
});

describe("card", () => {
  const d = cardDetector();
  it("Luhn", () => {
    expect(luhn("4111111111111111")).toBe(true);
    expect(luhn("4111111111111112")).toBe(false);
  });
  it.each([
    ["card 4111 1111 1111 1111 exp 12/27", "4111 1111 1111 1111"],
    ["4111-1111-1111-1111", "4111-1111-1111-1111"],
    ["amex 378282246310005", "378282246310005"],
    ["mc 5555555555554444.", "5555555555554444"],
    ["discover 6011111111111117", "6011111111111117"],
  ])("finds %s", (text, want) => expect(found(d, text)).toEqual([want]));
  it.each([
    "4111 1111 1111 1112", // fails Luhn
    "order 1234567812345670", // passes Luhn, no card scheme starts with 1
    "4111 1111-1111 1111", // mixed separators
    "ts 1700000000000",
    "id ORD-4111111111111111",
    "v4111111111111111",
  ])("ignores %s", (text) => expect(found(d, text)).toEqual([]));
  it("numbers", () => {
    expect(d.matchNumber?.(4111111111111111)).toBe(true);
    expect(d.matchNumber?.(4111111111111112)).toBe(false);
    expect(d.matchNumber?.(1700000000000)).toBe(false);
    expect(d.matchNumber?.(4.5)).toBe(false);
  });
});

describe("IBAN", () => {
  const d = ibanDetector();
  it("mod-97 and country length", () => {
    expect(ibanValid("DE89370400440532013000")).toBe(true);
    expect(ibanValid("DE89370400440532013001")).toBe(false);
    expect(ibanValid("DE8937040044053201300")).toBe(false); // one short for DE
    expect(ibanValid("XX89370400440532013000")).toBe(false); // no such country
  });
  it.each([
    ["IBAN: DE89 3704 0044 0532 0130 00 (Berlin)", "DE89 3704 0044 0532 0130 00"],
    ["GB82WEST12345698765432", "GB82WEST12345698765432"],
    ["to FR14 2004 1010 0505 0001 3M02 606 now", "FR14 2004 1010 0505 0001 3M02 606"],
    ["NL91ABNA0417164300, thanks", "NL91ABNA0417164300"],
  ])("finds %s", (text, want) => expect(found(d, text)).toEqual([want]));
  it.each([
    "DE89 3704 0044 0532 0130 01", // fails mod-97
    "GB82WEST1234569876543", // too short
    "SKU AB12CDEF34567890",
    "DE89370400440532013000X",
  ])("ignores %s", (text) => expect(found(d, text)).toEqual([]));
});

describe("SSN", () => {
  const d = ssnDetector();
  it.each([
    ["ssn 123-45-6789", "123-45-6789"],
    ["SSN: 536 22 1234.", "536 22 1234"],
  ])("finds %s", (text, want) => expect(found(d, text)).toEqual([want]));
  it.each([
    "000-12-3456",
    "666-12-3456",
    "912-34-5678",
    "123-00-4567",
    "123-45-0000",
    "078-05-1120",
    "123-45-67890",
    "123-45 6789",
    "call 555-123-4567",
    "2024-01-15",
  ])("ignores %s", (text) => expect(found(d, text)).toEqual([]));
});

describe("IP addresses", () => {
  const v4 = ipv4Detector();
  const v6 = ipv6Detector();
  it("the IPv4 scan agrees with splitting into four octets, on any digits and dots", () => {
    const bySplit = (t: string) => {
      const parts = t.split(".");
      return parts.length === 4 && parts.every((p) => /^(?:0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
    };
    const text = fc
      .array(fc.constantFrom(..."0123456789.", "25", "255", "256", "00"), { maxLength: 16 })
      .map((xs) => xs.join(""));
    fc.assert(
      fc.property(text, (t) => {
        expect(ipv4Valid(t)).toBe(bySplit(t));
      }),
      { numRuns: 3000 },
    );
  });
  it("validators", () => {
    expect(ipv4Valid("192.168.0.1")).toBe(true);
    expect(ipv4Valid("256.1.1.1")).toBe(false);
    expect(ipv4Valid("01.2.3.4")).toBe(false);
    expect(ipv4Valid("0.0.0.0")).toBe(true);
    expect(ipv4Valid("1.2.3.4.")).toBe(false);
    expect(ipv4Valid("1..3.4")).toBe(false);
    expect(ipv4Valid("1234.1.1.1")).toBe(false);
    expect(ipv6Valid("2001:db8::1")).toBe(true);
    expect(ipv6Valid("::ffff:192.0.2.1")).toBe(true);
    expect(ipv6Valid("2001:0db8:85a3:0000:0000:8a2e:0370:7334")).toBe(true);
    expect(ipv6Valid("1::2::3")).toBe(false);
    expect(ipv6Valid("12345::1")).toBe(false);
    expect(ipv6Valid("1:2:3:4:5:6:7")).toBe(false);
  });
  it.each([
    ["from 10.0.0.12:8080", "10.0.0.12"],
    ["host 192.168.1.254.", "192.168.1.254"],
    ["8.8.8.8, 1.1.1.1", "8.8.8.8|1.1.1.1"],
  ])("IPv4 finds %s", (text, want) => expect(found(v4, text)).toEqual(want.split("|")));
  it.each([
    "version 1.2.3.4",
    "v10.4.2.1",
    "upgraded to 2.0.1.3",
    "pkg@1.2.3.4",
    "300.1.2.3",
    "1.2.3.4.5",
    "1.2.3",
    "01.02.03.04",
  ])("IPv4 ignores %s", (text) => expect(found(v4, text)).toEqual([]));
  it("IPv4 ignores values under a version key", () => expect(found(v4, "1.2.3.4", "appVersion")).toEqual([]));
  it.each([
    ["ping 2001:db8::ff00:42:8329 ok", "2001:db8::ff00:42:8329"],
    ["[fe80::1ff:fe23:4567:890a]:443", "fe80::1ff:fe23:4567:890a"],
    ["loopback ::1", "::1"],
    ["mapped ::ffff:192.0.2.128", "::ffff:192.0.2.128"],
  ])("IPv6 finds %s", (text, want) => expect(found(v6, text)).toEqual([want]));
  it.each([
    "at 12:30:45",
    "mac 00:1A:2B:3C:4D:5E",
    "std::vector<int>",
    "dead::beef",
    "1:2:3:4:5:6:7:8:9",
    "a::b::c",
  ])("IPv6 ignores %s", (text) => expect(found(v6, text)).toEqual([]));
});

describe("phone", () => {
  const d = phoneDetector();
  it.each([
    ["call +1 415-555-2671 now", "+1 415-555-2671"],
    ["+44 20 7946 0958", "+44 20 7946 0958"],
    ["+49 30 901820", "+49 30 901820"],
    ["0044 20 7946 0958", "0044 20 7946 0958"],
    ["office (415) 555-2671.", "(415) 555-2671"],
    ["415.555.2671", "415.555.2671"],
    ["cell 415-555-2671 2 times", "415-555-2671"],
    ["London 020 7946 0958", "020 7946 0958"],
    ["Order 12 415-555-2671", "415-555-2671"],
  ])("finds %s", (text, want) => expect(found(d, text)).toEqual([want]));
  it.each([
    "2024-01-15",
    "15.01.2024",
    "4155552671", // bare digits: an id more often than a phone number
    "ORD-415-555-2671",
    "+1 123-456-7890", // no US area code starts with 1
    "call 555-0100", // too short
    "ts 1700000000",
    "192.168.10.200",
    "version 2.10.3",
  ])("ignores %s", (text) => expect(found(d, text)).toEqual([]));
  it("regions are configurable; beside a phone label any major region's national number counts", () => {
    expect(found(phoneDetector({ regions: ["DE"] }), "ref 030 901820")).toEqual(["030 901820"]);
    expect(found(phoneDetector({ regions: ["US"] }), "ref 030 901820")).toEqual([]);
    expect(found(phoneDetector({ regions: ["US"] }), "Tel. 030 901820")).toEqual(["030 901820"]);
  });
});

describe("custom detectors and switches", () => {
  it("pattern plus validator", () => {
    const d = customDetector({
      type: "EMPLOYEE_ID",
      pattern: /\bEMP-\d{6}\b/,
      mustContain: "EMP-",
      validate: (s) => Number(s.slice(4)) % 7 === 0,
      confidence: 0.7,
    });
    expect(found(d, "EMP-000007 and EMP-000008")).toEqual(["EMP-000007"]);
    expect(d.confidence).toBe(0.7);
  });
  it("rejects a bad type name", () => {
    expect(() => customDetector({ type: "employee id", pattern: /x/ })).toThrow(/upper case/);
  });
  it("built-ins can be switched off, and each has a confidence", () => {
    const all = defaultDetectors();
    expect(all.map((d) => d.type)).toEqual([
      "SECRET",
      "EMAIL",
      "NAME",
      "IBAN",
      "CARD",
      "SSN",
      "IPV6",
      "IPV4",
      "PHONE",
    ]);
    for (const d of all) expect(d.confidence).toBeGreaterThan(0);
    expect(defaultDetectors({ disable: ["IPV4", "IPV6"] }).map((d) => d.type)).not.toContain("IPV4");
  });
});
