/**
 * Classes a tenth pass found, with shapes the three sets lack, one behaviour each through the public API:
 * tables drawn with box-drawing characters (DuckDB, SQLite's `box` mode, psql's unicode style, rich) are
 * read as their ASCII twins, and a mailbox in a listing line (`git log --format`, `git shortlog -sne`,
 * changelogs) names its person though no header label comes before it, and a message id holding a
 * character an address's scan stops at (Gmail's `<CAF=...@mail.gmail.com>`) is no address. The values
 * here are made up for these tests, not taken from the sets.
 */
import { describe, expect, it } from "vitest";
import { text, tok } from "./found.js";

describe("tables drawn with box-drawing characters", () => {
  it("a box's name column is read as an ASCII table's, DuckDB's row of types under the header too", () => {
    const duckdb = tok(
      text(
        [
          "┌───────┬──────────────────┬────────────────────────┐",
          "│  id   │       name       │         email          │",
          "│ int32 │     varchar      │        varchar         │",
          "├───────┼──────────────────┼────────────────────────┤",
          "│     1 │ Ingeborg Rasmus  │ ingeborg.r@example.org │",
          "│     2 │ Tariq Mahmoud    │ t.mahmoud@example.net  │",
          "└───────┴──────────────────┴────────────────────────┘",
        ].join("\n"),
      ),
    );
    expect(duckdb.found).toContain("NAME:Ingeborg Rasmus");
    expect(duckdb.found).toContain("NAME:Tariq Mahmoud");
    expect(duckdb.out).not.toContain("Rasmus");

    // rich's heavy header, a rule between rows, psql's unicode style without an outer border.
    const rich = tok(
      text(
        [
          "┏━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓",
          "┃ Owner            ┃ Region          ┃",
          "┡━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩",
          "│ Ingeborg Rasmus  │ Nordics         │",
          "├──────────────────┼─────────────────┤",
          "│ Tariq Mahmoud    │ Gulf            │",
          "└──────────────────┴─────────────────┘",
        ].join("\n"),
      ),
    );
    expect(rich.found).toEqual(expect.arrayContaining(["NAME:Ingeborg Rasmus", "NAME:Tariq Mahmoud"]));
    const psql = tok(
      text(" id │   full_name    │ plan\n────┼────────────────┼──────\n  1 │ Ingeborg Rasmus │ pro\n(1 row)"),
    );
    expect(psql.found).toContain("NAME:Ingeborg Rasmus");
  });

  it("a box's other columns, a version column's dotted quad among them, and a directory tree stay as they are", () => {
    const a = tok(
      text(
        "┌──────────┬─────────┬──────────────┐\n│ package  │ version │ contact      │\n├──────────┼─────────┼──────────────┤\n│ Lodash   │ 4.17.21 │ Mirela Costache │\n│ Pino     │ 1.2.3.4 │ n/a          │\n└──────────┴─────────┴──────────────┘",
      ),
    );
    expect(a.found).toEqual(["NAME:Mirela Costache"]);
    expect(a.out).toContain("│ 1.2.3.4 │");
    const tree = tok(text(".\n├── src\n│   ├── Index Page.ts\n│   └── Main Menu.ts\n└── package.json"));
    expect(tree.found).toEqual([]);
  });
});

describe("a mailbox in a listing line", () => {
  it("after a hash, a date, a count or a bullet, the words before `<address>` name a person", () => {
    const lines = [
      "a3f9c21 2024-03-14 Ingeborg Rasmus <ingeborg.r@example.org> fix race in pool (#4821)",
      "    42\tTariq Mahmoud <t.mahmoud@example.net>",
      "* Thu Mar 14 2024 Mirela Costache <mirela@example.com> - 2.8.0-1",
      " -- Ingeborg Rasmus <ingeborg.r@example.org>  Thu, 14 Mar 2024 10:00:00 +0100",
      "* a3f9c21 (HEAD -> main) bump deps - Tariq Mahmoud <t.mahmoud@example.net>",
    ];
    for (const line of lines) {
      const a = tok(text(`${line}\n`));
      const name = /([A-Z]\w+ [A-Z]\w+) </.exec(line)![1]!;
      expect(a.found, line).toContain(`NAME:${name}`);
      expect(a.out, line).not.toContain(name);
    }
  });

  it("a phrase of common words there is no person, and neither is a word after prose", () => {
    const a = tok(text("2024-03-14 10:00:01 Sent Welcome Email <noreply@example.com>\n"));
    expect(a.found).toEqual(["EMAIL:noreply@example.com"]);
    expect(a.out).toContain("Sent Welcome Email");
    // An escaped word's tail (`\u00e1n`) is no listing's field: the name is read whole from the decoded copy.
    const escaped = JSON.stringify({
      message: "fix\n\nCo-authored-by: Siobhán Jean-Luc Kelly <skelly@example.it>",
    });
    const b = tok(
      text(escaped.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)),
      false,
    );
    expect(b.found).toContain("NAME:Siobhán Jean-Luc Kelly");
    expect(b.found).not.toContain("NAME:Jean-Luc Kelly");
  });

  it("a name after a very long field is still found", () => {
    // 200,000 characters without a space before the name: the field before it is read on its last 40.
    const a = tok(text(`${"a1".repeat(100_000)} Mirela Costache <mirela@example.com>\n`));
    expect(a.found).toContain("NAME:Mirela Costache");
  });
});

describe("message ids with characters an address's scan stops at", () => {
  it("a Gmail message id (`<CAF=...@mail.gmail.com>`) is no address in a mail's headers; an address in a query string still is", () => {
    const headers = [
      "Message-ID: <CAF=k3Yp9xQw+4567@mail.gmail.com>",
      "In-Reply-To: <CAB=Zx8_uT!42@mail.gmail.com>",
      "From: Jonas Eklund <jonas.eklund@example.se>",
    ].join("\n");
    const a = tok(text(headers));
    expect(a.found).toEqual(["NAME:Jonas Eklund", "EMAIL:jonas.eklund@example.se"]);
    expect(a.out).toContain("<CAF=k3Yp9xQw+4567@mail.gmail.com>");
    // A query string's address still reads from after its `=`.
    const b = tok(text("GET /unsubscribe?email=jonas.eklund@example.se HTTP/1.1"));
    expect(b.found).toEqual(["EMAIL:jonas.eklund@example.se"]);
  });
});
