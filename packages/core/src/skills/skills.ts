/**
 * Skills: functions a program (or the application) saves to the workspace for later programs to import.
 * `skills/<name>.ts` holds the code; `skills/<name>/SKILL.md` its description and, in YAML frontmatter,
 * the tools it calls with a hash of each tool's schemas when it was saved, so a later change of a tool is
 * noticed before the skill runs (see link.ts).
 */
import type { GeneratedApi } from "@codecall/codegen";
import { CodecallError } from "../errors.js";
import type { TypeDiagnostic } from "../executor/diagnostics.js";
import { formatDiagnostics } from "../executor/diagnostics.js";
import type { Workspace } from "../workspace/workspace.js";
import { scanToolIds } from "./scan.js";
import { toolSchemaHash, toolSignature } from "./schema-hash.js";

/** A tool a skill calls, as it was when the skill was saved. */
export interface SkillTool {
  /** `server.tool`, as `codecall.callTool` takes it. */
  id: string;
  /** {@link toolSchemaHash} of the tool's input and output schemas. */
  schemaHash: string;
  /** Its TypeScript signature then, to show next to today's when the tool has changed. */
  signature: string;
}

/** What SKILL.md records about a skill. */
export interface SkillInfo {
  name: string;
  description: string;
  tools: SkillTool[];
  /** ISO time of the last save. */
  savedAt: string;
}

/** A skill with its code. */
export interface Skill extends SkillInfo {
  code: string;
}

/** What to save. */
export interface SaveSkillInput {
  /** Letters, digits, `-` and `_`, starting with a letter; the import path is `./skills/<name>`. */
  name: string;
  /** One or two sentences: what it does and when to use it (discovery searches this text). */
  description: string;
  /** A TypeScript module: `export async function ...`; it may call the servers' globals (`memory.readGraph()`). */
  code: string;
}

/** Skills in a workspace. */
export interface Skills {
  /**
   * Saves (or replaces) a skill. With `check` (the executor passes its type-checker), code that does not
   * type-check against today's tools is refused with SKILL_INVALID and the findings.
   */
  save(input: SaveSkillInput): Promise<SkillInfo>;
  list(): Promise<SkillInfo[]>;
  /** A skill with its code; SKILL_NOT_FOUND when there is none. */
  get(name: string): Promise<Skill>;
  /** Deletes the skill's files; false when there was no such skill. */
  remove(name: string): Promise<boolean>;
  /** The tool ids a skill calls, as recorded when it was saved. */
  skillTools(name: string): Promise<string[]>;
  /** Counts this object's saves and removals, so a cache of the skill list knows when to refresh. */
  readonly generation: number;
}

/** Options of {@link createSkills}. */
export interface SkillsOptions {
  /** Today's API: tool ids and schema hashes are taken from it when a skill is saved. */
  api?: () => Promise<Pick<GeneratedApi, "tools">>;
  /** Type-checks a skill's code (as `skills/<name>.ts`) before it is saved. */
  check?: (name: string, code: string) => Promise<TypeDiagnostic[]>;
  /**
   * Which tools a skill calls. Default: {@link scanToolIds}, a scan of the code for `server.tool` and
   * `callTool("id")` literals.
   */
  findTools?: (code: string, api: Pick<GeneratedApi, "tools">) => string[] | Promise<string[]>;
}

const NAME = /^[A-Za-z][\w-]{0,63}$/;
const MAX_DESCRIPTION = 1_000;

/** The workspace path of a skill's code. */
export const skillCodePath = (name: string) => `skills/${name}.ts`;
/** The workspace path of a skill's SKILL.md. */
export const skillDocPath = (name: string) => `skills/${name}/SKILL.md`;

/**
 * Skills stored in `workspace`.
 *
 * ```ts
 * const skills = createSkills(workspace);
 * for (const skill of await skills.list()) console.log(skill.name, skill.description);
 * ```
 */
export function createSkills(workspace: Workspace, options: SkillsOptions = {}): Skills {
  let generation = 0;
  const skills: Skills = {
    get generation() {
      return generation;
    },
    async save(input) {
      const { name, description, code } = validate(input);
      if (options.check) {
        const findings = await options.check(name, code);
        if (findings.length)
          throw new CodecallError(
            "SKILL_INVALID",
            `The skill "${name}" does not type-check against today's tools; it was not saved.\n${formatDiagnostics(findings)}`,
            { details: { diagnostics: findings } },
          );
      }
      const api = options.api ? await options.api() : { tools: [] };
      const ids = await (options.findTools ?? scanToolIds)(code, api);
      const byId = new Map(api.tools.map((t) => [t.id, t]));
      const tools = ids.flatMap((id): SkillTool[] => {
        const tool = byId.get(id);
        return tool ? [{ id, schemaHash: toolSchemaHash(tool), signature: toolSignature(tool) }] : [];
      });
      const info: SkillInfo = { name, description, tools, savedAt: new Date().toISOString() };
      await workspace.writeFile(skillCodePath(name), code);
      await workspace.writeFile(skillDocPath(name), await renderSkillDoc(info));
      generation++;
      return info;
    },
    async list() {
      const files = await workspace.list("skills");
      const names = files
        .map((f) => /^skills\/([^/]+)\.ts$/.exec(f.path)?.[1])
        .filter((n): n is string => n !== undefined && NAME.test(n));
      const out: SkillInfo[] = [];
      for (const name of names) out.push(await readInfo(name));
      return out;
    },
    async get(name) {
      checkName(name);
      const code = await workspace.readFile(skillCodePath(name)).catch((error) => {
        throw CodecallError.isInstance(error) && error.code === "WORKSPACE_NOT_FOUND"
          ? notFound(name)
          : error;
      });
      return { ...(await readInfo(name)), code };
    },
    async remove(name) {
      checkName(name);
      const removed = await workspace.remove(skillCodePath(name));
      const doc = await workspace.remove(skillDocPath(name));
      generation++;
      return removed || doc;
    },
    async skillTools(name) {
      return (await skills.get(name)).tools.map((t) => t.id);
    },
  };

  async function readInfo(name: string): Promise<SkillInfo> {
    const text = await workspace.readFile(skillDocPath(name)).catch(() => undefined);
    const parsed = text === undefined ? undefined : await parseSkillDoc(text);
    return {
      name,
      description: parsed?.description ?? "",
      tools: parsed?.tools ?? [],
      savedAt: parsed?.savedAt ?? "",
    };
  }
  return skills;
}

function checkName(name: unknown): asserts name is string {
  if (typeof name !== "string" || !NAME.test(name))
    throw new CodecallError(
      "SKILL_INVALID",
      `A skill name is 1-64 letters, digits, "-" or "_", starting with a letter; got ${JSON.stringify(name)}.`,
    );
}

function notFound(name: string): CodecallError {
  return new CodecallError("SKILL_NOT_FOUND", `There is no skill "${name}".`, { details: { skill: name } });
}

/** Export so the executor can report a missing import the same way. */
export { notFound as skillNotFound };

function validate(input: unknown): SaveSkillInput {
  const value = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  checkName(value.name);
  if (typeof value.description !== "string" || !value.description.trim())
    throw new CodecallError(
      "SKILL_INVALID",
      "A skill needs a `description`: what it does and when to use it.",
    );
  if (value.description.length > MAX_DESCRIPTION)
    throw new CodecallError(
      "SKILL_INVALID",
      `A skill's description is at most ${MAX_DESCRIPTION} characters.`,
    );
  if (typeof value.code !== "string" || !/\bexport\b/.test(value.code))
    throw new CodecallError(
      "SKILL_INVALID",
      "A skill's `code` is a TypeScript module that exports what later programs import (`export async function ...`).",
    );
  return { name: value.name, description: value.description.trim(), code: value.code };
}

/** SKILL.md: YAML frontmatter (what codecall reads back) and a short human-readable body. */
export async function renderSkillDoc(info: SkillInfo): Promise<string> {
  const { stringify } = await import("yaml");
  const front = stringify(
    { name: info.name, description: info.description, tools: info.tools, savedAt: info.savedAt },
    { lineWidth: 0 },
  );
  const calls = info.tools.length ? info.tools.map((t) => `- \`${t.signature}\``).join("\n") : "- (no tools)";
  return `---\n${front}---\n\n# ${info.name}\n\n${info.description}\n\n\`\`\`ts\nimport { ... } from "./skills/${info.name}";\n\`\`\`\n\nTools it calls:\n\n${calls}\n`;
}

/** The frontmatter of a SKILL.md; undefined when there is none or it is not an object. */
export async function parseSkillDoc(text: string): Promise<Partial<SkillInfo> | undefined> {
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (!match) return undefined;
  const { parse } = await import("yaml");
  let data: unknown;
  try {
    data = parse(match[1]!);
  } catch {
    return undefined;
  }
  if (typeof data !== "object" || data === null) return undefined;
  const d = data as Record<string, unknown>;
  const tools = Array.isArray(d.tools)
    ? d.tools.filter(
        (t): t is SkillTool => typeof t === "object" && t !== null && typeof (t as SkillTool).id === "string",
      )
    : [];
  return {
    ...(typeof d.description === "string" ? { description: d.description } : {}),
    tools: tools.map((t) => ({
      id: t.id,
      schemaHash: String(t.schemaHash ?? ""),
      signature: String(t.signature ?? ""),
    })),
    ...(typeof d.savedAt === "string" ? { savedAt: d.savedAt } : {}),
  };
}
