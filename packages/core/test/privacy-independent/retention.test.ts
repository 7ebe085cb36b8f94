/**
 * The privacy guard keeps no tool result alive after tokenizing it: its caches and the vault hold copies
 * of the values they keep, never slices of the text (which would keep all of it). Measured in a child
 * process run with `--expose-gc`, as heap used after collection.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);

it("a 10 MB result is collected after tokenize while its vault lives on", async () => {
  const child = fileURLToPath(new URL("./retention-child.ts", import.meta.url));
  const root = fileURLToPath(new URL("../../../..", import.meta.url));
  const { stdout } = await run(process.execPath, ["--expose-gc", "--import", "tsx", child], {
    cwd: root,
    maxBuffer: 1 << 20,
  });
  const r = JSON.parse(stdout.trim().split("\n").pop()!) as {
    length: number;
    retainedMB: number;
    controlMB: number;
  };
  expect(r.length).toBeGreaterThan(7_000_000);
  // The method sees a kept slice: the control's 35 characters keep its 10 MB text.
  expect(r.controlMB).toBeGreaterThan(9);
  expect(r.retainedMB).toBeLessThan(3);
}, 180_000);
