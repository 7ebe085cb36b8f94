/**
 * Code mode prepares the API and the search index of an ordinary catalogue in the background as soon as it
 * is connected, and leaves a very large one (over 1,000 tools) for the first search: start-up stays flat.
 * Seen through the executor's `api()`, which that preparation calls.
 */
import { fileURLToPath } from "node:url";
import { quickjs } from "@codecall/sandbox-quickjs";
import { expect, it, vi } from "vitest";
import { createCodeMode } from "../src/internal.js";
import { serverBin } from "./fixtures/mcp/servers.js";

const catalogue = fileURLToPath(new URL("./fixtures/mcp/catalogue-server.mjs", import.meta.url));
/** A few turns of the event loop: what the background preparation needs to start. */
const turns = async () => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

it.each([
  { tools: 9, server: { command: process.execPath, args: [serverBin("server-memory")] }, prebuilt: true },
  {
    tools: 1_001,
    server: { command: process.execPath, args: [catalogue, "0", "1", "1001"] },
    prebuilt: false,
  },
])(
  "over $tools tools, the API is prepared before the first search: $prebuilt",
  async ({ tools, server, prebuilt }) => {
    const codeMode = await createCodeMode({ servers: { mcpServers: { s: server } }, sandbox: quickjs() });
    try {
      // Attached before the background preparation's turn comes.
      const api = vi.spyOn(codeMode.executor, "api");
      expect(codeMode.connections.tools()).toHaveLength(tools);
      await turns();
      expect(api.mock.calls.length > 0).toBe(prebuilt);
      expect(await codeMode.search("read", { limit: 1, detail: "name" })).toHaveLength(1);
      expect(api).toHaveBeenCalled();
    } finally {
      await codeMode.close();
    }
  },
  120_000,
);
