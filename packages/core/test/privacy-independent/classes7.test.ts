/**
 * Classes a seventh pass found in national phone formats, one behaviour each, through the public API: a
 * configured region's numbers written as people there write them (no trunk prefix where the plan has
 * none, `8` in Russia, bare with the trunk prefix), numbers in a text whose named country says the region,
 * amounts grouped as phones, and full-width digits or the long-vowel mark as a dash in Japanese text. Each positive
 * sits beside hard negatives of the same prose (order numbers, invoices, amounts, dates, versions).
 */
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../src/json.js";
import { defaultDetectors, tokenize, untokenize, Vault } from "../../src/privacy/index.js";
import { text, tok } from "./found.js";

/** {@link tok} with the phone regions a deployment configured. */
function tokIn(regions: string[], value: JsonValue) {
  const vault = new Vault();
  const out = tokenize(value, vault, { detectors: defaultDetectors({ phone: { regions } }) });
  expect(untokenize(out, vault).value).toEqual(value);
  return { out: JSON.stringify(out), found: [...vault.entries()].map((e) => `${e.type}:${e.value}`) };
}

describe("classes of a seventh pass (national phone formats by configuration, named country and width)", () => {
  it("a configured region's valid numbers count as its plan writes them, with or without a trunk prefix", () => {
    const cases: [string, string][] = [
      ["BR", "(21) 98765-4321"],
      ["MX", "33 3456 7890"],
      ["PL", "601 234 567"],
      ["IN", "91234 56789"],
      ["CN", "139 8765 4321"],
      ["RU", "8 (903) 123-45-67"],
      ["CL", "(2) 2987 6543"],
      ["CO", "310 9876543"],
      ["SG", "9123 4567"],
    ];
    for (const [region, number] of cases) {
      expect(tokIn([region], text(`Visit logged; customer reached at ${number} after lunch`)).found).toEqual([
        `PHONE:${number}`,
      ]);
    }
    // A prefix the plan writes but the text drops is a count; an invalid group is an id.
    expect(tokIn(["FR"], text("Lot 781 234 567 shipped, 159 662 112 units")).found).toEqual([]);
    expect(tokIn(["PL"], text("Zamówienie 112 345 67 z dnia 12 03 2024")).found).toEqual([]);
  });

  it("a configured region's bare run written with its trunk prefix counts, a bare run without it does not", () => {
    expect(tokIn(["FR"], text("Rappeler le 0781234567 avant vendredi")).found).toEqual(["PHONE:0781234567"]);
    expect(tokIn(["DE"], text("Rückruf an 015123456789 erbeten")).found).toEqual(["PHONE:015123456789"]);
    expect(tokIn(["FR"], text("Commande 781234567 du 12 mars, ticket 2024031512")).found).toEqual([]);
  });

  it("digits grouped as a plan groups a phone, beside a decimal part or a currency, are an amount", () => {
    expect(tokIn(["PL"], text("Kwota do zapłaty wynosi 512 345 678,50 zł, termin 14 dni")).found).toEqual([]);
    expect(tokIn(["PL"], text("Przychód firmy wyniósł 602 345 678 PLN w tym roku")).found).toEqual([]);
    expect(tokIn(["PL"], text("Razem: 601 234 567 zł")).found).toEqual([]);
    expect(tokIn(["BR"], text("O lucro foi de R$ 11 912 345 678 no ano")).found).toEqual([]);
    expect(tok(text("Country: PL\nKwota 601 234 567 zł")).found).toEqual([]);
    // The same digits as a phone, beside a label or alone in a sentence, still count.
    expect(tokIn(["PL"], text("Telefon: 512 345 678, dzwoń po 16")).found).toEqual(["PHONE:512 345 678"]);
  });

  it("a country a text names sets the region of its national numbers", () => {
    expect(tok(text("Pays : France\nRappel demandé : 07 81 23 45 67")).found).toEqual([
      "PHONE:07 81 23 45 67",
    ]);
    expect(tok(text("Country: PL\nCallback: 601 234 567")).found).toEqual(["PHONE:601 234 567"]);
    expect(tok(text("Country: PL\nInvoice 112 345 67 paid")).found).toEqual([]);
  });

  it("full-width digits and the long-vowel mark between digits are read as ASCII; the token covers the original", () => {
    const a = tok(
      text("電話：０６－６１２３－４５６７（平日）、携帯 ０９０ー８７６５ー４３２１、米国 212ー555ー0187"),
    );
    expect(a.found).toEqual([
      "PHONE:０６－６１２３－４５６７",
      "PHONE:０９０ー８７６５ー４３２１",
      "PHONE:212ー555ー0187",
    ]);
    expect(a.out).not.toMatch(/[０-９]{2}/);
    // Katakana words keep their mark; a full-width order number stays.
    const b = tok(text("コーヒー 2024ー10 注文番号 １２３４５６７"));
    expect(b.found).toEqual([]);
  });
});
