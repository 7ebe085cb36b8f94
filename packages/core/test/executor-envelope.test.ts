import { describe, expect, it } from "vitest";
import { type Envelope, renderEnvelope } from "../src/executor/envelope.js";

const parse = (text: string) => JSON.parse(text) as Envelope;

describe("renderEnvelope", () => {
  it("passes a small result through unchanged", () => {
    const text = renderEnvelope({
      ok: true,
      value: { n: 1, s: "é" },
      logs: [{ level: "warn", message: "careful" }],
    });
    expect(parse(text)).toEqual({ ok: true, value: { n: 1, s: "é" }, logs: ["[warn] careful"] });
  });

  it("cuts a large array to valid JSON within the cap and says how much it cut", () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => ({ id: i, name: `row ${i}`, tags: ["a", "b"] }));
    const text = renderEnvelope(
      { ok: true, value: { rows, total: rows.length }, logs: [] },
      { maxBytes: 4_000 },
    );
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4_000);
    const envelope = parse(text);
    const kept = (envelope.value as { rows: unknown[] }).rows;
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(rows.length);
    expect(kept[0]).toEqual(rows[0]);
    expect((envelope.value as { total: number }).total).toBe(5_000);
    expect(envelope.truncated!.originalBytes).toBe(
      Buffer.byteLength(JSON.stringify({ rows, total: rows.length })),
    );
    expect(envelope.truncated!.originalBytes - envelope.truncated!.shownBytes).toBeGreaterThan(200_000);
    expect(envelope.truncated!.cuts[0]).toBe(`value.rows: kept ${kept.length} of 5000 items`);
    expect(envelope.truncated!.note).toMatch(/filter/);
  });

  it("cuts long strings and log floods, and shares the room between them", () => {
    const logs = Array.from({ length: 2_000 }, (_, i) => ({
      level: "log" as const,
      message: `line ${i} ${"x".repeat(50)}`,
    }));
    const text = renderEnvelope({ ok: true, value: "y".repeat(50_000), logs }, { maxBytes: 10_000 });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(10_000);
    const envelope = parse(text);
    expect((envelope.value as string).length).toBeGreaterThan(2_000);
    expect(envelope.logs!.length).toBeGreaterThan(20);
    expect(envelope.truncated!.cuts.join("\n")).toMatch(/value: kept \d+ of 50000 characters/);
    expect(envelope.truncated!.cuts.join("\n")).toMatch(/logs: kept \d+ of 2000 lines/);
  });

  it("keeps multi-byte text valid and within the cap", () => {
    const value = { text: "😀".repeat(20_000), more: "ü".repeat(10_000) };
    const text = renderEnvelope({ ok: true, value, logs: [] }, { maxBytes: 3_000 });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(3_000);
    const kept = (parse(text).value as { text: string }).text;
    expect(kept).toMatch(/^(😀)+…$/u);
  });

  it("renders errors with their code, line and hint, capping huge messages", () => {
    const text = renderEnvelope(
      {
        ok: false,
        error: { code: "TOOL_FAILED", message: "boom ".repeat(10_000), line: 3, hint: "read it" },
        logs: [],
      },
      { maxBytes: 5_000 },
    );
    const envelope = parse(text);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(5_000);
    expect(envelope.error).toMatchObject({ code: "TOOL_FAILED", line: 3, hint: "read it" });
    expect(envelope.error!.message).toMatch(/more characters\)$/);
  });
});
