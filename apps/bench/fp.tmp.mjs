import { createCodeMode } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
import { createRequire } from "node:module";
const scenarios = createRequire(createRequire(import.meta.url).resolve("@codecall/scenarios"));
const memory = scenarios.resolve(`@modelcontextprotocol/server-memory/dist/index.js`);
const typeCheck = process.argv[2] ?? "error";
const t0 = performance.now();
const codeMode = await createCodeMode({
  servers: { mcpServers: { memory: { command: process.execPath, args: [memory], env: { MEMORY_FILE_PATH: "/dev/null" } } } },
  sandbox: quickjs(),
  typeCheck,
});
const readyMs = performance.now() - t0;
const time = async (n, code) => {
  const t = performance.now();
  const r = await codeMode.execute(code ?? ("const g = await memory.readGraph();\nconst n" + n + ": number = g.entities.length;\nreturn n" + n + " + " + n + ";"));
  if (!r.ok) throw new Error(JSON.stringify(r.error ?? r));
  return performance.now() - t;
};
const pure = process.argv[3] === "pure" ? await time(0, "return 1") : 0;
const firstMs = await time(1);
const secondMs = await time(2);
await codeMode.close();
console.log(JSON.stringify({ readyMs, pure, firstMs, secondMs }));
