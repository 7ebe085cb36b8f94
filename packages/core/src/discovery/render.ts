/** Texts for a tool at each detail level: codegen's renderings when present, else built from the schema. */
import { firstSentence } from "./lexical.js";
import { schemaParameters } from "./schema-text.js";
import type { Detail, ToolDocument } from "./types.js";

/** The tool shown at `detail`. */
export function renderTool(doc: ToolDocument, detail: Detail): string {
  if (doc.renderings) return doc.renderings[detail];
  if (detail === "name") return doc.id;
  const params = schemaParameters(doc.inputSchema)
    .map((p) => `${p.name}${p.required ? "" : "?"}: ${p.type}`)
    .join("; ");
  const signature = `${doc.id}(args: { ${params} }): Promise<unknown>`;
  if (detail === "summary") {
    const lead = firstSentence(doc.description ?? "");
    return lead ? `${signature} — ${lead}` : signature;
  }
  const schema = JSON.stringify(doc.inputSchema ?? {}, null, 2);
  const docs = (doc.description ?? "").trim().replace(/\*\//g, "*\\/");
  return `/**\n * ${docs.split("\n").join("\n * ")}\n * Input schema: ${schema.split("\n").join("\n * ")}\n */\n${signature};`;
}
