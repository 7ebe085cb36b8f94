/** Runs the CLI as a child process, and sets up real upstream MCP servers (server-memory, server-filesystem) for it. */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const modules = new URL("../node_modules/", import.meta.url);

/** A file inside an installed devDependency. */
export function installed(path: string): string {
  return fileURLToPath(new URL(path, modules));
}

/**
 * How tests start `codecall`: from source (`from-source.mjs`: tsx, with workspace packages resolved to
 * their `src` as vitest does), so no build is needed; `CODECALL_TEST_BUILT=1` runs `dist/bin.js` instead
 * (after `pnpm build`).
 */
export const CLI: [string, ...string[]] = [
  process.execPath,
  fileURLToPath(
    new URL(
      process.env.CODECALL_TEST_BUILT === "1" ? "../dist/bin.js" : "./from-source.mjs",
      import.meta.url,
    ),
  ),
];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `codecall <args>` to completion (killed after `timeoutMs`). */
export function runCli(
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    input?: string;
    timeoutMs?: number;
  } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env = {
      ...process.env,
      ANTHROPIC_API_KEY: undefined,
      CODECALL_CONFIG: undefined,
      ...options.env,
    };
    const [command, ...prefix] = CLI;
    const child = spawn(command, [...prefix, ...args], { cwd: options.cwd, env: env as NodeJS.ProcessEnv });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 200_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** A temporary working directory with `.mcp.json` for memory + filesystem over it, and a notes file. */
export interface Workspace {
  dir: string;
  config: string;
  memoryFile: string;
  cleanup(): Promise<void>;
}

export async function makeWorkspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), "codecall-cli-"));
  await writeFile(join(dir, "notes.txt"), "alpha\nbeta\ngamma\n");
  const memoryFile = join(dir, "memory.jsonl");
  const config = join(dir, ".mcp.json");
  await writeFile(
    config,
    JSON.stringify({
      mcpServers: {
        memory: {
          command: process.execPath,
          args: [installed("@modelcontextprotocol/server-memory/dist/index.js")],
          env: { MEMORY_FILE_PATH: memoryFile },
        },
        filesystem: {
          command: process.execPath,
          args: [installed("@modelcontextprotocol/server-filesystem/dist/index.js"), dir],
        },
      },
    }),
  );
  return { dir, config, memoryFile, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A program that reads the notes with server-filesystem and stores each line in server-memory. */
export function notesProgram(dir: string): string {
  return `
const file = await filesystem.readTextFile({ path: ${JSON.stringify(join(dir, "notes.txt"))} });
const words: string[] = String(file.content).trim().split("\\n");
console.log("read", words.length, "words");
await memory.createEntities({ entities: words.map((w) => ({ name: w, entityType: "word", observations: [] })) });
const graph = await memory.readGraph({});
return graph.entities.map((e) => e.name).sort();
`;
}

/**
 * Writes `<dir>/<name>.json`, a config whose one server only writes `<dir>/<name>.started` when it starts
 * (it is no MCP server): a test checks that file to learn whether the CLI started any server. Returns the
 * config's file name and the marker's path.
 */
export async function probeConfig(dir: string, name: string): Promise<{ config: string; marker: string }> {
  const marker = join(dir, `${name}.started`);
  const script = `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "")`;
  await writeFile(
    join(dir, `${name}.json`),
    JSON.stringify({ mcpServers: { probe: { command: process.execPath, args: ["-e", script] } } }),
  );
  return { config: `${name}.json`, marker };
}
