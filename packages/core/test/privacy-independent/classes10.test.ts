/**
 * Classes a tenth pass found, with shapes the three sets lack, one behaviour each through the public API:
 * tables drawn with box-drawing characters (DuckDB, SQLite's `box` mode, psql's unicode style, rich) are
 * read as their ASCII twins. The values here are made up for these tests, not taken from the sets.
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
