/**
 * A real task with Claude, run only when ANTHROPIC_API_KEY is set (the API is unreachable from CI here):
 * code mode over the real server-memory, the model searches, writes a program, and answers.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quickjs } from "@codecall/sandbox-quickjs";
import { describe, expect, it } from "vitest";
import { createAgent, createCodeMode } from "../src/internal.js";
import { serverBin } from "./fixtures/mcp/servers.js";

const key = process.env.ANTHROPIC_API_KEY;

describe.skipIf(!key)(
  "agent, live (skipped without ANTHROPIC_API_KEY: the Anthropic API cannot be reached here)",
  () => {
    it("creates entities through a program and reports the count", async () => {
      const dir = await mkdtemp(join(tmpdir(), "codecall-live-"));
      const codeMode = await createCodeMode({
        servers: {
          mcpServers: {
            memory: {
              command: process.execPath,
              args: [serverBin("server-memory")],
              env: { MEMORY_FILE_PATH: join(dir, "m.jsonl") },
            },
          },
        },
        sandbox: quickjs(),
      });
      try {
        const agent = createAgent({ toolbox: codeMode, maxTurns: 8 });
        const result = await agent.run(
          "Create three entities of type 'city' named Paris, Rome and Oslo in the memory graph, then tell me how many city entities the graph holds. Answer with the number only.",
        );
        expect(result.stopReason).toBe("end_turn");
        expect(result.text).toContain("3");
        const graph = await codeMode.connections.callTool("memory", "read_graph", {});
        expect(JSON.stringify(graph.structuredContent)).toContain("Oslo");
        expect(result.usage.roundTrips).toBeGreaterThan(1);
      } finally {
        await codeMode.close();
        await rm(dir, { recursive: true, force: true });
      }
    }, 180_000);
  },
);
