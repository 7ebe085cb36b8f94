/**
 * Type-checks the generated declarations, and optionally a program against them, in ts-morph's in-memory
 * file system with strict settings. Used by the tests and available to hosts that want the same check.
 */
import { ModuleKind, ModuleResolutionKind, Project, ScriptTarget, ts } from "ts-morph";
import type { GeneratedApi } from "./types.js";

/** One compiler diagnostic, with its file and 1-based line. */
export interface CheckDiagnostic {
  file: string;
  line: number;
  message: string;
}

/** The compiler options generated declarations are checked with: strict, ES2023, bundler resolution. */
export const CHECK_COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ScriptTarget.ES2022,
  lib: ["lib.es2023.d.ts"],
  module: ModuleKind.ESNext,
  moduleResolution: ModuleResolutionKind.Bundler,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: false,
  skipLibCheck: false,
  // Check generated declarations, not the standard library (unchanged, and slow to check).
  skipDefaultLibCheck: true,
  types: [],
};

/**
 * Compiles `files` (path → text, rooted at `/`) and returns every diagnostic. Pass
 * `{ ...api.declarations, "program.ts": code }` to check a program, or `api.files` to check the sources.
 */
export function typeCheckFiles(
  files: Record<string, string>,
  options: ts.CompilerOptions = CHECK_COMPILER_OPTIONS,
): CheckDiagnostic[] {
  const project = new Project({ useInMemoryFileSystem: true, compilerOptions: options });
  for (const [path, text] of Object.entries(files)) project.createSourceFile(`/${path}`, text);
  return project.getPreEmitDiagnostics().map((d) => {
    const file = d.getSourceFile();
    return {
      file: file ? file.getFilePath().slice(1) : "",
      line: d.getLineNumber() ?? 0,
      message: ts.flattenDiagnosticMessageText(d.compilerObject.messageText, "\n"),
    };
  });
}

/** Type-checks `program` (the text of `/program.ts`) against the API's declarations. */
export function typeCheckProgram(
  api: Pick<GeneratedApi, "declarations">,
  program: string,
): CheckDiagnostic[] {
  return typeCheckFiles({ ...api.declarations, "program.ts": program });
}
