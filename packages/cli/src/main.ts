import { CodecallError } from "@codecall/core";
import { Command, CommanderError, Option } from "commander";
import { agentCommands } from "./commands/agent.js";
import { benchCommand } from "./commands/bench.js";
import { execCommand } from "./commands/exec.js";
import { generateCommand } from "./commands/generate.js";
import { serveCommand } from "./commands/serve.js";
import { skillsCommand } from "./commands/skills.js";
import {
  type CliIo,
  EXIT_CODES,
  ExitWith,
  exitCodeFor,
  printError,
  printSystemError,
  processIo,
  systemError,
} from "./io.js";
import { DEFAULT_WORKSPACE_DIR } from "./setup.js";
import { VERSION } from "./version.js";

const EXIT_HELP = `
Exit codes:
  0    ok
  1    the program or task ran and failed
  2    usage or configuration error (bad flag, missing file, invalid JSON, an unknown key)
  3    something needed is unavailable (an MCP server, the sandbox package, the model API or its
       key, a busy port)
  130  interrupted

Configuration: --config <file>, else CODECALL_CONFIG, else ./.mcp.json: the "mcpServers" JSON that
Claude Desktop, Claude Code and Cursor use, or VS Code's "servers" (.vscode/mcp.json), with optional
codecall settings under "codecall" (sandbox, typeCheck, limits, privacy, policy). --from
claude-desktop|claude-code|cursor|vscode uses the servers that client is set up with.

Models (run): a Claude model name uses the Anthropic SDK (ANTHROPIC_API_KEY); openai:<model>
(OPENAI_API_KEY), google:<model> (GOOGLE_GENERATIVE_AI_API_KEY) and openai-compatible:<model> with
--base-url (Ollama, vLLM) use the Vercel AI SDK.

isolated-vm needs Node's --no-node-snapshot; codecall restarts itself with it when you choose isolated-vm.

Policy: "server.tool" globs (* any run of characters, ? one). A call matching "deny" is refused; else one
matching "ask" needs the user's approval through the MCP client (serve only, clients with elicitation);
else one matching "allow" runs. A tool matching nothing runs, unless an "allow" list is given.`;

/** Options shared by the commands that connect to MCP servers. */
function serverOptions(command: Command): void {
  command
    .option(
      "-c, --config <file>",
      "the MCP servers file: mcpServers (Claude, Cursor) or servers (VS Code) (default: CODECALL_CONFIG, else ./.mcp.json)",
    )
    .addOption(
      new Option(
        "--from <client>",
        "use the servers an MCP client is set up with, from its own files",
      ).choices(["claude-desktop", "claude-code", "cursor", "vscode"]),
    )
    .option(
      "--connect-timeout <ms>",
      "how long each MCP server gets to start, in milliseconds (default 30000)",
    )
    .addOption(
      new Option("--sandbox <backend>", "where programs run").choices(["quickjs", "isolated-vm", "e2b"]),
    )
    .addOption(
      new Option("--type-check <mode>", "type-check programs before they run").choices([
        "off",
        "warn",
        "error",
      ]),
    )
    .option("--timeout <ms>", "wall-clock limit of one program, in milliseconds")
    .option("--privacy", "tokenize personal data in tool results before programs or the model see it")
    .option(
      "--allow <glob>",
      "let programs call only tools matching these server.tool globs (repeatable)",
      collect,
    )
    .option(
      "--ask <glob>",
      "tools that need the MCP client's approval, through elicitation (repeatable)",
      collect,
    )
    .option(
      "--deny <glob>",
      "tools programs may never call (repeatable); deny wins, then ask, then allow",
      collect,
    )
    .option(
      "--workspace <dir>",
      `where programs keep files and skills (default: CODECALL_WORKSPACE, else ./${DEFAULT_WORKSPACE_DIR})`,
    )
    .option("--no-workspace", "give programs no workspace (no workspace or skills globals)")
    .option(
      "--workspace-scope <key>",
      "whose files: a user key (default: CODECALL_WORKSPACE_SCOPE, else default)",
    )
    .option("-q, --quiet", "no progress on stderr");
}

/** Gathers a repeatable option; no default, so an absent `--allow` leaves unmatched tools allowed. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The `codecall` command tree, writing through `io`. */
export function createProgram(io: CliIo): Command {
  const program = new Command("codecall")
    .description(
      "Code mode for MCP: serve it to any MCP client, run programs and agents, generate typed APIs",
    )
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", EXIT_HELP)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  generateCommand(program, io);
  serveCommand(program, io);
  execCommand(program, io);
  agentCommands(program, io);
  benchCommand(program, io);
  skillsCommand(program, io);
  for (const command of program.commands) {
    if (command.name() !== "bench") serverOptions(command);
    command.exitOverride();
    command.configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    for (const sub of command.commands)
      sub.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  }
  return program;
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code; never calls
 * `process.exit`, so tests and embedders can call it.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof ExitWith) return error.exitCode;
    if (error instanceof CommanderError) {
      // Help and version exit 0; commander has already printed usage errors.
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    const system = systemError(error);
    if (system) {
      printSystemError(io, system, argv.includes("--json"));
      return EXIT_CODES.unavailable;
    }
    if (!CodecallError.isInstance(error)) {
      // A bug, not a user error: show everything.
      io.stderr(
        `codecall: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      return EXIT_CODES.failed;
    }
    printError(io, error, argv.includes("--json"));
    return exitCodeFor(error);
  }
}
