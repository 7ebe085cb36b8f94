/**
 * What the executor adds to programs when it has a workspace: the `workspace` and `skills` globals (their
 * declarations, their runtime, the host tools behind them) and the linking of imported skills, kept here
 * so the executor only calls in.
 */
import type { GeneratedApi } from "@codecall/codegen";
import type { ToolHandler } from "@codecall/sandbox";
import { CodecallError } from "../errors.js";
import { formatDiagnostics, type TypeDiagnostic } from "../executor/diagnostics.js";
import type { ExecutionInterceptor } from "../executor/interceptor.js";
import {
  describeDrift,
  inSkillFile,
  type LinkedSkills,
  linkSkills,
  skillModules,
  skillModuleTools,
} from "../skills/link.js";
import { createSkillsHandler, SKILLS_DECLARATION, SKILLS_RUNTIME } from "../skills/program-tools.js";
import { importedSkillNames } from "../skills/scan.js";
import { createSkills, type Skills, skillCodePath } from "../skills/skills.js";
import { createWorkspaceHandler, WORKSPACE_DECLARATION, WORKSPACE_RUNTIME } from "./program-tools.js";
import { createWorkspace, type Workspace, type WorkspaceOptions } from "./workspace.js";

/** Strips (and, with `check`, type-checks) a program with modules it imports: the executor's checker. */
export type PrepareFunction = (
  code: string,
  check: boolean,
  files?: Record<string, string>,
) => Promise<{ diagnostics: TypeDiagnostic[]; js?: string; stripError?: CodecallError }>;

/** The executor's side: today's API and its checker. */
export interface ProgramWorkspaceHost {
  current(): Promise<{ api: GeneratedApi; prepare: PrepareFunction }>;
}

/** A program's skills, linked: what to check it with, and how to report and run them. */
export interface LinkedProgram {
  files: Record<string, string>;
  /** A drifted skill is checked even when type-checking is off. */
  mustCheck: boolean;
  /** An error when a drifted skill no longer type-checks; warnings when it does. */
  report(diagnostics: readonly TypeDiagnostic[]): { error?: CodecallError; warnings: string[] };
  /** The skills as JavaScript modules, to run after the prologue. */
  modules(): Promise<string>;
  /** The tools each imported skill can call, for the policy's program manifest. */
  moduleTools(specifier: string): readonly string[] | undefined;
}

export interface ProgramWorkspace {
  readonly workspace: Workspace;
  readonly skills: Skills;
  /** Declarations of the `workspace` and `skills` globals, added to the API's. */
  readonly declarations: Record<string, string>;
  /** Their runtime, run after the prologue. */
  readonly runtime: string;
  /** Wraps the executor's tool handler with the workspace's and skills' host tools. */
  tools(next: ToolHandler, interceptor?: ExecutionInterceptor): ToolHandler;
  /** Loads the skills `code` imports; undefined when it imports none. */
  link(code: string, api: GeneratedApi, prepare: PrepareFunction): Promise<LinkedProgram | undefined>;
  close(): Promise<void>;
}

/** Builds the program side of `option` (a workspace you made, which stays yours, or options for one). */
export function programWorkspace(
  option: Workspace | WorkspaceOptions,
  host: ProgramWorkspaceHost,
): ProgramWorkspace {
  const owned = !isWorkspace(option);
  const workspace = isWorkspace(option) ? option : createWorkspace(option);
  const skills = createSkills(workspace, {
    api: async () => (await host.current()).api,
    check: async (name, code) => {
      const { api, prepare } = await host.current();
      const deps = await linkSkills(
        importedSkillNames(code, true)
          .map((n) => `import "./skills/${n}";`)
          .join("\n"),
        skills,
        api,
      );
      const files = { ...deps?.files, [skillCodePath(name)]: code };
      const prepared = await prepare(`import * as __skill from "./skills/${name}";`, true, files);
      return prepared.diagnostics.filter((d) => d.file === skillCodePath(name));
    },
  });
  return {
    workspace,
    skills,
    declarations: { "codecall-workspace.d.ts": `${WORKSPACE_DECLARATION}${SKILLS_DECLARATION}` },
    runtime: `${WORKSPACE_RUNTIME}${SKILLS_RUNTIME}`,
    tools: (next, interceptor) =>
      createSkillsHandler(skills, createWorkspaceHandler(workspace, next, interceptor)),
    async link(code, api, prepare) {
      const linked = await linkSkills(code, skills, api);
      return linked ? linkedProgram(linked, prepare) : undefined;
    },
    async close() {
      if (owned) await workspace.close();
    },
  };
}

function linkedProgram(linked: LinkedSkills, prepare: PrepareFunction): LinkedProgram {
  return {
    files: linked.files,
    moduleTools: skillModuleTools(linked),
    mustCheck: linked.drift.length > 0,
    report(diagnostics) {
      if (linked.drift.length === 0) return { warnings: [] };
      const drift = describeDrift(linked.drift);
      const broken = diagnostics.filter(inSkillFile);
      if (broken.length === 0)
        return { warnings: [...drift.map((d) => `${d} The skill still type-checks; check its results.`)] };
      return {
        warnings: [],
        error: new CodecallError(
          "TYPE_CHECK_FAILED",
          `A skill this program imports no longer type-checks against today's tools; nothing ran.\n${drift.join("\n")}\n${formatDiagnostics(broken)}`,
          {
            hint: "Update the skill for the tool's new schema (skills.save with the same name), or do not import it.",
            details: { drift: linked.drift, diagnostics: broken },
          },
        ),
      };
    },
    async modules() {
      const stripped = await Promise.all(
        linked.skills.map(async (skill) => {
          const prepared = await prepare(skill.code, false);
          if (prepared.js === undefined)
            throw (
              prepared.stripError ??
              new CodecallError("PROGRAM_SYNTAX", `The skill "${skill.name}" does not parse.`)
            );
          return { name: skill.name, js: prepared.js };
        }),
      );
      return skillModules(stripped);
    },
  };
}

function isWorkspace(value: unknown): value is Workspace {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Workspace).readFile === "function" &&
    typeof (value as Workspace).writeFile === "function"
  );
}
