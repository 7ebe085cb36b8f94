// Kept apart from the checker: reporting diagnostics must not load TypeScript.

/** One type-check finding, located in the program's own coordinates (1-based). */
export interface TypeDiagnostic {
  line: number;
  column: number;
  /** The TypeScript error number (2551: misspelt property, 2345: wrong argument type, ...). */
  code: number;
  message: string;
  /** The file, when it is not the program: an imported skill (`skills/<name>.ts`). */
  file?: string;
}

/** Formats diagnostics as short lines the model reads: `program.ts:3:15 TS2551 Property ...`. */
export function formatDiagnostics(diagnostics: readonly TypeDiagnostic[], max = 10): string {
  const shown = diagnostics
    .slice(0, max)
    .map((d) => `${d.file ?? "program.ts"}:${d.line}:${d.column} TS${d.code} ${d.message}`);
  if (diagnostics.length > max) shown.push(`... and ${diagnostics.length - max} more`);
  return shown.join("\n");
}
