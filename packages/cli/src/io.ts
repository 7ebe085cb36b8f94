import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CodecallError, type ErrorCode } from "@codecall/core";

/** Exit codes scripts can rely on. */
export const EXIT_CODES = {
  /** The command did what was asked. */
  ok: 0,
  /** The program or task ran and failed (program error, type errors, the agent gave up). */
  failed: 1,
  /** Bad usage or configuration: unknown flag, missing file, invalid `mcpServers` JSON. */
  usage: 2,
  /** Something the command needs is unavailable: an MCP server, the sandbox package, the model API. */
  unavailable: 3,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

/** Where a command writes and what it reads from its environment; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Where approval prompts read their answers; without it, calls needing approval are refused. */
  stdin?: import("node:stream").Readable & { isTTY?: boolean };
}

/** The process's own streams and environment. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    stdin: process.stdin,
  };
}

const UNAVAILABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "MCP_CONNECT_FAILED",
  "MCP_SERVER_CRASHED",
  "MCP_PROTOCOL_ERROR",
  "MCP_TIMEOUT",
  "SANDBOX_NOT_INSTALLED",
  "SANDBOX_UNAVAILABLE",
  "MODEL_ERROR",
]);

/**
 * Operating-system failures a user can fix (a busy port, a denied file) as one clear error instead of a
 * stack trace; anything else is a bug and is shown in full. Both are unavailable resources: exit 3.
 */
export function systemError(error: unknown): { errno: string; message: string; hint: string } | undefined {
  const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (CodecallError.isInstance(error) || typeof e?.code !== "string") return undefined;
  const where = e.port !== undefined ? `${e.address ?? "127.0.0.1"}:${e.port}` : (e.path ?? "");
  const known: Record<string, [string, string]> = {
    EADDRINUSE: [
      `Port ${where} is already in use.`,
      "Stop what is listening there, or pick another port (--http 0 takes a free one).",
    ],
    EADDRNOTAVAIL: [`Cannot listen on ${where}: no such address here.`, "Pass --host 127.0.0.1."],
    EACCES: [`Permission denied: ${where || e.message}.`, "Use a port above 1024, or a file you may access."],
    ENOENT: [`No such file or directory: ${where || e.message}.`, "Check the path."],
  };
  const entry = known[e.code];
  if (!entry) return undefined;
  return { errno: e.code, message: entry[0], hint: entry[1] };
}

/** Prints an operating-system failure from {@link systemError} the way {@link printError} prints others. */
export function printSystemError(
  io: CliIo,
  error: { errno: string; message: string; hint: string },
  json: boolean,
): void {
  if (json)
    io.stdout(
      `${JSON.stringify({ ok: false, error: { code: error.errno, message: error.message, hint: error.hint } })}\n`,
    );
  io.stderr(`codecall: ${error.errno}: ${error.message}\n  hint: ${error.hint}\n`);
}

/** The exit code for an error that ended a command. */
export function exitCodeFor(error: CodecallError): number {
  if (error.code === "CONFIG_INVALID" || error.code === "RECORD_INVALID") return EXIT_CODES.usage;
  if (error.code === "ABORTED") return EXIT_CODES.interrupted;
  if (UNAVAILABLE.has(error.code)) return EXIT_CODES.unavailable;
  return EXIT_CODES.failed;
}

/** Thrown by a command to end with this exit code after it has printed its result. */
export class ExitWith extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** Prints an error the way every command does: the code, the message, and what to do. */
export function printError(io: CliIo, error: CodecallError, json: boolean): void {
  if (json) io.stdout(`${JSON.stringify({ ok: false, error: error.toJSON() })}\n`);
  io.stderr(`codecall: ${error.code}: ${error.message}\n  hint: ${error.hint}\n`);
}

/** A CONFIG_INVALID error about the command line, with advice. */
/** The text of `file` (relative to the working directory), or all of stdin for `-`. */
export async function readSource(file: string, io: CliIo): Promise<string> {
  if (file === "-") {
    const parts: Buffer[] = [];
    for await (const chunk of process.stdin) parts.push(chunk as Buffer);
    return Buffer.concat(parts).toString("utf8");
  }
  return readFile(resolve(io.cwd, file), "utf8");
}

export function usageError(message: string, hint: string): CodecallError {
  return new CodecallError("CONFIG_INVALID", message, { hint });
}

/** Progress lines for long work, on stderr so stdout stays the result; `--quiet` silences them. */
export function progress(io: CliIo, quiet: boolean | undefined): (line: string) => void {
  return quiet ? () => undefined : (line) => io.stderr(`codecall: ${line}\n`);
}
