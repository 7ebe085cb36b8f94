/**
 * The demo's world: a workspace with a contacts CSV (deterministic fake people), served by the real
 * server-filesystem, and a knowledge graph in the real server-memory. Both run over stdio from npm.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface Contact {
  name: string;
  email: string;
  phone: string;
  company: string;
}

const FIRST = [
  "Ada",
  "Grace",
  "Alan",
  "Edsger",
  "Barbara",
  "Donald",
  "Frances",
  "John",
  "Radia",
  "Ken",
  "Margaret",
  "Tim",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Allen",
  "McCarthy",
  "Perlman",
  "Thompson",
];
const COMPANIES = ["Acme", "Globex", "Initech"];

/** 60 contacts, the same every run; a third of them work at Acme. */
export function contacts(): Contact[] {
  return Array.from({ length: 60 }, (_, i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    const company = COMPANIES[i % COMPANIES.length]!;
    return {
      name: `${first} ${last} ${i + 1}`,
      email: `${first}.${last}${i + 1}@${company.toLowerCase()}.example`.toLowerCase(),
      phone: `+1 415 555 ${String(1000 + i * 37).slice(-4)}`,
      company,
    };
  });
}

export function contactsCsv(list = contacts()): string {
  return `name,email,phone,company\n${list.map((c) => [c.name, c.email, c.phone, c.company].join(",")).join("\n")}\n`;
}

/** The task both modes get. */
export const TASK =
  "Add everyone from contacts.csv in the workspace who works at Acme to the memory graph as a 'contact' entity, with their email and phone as observations. Then tell me how many you added.";

export interface Workspace {
  dir: string;
  csvPath: string;
  /** An `mcpServers` configuration, as Claude Desktop or Claude Code would have it. */
  config: { mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }> };
}

const require = createRequire(import.meta.url);
/** A server's entry script, so it runs with this Node and no network. */
function serverBin(name: "server-memory" | "server-filesystem"): string {
  return join(dirname(require.resolve(`@modelcontextprotocol/${name}/package.json`)), "dist", "index.js");
}

export async function createWorkspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), "codecall-demo-"));
  const csvPath = join(dir, "contacts.csv");
  await writeFile(csvPath, contactsCsv());
  return {
    dir,
    csvPath,
    config: {
      mcpServers: {
        filesystem: { command: process.execPath, args: [serverBin("server-filesystem"), dir] },
        memory: {
          command: process.execPath,
          args: [serverBin("server-memory")],
          env: { MEMORY_FILE_PATH: join(dir, "memory.jsonl") },
        },
      },
    },
  };
}
