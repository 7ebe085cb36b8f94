/**
 * `skills` inside a program: save a function that worked for later programs, list what is saved. Host
 * tools over the bridge, like the workspace's.
 *
 * ```ts
 * await skills.save({
 *   name: "entity-names",
 *   description: "Names of every entity in the memory graph.",
 *   code: `export async function entityNames() { return (await memory.readGraph({})).entities.map((e) => e.name); }`,
 * });
 * ```
 */
import type { ToolHandler } from "@codecall/sandbox";
import type { Skills } from "./skills.js";

/** The ids of the skills' host tools. */
export const SKILL_TOOL_IDS = {
  save: "codecall.skills.save",
  list: "codecall.skills.list",
} as const;

const INFO =
  "{ name: string; description: string; tools: Array<{ id: string; schemaHash: string; signature: string }>; savedAt: string }";

/** The `skills` global for the type-checker (one line: see WORKSPACE_DECLARATION). */
export const SKILLS_DECLARATION = `/** Saved functions: save one with skills.save, use one with \`import { fn } from "./skills/<name>"\`. */
declare const skills: { save(skill: { name: string; description: string; code: string }): Promise<${INFO}>; list(): Promise<Array<${INFO}>> };
`;

/** The `skills` global in the sandbox. */
export const SKILLS_RUNTIME = `const skills = Object.freeze({
  save: function (skill) { return codecall.callTool(${JSON.stringify(SKILL_TOOL_IDS.save)}, skill); },
  list: function () { return codecall.callTool(${JSON.stringify(SKILL_TOOL_IDS.list)}, {}); }
});
`;

/** A tool handler answering the skills' tools and passing every other call to `next`. */
export function createSkillsHandler(skills: Skills, next: ToolHandler): ToolHandler {
  return async (call, context) => {
    if (call.name === SKILL_TOOL_IDS.save) return skills.save(call.args as never);
    if (call.name === SKILL_TOOL_IDS.list) return skills.list();
    return next(call, context);
  };
}
