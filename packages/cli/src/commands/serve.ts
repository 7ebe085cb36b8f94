import { createCodecallServer, serveHttp, serveStdio } from "@codecall/mcp-server";
import type { Command } from "commander";
import { type CliIo, progress, usageError } from "../io.js";
import { type ServerFlags, withCodeMode } from "../setup.js";
import { VERSION } from "../version.js";

interface ServeFlags extends ServerFlags {
  http?: string;
  host?: string;
}

/**
 * `codecall serve`: code mode as an MCP server in front of the configured servers, over stdio (for
 * Claude Desktop and Claude Code) or Streamable HTTP on 127.0.0.1. Runs until stdin closes (stdio) or a
 * SIGINT / SIGTERM arrives.
 */
export function serveCommand(program: Command, io: CliIo): void {
  program
    .command("serve")
    .description("Serve code mode (search_tools, execute_code, list_files, read_file) as an MCP server")
    .option("--http <port>", "serve Streamable HTTP on this port instead of stdio (0: a free port)")
    .option("--host <address>", "the address to listen on with --http", "127.0.0.1")
    .action(async (flags: ServeFlags) => {
      const port = flags.http === undefined ? undefined : Number(flags.http);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
        throw usageError(
          `--http needs a port number, got "${flags.http}".`,
          "Pass e.g. --http 3000, or --http 0 for a free port.",
        );
      // stdout is the MCP channel on stdio: every note goes to stderr.
      const note = progress(io, flags.quiet);
      await withCodeMode(flags, io, note, async (codeMode) => {
        const options = { name: "codecall", version: VERSION };
        const stopped = new Promise<void>((resolve) => {
          for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve());
          if (port === undefined) process.stdin.once("end", () => resolve());
        });
        if (port === undefined) {
          const server = createCodecallServer(codeMode, options);
          await serveStdio(server);
          note("serving MCP on stdio");
          await stopped;
          await server.close();
        } else {
          const serving = await serveHttp(() => createCodecallServer(codeMode, options), {
            port,
            ...(flags.host ? { host: flags.host } : {}),
          });
          // The URL line is for people and scripts alike, so it is printed even with --quiet.
          io.stderr(`codecall: serving MCP at ${serving.url}\n`);
          await stopped;
          await serving.close();
        }
      });
    });
}
