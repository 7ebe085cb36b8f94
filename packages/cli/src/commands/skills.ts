import { CodecallError, createSkills, createWorkspace, type Skills } from "@codecall/core";
import type { Command } from "commander";
import { type CliIo, progress, readSource, usageError } from "../io.js";
import { type ServerFlags, withCodeMode, workspaceSetting } from "../setup.js";

interface SkillsFlags extends ServerFlags {
  json?: boolean;
  description?: string;
}

/**
 * `codecall skills list|show|save|remove`: the skills saved in the workspace (`--workspace`, default
 * `./.codecall/workspace`). `save` connects the configured servers: the skill is type-checked against
 * today's tools and records their schema hashes.
 */
export function skillsCommand(program: Command, io: CliIo): void {
  const skills = program
    .command("skills")
    .description("List, show, save and remove the skills programs import as ./skills/<name>");

  skills
    .command("list")
    .description("List saved skills: name, description and the tools each calls")
    .option("--json", "print the list as JSON")
    .action(async (_flags: SkillsFlags, command: Command) => {
      const flags = command.optsWithGlobals<SkillsFlags>();
      await withSkills(flags, io, async (store) => {
        const list = await store.list();
        if (flags.json) return io.stdout(`${JSON.stringify(list, null, 2)}\n`);
        if (list.length === 0) return io.stdout("No skills saved yet.\n");
        for (const skill of list) {
          const tools = skill.tools.map((t) => t.id).join(", ") || "no tools";
          io.stdout(`${skill.name}\t${skill.description}\t(${tools})\n`);
        }
      });
    });

  skills
    .command("show")
    .description("Print a skill's description, tools and code")
    .argument("<name>", "the skill's name")
    .option("--json", "print the skill as JSON")
    .action(async (name: string, _flags: SkillsFlags, command: Command) => {
      const flags = command.optsWithGlobals<SkillsFlags>();
      await withSkills(flags, io, async (store) => {
        const skill = await store.get(name);
        if (flags.json) return io.stdout(`${JSON.stringify(skill, null, 2)}\n`);
        const tools = skill.tools.map((t) => `  ${t.signature || t.id}  (schema ${t.schemaHash})`).join("\n");
        io.stdout(
          `# ${skill.name}\n${skill.description}\nsaved ${skill.savedAt}\ntools:\n${tools || "  (none)"}\n\n${skill.code}`,
        );
        if (!skill.code.endsWith("\n")) io.stdout("\n");
      });
    });

  skills
    .command("save")
    .description(
      "Save (or update) a skill from a TypeScript file, checked against the configured servers' tools",
    )
    .argument("<name>", "the skill's name: letters, digits, - and _")
    .argument("<file>", "the skill's code: a module exporting functions (`-` reads stdin)")
    .requiredOption("-d, --description <text>", "what it does and when to use it (discovery searches it)")
    .action(async (name: string, file: string, _flags: SkillsFlags, command: Command) => {
      const flags = command.optsWithGlobals<SkillsFlags>();
      const code = await readCode(file, io);
      if (workspaceSetting(flags, io) === false)
        throw usageError(
          "`skills save` needs a workspace.",
          "Drop --no-workspace, or pass --workspace <dir>.",
        );
      const note = progress(io, flags.quiet);
      const saved = await withCodeMode(flags, io, note, async (codeMode) => {
        const store = codeMode.executor.skills;
        if (!store) throw usageError("`skills save` needs a workspace.", "Pass --workspace <dir>.");
        return store.save({ name, description: flags.description ?? "", code });
      });
      if (flags.json) io.stdout(`${JSON.stringify(saved, null, 2)}\n`);
      else
        io.stdout(
          `saved skills/${saved.name}.ts (calls ${saved.tools.map((t) => t.id).join(", ") || "no tools"})\n`,
        );
    });

  skills
    .command("remove")
    .description("Delete a skill")
    .argument("<name>", "the skill's name")
    .action(async (name: string, _flags: SkillsFlags, command: Command) => {
      const flags = command.optsWithGlobals<SkillsFlags>();
      await withSkills(flags, io, async (store) => {
        if (!(await store.remove(name)))
          throw new CodecallError("SKILL_NOT_FOUND", `There is no skill "${name}".`);
        io.stdout(`removed skills/${name}.ts\n`);
      });
    });
}

/** The skills of the flags' workspace, without connecting any server (list, show and remove need none). */
async function withSkills(
  flags: SkillsFlags,
  io: CliIo,
  work: (skills: Skills) => Promise<void>,
): Promise<void> {
  const setting = workspaceSetting(flags, io);
  if (setting === false)
    throw usageError(
      "The skills commands need a workspace.",
      "Drop --no-workspace, or pass --workspace <dir>.",
    );
  const workspace = createWorkspace({
    storage: { directory: setting.directory },
    ...(setting.scope ? { scope: setting.scope } : {}),
  });
  try {
    await work(createSkills(workspace));
  } finally {
    await workspace.close();
  }
}

async function readCode(file: string, io: CliIo): Promise<string> {
  try {
    return await readSource(file, io);
  } catch (error) {
    throw usageError(
      `Cannot read the skill ${file}: ${(error as Error).message}`,
      "Pass the path of a .ts file.",
    );
  }
}
