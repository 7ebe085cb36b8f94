/**
 * Code mode over 10,000 tools (two real MCP server processes serving LiveMCPBench's tools varied into
 * copies): it starts without generating the typed API, with an initial prompt under 1,000 tokens, and the
 * first search builds what it needs; a program calls a tool it found. The start-up figure itself belongs to
 * the bench (discovery suite, `startup`); here the bound is generous and the check is structural: starting
 * costs less than what the first search pays.
 */

import { fileURLToPath } from "node:url";
import { countTokens } from "@anthropic-ai/tokenizer";
import { quickjs } from "@codecall/sandbox-quickjs";
import { describe, expect, it } from "vitest";
import { createCodeMode } from "../src/internal.js";

const script = fileURLToPath(new URL("./fixtures/mcp/catalogue-server.mjs", import.meta.url));
const PARTS = 2;
const TOOLS = 10_000;

describe("code mode over 10,000 tools", () => {
  it("starts without generating the API, with a small prompt; the first search builds the index; a found tool is called", async () => {
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
      // A found tool is called by a program and answers from its server process (a fifth of the tools
      // declare an output schema; listing did not compile validators for them, and the call works).
      const [weather] = await codeMode.search("get weather at latitude longitude", { limit: 1 });
      expect(weather?.name).toMatch(/get_weather$/);
      const args = JSON.stringify({ latitude: 48.85, longitude: 2.35 });
      const result = await codeMode.executor.execute(
        `const r = await codecall.callTool(${JSON.stringify(weather!.id)}, ${args}); return r;`,
        { typeCheck: "off" },
      );
      expect(result.ok, JSON.stringify(result.error)).toBe(true);
      expect(JSON.stringify(result.value)).toContain(`called ${weather!.name}`);
    } finally {
      await codeMode.close();
    }
  }, 180_000);
});
