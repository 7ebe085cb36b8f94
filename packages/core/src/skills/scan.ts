/**
 * Which tools a skill calls, read from its source without type information: `<server>.<tool>` member
 * accesses where both names are in the API (`memory.createEntities(...)`), and literal ids passed to
 * `codecall.callTool("memory.create_entities", ...)`. Calls through computed names or aliases are not seen;
 * a TypeScript-based analysis can replace this through {@link Skills.skillTools}.
 */
import type { GeneratedApi } from "@codecall/codegen";

/** The ids (`server.tool`) of the API's tools that `code` names, sorted. */
export function scanToolIds(code: string, api: Pick<GeneratedApi, "tools">): string[] {
  const byMember = new Map<string, string>();
  const byId = new Set<string>();
  for (const tool of api.tools) {
    byMember.set(`${tool.serverIdent}.${tool.toolIdent}`, tool.id);
    byId.add(tool.id);
  }
  const found = new Set<string>();
  for (const match of code.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)\s*\.\s*([A-Za-z_$][\w$]*)/g)) {
    const id = byMember.get(`${match[1]}.${match[2]}`);
    if (id) found.add(id);
  }
  for (const match of code.matchAll(/callTool\s*\(\s*(["'`])([^"'`]+)\1/g)) {
    if (byId.has(match[2]!)) found.add(match[2]!);
  }
  return [...found].sort();
}

/** The skills `code` imports: `./skills/<name>` from a program, `./<name>` from another skill. */
export function importedSkillNames(code: string, fromSkill: boolean): string[] {
  const names = new Set<string>();
  const pattern = fromSkill
    ? /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)(["'])\.\/([\w-]+)(?:\.ts)?\1/g
    : /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)(["'])\.\/skills\/([\w-]+)(?:\.ts)?\1/g;
  for (const match of code.matchAll(pattern)) names.add(match[2]!);
  return [...names];
}
