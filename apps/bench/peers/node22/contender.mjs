// Peers that need Node 22 run here, in a child process of the peers bench under the npm `node@22` package:
// UTCP's code mode (`@utcp/code-mode`, isolated-vm 6) and the AI SDK's (`@ai-sdk/code-mode`, QuickJS through
// `run`), beside a bare MCP SDK client on the same Node. Each contender has its own connection to the server,
// and each sample times itself in this process, so the IPC hop to the bench counts against none of them.
import { experimental_runCodeMode as runCodeMode } from "@ai-sdk/code-mode";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CodeModeUtcpClient } from "@utcp/code-mode";
import "@utcp/mcp";
import { jsonSchema, tool } from "ai";

const clients = [];
let utcp;
let bare;
let aiSdkTools;
let calls = 0;

// UTCP logs every tool call on the console, and `run` warns about an experimental Node API; the bench reads
// only IPC messages.
console.log = () => {};
console.info = () => {};
process.removeAllListeners("warning");

async function mcpClient(server) {
  const client = new Client({ name: "bench-peers-node22", version: "0" });
  await client.connect(new StdioClientTransport(server));
  clients.push(client);
  return client;
}

async function init({ server, calls: n }) {
  calls = n;
  utcp = await CodeModeUtcpClient.create();
  const registered = await utcp.registerManual({
    name: "m",
    call_template_type: "mcp",
    config: { mcpServers: { memory: { transport: "stdio", ...server } } },
  });
  if (!registered.success) throw new Error(`UTCP could not register server-memory: ${registered.errors}`);
  bare = await mcpClient(server);
  // The AI SDK's code mode calls AI SDK tools; this one calls the server, as an MCP tool adapter would.
  const aiSdkClient = await mcpClient(server);
  aiSdkTools = {
    readGraph: tool({
      description: "Read the whole knowledge graph.",
      inputSchema: jsonSchema({ type: "object", properties: {} }),
      execute: async (args) =>
        (await aiSdkClient.callTool({ name: "read_graph", arguments: args })).structuredContent,
    }),
  };
  return { node: process.version };
}

const programs = {
  utcp: {
    one: () => "const g = m.memory_read_graph({});\nreturn g.entities.length;",
    many: () =>
      `const graphs = await Promise.all(Array.from({ length: ${calls} }, () => m.memory_read_graph({})));\nreturn graphs.length;`,
  },
  aiSdk: {
    one: () => "const g = await tools.readGraph({});\nreturn g.entities.length;",
    many: () =>
      `const graphs = await Promise.all(Array.from({ length: ${calls} }, () => tools.readGraph({})));\nreturn graphs.length;`,
  },
};

const check = (name, out, expected) => {
  if (out !== expected) throw new Error(`${name} program: ${JSON.stringify(out).slice(0, 300)}`);
};

const run = {
  async utcp(program) {
    const out = await utcp.callToolChain(programs.utcp[program]());
    check("UTCP", out.result, program === "one" ? 0 : calls);
  },
  async aiSdk(program) {
    const out = await runCodeMode({
      js: programs.aiSdk[program](),
      tools: aiSdkTools,
      // Its default allows 32 tool calls in flight; the 200-call program needs them all.
      options: { executionPolicy: { maxInFlightBridgeRequests: calls } },
    });
    check("AI SDK code mode", out, program === "one" ? 0 : calls);
  },
  async bare(program) {
    const call = () => bare.callTool({ name: "read_graph", arguments: {} });
    if (program === "one") await call();
    else await Promise.all(Array.from({ length: calls }, call));
  },
};

process.on("message", async (message) => {
  try {
    if (message.op === "init") process.send({ id: message.id, ok: await init(message) });
    else if (message.op === "run") {
      const t0 = performance.now();
      await run[message.contender](message.program);
      process.send({ id: message.id, ok: { ms: performance.now() - t0 } });
    } else if (message.op === "close") {
      await Promise.allSettled([utcp?.close(), ...clients.map((c) => c.close())]);
      process.send({ id: message.id, ok: {} });
      process.disconnect();
    }
  } catch (error) {
    process.send({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
