/**
 * Classes of hard negatives and false positives the third independent set (generate3.ts) still found
 * after classes3.test.ts, one behaviour each, through the public API. The values here are not the set's.
 */
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../src/json.js";
import { tokenize, untokenize, Vault } from "../../src/privacy/index.js";

function tok(value: JsonValue) {
  const vault = new Vault();
  const out = tokenize(value, vault);
  expect(untokenize(out, vault).value).toEqual(value);
  return { out: JSON.stringify(out), found: [...vault.entries()].map((e) => `${e.type}:${e.value}`) };
}
const text = (t: string): JsonValue => ({ content: [{ type: "text", text: t }] });

describe("classes the third independent set found (fourth pass)", () => {
  it("a network written loosely, its prefix cutting a non-zero group before zero groups, names no host", () => {
    expect(tok({ cidr: "172.20.0.0/11", note: "route 10.64.0.0/9 via the gateway" }).found).toEqual([]);
    expect(tok(text('{"subnet":"2001:db8:4a::/40"}')).found).toEqual([]);
    // A host written with its subnet still is one: its last group is not zero, or no zero group follows.
    expect(tok({ ip: "10.64.3.7/9", peer: "192.168.7.5/30" }).found).toEqual([
      "IPV4:10.64.3.7",
      "IPV4:192.168.7.5",
    ]);
  });

  it("a name field's value naming a role or a team, or reading as prose, is no name (as in a role field)", () => {
    const a = tok({
      tickets: [
        { assignee_name: "Payments Group", requester_name: "Ready for Deploy" },
        { assignee_name: "Ana de la Cruz", requester_name: "Member Services" },
      ],
    });
    expect(a.found).toEqual(["NAME:Ana de la Cruz"]);
    // Outside a role field a surname that is also a word for a thing or a placeholder is still a name.
    const b = tok({
      full_name: "Larry Page",
      customer_name: "Joe Root",
      contact: { name: "Sally Field", email: "sf@example.com" },
    });
    expect(b.found).toEqual(["NAME:Larry Page", "NAME:Joe Root", "NAME:Sally Field", "EMAIL:sf@example.com"]);
  });

  it("a contracted negation (`Can't Reproduce`) is English, no name", () => {
    expect(tok({ owner: "Can't Reproduce", reviewer: "Doesn’t Apply" }).found).toEqual([]);
    expect(tok({ owner: "Aminata N'Diaye" }).found).toEqual(["NAME:Aminata N'Diaye"]);
  });

  it("a phrase of state is no name: a two-letter preposition first, an auxiliary alone, a Latinate word", () => {
    const a = tok({
      tasks: [
        { owner: "At Risk", assignee: "Being", reviewer: "Data Migration", created_by: "Deprecated" },
        { owner: "In-ho Seo", assignee: "Marion Ode", reviewer: "Mohammed Ahmed" },
      ],
    });
    expect(a.found).toEqual(["NAME:In-ho Seo", "NAME:Marion Ode", "NAME:Mohammed Ahmed"]);
    expect(tok(text("| Assignee | Email |\n|---|---|\n| On Track | ops@example.com |")).found).toEqual([
      "EMAIL:ops@example.com",
    ]);
  });

  it("a date and the hour of a time is no national phone number of the record's region", () => {
    const rows = [{ country_code: "CN", created_at: "2024-05-06 11:22:33+00", mobile: "138 1234 5678" }];
    const { found } = tok(text(JSON.stringify(rows)));
    expect(found).toEqual(["PHONE:138 1234 5678"]);
  });
});
