/**
 * The workspace and skills from the CLI, each command a process of its own: `exec` keeps files in
 * `./.codecall/workspace` by default, a later `exec` resumes them and imports a saved skill, and
 * `codecall skills list|show|save|remove` manage the skills.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace, runCli, type Workspace } from "./cli.js";

let ws: Workspace;
beforeAll(async () => {
  ws = await makeWorkspace();
});
afterAll(async () => {
  await ws.cleanup();
});

const SKILL = `/** The names of the entities of one type in the memory graph. */
export async function namesOfType(type: string): Promise<string[]> {
  const graph = await memory.readGraph({});
  return graph.entities.filter((e) => e.entityType === type).map((e) => e.name).sort();
}
`;

describe("codecall exec with a workspace, and codecall skills", () => {
  it("keeps a file and a skill from one exec for the next, and lists, shows, saves and removes skills", async () => {
    await writeFile(
      join(ws.dir, "first.ts"),
      `await memory.createEntities({ entities: [{ name: "Ada", entityType: "person", observations: [] }, { name: "Paris", entityType: "city", observations: [] }] });
await workspace.writeFile("notes/todo.md", "- call Ada\\n");
return (await skills.save({ name: "names-of-type", description: "Names of the entities of one type in the memory graph.", code: ${JSON.stringify(SKILL)} })).tools.map((t) => t.id);`,
    );
    const first = await runCli(["exec", "first.ts", "--quiet"], { cwd: ws.dir });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).value).toEqual(["memory.readGraph"]);
    const onDisk = join(ws.dir, ".codecall", "workspace", "default");
    expect(await readFile(join(onDisk, "notes", "todo.md"), "utf8")).toBe("- call Ada\n");
    expect(await readFile(join(onDisk, "skills", "names-of-type.ts"), "utf8")).toBe(SKILL);

    await writeFile(
      join(ws.dir, "second.ts"),
      `import { namesOfType } from "./skills/names-of-type";\nreturn { todo: await workspace.readFile("notes/todo.md"), people: await namesOfType("person") };`,
    );
    const second = await runCli(["exec", "second.ts", "--quiet"], { cwd: ws.dir });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).value).toEqual({ todo: "- call Ada\n", people: ["Ada"] });

    const list = await runCli(["skills", "list"], { cwd: ws.dir });
    expect(list.code).toBe(0);
    expect(list.stdout).toBe(
      "names-of-type\tNames of the entities of one type in the memory graph.\t(memory.readGraph)\n",
    );
    const show = await runCli(["skills", "show", "names-of-type"], { cwd: ws.dir });
    expect(show.stdout).toMatch(/^# names-of-type\nNames of the entities/);
    expect(show.stdout).toMatch(/memory\.readGraph\(input/);
    expect(show.stdout).toContain(SKILL);

    await writeFile(
      join(ws.dir, "count.ts"),
      `export const countOf = async (type: string) => (await memory.readGraph({})).entities.filter((e) => e.entityType === type).length;\n`,
    );
    const save = await runCli(
      ["skills", "save", "count-of", "count.ts", "-d", "How many entities of a type.", "--quiet"],
      {
        cwd: ws.dir,
      },
    );
    expect(save.stderr).toBe("");
    expect(save.stdout).toBe("saved skills/count-of.ts (calls memory.readGraph)\n");
    const json = await runCli(["skills", "list", "--json"], { cwd: ws.dir });
    expect(JSON.parse(json.stdout).map((s: { name: string }) => s.name)).toEqual([
      "count-of",
      "names-of-type",
    ]);

    const removed = await runCli(["skills", "remove", "count-of"], { cwd: ws.dir });
    expect(removed.stdout).toBe("removed skills/count-of.ts\n");
    const again = await runCli(["skills", "remove", "count-of"], { cwd: ws.dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/SKILL_NOT_FOUND/);
  });

  it("--workspace picks the directory and --no-workspace gives programs none", async () => {
    await writeFile(join(ws.dir, "where.ts"), `await workspace.writeFile("x.txt", "x"); return "wrote";`);
    const elsewhere = await runCli(
      ["exec", "where.ts", "--quiet", "--workspace", "other", "--workspace-scope", "u1"],
      {
        cwd: ws.dir,
      },
    );
    expect(elsewhere.code).toBe(0);
    expect(await readFile(join(ws.dir, "other", "u1", "x.txt"), "utf8")).toBe("x");
    const none = await runCli(["exec", "where.ts", "--quiet", "--no-workspace"], { cwd: ws.dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/TYPE_CHECK_FAILED[\s\S]*workspace/);
  });
});
