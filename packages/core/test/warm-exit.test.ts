/**
 * The checker's warm-up runs in the background: a process that closes its code mode before the warm-up ends
 * exits without waiting for it (it used to stay alive for the 1-3 s TypeScript takes to load), while work
 * someone awaits (a check, `warmUpTypeChecker()`) still keeps the process alive until it is done.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);

async function child(mode: "close" | "join" | "check"): Promise<string> {
  const script = fileURLToPath(new URL("./fixtures/warm-exit-child.ts", import.meta.url));
  const { stdout } = await run(
    process.execPath,
    ["--conditions=@codecall/source", "--import", "tsx", script, mode],
    { cwd: fileURLToPath(new URL("..", import.meta.url)) },
  );
  return stdout.trim();
}

it("a process that closes code mode right after creating it does not wait for the checker's warm-up", async () => {
  expect((await child("close")).split("\n").pop()).toBe("still warming");
}, 120_000);

it("awaiting warmUpTypeChecker() after that close keeps the process alive until the warm-up is done", async () => {
  expect((await child("join")).split("\n").pop()).toBe("warm");
}, 120_000);

it("a check made while the warm-up runs in the background answers before the process exits", async () => {
  expect(await child("check")).toMatch(/not assignable to type 'number'/);
}, 120_000);
