/**
 * A value inside a wrapper is read by the key above the wrapper (`firstname: {value: "Jane"}`, Notion's
 * typed properties), and a form's or custom field's entry by its label (`{label: "Full name", value}`).
 */
import { describe, expect, it } from "vitest";
import { tokenize, untokenize, Vault } from "../src/internal.js";
import type { JsonValue } from "../src/json.js";

const run = (value: JsonValue) => {
  const vault = new Vault();
  const out = tokenize(value, vault);
  expect(untokenize(out, vault).value).toEqual(value);
  return JSON.stringify(out);
};

describe("wrapped values take their key's type", () => {
  it("{value} wrappers under name keys (HubSpot's v1 contacts)", () => {
    const out = run({
      contacts: [
        {
          vid: 1,
          properties: {
            firstname: { value: "Jane", versions: [{ value: "Jane", source: "API" }] },
            lastname: { value: "Doe" },
            owner: { value: "Maria Schmidt" },
          },
        },
      ],
    });
    for (const name of ["Jane", "Doe", "Maria Schmidt"]) expect(out).not.toContain(`"${name}"`);
  });

  it("typed unions and rich text (a Notion page of a people database)", () => {
    const page = (name: string, extra: Record<string, JsonValue>) => ({
      object: "page",
      properties: {
        Name: {
          id: "title",
          type: "title",
          title: [{ type: "text", text: { content: name, link: null }, plain_text: name }],
        },
        ...extra,
      },
    });
    const person = run({
      results: [page("Jane Doe", { Phone: { type: "phone_number", phone_number: "(543) 862-4483" } })],
    });
    expect(person).not.toContain("Jane Doe");
    expect(person).not.toContain("862-4483");
    const contact = run({
      properties: {
        Contact: { type: "rich_text", rich_text: [{ plain_text: "Maria Schmidt" }] },
        Email: { type: "email", email: "maria@example.com" },
      },
    });
    expect(contact).not.toContain("Maria Schmidt");
  });

  it("a title in a record that is no person's stays (a task database, a document)", () => {
    const task = {
      results: [
        {
          properties: {
            Name: { type: "title", title: [{ plain_text: "Fix login bug" }] },
            Status: { type: "status", status: { name: "Done" } },
          },
        },
      ],
    };
    expect(run(task)).toContain("Fix login bug");
    const doc = { title: { value: "Quarterly report" }, name: { value: "Quarterly report" } };
    expect(run(doc)).toBe(JSON.stringify(doc));
  });
});

describe("entries labelled by a field's name are not read as names", () => {
  // A label list is as often a catalogue of labels, a header list or settings as a form: `{name:
  // "User-Agent", value: "Mozilla Firefox"}`, `{key: "first_name", value: "Name"}` (a review's finding).
  it("header lists, label catalogues, settings and custom fields stay as they were", () => {
    const lists: JsonValue = {
      headers: [
        { name: "User-Agent", value: "Mozilla Firefox" },
        { name: "X-Owner", value: "Payments" },
      ],
      labels: [
        { key: "first_name", value: "Name" },
        { key: "full_name", value: "Full Name" },
        { key: "contact_name", value: "Nombre del contacto" },
      ],
      settings: [
        { label: "Product name", value: "Widget Pro" },
        { name: "Account Manager", value: "Enterprise" },
        { key: "Owner", value: "Platform" },
        { name: "display_name", value: "Acme Dashboard" },
        { label: "Customer name", value: 12 },
        { type: "contact", value: "Acme" },
      ],
    };
    expect(run(lists)).toBe(JSON.stringify(lists));
  });
});
