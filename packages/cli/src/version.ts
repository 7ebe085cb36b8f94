import { createRequire } from "node:module";

/** This package's version, announced to MCP clients and printed by `--version`. */
export const VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string })
  .version;
