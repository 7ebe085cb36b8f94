/** Runs the catalogue server over stdio: `node --import tsx catalogue-main.ts`; CATALOGUE_TOOLS=n keeps the first n tools. */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createCatalogueServer } from "./catalogue-server.js";

const limit = process.env.CATALOGUE_TOOLS ? Number(process.env.CATALOGUE_TOOLS) : undefined;
await createCatalogueServer(limit).connect(new StdioServerTransport());
