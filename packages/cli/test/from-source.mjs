// Starts `codecall` from its TypeScript source, with workspace packages resolved to their `src` (the
// paths in tsconfig.source.json), so tests need no build. Any client can spawn it: `node from-source.mjs <args>`.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("./tsconfig.source.json", import.meta.url)) });
await import("../src/bin.ts");
