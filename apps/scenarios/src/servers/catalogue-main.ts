/** Runs the catalogue server over stdio: `node --import tsx catalogue-main.ts`. */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createCatalogueServer } from "./catalogue-server.js";

await createCatalogueServer().connect(new StdioServerTransport());
