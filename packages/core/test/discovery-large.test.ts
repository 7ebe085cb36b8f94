/**
 * Code mode over 10,000 tools (two real MCP server processes serving LiveMCPBench's tools varied into
 * copies): it starts without generating the typed API, with an initial prompt under 1,000 tokens, and the
 * first search builds what it needs (only the tools it returns are emitted); a program calls a tool it
 * found, and type-checked programs are checked against the declarations of the tools they name. The
 * start-up figures belong to the bench (discovery suite, `startup`); the bounds here are generous.
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
      // Start-up and the first search each stay far from what generating the whole API cost (the bench
      // has the figures); the bound here only catches a return to that.
      expect(startMs).toBeLessThan(30_000);
      expect(firstSearchMs).toBeLessThan(30_000);
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
      // Type-checked programs through the typed function: checked against the declarations of the tools
      // they name (not 10,000 tools'), with the same findings; a wrong argument type is caught.
      const call = `${weather!.id}({ latitude: 48.85, longitude: 2.35 })`;
      const typed = await codeMode.executor.execute(`return await ${call};`);
      expect(typed.ok, JSON.stringify(typed.error)).toBe(true);
      const wrong = await codeMode.executor.execute(`return await ${weather!.id}({ latitude: "north" });`);
      expect(wrong.ok).toBe(false);
      expect(wrong.error?.code).toBe("TYPE_CHECK_FAILED");
      expect(wrong.diagnostics.map((d) => d.message).join("\n")).toMatch(
        /'string' is not assignable to type 'number'/,
      );
      // A program naming a tool that does not exist hears the nearest real names.
      const unknown = await codeMode.executor.execute(`return await ${weather!.id}Now({});`);
      expect(unknown.ok).toBe(false);
      const [server, tool] = weather!.id.split(".");
      expect(unknown.diagnostics.map((d) => d.message).join("\n")).toMatch(
        new RegExp(`Did you mean '(${server}\\.)?${tool}'`),
      );
    } finally {
      await codeMode.close();
    }
  }, 180_000);
});
