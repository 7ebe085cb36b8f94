/**
 * A second, independent labelled set: tool-result shapes written by hand from the text of issue 22 (not
 * produced by the corpus generator, whose author also wrote the detectors). Each case lists the values
 * that must not survive tokenization and the text that must survive it unchanged.
 */
import { describe, expect, it } from "vitest";
import { tokenize, Vault } from "../src/internal.js";
import type { JsonValue } from "../src/json.js";

interface Case {
  name: string;
  value: JsonValue;
  /** Personal values: none may appear in the output. */
  hidden: string[];
  /** Ordinary text: each must appear in the output as it was. */
  kept?: string[];
}

const text = (t: string): JsonValue => ({ content: [{ type: "text", text: t }] });

const CASES: Case[] = [
  {
    name: "French national numbers beside a French record",
    value: { name: "Élodie Martin", country: "France", phone: "01 42 68 53 00", note: "ou 06 12 34 56 78" },
    hidden: ["01 42 68 53 00", "06 12 34 56 78", "Élodie Martin"],
  },
  {
    name: "German numbers with a German country code field",
    value: {
      kunde: {
        vorname: "Jürgen",
        nachname: "Bauer",
        land: "DE",
        telefon: "030 90182034",
        handy: "0151 23456789",
      },
    },
    hidden: ["030 90182034", "0151 23456789", "Jürgen", "Bauer"],
  },
  {
    name: "Indian mobile numbers, international and national",
    value: {
      contact: { name: "Rahul Verma", country: "India", mobile_no: "98765 43210", alt: "+91 98765 43211" },
    },
    hidden: ["98765 43210", "+91 98765 43211", "Rahul Verma"],
  },
  {
    name: "Spanish numbers with a locale",
    value: {
      locale: "es-ES",
      cliente: "Lucía Fernández",
      telefono: "612 345 678",
      notas: "fijo 913 456 789",
    },
    hidden: ["612 345 678", "913 456 789"],
  },
  {
    name: "Italian numbers with a country name in Italian",
    value: { paese: "Italia", country: "IT", cellulare: "347 123 4567", tel: "06 6982 1234" },
    hidden: ["347 123 4567", "06 6982 1234"],
  },
  {
    name: "Brazilian numbers",
    value: { country: "Brazil", whatsapp: "(11) 91234-5678", telefone: "(21) 3456-7890" },
    hidden: ["(11) 91234-5678", "(21) 3456-7890"],
  },
  {
    name: "Japanese numbers with a locale",
    value: { locale: "ja-JP", 氏名: "山田 太郎", 電話: "03-1234-5678", 携帯: "090-1234-5678" },
    hidden: ["03-1234-5678", "090-1234-5678"],
  },
  {
    name: "a phone number stored as a JSON number under msisdn",
    value: { subscriber: { msisdn: 4915123456789, plan: "basic" } },
    hidden: ["4915123456789"],
    kept: ["basic"],
  },
  {
    name: "URL-encoded email in a query string",
    value: text("Unsubscribe: https://news.example.com/u?email=jane.doe%40example.com&list=7"),
    hidden: ["jane.doe%40example.com", "jane.doe"],
    kept: ["https://news.example.com/u?email=", "&list=7"],
  },
  {
    name: "SSN written with dots, and an ITIN",
    value: text("SSN 123.45.6789 on file; ITIN: 912-78-1234"),
    hidden: ["123.45.6789", "912-78-1234"],
  },
  {
    name: "lower-case and dash-grouped IBANs",
    value: text("pay to de89 3704 0044 0532 0130 00 or GB82-WEST-1234-5698-7654-32"),
    hidden: ["de89 3704 0044 0532 0130 00", "GB82-WEST-1234-5698-7654-32"],
  },
  {
    name: "a card grouped with no-break spaces",
    value: { note: "card 4111\u00a01111\u00a01111\u00a01111 expires 09/27" },
    hidden: ["4111\u00a01111\u00a01111\u00a01111"],
    kept: ["09/27"],
  },
  {
    name: "a sheet as a 2-D array with a header row",
    value: {
      range: "Sheet1!A1:C3",
      values: [
        ["Full Name", "Email", "Plan"],
        ["Jane Doe", "jane@example.com", "pro"],
        ["Omar Haddad", "omar@example.org", "free"],
      ],
    },
    hidden: ["Jane Doe", "Omar Haddad", "jane@example.com", "omar@example.org"],
    kept: ["Sheet1!A1:C3", "Full Name", "pro", "free"],
  },
  {
    name: "JSON inside a text block, and a second text block naming the same person",
    value: {
      content: [
        {
          type: "text",
          text: JSON.stringify({ customer: { name: "Priya Raman", email: "priya@example.in" } }),
        },
        { type: "text", text: "Ticket opened by Priya Raman yesterday." },
      ],
    },
    hidden: ["Priya Raman", "priya@example.in"],
    kept: ["Ticket opened by", "yesterday."],
  },
  {
    name: "a mail header with a display name",
    value: text("From: Jane Doe <jane.doe@example.com>\nTo: Sam Lee <sam@example.org>\nSubject: Q3 numbers"),
    hidden: ["Jane Doe", "jane.doe@example.com", "Sam Lee", "sam@example.org"],
    kept: ["Subject: Q3 numbers"],
  },
  {
    name: "versions, user agents and file names are not addresses",
    value: text("upgraded to 2.4.1.0 from Chrome/120.0.6099.109; download app-1.2.3.4.zip, see v10.2.3"),
    hidden: [],
    kept: ["2.4.1.0", "Chrome/120.0.6099.109", "app-1.2.3.4.zip", "v10.2.3"],
  },
  {
    name: "git remotes and retina asset names are not emails",
    value: { remote: "git@github.com:acme/widgets.git", icon: "assets/icon@2x.png", logo: "logo@3x.webp" },
    hidden: [],
    kept: ["git@github.com:acme/widgets.git", "assets/icon@2x.png", "logo@3x.webp"],
  },
  {
    name: "a password in a URL is a secret, not an email",
    value: { dsn: "postgres://app:s3cretPass@db.internal:5432/app" },
    hidden: ["s3cretPass"],
    kept: ["postgres://app:", "@db.internal:5432/app"],
  },
  {
    name: "placeholders in personal fields are left alone everywhere",
    value: {
      tickets: [
        { id: 1, assignee: "n/a", owner: "Support", title: "Support asked for n/a values" },
        { id: 2, assignee: "Maria Costa", owner: "none", title: "Escalate" },
      ],
    },
    hidden: ["Maria Costa"],
    kept: ["Support asked for n/a values", "n/a", "Support", "none"],
  },
  {
    name: "a first name that is also a month is not replaced in dates",
    value: {
      attendees: [{ firstName: "June", lastName: "Park", email: "june.park@example.com" }],
      note: "due in June 2025",
    },
    hidden: ["june.park@example.com", "Park"],
    kept: ["due in June 2025"],
  },
  {
    name: "the same phone as a number and as text gets one token",
    value: { phone: 4155552671, note: "call 415-555-2671 or 4155552671" },
    hidden: ["4155552671", "415-555-2671"],
  },
  {
    name: "people under roles and FHIR names",
    value: {
      pr: { author: { login: "jdoe", name: "John Doe" }, assignees: [{ login: "akim", name: "Alice Kim" }] },
      patient: { resourceType: "Patient", name: [{ given: ["Ana", "Luísa"], family: "Souza" }] },
    },
    hidden: ["John Doe", "Alice Kim", "Souza", "Luísa"],
    kept: ["Patient"],
  },
  {
    name: "emails with non-ASCII local parts and domains",
    value: text("write to josé.garcía@correo.es or 用户@例子.中国 today"),
    hidden: ["josé.garcía@correo.es", "用户@例子.中国", "garcía@correo"],
  },
  {
    name: "ids, hashes, order numbers, ISBNs and timestamps stay",
    value: {
      order: "ORD-2024-000123",
      sha: "e3b0c44298fc1c149afbf4c8996fb924",
      isbn: "ISBN 978-3-16-148410-0",
      ts: 1700000000000,
      created: "2024-11-05T10:22:31Z",
      mac: "00:1a:2b:3c:4d:5e",
    },
    hidden: [],
    kept: [
      "ORD-2024-000123",
      "e3b0c44298fc1c149afbf4c8996fb924",
      "ISBN 978-3-16-148410-0",
      "2024-11-05T10:22:31Z",
      "00:1a:2b:3c:4d:5e",
    ],
  },
];

describe("hand-written tool results (independent of the corpus generator)", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const out = JSON.stringify(tokenize(c.value, new Vault()));
    const plain = JSON.parse(out) as JsonValue;
    const flat = JSON.stringify(plain);
    for (const v of c.hidden) {
      expect(flat.includes(JSON.stringify(v).slice(1, -1)), `still visible: ${v}`).toBe(false);
    }
    for (const k of c.kept ?? [])
      expect(flat.includes(JSON.stringify(k).slice(1, -1)), `changed: ${k}`).toBe(true);
  });
});
