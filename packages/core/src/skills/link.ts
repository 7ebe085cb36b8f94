/**
 * Skills inside programs. Programs are not modules in the sandbox, so the skills a program imports are
 * linked in before it runs: each skill (and the skills it imports) is type-checked as `skills/<name>.ts`
 * beside the program, stripped to JavaScript, and defined as a lazily evaluated module the prologue's
 * `require("./skills/<name>")` returns. A skill whose tools changed since it was saved is flagged first.
 */
import type { GeneratedApi } from "@codecall/codegen";
import type { TypeDiagnostic } from "../executor/diagnostics.js";
import { importedSkillNames } from "./scan.js";
import { toolSchemaHash, toolSignature } from "./schema-hash.js";
import type { Skill, SkillTool } from "./skills.js";
import { type Skills, skillCodePath, skillNotFound } from "./skills.js";

/** A tool a skill calls that is not what it was when the skill was saved. */
export interface SkillDrift {
  skill: string;
  tool: string;
  /** The tool's signature when the skill was saved. */
  before: string;
  /** Today's signature; absent when the tool is gone. */
  after?: string;
}

/** The skills one program imports, loaded and compared with today's tools. */
export interface LinkedSkills {
  skills: Skill[];
  /** The skills' sources by the path the type-checker mounts them at (`skills/<name>.ts`). */
  files: Record<string, string>;
  drift: SkillDrift[];
}

/** Loads the skills `code` imports (transitively); SKILL_NOT_FOUND for one that does not exist. */
export async function linkSkills(
  code: string,
  skills: Skills,
  api: Pick<GeneratedApi, "tools">,
): Promise<LinkedSkills | undefined> {
  const pending = importedSkillNames(code, false);
  if (pending.length === 0) return undefined;
  const loaded = new Map<string, Skill>();
  while (pending.length) {
    const name = pending.shift()!;
    if (loaded.has(name)) continue;
    const skill = await skills.get(name).catch((error) => {
      throw error?.code === "SKILL_NOT_FOUND" ? skillNotFound(name) : error;
    });
    loaded.set(name, skill);
    pending.push(...importedSkillNames(skill.code, true));
  }
  const byId = new Map(api.tools.map((t) => [t.id, t]));
  const drift: SkillDrift[] = [];
  const files: Record<string, string> = {};
  for (const skill of loaded.values()) {
    files[skillCodePath(skill.name)] = skill.code;
    for (const recorded of skill.tools) drift.push(...driftOf(skill.name, recorded, byId));
  }
  return { skills: [...loaded.values()], files, drift };
}

function driftOf(
  skill: string,
  recorded: SkillTool,
  byId: Map<string, GeneratedApi["tools"][number]>,
): SkillDrift[] {
  const tool = byId.get(recorded.id);
  if (!tool) return [{ skill, tool: recorded.id, before: recorded.signature }];
  if (toolSchemaHash(tool) === recorded.schemaHash) return [];
  return [{ skill, tool: recorded.id, before: recorded.signature, after: toolSignature(tool) }];
}

/** One line per drifted tool: the skill, the tool, and its signature then and now. */
export function describeDrift(drift: readonly SkillDrift[]): string[] {
  return drift.map((d) =>
    d.after === undefined
      ? `Skill "${d.skill}" calls ${d.tool}, which no longer exists (it was \`${d.before}\`).`
      : `Skill "${d.skill}" was saved against ${d.tool} \`${d.before}\`; the tool has changed to \`${d.after}\`.`,
  );
}

/** Whether a diagnostic is in one of the linked skills' files. */
export function inSkillFile(diagnostic: TypeDiagnostic): boolean {
  return diagnostic.file?.startsWith("skills/") ?? false;
}

/**
 * JavaScript run after the prologue: each skill's stripped code as a module factory, evaluated on first
 * `require`. Inside a skill, `./<name>` is another skill and `../servers/<server>` a server module.
 */
export function skillModules(stripped: ReadonlyArray<{ name: string; js: string }>): string {
  if (stripped.length === 0) return "";
  const defs = stripped
    .map(
      ({ name, js }) =>
        `__codecallSkill(${JSON.stringify(`./skills/${name}`)}, function (exports, module, require) {\n${js}\n});`,
    )
    .join("\n");
  return `
;function __codecallSkill(id, factory) {
  var module;
  function local(specifier) { return require(specifier.slice(0, 3) === "../" ? "./" + specifier.slice(3) : specifier.slice(0, 2) === "./" ? "./skills/" + specifier.slice(2) : specifier); }
  Object.defineProperty(__codecallModules, id, { enumerable: true, get: function () {
    if (!module) { module = { exports: {} }; factory(module.exports, module, local); }
    return module.exports;
  } });
}
${defs}
`;
}

/**
 * The tools each imported skill can call, its own recorded list and those of the skills it imports, by
 * the specifier a program imports it with (`./skills/<name>`): the policy's program manifest lists them.
 */
export function skillModuleTools(linked: LinkedSkills): (specifier: string) => readonly string[] | undefined {
  const byName = new Map(linked.skills.map((skill) => [skill.name, skill]));
  const reach = (name: string, seen = new Set<string>()): Set<string> => {
    const ids = new Set<string>();
    const skill = byName.get(name);
    if (!skill || seen.has(name)) return ids;
    seen.add(name);
    for (const tool of skill.tools) ids.add(tool.id);
    for (const dep of importedSkillNames(skill.code, true)) for (const id of reach(dep, seen)) ids.add(id);
    return ids;
  };
  return (specifier) => {
    const name = /^\.\/skills\/([^/]+?)(?:\.ts)?$/.exec(specifier)?.[1];
    return name !== undefined && byName.has(name) ? [...reach(name)] : undefined;
  };
}
