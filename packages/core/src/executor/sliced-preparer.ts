/**
 * Type-checking over a large catalogue: each program is checked against the declarations of the tools it
 * names rather than all of them. Checking against 10,000 tools' declarations means parsing and binding
 * 10,000 files before the first program (minutes of CPU on a small machine); a program names a handful.
 */
import { declarationsFor, type GeneratedApi } from "@codecall/codegen";
import type ts from "typescript";
import type { ProgramAnalysis } from "../policy/manifest.js";
import { mentionedNames } from "./transpile.js";
import { type PreparedProgram, ProgramPreparer, type TypeCheckBudget } from "./type-check-service.js";

/** From this many tools on, programs are checked against slices of the declarations. */
export const SLICE_DECLARATIONS_AT = 1000;
/** Slices kept loaded (most recently used); a program naming the same tools reuses its slice. */
const SLICES_KEPT = 8;

/** What the executor uses of a {@link ProgramPreparer}. */
export type Preparer = Pick<ProgramPreparer, "prepare" | "analyze" | "warmUp" | "dispose">;

/**
 * A {@link ProgramPreparer} per set of named tools. A tool counts as named when both its server's and its
 * own identifier occur in the program (or a module it imports) as words, a superset of what the program
 * can reach through `server.tool`, `import { tool } from "./servers/server"` or its file path.
 */
export class SlicedPreparer implements Preparer {
  private readonly byIdent = new Map<string, GeneratedApi["tools"]>();
  private readonly slices = new Map<string, ProgramPreparer>();
  private disposed = false;

  constructor(
    private readonly api: GeneratedApi,
    private readonly extra: Record<string, string> | undefined,
    private readonly compilerOptions: ts.CompilerOptions | undefined,
    private readonly budget: TypeCheckBudget,
  ) {
    for (const tool of api.tools) {
      const list = this.byIdent.get(tool.toolIdent) ?? [];
      list.push(tool);
      this.byIdent.set(tool.toolIdent, list);
    }
  }

  prepare(code: string, check: boolean, importedFiles?: Record<string, string>): Promise<PreparedProgram> {
    const text = importedFiles ? `${code}\n${Object.values(importedFiles).join("\n")}` : code;
    return this.sliceFor(text).prepare(code, check, importedFiles);
  }

  analyze(code: string, servers: string[]): Promise<ProgramAnalysis> {
    return this.sliceFor(code).analyze(code, servers);
  }

  /** Loads TypeScript with the slice of no tools (the servers, empty): what every slice shares. */
  warmUp(): Promise<void> {
    return this.sliceFor("").warmUp();
  }

  dispose(): void {
    this.disposed = true;
    for (const slice of this.slices.values()) slice.dispose();
    this.slices.clear();
  }

  private sliceFor(text: string): ProgramPreparer {
    const names = mentionedNames(text);
    const ids: string[] = [];
    for (const name of names) {
      for (const tool of this.byIdent.get(name) ?? []) if (names.has(tool.serverIdent)) ids.push(tool.id);
    }
    const key = ids.sort().join("\n");
    let slice = this.slices.get(key);
    if (slice) {
      this.slices.delete(key);
    } else {
      const declarations = declarationsFor(this.api, ids);
      slice = new ProgramPreparer(
        this.extra ? { ...declarations, ...this.extra } : declarations,
        this.compilerOptions,
        this.budget,
      );
      if (this.disposed) slice.dispose();
    }
    this.slices.set(key, slice);
    if (this.slices.size > SLICES_KEPT) {
      const [oldest, dropped] = this.slices.entries().next().value!;
      this.slices.delete(oldest);
      dropped.dispose();
    }
    return slice;
  }
}
