import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, extname, resolve } from "node:path";
import { generateApi, type ServerDefinition } from "@codecall/codegen";
import type { Command } from "commander";
import { type CliIo, progress, usageError } from "../io.js";
import { connectConfigured, type ServerFlags } from "../setup.js";

interface GenerateFlags extends ServerFlags {
  tools?: string[];
  out: string;
  json?: boolean;
}

/**
 * `codecall generate`: writes the typed API (`servers/<server>/<tool>.ts`, `index.ts`, `types.ts`) and its
 * declarations to a directory, from the live servers of a config or from saved `tools/list` JSON files.
 */
export function generateCommand(program: Command, io: CliIo): void {
  program
    .command("generate")
    .description("Generate the typed TypeScript API of MCP servers into a directory")
    .option(
      "--tools <file...>",
      "saved tools/list JSON instead of live servers: {tools:[...]} (server named after the file), [{name, tools}], or {<server>: {tools}}",
    )
    .option("-o, --out <dir>", "the directory to write", "codecall-api")
    .option("--json", "print what was written as JSON")
    .action(async (flags: GenerateFlags) => {
      const note = progress(io, flags.quiet);
      let servers: ServerDefinition[];
      if (flags.tools?.length) {
        servers = (await Promise.all(flags.tools.map((file) => readToolsFile(resolve(io.cwd, file))))).flat();
      } else {
        const { connections } = await connectConfigured(flags, io, note);
        try {
          servers = connections.servers();
        } finally {
          await connections.close();
        }
      }
      const api = generateApi(servers);
      const out = resolve(io.cwd, flags.out);
      const files = { ...api.files, ...prefixed("declarations/", api.declarations) };
      for (const [path, text] of Object.entries(files)) {
        const target = resolve(out, path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, text);
      }
      for (const w of api.warnings)
        io.stderr(`codecall: warning: ${w.server}.${w.tool}${w.path ? ` ${w.path}` : ""}: ${w.message}\n`);
      const summary = {
        out,
        servers: api.servers.map((s) => ({ name: s.name, ident: s.ident, tools: s.toolCount })),
        files: Object.keys(files).sort(),
        warnings: api.warnings.length,
      };
      if (flags.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      else
        io.stdout(
          `Wrote ${summary.files.length} files for ${api.tools.length} tools of ${api.servers.length} servers to ${out}\n`,
        );
    });
}

function prefixed(prefix: string, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files).map(([path, text]) => [prefix + path.replace(/^\/+/, ""), text]),
  );
}

/** Reads one saved tool list in any of the shapes `--tools` accepts. */
async function readToolsFile(path: string): Promise<ServerDefinition[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw usageError(
      `Cannot read the tool list ${path}: ${(error as Error).message}`,
      "Pass a JSON file saved from an MCP tools/list response.",
    );
  }
  const record = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const result = record(json) && record(json.result) ? json.result : json; // a whole JSON-RPC response
  if (record(result) && Array.isArray(result.tools))
    return [{ name: basename(path, extname(path)), tools: result.tools as ServerDefinition["tools"] }];
  if (
    Array.isArray(result) &&
    result.every((s) => record(s) && typeof s.name === "string" && Array.isArray(s.tools))
  )
    return result as ServerDefinition[];
  if (record(result) && Object.values(result).every((s) => record(s) && Array.isArray(s.tools)))
    return Object.entries(result).map(([name, s]) => ({ name, ...(s as Omit<ServerDefinition, "name">) }));
  throw usageError(
    `${path} is not a saved tool list.`,
    'Save a tools/list result ({"tools": [...]}), a list of {"name", "tools"} servers, or {"<server>": {"tools": [...]}}.',
  );
}
