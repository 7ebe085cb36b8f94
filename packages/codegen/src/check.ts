/**
 * Type-checks the generated declarations, and optionally a program against them, in memory with strict
 * settings. Used by the tests and available to hosts that want the same check (it needs `typescript`).
 */
import { dirname } from "node:path";
import ts from "typescript";
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
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2023.d.ts"],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
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
 * The files live in memory; only TypeScript's own lib files are read from disk.
 */
export function typeCheckFiles(
  files: Record<string, string>,
  options: ts.CompilerOptions = CHECK_COMPILER_OPTIONS,
): CheckDiagnostic[] {
  const memory = new Map(Object.entries(files).map(([path, text]) => [`/${path}`, text]));
  const libDir = dirname(ts.getDefaultLibFilePath(options));
  const host = ts.createCompilerHost(options);
  const read = (name: string) =>
    memory.get(name) ?? (name.startsWith(libDir) ? ts.sys.readFile(name) : undefined);
  host.getCurrentDirectory = () => "/";
  host.fileExists = (name) => memory.has(name) || (name.startsWith(libDir) && ts.sys.fileExists(name));
  host.readFile = read;
  host.directoryExists = (dir) =>
    dir === "/" || [...memory.keys()].some((k) => k.startsWith(`${dir}/`)) || dir.startsWith(libDir);
  host.getDirectories = () => [];
  host.getSourceFile = (name, languageVersion) => {
    const text = read(name);
    return text === undefined ? undefined : ts.createSourceFile(name, text, languageVersion);
  };
  host.writeFile = () => {};
  const program = ts.createProgram([...memory.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file ? d.file.fileName.slice(1) : "",
    line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  }));
}

/** Type-checks `program` (the text of `/program.ts`) against the API's declarations. */
export function typeCheckProgram(
  api: Pick<GeneratedApi, "declarations">,
  program: string,
): CheckDiagnostic[] {
  return typeCheckFiles({ ...api.declarations, "program.ts": program });
}
