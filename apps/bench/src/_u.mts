import { createRequire } from "node:module";
import { node22Contenders } from "./node22-peers.ts";
const require = createRequire(import.meta.url);
const server = { command: process.execPath, args: [require.resolve("@modelcontextprotocol/server-memory/dist/index.js")], env: { MEMORY_FILE_PATH: "/dev/null" } };
const c = await node22Contenders(server, 200);
for (let i = 0; i < 3; i++) console.log(await c.utcpCodeMode.oneCall(), await c.aiSdkCodeMode.oneCall(), await c.bareMcpClientNode22.oneCall());
console.log(await c.utcpCodeMode.manyCalls(), await c.aiSdkCodeMode.manyCalls(), await c.bareMcpClientNode22.manyCalls());
await c.utcpCodeMode.close();
