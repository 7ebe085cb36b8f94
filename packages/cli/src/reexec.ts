/**
 * isolated-vm needs Node started with `--no-node-snapshot` (Node 20 and later). When the command line, the
 * environment or the configuration file chooses isolated-vm and the flag is missing, `codecall` starts
 * itself again with the flag, so users never have to know about it.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";

const FLAG = "--no-node-snapshot";
/** Set in the re-executed child, so it never re-executes again. */
const MARK = "CODECALL_REEXECUTED";

/** True when this run would use isolated-vm and Node lacks the flag. */
export function needsNoSnapshot(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
  execArgv = process.execArgv,
): boolean {
  if (env[MARK] === "1") return false;
  if (execArgv.includes(FLAG) || (env.NODE_OPTIONS ?? "").split(/\s+/).includes(FLAG)) return false;
  if (Number(process.versions.node.split(".")[0]) < 20) return false;
  const flag = argv.findIndex((a) => a === "--sandbox" || a.startsWith("--sandbox="));
  if (flag >= 0) {
    const value = argv[flag]!.includes("=") ? argv[flag]!.split("=")[1] : argv[flag + 1];
    return value === "isolated-vm";
  }
  if (env.CODECALL_SANDBOX?.trim() === "isolated-vm") return true;
  return configChoosesIsolatedVm(argv, env, cwd);
}

/** The configuration file's `codecall.sandbox`, read the way the commands find the file. */
function configChoosesIsolatedVm(
  argv: string[],
  env: Record<string, string | undefined>,
  cwd: string,
): boolean {
  const i = argv.findIndex((a) => a === "-c" || a === "--config" || a.startsWith("--config="));
  const named = i < 0 ? undefined : argv[i]!.includes("=") ? argv[i]!.split("=")[1] : argv[i + 1];
  const path = named ?? env.CODECALL_CONFIG ?? ".mcp.json";
  try {
    const json = JSON.parse(readFileSync(isAbsolute(path) ? path : resolve(cwd, path), "utf8")) as {
      codecall?: { sandbox?: unknown };
    };
    return json.codecall?.sandbox === "isolated-vm";
  } catch {
    return false; // The command itself reports a missing or broken file.
  }
}

/**
 * Runs this same script again under `node --no-node-snapshot`, passing stdio through (so `serve` over
 * stdio works), forwarding SIGTERM, and resolving with the child's exit code.
 */
export function reexecWithFlag(args: string[]): Promise<number> {
  const script = process.argv[1] as string;
  const child = spawn(process.execPath, [FLAG, ...process.execArgv, script, ...args], {
    stdio: "inherit",
    env: { ...process.env, [MARK]: "1" },
  });
  // Ctrl-C reaches the child through the terminal's process group; SIGTERM is sent to us alone.
  const forward = () => child.kill("SIGTERM");
  const ignore = () => undefined;
  process.on("SIGTERM", forward);
  process.on("SIGINT", ignore);
  return new Promise((resolvePromise) => {
    child.on("exit", (code, signal) => {
      process.off("SIGTERM", forward);
      process.off("SIGINT", ignore);
      resolvePromise(code ?? (signal === "SIGINT" ? 130 : 1));
    });
  });
}
