/**
 * Programs stuck in a native loop V8 cannot interrupt (a regular expression's replace over 16 MiB), sent
 * one after another, each end with a typed error, and the host process goes on: before, isolated-vm's own
 * timeout parked each such isolate's thread mid-loop 5 s after it fired, and after a dozen to a few dozen
 * of them the host's event loop stopped for good (38 and 45 in two runs on a 2-core machine, 12 in a
 * review). The programs run in a child process, so that a hang fails this test at its bound instead of
 * taking the runner down.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const TYPED = ["SANDBOX_CPU_LIMIT", "SANDBOX_TIMEOUT", "SANDBOX_MEMORY"];

it("48 programs stuck in a native loop end with typed errors, the next one works, and the process exits", async () => {
  const script = fileURLToPath(new URL("./fixtures/stuck-native-loops-child.ts", import.meta.url));
  // The exit status is not checked: isolated-vm can crash at process exit after isolates were disposed
  // mid-run (a segfault in its teardown, on the code before this change too); the marker comes first.
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--no-node-snapshot", "--conditions=@codecall/source", "--import", "tsx", script, "48", "16"],
      // Liveness bound, not a timing: a hung host never prints the marker and is killed here.
      { cwd: fileURLToPath(new URL("..", import.meta.url)), timeout: 180_000, killSignal: "SIGKILL" },
      (_error, stdout, stderr) => resolve({ stdout, stderr }),
    );
  });
  const last = stdout.trim().split("\n").pop() ?? "";
  expect(last, `${stdout.slice(-2000)}\n${stderr.slice(-2000)}`).toContain("stuck-native-loops-done");
  const done = JSON.parse(last) as { codes: string[]; after: unknown };
  expect(done.codes).toHaveLength(48);
  for (const each of done.codes) expect(TYPED).toContain(each);
  expect(done.after).toBe(2);
}, 200_000);
