/**
 * Skills beside tools in discovery: each skill is a search document (found by its name and description)
 * and two files of the file view (`skills/<name>.ts`, `skills/<name>/SKILL.md`).
 */
import type { FileSource } from "../discovery/file-view.js";
import type { ToolDocument } from "../discovery/types.js";
import type { Workspace } from "../workspace/workspace.js";
import { type Skills, skillCodePath, skillDocPath } from "./skills.js";

/** The server name skills are listed under in search results. */
export const SKILLS_SERVER = "skills";

/** Search documents (id `skills/<name>`, which no tool id can take) and files for every saved skill. */
export async function skillDiscovery(
  skills: Skills,
  workspace: Workspace,
): Promise<{ documents: ToolDocument[]; files: FileSource }> {
  const documents: ToolDocument[] = [];
  const files: Record<string, string> = {};
  for (const info of await skills.list()) {
    const skill = await skills.get(info.name);
    const importLine = `import { ... } from "./skills/${info.name}";`;
    const calls = info.tools.map((t) => t.id).join(", ");
    documents.push({
      id: `skills/${info.name}`,
      name: info.name,
      server: SKILLS_SERVER,
      description: info.description,
      renderings: {
        name: `skills/${info.name}`,
        summary: `${importLine} — skill: ${info.description.split(/(?<=\.)\s/)[0]}`,
        full: `// Skill "${info.name}": ${info.description}\n// ${importLine}${calls ? `\n// Calls: ${calls}` : ""}\n${skill.code}`,
      },
    });
    files[skillCodePath(info.name)] = skill.code;
    const doc = await workspace.readFile(skillDocPath(info.name)).catch(() => undefined);
    if (doc !== undefined) files[skillDocPath(info.name)] = doc;
  }
  return { documents, files: { files } };
}

/**
 * A cheap summary of the skills' files (paths and sizes), so code mode notices skills saved by another
 * session or process without reading them; an edit that keeps every size is seen at the next rebuild.
 */
export async function skillFilesKey(workspace: Workspace): Promise<string> {
  return (await workspace.list("skills")).map((f) => `${f.path}:${f.bytes}`).join("|");
}
