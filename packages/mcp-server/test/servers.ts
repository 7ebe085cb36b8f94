/** The real upstream MCP servers the tests put code mode in front of: server-memory and server-filesystem. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const modules = new URL("../node_modules/@modelcontextprotocol/", import.meta.url);

/** The bin script of a reference server (run with `process.execPath`). */
export function serverBin(name: "server-memory" | "server-filesystem" | "server-everything"): string {
  return fileURLToPath(new URL(`${name}/dist/index.js`, modules));
}

/** A temporary directory with a notes file, and an `mcpServers` config for memory + filesystem over it. */
export interface Upstream {
  dir: string;
  config: { mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }> };
  cleanup(): Promise<void>;
}

export async function makeUpstream(): Promise<Upstream> {
  const dir = await mkdtemp(join(tmpdir(), "codecall-mcp-server-"));
  await writeFile(join(dir, "notes.txt"), "alpha\nbeta\ngamma\n");
  return {
    dir,
    config: {
      mcpServers: {
        memory: {
          command: process.execPath,
          args: [serverBin("server-memory")],
          env: { MEMORY_FILE_PATH: join(dir, "memory.jsonl") },
        },
        filesystem: { command: process.execPath, args: [serverBin("server-filesystem"), dir] },
      },
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
