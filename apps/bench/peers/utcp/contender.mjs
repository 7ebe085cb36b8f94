// UTCP's code mode (`@utcp/code-mode`, isolated-vm 6) needs Node 22, so the peers bench runs it here, in a
// child process under the npm `node@22` package, beside a bare MCP SDK client on the same Node. Each sample
// times itself in this process, so the IPC hop to the bench is not counted against either contender.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CodeModeUtcpClient } from "@utcp/code-mode";
import "@utcp/mcp";

let utcp;
let bare;
let calls = 0;

// UTCP logs every tool call on the console; the bench reads only IPC messages.
console.log = () => {};
console.info = () => {};

const programs = () => ({
  one: "const g = m.memory_read_graph({});\nreturn g.entities.length;",
  many: `const graphs = await Promise.all(Array.from({ length: ${calls} }, () => m.memory_read_graph({})));\nreturn graphs.length;`,
});

async function init({ server, calls: n }) {
  calls = n;
  utcp = await CodeModeUtcpClient.create();
  const registered = await utcp.registerManual({
    name: "m",
    call_template_type: "mcp",
    config: { mcpServers: { memory: { transport: "stdio", ...server } } },
  });
  if (!registered.success) throw new Error(`UTCP could not register server-memory: ${registered.errors}`);
  bare = new Client({ name: "bench-peers-node22", version: "0" });
  await bare.connect(new StdioClientTransport(server));
  return { node: process.version };
}

const run = {
  async utcp(program) {
    const expected = program === "one" ? 0 : calls;
    const out = await utcp.callToolChain(programs()[program]);
    if (out.result !== expected) throw new Error(`UTCP program: ${JSON.stringify(out).slice(0, 300)}`);
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
      await Promise.allSettled([utcp?.close(), bare?.close()]);
      process.send({ id: message.id, ok: {} });
      process.disconnect();
    }
  } catch (error) {
    process.send({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
