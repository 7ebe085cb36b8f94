/**
 * Code mode over 10,000 tools (two real MCP server processes serving LiveMCPBench's tools varied into
 * copies): it starts without generating the typed API, with an initial prompt under 1,000 tokens, and the
 * first search builds what it needs. The start-up figure itself belongs to the bench; here the bound is
 * generous and the check is structural: starting costs a small share of what the first search pays.
 */

import { fileURLToPath } from "node:url";
import { countTokens } from "@anthropic-ai/tokenizer";
import { quickjs } from "@codecall/sandbox-quickjs";
import { describe, expect, it } from "vitest";
import { createCodeMode } from "../src/index.js";

const script = fileURLToPath(new URL("./fixtures/mcp/catalogue-server.mjs", import.meta.url));
const PARTS = 2;
const TOOLS = 10_000;

describe("code mode over 10,000 tools", () => {
  it("starts without generating the API, with a small prompt; the first search builds the index", async () => {
    const mcpServers = Object.fromEntries(
      Array.from({ length: PARTS }, (_, p) => [
        `catalogue${p}`,
        { command: process.execPath, args: [script, String(p), String(PARTS), String(TOOLS)] },
      ]),
    );
    const t0 = performance.now();
    const codeMode = await createCodeMode({ servers: { mcpServers }, sandbox: quickjs() });
    const startMs = performance.now() - t0;
    try {
      expect(codeMode.connections.tools()).toHaveLength(TOOLS);
      const prompt = codeMode.system() + JSON.stringify(codeMode.tools());
      expect(countTokens(prompt)).toBeLessThan(1000);
      expect(codeMode.system()).toContain(`${TOOLS} tools from ${PARTS} MCP servers`);
      const t1 = performance.now();
      const hits = await codeMode.search(["weather forecast", "write a file"], { limit: 4, detail: "name" });
      const firstSearchMs = performance.now() - t1;
      expect(hits).toHaveLength(4);
      expect(hits.some((hit) => /weather/i.test(hit.name))).toBe(true);
      // Generating the API for 10,000 tools is the bulk of the work, and start-up does not do it.
      expect(startMs).toBeLessThan(firstSearchMs);
      expect(startMs).toBeLessThan(30_000);
    } finally {
      await codeMode.close();
    }
  }, 180_000);
});
