/**
 * The catalogue server: a real MCP server that lists the 527 tools of LiveMCPBench's 70 servers
 * (`data/livemcpbench/tools.json`, real names, descriptions and input schemas), so a scenario can put a
 * 500+ tool catalogue in front of the model. The tools are descriptions only: calling one answers with an
 * error saying so (their upstream services are not reachable offline).
 */
import { readFileSync } from "node:fs";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";

const TOOLS_JSON = new URL("../../../../data/livemcpbench/tools.json", import.meta.url);

type Entry = {
  tools: Record<
    string,
    { server_name?: string; tools: Array<{ name: string; description?: string; inputSchema?: unknown }> }
  >;
};

/** The catalogue's tools, named `<server>_<tool>` (sanitised, unique, at most 64 characters). */
export function catalogueTools(): Tool[] {
  const entries = JSON.parse(readFileSync(TOOLS_JSON, "utf8")) as Entry[];
  const seen = new Set<string>();
  const out: Tool[] = [];
  for (const entry of entries) {
    for (const [server, group] of Object.entries(entry.tools)) {
      for (const tool of group.tools) {
        const base = `${server}_${tool.name}`.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 60);
        let name = base;
        for (let n = 2; seen.has(name); n++) name = `${base}_${n}`;
        seen.add(name);
        const schema = tool.inputSchema && typeof tool.inputSchema === "object" ? tool.inputSchema : {};
        out.push({
          name,
          ...(tool.description ? { description: tool.description } : {}),
          inputSchema: { type: "object", ...(schema as object) } as Tool["inputSchema"],
        });
      }
    }
  }
  return out;
}

/** The catalogue server; `limit` keeps only the first tools (the bench measures 10 and all 527). */
export function createCatalogueServer(limit?: number): Server {
  const tools = catalogueTools().slice(0, limit ?? Number.POSITIVE_INFINITY);
  const server = new Server(
    { name: "codecall-scenario-catalogue", version: "1.0.0" },
    { capabilities: { tools: {} } },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, (request) => ({
    isError: true,
    content: [
      {
        type: "text",
        text: `${request.params.name} is a catalogue entry only: its service is not reachable from this machine.`,
      },
    ],
  }));
  return server;
}
