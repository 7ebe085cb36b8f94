import { createInterface, type Interface } from "node:readline";
import type { Readable } from "node:stream";
import {
  type ApprovalRequest,
  type Approver,
  allowInstead,
  denied,
  describeManifest,
  type ProgramApprover,
} from "@codecall/core";
import type { CliIo } from "./io.js";

/** How long a prompt waits for a line from a stdin that is not a terminal (a pipe left open, say). */
const PIPED_ANSWER_MS = 10_000;

/** Approvals on the terminal for `exec`, `run` and `replay`: prompts on stderr, answers from stdin. */
export interface TerminalApprovals {
  approve: Approver;
  approveProgram: ProgramApprover;
  /** Stops reading stdin, so the process can exit. */
  close(): void;
}

/**
 * Asks on the terminal before a program calls a tool that needs approval (an `ask` glob, or a tool that
 * declares itself destructive): once per program with its manifest, then per call for tools only known at
 * run time. Answers come line by line from stdin, typed or piped (`yes | codecall exec p.ts`). With
 * `--yes` everything is approved without asking; with no answer (stdin closed, nothing piped) the call is
 * refused with a hint.
 */
export function terminalApprovals(io: CliIo, options: { yes?: boolean; quiet?: boolean }): TerminalApprovals {
  const input = io.stdin;
  const lines = input ? new LineReader(input) : undefined;
  const ask = async (question: string): Promise<boolean | undefined> => {
    if (options.yes) {
      if (!options.quiet) io.stderr(`${question} yes (--yes)\n`);
      return true;
    }
    if (!lines) return undefined;
    io.stderr(`${question} [y/N] `);
    const answer = await lines.next(input?.isTTY ? undefined : PIPED_ANSWER_MS);
    if (answer === undefined) {
      io.stderr("(no answer)\n");
      return undefined;
    }
    if (!input?.isTTY) io.stderr(`${answer}\n`);
    return /^\s*y(es)?\s*$/i.test(answer);
  };
  return {
    async approve(request: ApprovalRequest) {
      const name = `${request.server}.${request.tool}`;
      const why =
        request.reason === "annotation" ? "the tool declares itself destructive" : "the policy says ask";
      const answer = await ask(
        `codecall: the program wants to call ${name} (${request.id}; ${why}) with\n  ${JSON.stringify(request.args)}\nApprove this call?`,
      );
      if (answer === undefined)
        throw denied(
          request,
          `${request.id} needs approval (${why}), and nobody can be asked here: stdin is not a terminal and gave no answer. Run in a terminal to answer, pipe the answers ("y" per line), or pass --yes.`,
          allowInstead(name),
          "unanswered",
        );
      return answer;
    },
    async approveProgram(manifest) {
      const answer = await ask(
        `codecall: approve this program before it runs?\n${describeManifest(manifest)}\nApprove the program?`,
      );
      // Nobody to answer: the program runs, and each call that needs approval is refused on its own
      // (a catchable POLICY_DENIED saying how to allow it), as before programs were approved whole.
      if (answer === undefined) return "per-call";
      return answer;
    },
    close() {
      lines?.close();
    },
  };
}

/** Lines from a stream, one per `next()`, read only once the first is wanted. */
class LineReader {
  private reader: Interface | undefined;
  private readonly queued: string[] = [];
  private readonly waiting: Array<(line: string | undefined) => void> = [];
  private ended = false;

  constructor(private readonly input: Readable & { isTTY?: boolean }) {}

  next(timeoutMs?: number): Promise<string | undefined> {
    this.start();
    const line = this.queued.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.waiting.splice(this.waiting.indexOf(done), 1);
              resolve(undefined);
            }, timeoutMs);
      const done = (value: string | undefined) => {
        if (timer) clearTimeout(timer);
        resolve(value);
      };
      this.waiting.push(done);
    });
  }

  close(): void {
    this.reader?.close();
    this.finish();
  }

  private start(): void {
    if (this.reader || this.ended) return;
    // `exec -` read the program from stdin: nothing is left to answer with.
    if (this.input.readableEnded) {
      this.ended = true;
      return;
    }
    this.reader = createInterface({ input: this.input, terminal: false });
    this.reader.on("line", (line) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter(line);
      else this.queued.push(line);
    });
    this.reader.on("close", () => this.finish());
  }

  private finish(): void {
    this.ended = true;
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
  }
}
