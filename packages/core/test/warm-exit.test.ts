/**
 * The checker's warm-up runs in the background: a process that closes its code mode before the warm-up ends
 * exits without waiting for it (it used to stay alive for the 1-3 s TypeScript takes to load).
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);

it("a process that closes code mode right after creating it does not wait for the checker's warm-up", async () => {
  const child = fileURLToPath(new URL("./fixtures/warm-exit-child.ts", import.meta.url));
  const { stdout } = await run(
    process.execPath,
    ["--conditions=@codecall/source", "--import", "tsx", child],
    { cwd: fileURLToPath(new URL("..", import.meta.url)) },
  );
  expect(stdout.trim().split("\n").pop()).toBe("still warming");
}, 120_000);
