import { PRELUDE_FILENAME, PROGRAM_FILENAME } from "./prelude.js";

/** Where a program's line 1 sits in the script a backend ran. */
export interface ProgramPosition {
  /** Script lines before the program's line 1. */
  lineOffset: number;
  /** Script columns before the program's column 1 on its line 1. */
  columnOffset: number;
}

const EVAL_FRAME = /^\s*at eval \(<anonymous>\)$/;
const FRAME = new RegExp(`${PROGRAM_FILENAME.replace(".", "\\.")}:(\\d+)(?::(\\d+))?`, "g");

/**
 * Maps a stack trace from the engine's script coordinates to the program's own lines, drops the frames of
 * codecall's prelude (and a bare `eval` frame), and returns the first program frame's position. Works for V8 (`file:line:col`) and
 * QuickJS (`file:line` or `file:line:col`) frames.
 */
export function mapProgramStack(
  stack: string,
  position: ProgramPosition,
): { stack: string; line?: number; column?: number } {
  let line: number | undefined;
  let column: number | undefined;
  const lines = stack
    .split("\n")
    // Not the prelude's frames, nor the bare frame of an indirect `eval` (how a backend may compile the
    // program), which names no place.
    .filter((l) => !l.includes(PRELUDE_FILENAME) && !EVAL_FRAME.test(l))
    .map((l) =>
      l.replace(FRAME, (_m, rawLine: string, rawColumn: string | undefined) => {
        const mappedLine = Number(rawLine) - position.lineOffset;
        let mappedColumn = rawColumn === undefined ? undefined : Number(rawColumn);
        if (mappedColumn !== undefined && mappedLine === 1)
          mappedColumn = Math.max(1, mappedColumn - position.columnOffset);
        if (line === undefined && mappedLine >= 1) {
          line = mappedLine;
          column = mappedColumn;
        }
        return `program.ts:${mappedLine}${mappedColumn === undefined ? "" : `:${mappedColumn}`}`;
      }),
    );
  const out: { stack: string; line?: number; column?: number } = { stack: lines.join("\n") };
  if (line !== undefined) out.line = line;
  if (column !== undefined) out.column = column;
  return out;
}
