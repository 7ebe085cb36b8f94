/**
 * A scenario's world: a fresh temporary workspace and the `mcpServers` configuration of the real servers it
 * uses, each started over stdio with this Node and no network: `server-filesystem` (the workspace),
 * `server-memory` (a knowledge graph file in the workspace), `server-everything`, and this package's data
 * and catalogue servers (run from their TypeScript sources through tsx).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export type ServerName = "data" | "catalogue" | "filesystem" | "memory" | "everything";

export interface ServerEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export interface World {
  dir: string;
  config: { mcpServers: Record<string, ServerEntry> };
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

function npmServer(name: "server-memory" | "server-filesystem" | "server-everything"): string {
  return join(dirname(require.resolve(`@modelcontextprotocol/${name}/package.json`)), "dist", "index.js");
}

function ownServer(file: "data-main.ts" | "catalogue-main.ts"): ServerEntry {
  return {
    command: process.execPath,
    args: [
      "--import",
      import.meta.resolve("tsx"),
      fileURLToPath(new URL(`./servers/${file}`, import.meta.url)),
    ],
  };
}

/** Creates the workspace and the configuration of `servers` (nothing starts until code mode connects). */
export async function createWorld(
  servers: readonly ServerName[],
  options: { catalogueTools?: number } = {},
): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), "codecall-scenario-"));
  const entries: Record<ServerName, () => ServerEntry> = {
    data: () => ownServer("data-main.ts"),
    catalogue: () => ({
      ...ownServer("catalogue-main.ts"),
      ...(options.catalogueTools ? { env: { CATALOGUE_TOOLS: String(options.catalogueTools) } } : {}),
    }),
    filesystem: () => ({ command: process.execPath, args: [npmServer("server-filesystem"), dir] }),
    memory: () => ({
      command: process.execPath,
      args: [npmServer("server-memory")],
      env: { MEMORY_FILE_PATH: join(dir, "memory.jsonl") },
    }),
    everything: () => ({ command: process.execPath, args: [npmServer("server-everything"), "stdio"] }),
  };
  return {
    dir,
    config: { mcpServers: Object.fromEntries(servers.map((s) => [s, entries[s]()])) },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Where code mode's workspace keeps its files in a world that gives it one (see `Scenario.workspace`). */
export const workspaceDir = (world: Pick<World, "dir">) => join(world.dir, "workspace");
