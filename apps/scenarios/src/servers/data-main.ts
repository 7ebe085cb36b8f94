/** Runs the data server over stdio: `node --import tsx data-main.ts`. */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createDataServer } from "./data-server.js";

await createDataServer({
  ...(process.env.SCENARIO_SLOW_MS ? { slowMs: Number(process.env.SCENARIO_SLOW_MS) } : {}),
}).connect(new StdioServerTransport());
