// Apart from transpile.ts: sucrase loads only where programs are stripped (the checker's worker).
import { transform } from "sucrase";
import { CodecallError } from "../errors.js";

/**
 * Strips TypeScript from a program body and turns its `import`s into `require()` calls, keeping every
 * line where it was so stack traces and errors point at the model's own lines. Top-level `await` and
 * `return` are kept: the result runs as the body of an async function.
 */
export function stripTypes(code: string): string {
  try {
    return transform(code, {
      transforms: ["typescript", "imports"],
      disableESTransforms: true,
      production: true,
    }).code;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /\((\d+):(\d+)\)\s*$/.exec(message);
    throw new CodecallError("PROGRAM_SYNTAX", message.replace(/\s*\(\d+:\d+\)\s*$/, ""), {
      name: "SyntaxError",
      ...(at ? { line: Number(at[1]), column: Number(at[2]) + 1 } : {}),
    });
  }
}
