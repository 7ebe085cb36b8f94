import { CodecallError } from "@codecall/core";
import type { Command } from "commander";
import { terminalApprovals } from "../approvals.js";
import { type CliIo, EXIT_CODES, ExitWith, progress, readSource } from "../io.js";
import { type ServerFlags, withCodeMode } from "../setup.js";
import { writeRecordFile } from "./replay.js";

interface ExecFlags extends ServerFlags {
  json?: boolean;
  yes?: boolean;
  record?: string;
}

/** `codecall exec <program.ts>`: runs one program against the configured servers and prints its envelope. */
export function execCommand(program: Command, io: CliIo): void {
  program
    .command("exec")
    .description("Run a TypeScript program against the configured MCP servers and print its result envelope")
    .argument("<program>", "the program file (TypeScript or JavaScript; `-` reads stdin)")
    .option("--json", "print the full result (value, logs, tool calls, diagnostics, stats) as JSON")
    .option("-y, --yes", "approve the program and every tool call that needs approval, without asking")
    .option(
      "--record <file>",
      "write the run record (tool calls and results, clock and random values, outcome) for `codecall replay`",
    )
    .action(async (file: string, flags: ExecFlags) => {
      const code = await readProgram(file, io);
      const note = progress(io, flags.quiet);
      const approvals = terminalApprovals(io, flags);
      const result = await withCodeMode(
        flags,
        io,
        note,
        async (codeMode) => {
          note(`running ${file} in ${codeMode.executor.sandbox.name}`);
          return codeMode.execute(code, {
            ...(flags.record ? { record: true } : {}),
            onEvent: (event) => {
              if (event.type === "tool-call") note(`calling ${event.name}`);
            },
          });
        },
        approvals,
      ).finally(() => approvals.close());
      if (flags.record && result.record) {
        await writeRecordFile(flags.record, result.record, io);
        note(`recorded ${result.record.toolCalls.length} tool calls to ${flags.record}`);
      }
      if (flags.json) {
        const { envelope: _envelope, record: _record, ...rest } = result;
        io.stdout(`${JSON.stringify(rest, null, 2)}\n`);
      } else io.stdout(`${result.envelope}\n`);
      if (!result.ok) {
        if (result.error)
          io.stderr(
            `codecall: ${result.error.code}: ${result.error.message}\n  hint: ${result.error.hint ?? ""}\n`,
          );
        throw new ExitWith(EXIT_CODES.failed);
      }
    });
}

async function readProgram(file: string, io: CliIo): Promise<string> {
  try {
    return await readSource(file, io);
  } catch (error) {
    throw new CodecallError(
      "CONFIG_INVALID",
      `Cannot read the program ${file}: ${(error as Error).message}`,
      {
        hint: "Pass the path of a .ts or .js file, or - to read the program from stdin.",
      },
    );
  }
}
