/**
 * The hybrid retriever plugged into code mode over a real MCP server (server-memory, QuickJS): search ranks
 * its tools with the model, and a program calls the tool found.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CodeMode, createCodeMode } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLocalHybridRetriever } from "../src/index.js";

const serverMemory = fileURLToPath(
  new URL("../node_modules/@modelcontextprotocol/server-memory/dist/index.js", import.meta.url),
);

let dir: string;
let codeMode: CodeMode;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "codecall-embeddings-"));
  codeMode = await createCodeMode({
    servers: {
      mcpServers: {
        memory: {
          command: process.execPath,
          args: [serverMemory],
          env: { MEMORY_FILE_PATH: join(dir, "memory.jsonl") },
        },
      },
    },
    sandbox: quickjs(),
    retriever: await createLocalHybridRetriever(),
  });
});
afterAll(async () => {
  await codeMode?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("finds server-memory's tools with the hybrid ranker and a program calls the one found", async () => {
  // No word of this query is in any server-memory tool's name or description, so the lexical ranker alone
  // finds nothing here: the first hit comes from the model.
  const [erase] = await codeMode.search("erase a person", { limit: 3, detail: "name" });
  expect(erase?.id).toBe("memory.deleteEntities");
  const [read] = await codeMode.search("read the entire graph", { limit: 1, detail: "name" });
  expect(read?.id).toBe("memory.readGraph");
  const result = await codeMode.execute(
    `await memory.createEntities({ entities: [{ name: "Ada", entityType: "person", observations: ["wrote the first program"] }] });
return (await ${read!.id}({})).entities.length;`,
  );
  expect(result.ok, JSON.stringify(result.error)).toBe(true);
  expect(result.value).toBe(1);
});
