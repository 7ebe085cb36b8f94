/**
 * Golden files: each `__golden__/<name>.input.json` (a list of servers) generates `<name>.output.ts`
 * exactly (and `knowledge-graph` its declarations under `__golden__/declarations/`). `UPDATE_GOLDEN=1` rewrites the outputs after a deliberate change; review the diff.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { typeCheckFiles } from "../src/check.js";
import { type GeneratedApi, generateApi, type ServerDefinition } from "../src/index.js";

const dir = fileURLToPath(new URL("./__golden__/", import.meta.url));
/** The declarations of one fixture are also kept as files, for the type tests (`*.test-d.ts`). */
const declarationsDir = fileURLToPath(new URL("./__golden__/declarations/", import.meta.url));
const DECLARATIONS_FIXTURE = "knowledge-graph";

const names = readdirSync(dir)
  .filter((f) => f.endsWith(".input.json"))
  .map((f) => f.slice(0, -".input.json".length))
  .sort();

/** Everything a user sees, in one reviewable text. */
function render(api: GeneratedApi): string {
  const parts: string[] = [];
  const section = (title: string, body: string) => parts.push(`//// ${title}\n${body.trimEnd()}\n`);
  for (const path of Object.keys(api.files).sort()) if (path !== "types.ts") section(path, api.files[path]!);
  section("declarations: globals.d.ts", api.declarations["globals.d.ts"]!);
  section("runtime", api.runtime);
  section(
    "renderings",
    api.tools.map((t) => `${t.renderings.name}\n${t.renderings.summary}\n${t.renderings.full}`).join("\n\n"),
  );
  section("warnings", api.warnings.map((w) => `// ${JSON.stringify(w)}`).join("\n"));
  return parts.join("\n");
}

describe("golden files", () => {
  it("has fixtures", () => expect(names.length).toBeGreaterThanOrEqual(4));

  for (const name of names) {
    it(`${name}: regenerating changes nothing, and the output compiles`, () => {
      const servers = JSON.parse(readFileSync(`${dir}${name}.input.json`, "utf8")) as ServerDefinition[];
      const api = generateApi(servers);
      const text = render(api);
      const out = `${dir}${name}.output.ts`;
      if (process.env.UPDATE_GOLDEN || !existsSync(out)) writeFileSync(out, text);
      expect(text).toBe(readFileSync(out, "utf8"));
      expect(render(generateApi(servers))).toBe(text);
      expect(typeCheckFiles(api.files)).toEqual([]);
      expect(typeCheckFiles(api.declarations)).toEqual([]);
      if (name !== DECLARATIONS_FIXTURE) return;
      for (const [path, text] of Object.entries(api.declarations)) {
        const file = `${declarationsDir}${path}`;
        if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, text);
        }
        expect(text, path).toBe(readFileSync(file, "utf8"));
      }
    });
  }
});
