/**
 * The seeded data and the data server: sizes the issue asks for, the same data every run, ground truth that
 * follows the data (not constants), and the server's behaviour over stdio with the MCP SDK's client:
 * pages that cover every issue once, a stock tool that fails on every third call, an export that is done
 * after a few polls, and a catalogue of 527 real tool definitions.
 */
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  crm,
  issues,
  meeting,
  personalValues,
  q4RowCount,
  revenue,
  revenueByRegion,
  SALES_ROWS,
  type SalesRow,
  salesRows,
} from "../src/data/index.js";

describe("seeded data", () => {
  it("has the sizes the scenarios need", () => {
    expect(salesRows()).toHaveLength(SALES_ROWS);
    expect(SALES_ROWS).toBe(10_000);
    expect(meeting().words).toBeGreaterThanOrEqual(20_000);
    expect(meeting().actionItems.length).toBeGreaterThanOrEqual(20);
    expect(crm().contacts).toHaveLength(400);
    expect(new Set(personalValues()).size).toBe(800);
    expect(issues()).toHaveLength(600);
  });

  it("is computed from the seed: ground truth follows the rows it is given", () => {
    const rows = salesRows();
    expect(revenue(1, 12)).toBeCloseTo(
      rows.reduce((n, [, , , units, price]) => n + units * price, 0),
      1,
    );
    const q3 = revenueByRegion(7, 9);
    const doubled: SalesRow[] = rows.map(([d, r, p, u, price]) => [d, r, p, r === "West" ? u * 2 : u, price]);
    const after = revenueByRegion(7, 9, doubled);
    expect(after.West).toBeCloseTo(q3.West! * 2, 0);
    expect(after.East).toBe(q3.East);
    expect(q4RowCount()).toBe(rows.filter(([d]) => d >= "2025-10").length);
  });
});

describe("data server over stdio", () => {
  let client: Client;
  beforeAll(async () => {
    client = new Client({ name: "test", version: "0" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [
          "--import",
          import.meta.resolve("tsx"),
          fileURLToPath(new URL("../src/servers/data-main.ts", import.meta.url)),
        ],
        env: { ...(process.env as Record<string, string>), SCENARIO_SLOW_MS: "50" },
        stderr: "ignore",
      }),
    );
  });
  afterAll(() => client.close());
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    client.callTool({ name, arguments: args });

  it("lists tools that all declare an output schema", async () => {
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThanOrEqual(10);
    expect(tools.every((t) => t.outputSchema)).toBe(true);
  });

  it("pages through every open issue exactly once", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = (
        await call("tracker_list_issues", { status: "open", pageSize: 50, ...(cursor ? { cursor } : {}) })
      ).structuredContent as { issues: Array<{ id: string }>; nextCursor: string | null };
      seen.push(...page.issues.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    const open = issues().filter((i) => i.status === "open");
    expect(seen).toEqual(open.map((i) => i.id));
    expect(pages).toBe(Math.ceil(open.length / 50));
  });

  it("fails every third stock lookup, transiently", async () => {
    const outcomes = [];
    for (let i = 0; i < 6; i++)
      outcomes.push((await call("inventory_level", { sku: "AN-100" })).isError === true);
    expect(outcomes).toEqual([false, false, true, false, false, true]);
  });

  it("finishes an export after three polls", async () => {
    const { jobId } = (await call("start_export", { report: "q4-sales" })).structuredContent as {
      jobId: string;
    };
    const states = [];
    for (let i = 0; i < 4; i++)
      states.push(
        (await call("export_status", { jobId })).structuredContent as { state: string; rowCount?: number },
      );
    expect(states.map((s) => s.state)).toEqual(["running", "running", "running", "done"]);
    expect(states[3]!.rowCount).toBe(q4RowCount());
  });

  it("serves the whole sales sheet, header first", async () => {
    const sheet = (await call("get_sales_sheet")).structuredContent as { values: string[][] };
    expect(sheet.values).toHaveLength(SALES_ROWS + 1);
    expect(sheet.values[0]).toEqual(["date", "region", "product", "units", "unitPrice"]);
  });
});
