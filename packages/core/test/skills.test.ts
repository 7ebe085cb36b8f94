/**
 * Skills end to end on QuickJS (every backend: @codecall/integration), against a real MCP server (the SDK
 * over stdio) whose tool schema changes between runs: a skill saved by a program in one session, imported
 * in a later one, flagged with a warning after a compatible change and refused after a breaking one.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { quickjs } from "@codecall/sandbox-quickjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CodeMode,
  connectServers,
  createCodeMode,
  createExecutor,
  type Executor,
  type McpConnections,
  parseSkillDoc,
  scanToolIds,
} from "../src/internal.js";

const driftServer = fileURLToPath(new URL("./fixtures/mcp/drift-server.mjs", import.meta.url));
const contactsConfig = (schema: "v1" | "v2" | "v3") => ({
  mcpServers: {
    contacts: { command: process.execPath, args: [driftServer], env: { CONTACTS_SCHEMA: schema } },
  },
});

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "codecall-skills-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** One session: the contacts server at a schema version, an executor over the shared workspace directory. */
async function session(schema: "v1" | "v2" | "v3", dir = "ws") {
  const connections: McpConnections = await connectServers(contactsConfig(schema));
  const executor: Executor = await createExecutor({
    catalogue: connections,
    sandbox: quickjs(),
    workspace: { storage: { directory: join(root, dir) }, scope: "user-1" },
  });
  return {
    executor,
    async close() {
      await executor.close();
      await connections.close();
    },
  };
}

const SKILL_CODE = `/** Adds each person and returns the new ids, in order. */
export async function addPeople(people: Array<{ name: string; email: string }>): Promise<string[]> {
  const ids: string[] = [];
  for (const person of people) ids.push((await contacts.addContact(person)).id);
  return ids;
}
`;
const SAVE_PROGRAM = `return await skills.save({
  name: "add-people",
  description: "Add several people to the address book at once and return their ids.",
  code: ${JSON.stringify(SKILL_CODE)},
});`;
const USE_PROGRAM = `import { addPeople } from "./skills/add-people";
return await addPeople([{ name: "Ada", email: "ada@example.com" }, { name: "Alan", email: "alan@example.com" }]);`;

describe("skills across sessions and schema changes", () => {
  it("saves a skill from a program, with the tools it calls and their schema hashes", async () => {
    const s = await session("v1");
    try {
      const saved = await s.executor.execute(SAVE_PROGRAM);
      expect(saved.error).toBeUndefined();
      expect(saved.value).toMatchObject({
        name: "add-people",
        tools: [{ id: "contacts.addContact", schemaHash: expect.stringMatching(/^[0-9a-f]{16}$/) }],
      });
      const dir = join(root, "ws", "user-1", "skills");
      expect(await readFile(join(dir, "add-people.ts"), "utf8")).toBe(SKILL_CODE);
      const doc = await readFile(join(dir, "add-people", "SKILL.md"), "utf8");
      expect(doc).toMatch(/^---\nname: add-people\ndescription: Add several people/);
      expect(await parseSkillDoc(doc)).toMatchObject({
        description: "Add several people to the address book at once and return their ids.",
        tools: [{ id: "contacts.addContact", signature: expect.stringContaining("email: string") }],
        savedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(await s.executor.skills!.skillTools("add-people")).toEqual(["contacts.addContact"]);
    } finally {
      await s.close();
    }
  });

  it("refuses to save a skill that does not type-check, or one with a bad name", async () => {
    const s = await session("v1");
    try {
      const bad = await s.executor.execute(
        `return await skills.save({ name: "broken", description: "Broken.", code: "export async function f() { return contacts.addContact({ name: 1 }); }" });`,
      );
      expect(bad.error?.code).toBe("SKILL_INVALID");
      expect(bad.error?.message).toMatch(/skills\/broken\.ts:1:\d+ TS2/);
      await expect(
        s.executor.skills!.save({ name: "../x", description: "x", code: "export const x = 1;" }),
      ).rejects.toMatchObject({ code: "SKILL_INVALID" });
      expect((await s.executor.skills!.list()).map((k) => k.name)).toEqual(["add-people"]);
    } finally {
      await s.close();
    }
  });

  it("imports the skill in a later session: type-checked against it, and run", async () => {
    const s = await session("v1");
    try {
      const used = await s.executor.execute(USE_PROGRAM);
      expect(used.error).toBeUndefined();
      expect(used.value).toEqual(["Ada:ada@example.com", "Alan:alan@example.com"]);
      expect(used.warnings).toBeUndefined();
      expect(used.toolCalls.map((c) => c.name)).toEqual(["contacts.addContact", "contacts.addContact"]);

      const wrong = await s.executor.execute(
        `import { addPeople } from "./skills/add-people";\nreturn await addPeople([{ name: "Ada" }]);`,
      );
      expect(wrong.error?.code).toBe("TYPE_CHECK_FAILED");
      expect(wrong.diagnostics[0]).toMatchObject({ line: 2 });
      expect(wrong.toolCalls).toEqual([]);

      const missing = await s.executor.execute(`import { x } from "./skills/nope";\nreturn x;`);
      expect(missing.error?.code).toBe("SKILL_NOT_FOUND");
    } finally {
      await s.close();
    }
  });

  it("warns, and still runs, when the tool changed in a way the skill survives", async () => {
    const s = await session("v2");
    try {
      const used = await s.executor.execute(USE_PROGRAM);
      expect(used.error).toBeUndefined();
      expect(used.value).toEqual(["Ada:ada@example.com", "Alan:alan@example.com"]);
      expect(used.warnings).toHaveLength(1);
      expect(used.warnings![0]).toMatch(/Skill "add-people" was saved against contacts\.addContact/);
      expect(used.warnings![0]).toMatch(/phone\?: string/);
      expect(JSON.parse(used.envelope).warnings).toEqual(used.warnings);
    } finally {
      await s.close();
    }
  });

  it("refuses to run, naming the tool and both schemas, when the change breaks the skill (type-checking off too)", async () => {
    const s = await session("v3");
    try {
      for (const typeCheck of ["error", "off"] as const) {
        const used = await s.executor.execute(USE_PROGRAM, { typeCheck });
        expect(used.ok).toBe(false);
        expect(used.error?.code).toBe("TYPE_CHECK_FAILED");
        expect(used.toolCalls).toEqual([]);
        const message = used.error!.message;
        expect(message).toMatch(/contacts\.addContact/);
        expect(message).toMatch(/email: string/);
        expect(message).toMatch(/emails: string\[\]/);
        expect(message).toMatch(/skills\/add-people\.ts:\d+:\d+ TS/);
      }
      // Updated for the new schema, it runs without a warning.
      await s.executor.skills!.save({
        name: "add-people",
        description: "Add several people to the address book at once and return their ids.",
        code: SKILL_CODE.replace(
          "contacts.addContact(person)",
          "contacts.addContact({ name: person.name, emails: [person.email] })",
        ),
      });
      const used = await s.executor.execute(USE_PROGRAM);
      expect(used.error).toBeUndefined();
      expect(used.warnings).toBeUndefined();
      expect(used.value).toEqual(["Ada:ada@example.com", "Alan:alan@example.com"]);
    } finally {
      await s.close();
    }
  });

  it("links skills that import other skills, and removes skills", async () => {
    const s = await session("v3", "ws-chain");
    try {
      const skills = s.executor.skills!;
      await skills.save({
        name: "one",
        description: "Adds one person.",
        code: `export const addOne = (name: string) => contacts.addContact({ name, emails: [name + "@x"] });`,
      });
      await skills.save({
        name: "two",
        description: "Adds two people.",
        code: `import { addOne } from "./one";\nexport async function addTwo(a: string, b: string) { return [(await addOne(a)).id, (await addOne(b)).id]; }`,
      });
      const used = await s.executor.execute(
        `import { addTwo } from "./skills/two";\nreturn addTwo("p", "q");`,
      );
      expect(used.error).toBeUndefined();
      expect(used.value).toEqual(["p:p@x", "q:q@x"]);
      expect(await skills.remove("one")).toBe(true);
      expect(
        (await s.executor.execute(`import { addTwo } from "./skills/two";\nreturn addTwo("p", "q");`)).error
          ?.code,
      ).toBe("SKILL_NOT_FOUND");
    } finally {
      await s.close();
    }
  });
});

describe("skills in discovery", () => {
  let codeMode: CodeMode;
  beforeAll(async () => {
    codeMode = await createCodeMode({
      servers: contactsConfig("v1"),
      sandbox: quickjs(),
      workspace: { storage: { directory: join(root, "discovery") } },
    });
  });
  afterAll(async () => codeMode?.close());

  it("search_tools finds a skill a program saved, and the file view shows it", async () => {
    expect(codeMode.system()).toMatch(/workspace[\s\S]*skills\.save\(/);
    const saved = await codeMode.execute(
      `return (await skills.save({ name: "birthday-cards", description: "Write birthday greeting cards for every contact born this month.", code: "export const card = (name: string) => 'Happy birthday, ' + name;" })).name;`,
    );
    expect(saved.value).toBe("birthday-cards");
    const hits = await codeMode.search("birthday greeting cards");
    expect(hits[0]).toMatchObject({ id: "skills/birthday-cards", server: "skills" });
    expect(hits[0]!.text).toContain('from "./skills/birthday-cards"');
    const listing = await codeMode.call("list_files", { path: "skills" }, {});
    expect(listing.content).toBe("skills/birthday-cards/\nskills/birthday-cards.ts");
    const file = await codeMode.call("read_file", { path: "skills/birthday-cards.ts" }, {});
    expect(file.content).toContain("Happy birthday");
    const doc = await codeMode.call("read_file", { path: "skills/birthday-cards/SKILL.md" }, {});
    expect(doc.content).toMatch(/^---\nname: birthday-cards/);
    // From inside a program too.
    const inside = await codeMode.execute(
      `return (await codecall.searchTools({ query: "birthday cards", limit: 1 }))[0].id;`,
    );
    expect(inside.value).toBe("skills/birthday-cards");
  });
});

describe("skills saved by another code mode over the same workspace", () => {
  it("are found by the next search of this one", async () => {
    const open = () =>
      createCodeMode({
        servers: contactsConfig("v1"),
        sandbox: quickjs(),
        workspace: { storage: { directory: join(root, "shared-discovery") }, scope: "team" },
      });
    const [a, b] = await Promise.all([open(), open()]);
    try {
      expect((await b.search("postcards to every contact")).some((h) => h.server === "skills")).toBe(false);
      await a.executor.skills!.save({
        name: "postcards",
        description: "Send holiday postcards to every contact in the address book.",
        code: "export const postcard = (name: string) => 'Greetings, ' + name;",
      });
      expect((await b.search("holiday postcards to every contact"))[0]?.id).toBe("skills/postcards");
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("scanToolIds", () => {
  const api = {
    tools: [
      { id: "contacts.addContact", serverIdent: "contacts", toolIdent: "addContact" },
      { id: "memory.readGraph", serverIdent: "memory", toolIdent: "readGraph" },
    ],
  } as never;
  it("finds member calls and literal callTool ids, not look-alikes", () => {
    expect(
      scanToolIds(
        `await contacts.addContact(x); codecall.callTool("memory.readGraph", {}); foo.contacts.addContact; contacts.removeContact()`,
        api,
      ),
    ).toEqual(["contacts.addContact", "memory.readGraph"]);
    expect(scanToolIds(`const c = "contacts"; c.addContact()`, api)).toEqual([]);
  });
});
