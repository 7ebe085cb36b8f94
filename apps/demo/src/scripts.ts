/**
 * Scripted model turns for the demo task, replayed through the local Messages stand-in when no
 * `ANTHROPIC_API_KEY` is set. They are what a capable model does in each mode: in code mode it searches,
 * then writes one program; in classic mode it reads the file and copies the rows through its own context.
 */
import type { ScriptedTurn } from "@codecall/core/testing";
import { contacts } from "./scenario.js";

export function codeModeScript(csvPath: string): ScriptedTurn[] {
  const program = `const { content } = await filesystem.readTextFile({ path: ${JSON.stringify(csvPath)} });
const [, ...lines] = content.trim().split("\\n");
const acme = lines.map((line) => line.split(",")).filter((cols) => cols[3] === "Acme");
await memory.createEntities({
  entities: acme.map(([name, email, phone]) => ({ name, entityType: "contact", observations: [\`email: \${email}\`, \`phone: \${phone}\`] })),
});
const graph = await memory.readGraph({});
return { added: acme.length, contactsInGraph: graph.entities.filter((e) => e.entityType === "contact").length, first: acme[0] };`;
  return [
    {
      content: [
        { type: "text", text: "I'll find the tools for reading files and writing to the memory graph." },
        {
          type: "tool_use",
          name: "search_tools",
          input: {
            query: "read a text file; create entities in the knowledge graph",
            detail: "summary",
            limit: 6,
          },
        },
      ],
    },
    {
      content: [
        {
          type: "text",
          text: "I'll do the whole job in one program, so the CSV never passes through my context.",
        },
        { type: "tool_use", name: "execute_code", input: { code: program } },
      ],
    },
    {
      content: [
        {
          type: "text",
          text: "I added 20 Acme contacts to the memory graph, each with their email and phone.",
        },
      ],
    },
  ];
}

export function classicModeScript(csvPath: string): ScriptedTurn[] {
  const acme = contacts().filter((c) => c.company === "Acme");
  return [
    {
      content: [
        { type: "text", text: "Let me read the contacts file." },
        { type: "tool_use", name: "filesystem__read_text_file", input: { path: csvPath } },
      ],
    },
    {
      content: [
        { type: "text", text: "Now I'll add the Acme contacts." },
        {
          type: "tool_use",
          name: "memory__create_entities",
          input: {
            entities: acme.map((c) => ({
              name: c.name,
              entityType: "contact",
              observations: [`email: ${c.email}`, `phone: ${c.phone}`],
            })),
          },
        },
      ],
    },
    {
      content: [
        {
          type: "text",
          text: `I added ${acme.length} Acme contacts to the memory graph, each with their email and phone.`,
        },
      ],
    },
  ];
}
