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
  private readonly slices = new Map<string, Slice>();
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
    return this.using(this.sliceFor(withImports(code, importedFiles)), (slice) =>
      slice.prepare(code, check, importedFiles),
    );
  }

  /**
   * Analysis reads the program alone, so any loaded slice holding the tools it names serves: the one its
   * `prepare` chose (with its skills' tools too) is reused rather than a narrower one loaded for it.
   */
  analyze(code: string, servers: string[]): Promise<ProgramAnalysis> {
    const ids = this.namedTools(code);
    let covering: [string, Slice] | undefined;
    for (const entry of this.slices) if (ids.every((id) => entry[1].ids.has(id))) covering = entry;
    if (!covering) return this.using(this.sliceFor(code), (slice) => slice.analyze(code, servers));
    const [key, slice] = covering;
    this.slices.delete(key);
    this.slices.set(key, slice);
    return this.using(slice, (preparer) => preparer.analyze(code, servers));
  }

  /** Loads TypeScript with the slice of no tools (the servers, empty): what every slice shares. */
  warmUp(background = false): Promise<void> {
    return this.using(this.sliceFor(""), (slice) => slice.warmUp(background));
  }

  dispose(): void {
    this.disposed = true;
    for (const slice of this.slices.values()) retire(slice);
    this.slices.clear();
  }

  /** Runs `work` on a slice, holding it: a slice evicted or disposed meanwhile goes once its work is done. */
  private async using<T>(slice: Slice, work: (preparer: ProgramPreparer) => Promise<T>): Promise<T> {
    slice.inFlight++;
    try {
      return await work(slice.preparer);
    } finally {
      if (--slice.inFlight === 0 && slice.retired) slice.preparer.dispose();
    }
  }

  /** The tools `text` names: both their server's and their own identifier occur in it as words. */
  private namedTools(text: string): string[] {
    const names = mentionedNames(text);
    const ids: string[] = [];
    for (const name of names) {
      for (const tool of this.byIdent.get(name) ?? []) if (names.has(tool.serverIdent)) ids.push(tool.id);
    }
    return ids.sort();
  }

  private sliceFor(text: string): Slice {
    const ids = this.namedTools(text);
    const key = ids.join("\n");
    let slice = this.slices.get(key);
    if (slice) {
      this.slices.delete(key);
    } else {
      const declarations = declarationsFor(this.api, ids);
      slice = {
        preparer: new ProgramPreparer(
          this.extra ? { ...declarations, ...this.extra } : declarations,
          this.compilerOptions,
          this.budget,
        ),
        ids: new Set(ids),
        inFlight: 0,
        retired: false,
      };
      // After dispose (an executor closed or rebuilt mid-check), a late call still gets an answer.
      if (this.disposed) {
        slice.retired = true;
        return slice;
      }
    }
    this.slices.set(key, slice);
    if (this.slices.size > SLICES_KEPT) {
      const [oldest, dropped] = this.slices.entries().next().value!;
      this.slices.delete(oldest);
      retire(dropped);
    }
    return slice;
  }
}

/** A loaded slice and the checks running on it, which must finish before it is disposed. */
interface Slice {
  preparer: ProgramPreparer;
  ids: ReadonlySet<string>;
  inFlight: number;
  retired: boolean;
}

function retire(slice: Slice): void {
  slice.retired = true;
  if (slice.inFlight === 0) slice.preparer.dispose();
}

/** The text a program's slice is chosen by: the program and the modules it imports (skills). */
function withImports(code: string, importedFiles?: Record<string, string>): string {
  return importedFiles ? `${code}\n${Object.values(importedFiles).join("\n")}` : code;
}
