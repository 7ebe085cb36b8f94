/**
 * Classes a sixth pass over the third set found, one behaviour each, through the public API: states and
 * teams in role and name fields told from names by general word lists (common English words, parts of
 * people's names), a contracted negation, words that end a company's or a unit's name, role and name keys
 * in other languages, and keys for a person's act (`deployed_by`). The values here are not the sets'.
 */
import { describe, expect, it } from "vitest";
import { text, tok } from "./found.js";

describe("classes of a sixth pass (states and teams in role fields, role keys abroad)", () => {
  it("a role field's value of common English words none of which is a name part is no person", () => {
    const a = tok({
      tickets: [
        { assignee: "Under Investigation", owner: "Growth Marketing", reviewer: "Security Review" },
        { assignee: "Grace Hopper", owner: "Rose Park", reviewer: "Will Smith", author: "Joy Young" },
        // A function word says nothing, a letter alone is an initial, a short word may be a romanized name.
        { assignee: "In Ho", owner: "On Yee", reviewer: "A. B.", author: "Ma Bin" },
      ],
    });
    expect(a.found).toEqual([
      "NAME:Grace Hopper",
      "NAME:Rose Park",
      "NAME:Will Smith",
      "NAME:Joy Young",
      "NAME:In Ho",
      "NAME:On Yee",
      "NAME:A. B.",
      "NAME:Ma Bin",
    ]);
  });

  it("a person's name field holds no phrase of common words, nor a participle alone; a word-like given name stays", () => {
    const a = tok({
      contacts: [
        { name: "Quality Assurance", email: "qa@example.org" },
        { name: "Archived", email: "old@example.org" },
        { name: "Poppy", email: "poppy@example.org" },
        { first_name: "Holly", last_name: "Brooks", full_name: "Ivy Summer" },
      ],
    });
    expect(a.found).toEqual([
      "EMAIL:qa@example.org",
      "EMAIL:old@example.org",
      "NAME:Poppy",
      "EMAIL:poppy@example.org",
      "NAME:Holly",
      "NAME:Brooks",
      "NAME:Ivy Summer",
    ]);
  });

  it("a value with a contracted negation is no name, in a role field or a person's name field", () => {
    const a = tok({
      assignee: "Can't Reproduce",
      contact: { name: "Doesn't Apply", email: "x@example.net" },
    });
    expect(a.found).toEqual(["EMAIL:x@example.net"]);
  });

  it("a value ending in a word for a company or a unit is no person", () => {
    const a = tok({
      vendor: { name: "Wayne Enterprises", email: "ap@example.com" },
      owner: "Payments Squad",
      manager: "Hooli Labs",
    });
    expect(a.found).toEqual(["EMAIL:ap@example.com"]);
  });

  it("role and name keys and headers in other languages hold people", () => {
    const json = tok({
      担当者: "佐藤 花子",
      responsável: "João Pereira",
      właściciel: "Anna Nowak",
      encargado: "Lucía Romero",
      kund: { nazwisko: "Kowalczyk", imię: "Ewa", фамилия: "Иванова" },
    });
    expect(json.found).toEqual([
      "NAME:佐藤 花子",
      "NAME:João Pereira",
      "NAME:Anna Nowak",
      "NAME:Lucía Romero",
      "NAME:Kowalczyk",
      "NAME:Ewa",
      "NAME:Иванова",
    ]);
    const sheet = tok({
      values: [
        ["Ansprechpartner", "Status"],
        ["Jürgen Vogel", "offen"],
      ],
    });
    expect(sheet.found).toEqual(["NAME:Jürgen Vogel"]);
    const csv = tok(text("Ansvarig;E-post\nSvea Lind;svea@example.se\n"));
    expect(csv.found).toEqual(["NAME:Svea Lind", "EMAIL:svea@example.se"]);
  });

  it("a key for a person's act (`deployed_by`) holds a person; one for a machine's act does not", () => {
    const a = tok({ deployed_by: "Maria Santos", last_merge_by: "Tom Lee", triggered_by: "Jenkins" });
    expect(a.found).toEqual(["NAME:Maria Santos", "NAME:Tom Lee"]);
  });

  // Review of the sixth pass: values of role keys abroad, generic name keys abroad, word-like given names,
  // surnames that are words for bodies, products in `<act>_by` keys.
  it("a role key abroad holding a placeholder, a phrase with a lower-case word or a department holds no person", () => {
    const a = tok({
      tasks: [
        {
          Zuständig: "Ausstehend",
          responsabile: "Non assegnato",
          asignado: "Nadie",
          ansvarig: "Ej tilldelad",
        },
        { исполнитель: "Не указан", 担当: "未設定", 处理人: "暂无", 담당자: "미지정" },
        {
          Bearbeiter: "Vertriebsabteilung",
          responsable: "Équipe Ventes",
          经办人: "研发部",
          担当者: "人事部",
        },
        // Names keep a lower-case particle of four letters (`della`), and a family name may end in 部.
        { responsabile: "Lucia della Valle", Kontakt: "Nur binti Yusof", 担当者: "岡部 真一" },
      ],
    });
    expect(a.found).toEqual(["NAME:Lucia della Valle", "NAME:Nur binti Yusof", "NAME:岡部 真一"]);
    // A value not taken is not replaced elsewhere in the result either.
    const b = tok({ Verantwortlich: "Offen", Status: "Offen", Notiz: "Vorgang bleibt Offen" });
    expect(b.found).toEqual([]);
  });

  it("a generic word for a name abroad (`имя`, `jméno`, `名字`) in a longer key holds no person; alone beside an email it does", () => {
    const a = tok({
      имя_проекта: "Северный Ветер",
      "jméno souboru": "Výkaz Leden",
      名字: "星火计划",
      "uživatelské jméno": "pdvorak",
    });
    expect(a.found).toEqual([]);
    const b = tok({ jméno: "Petra Dvořáková", email: "petra@example.cz" });
    expect(b.found).toEqual(["NAME:Petra Dvořáková", "EMAIL:petra@example.cz"]);
  });

  it("a role field's single word is a given name though a common word, unless a participle", () => {
    // Norwegian given names that are English words and in no list of name parts.
    const a = tok({
      reviewers: [{ reviewer: "Odd" }, { reviewer: "Balder" }, { reviewer: "Reviewed" }],
    });
    expect(a.found).toEqual(["NAME:Odd", "NAME:Balder"]);
    const mail = tok(text("From: Ask <ask@example.no>\nTo: Blocked <b@example.no>\nSubject: hei\n"));
    expect(mail.found).toContain("NAME:Ask");
    expect(mail.found).not.toContain("NAME:Blocked");
  });

  it("a surname that is also a word for a body (`Bureau`, `Council`) ends a person's name", () => {
    const a = tok({ owner: "Marie Bureau", manager: "Tom Council", lead: "Finance Squad" });
    expect(a.found).toEqual(["NAME:Marie Bureau", "NAME:Tom Council"]);
  });

  it("a machine's act (`paid_by`, `signed_by`) or a product with a capital inside holds no person", () => {
    const a = tok({
      paid_by: "Stripe",
      signed_by: "DocuSign",
      locked_by: "Atlantis",
      checked_by: "Snyk",
      deployed_by: "CloudBuild",
      reviewed_by: "CodeRabbit",
      merged_by: "MacKenzie Ross",
      edited_by: "DeAndre",
    });
    expect(a.found).toEqual(["NAME:MacKenzie Ross", "NAME:DeAndre"]);
  });

  it("names with lower-case particles or surnames, joined name parts or a foreign placeholder word stay names in role fields", () => {
    const names = [
      "Juan dela Cruz",
      "Mohamed ould Abdel Aziz",
      "Jimmy anak Donald",
      "John smith",
      "NicAodha",
      "VanderLinden",
      "AnnaMaria",
      "Ron Offen",
      "Hans Keiner",
    ];
    const a = tok({ tasks: names.map((assignee) => ({ assignee, title: "Review" })) });
    expect(a.found).toEqual(names.map((n) => `NAME:${n}`));
    // A placeholder abroad is a role's whole value only; as a name field's value it is a surname too.
    expect(tok({ contact: { full_name: "Offen", email: "o@example.de" } }).found).toContain("NAME:Offen");
  });

  it("a one-word state or team in a role field is tokenized there only, never where the same word sits elsewhere", () => {
    const a = tok({
      tasks: [
        { title: "Fix login", assignee: "Open", status: "Open" },
        { title: "Audit", owner: "Security", team: "Security" },
      ],
      note: "3 tickets Open, 1 with Security",
    });
    expect(a.out).toContain('"status":"Open"');
    expect(a.out).toContain('"team":"Security"');
    expect(a.out).toContain("3 tickets Open, 1 with Security");
    // A given name in a person's name field is still remembered everywhere.
    const b = tok({ contact: { name: "Poppy", email: "p@example.org" }, note: "Call Poppy back" });
    expect(b.out).not.toContain("Poppy");
  });
});
