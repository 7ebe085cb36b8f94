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
});
