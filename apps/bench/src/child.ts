import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Runs a suite's own file again in a child process (same Node flags, plus `--expose-gc`) with `env` added,
 * and reads the figures it prints as its last line of JSON. A child that fails or prints something else
 * gives `{ error }` instead, so one figure cannot stop the bench.
 */
export function figuresFromChild(
  moduleUrl: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<unknown> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...process.execArgv, "--expose-gc", fileURLToPath(moduleUrl)],
      { env: { ...process.env, ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        if (error) return resolve({ error: `${error.message}\n${stderr}`.slice(0, 2000) });
        try {
          resolve(JSON.parse(stdout.trim().split("\n").pop()!));
        } catch {
          resolve({ error: `the child printed no figures: ${`${stdout}\n${stderr}`.slice(-2000)}` });
        }
      },
    );
  });
}
