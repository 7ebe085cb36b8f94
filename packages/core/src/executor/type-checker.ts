import { dirname } from "node:path";
import type ts from "typescript";
import { suggestNames } from "../mcp/suggest.js";
import type { TypeDiagnostic } from "./diagnostics.js";
import { mentionedNames } from "./transpile.js";
import { typescript } from "./typescript.js";

export { formatDiagnostics, type TypeDiagnostic } from "./diagnostics.js";

/** Each checker mounts its files under a root of its own, so checkers of different APIs never share them. */
let checkers = 0;
/** The name of the function the program body is wrapped in for checking. */
const WRAPPER_OPEN = "async function __program() {";
/** Longest message kept per diagnostic: the first lines of TypeScript's elaboration are the useful ones. */
const MAX_MESSAGE_LINES = 4;
const MAX_MESSAGE_CHARS = 600;
/**
 * Checks a warm checker answers before it is built again: each adds the program's nodes and types to the
 * checker's caches, so a rebuild now and then keeps its memory bounded (one costs about one cold check).
 */
const WARM_CHECKS_PER_BUILD = 256;
const WARM_CHARS_PER_BUILD = 2_000_000;
/** An API with at most this many globals has them all in its warm checker from the start; a larger one adds each as programs name it. */
const WARM_ALL_GLOBALS_UP_TO = 64;
/** What `warmUp` checks: it resolves the library types most programs use (promises, arrays, strings, JSON). */
const WARM_UP_PROGRAM =
  'const a = [1, 2].map((x) => String(x)).filter((x) => x.length > 0);\nconst b = await Promise.all([Promise.resolve(a.join(","))]);\nconst o: Record<string, unknown> = { a, b, n: JSON.stringify(b).length };\nfor (const [k, v] of Object.entries(o)) console.log(k, v);\nreturn o;';

/**
 * Lenient by default: the check is there to catch wrong tool names, wrong argument types and typos before
 * anything runs, not to make the model prove every optional field present.
 */
export const DEFAULT_CHECK_OPTIONS: ts.CompilerOptions = {
  target: typescript.ScriptTarget.ES2022,
  module: typescript.ModuleKind.ESNext,
  moduleResolution: typescript.ModuleResolutionKind.Bundler,
  lib: ["lib.es2023.d.ts"],
  types: [],
  strict: false,
  noImplicitAny: false,
  strictNullChecks: false,
  useUnknownInCatchVariables: false,
  allowUnreachableCode: true,
  allowUnusedLabels: true,
  skipLibCheck: true,
  skipDefaultLibCheck: true,
  noEmit: true,
  esModuleInterop: true,
};

/** `codecall.searchTools` (answered in code mode): typed results, so a program can use a hit's id and text. */
export const SEARCH_TOOLS_DECLARATION =
  'searchTools(args: { query: string | string[]; detail?: "name" | "summary" | "full"; limit?: number; server?: string }): Promise<Array<{ id: string; server: string; name: string; score: number; text: string }>>;';

/**
 * `codecall.listResources` / `codecall.readResource` (answered from the upstream servers): a resource's
 * content is `text` for text and `blob` (base64) for binary; a resource with several contents reads as a list.
 */
export const RESOURCE_DECLARATIONS =
  "listResources(args: { server: string }): Promise<Array<{ uri: string; name: string; title?: string; description?: string; mimeType?: string }>>; readResource(args: { server: string; uri: string }): Promise<CodecallResourceContent & CodecallResourceContent[]>;";

/** Globals every sandbox installs; declared for the checker when the generated declarations do not. */
const ENVIRONMENT: Record<string, string> = {
  console: `declare const console: { log(...data: unknown[]): void; info(...data: unknown[]): void; warn(...data: unknown[]): void; error(...data: unknown[]): void; debug(...data: unknown[]): void };`,
  codecall: `interface CodecallResourceContent { uri: string; mimeType?: string; text?: string; blob?: string }\ndeclare const codecall: { callTool(toolId: string, args?: Record<string, unknown>): Promise<any>; ${SEARCH_TOOLS_DECLARATION} ${RESOURCE_DECLARATIONS} };`,
};

/**
 * Documentation comments are not parsed in TypeScript files: types never depend on them there (tsc does the
 * same), and skipping them makes parsing the standard library and large declarations markedly cheaper.
 */
const JSDOC_PARSING = typescript.JSDocParsingMode.ParseForTypeErrors;
/** Library files are the same for every checker in the process: read and parsed once. */
const documentRegistry = typescript.createDocumentRegistry(undefined, undefined, JSDOC_PARSING);
const libSnapshots = new Map<string, ts.IScriptSnapshot | undefined>();
const libDirectory = dirname(typescript.getDefaultLibFilePath(DEFAULT_CHECK_OPTIONS));

/**
 * Type-checks program bodies against a fixed set of declarations. One TypeScript LanguageService lives
 * over an in-memory file system; only `/program.ts` changes between checks, so the declarations and the
 * standard library are parsed and bound once and each check costs only the program itself.
 */
export class ProgramTypeChecker {
  private readonly files = new Map<string, ts.IScriptSnapshot>();
  /** Script (global) declaration files, kept per line so a check includes only the globals a program names. */
  private readonly globals = new Map<
    string,
    { lines: string[]; names: Array<string | undefined>; kept: string; version: number }
  >();
  private readonly service: ts.LanguageService;
  private readonly root = `/api${++checkers}`;
  private readonly programPath = `${this.root}/program.ts`;
  private programText = "";
  private programVersion = 0;
  /** Files given with a check (imported skills), by absolute path, with a version bumped when they change. */
  private readonly extra = new Map<string, { snapshot: ts.IScriptSnapshot; text: string; version: number }>();
  private readonly options: ts.CompilerOptions;
  private readonly roots: string[];
  /** The warm checker: one program over the declarations, its checker kept across checks (see `checkWarm`). */
  private warm: WarmChecker | undefined;
  /** Globals the warm checker declares: every name a program checked so far mentioned (it only grows). */
  private readonly warmNames = new Set<string>();
  /** Declaration modules parsed for the warm checker, once each. */
  private readonly warmModules = new Map<string, ts.SourceFile>();
  private warmFiles = 0;

  /** Clean programs the warm checker answered (see `checkWarm`). */
  private warmAnswers = 0;

  /**
   * @param options.warm - `false` checks every program in a new TypeScript program (the reference the warm
   *   checker is tested against); default true.
   */
  constructor(
    declarations: Record<string, string>,
    compilerOptions: ts.CompilerOptions = {},
    private readonly checkerOptions: { warm?: boolean } = {},
  ) {
    const options = { ...DEFAULT_CHECK_OPTIONS, ...compilerOptions };
    this.options = options;
    const all = Object.values(declarations).join("\n");
    const roots: string[] = [];
    for (const [name, text] of Object.entries(ENVIRONMENT)) {
      if (!new RegExp(`declare\\s+(const|let|var|function|namespace)\\s+${name}\\b`).test(all)) {
        const path = `${this.root}/__codecall_env_${name}.d.ts`;
        this.files.set(path, typescript.ScriptSnapshot.fromString(text));
        roots.push(path);
      }
    }
    for (const [key, text] of Object.entries(declarations)) {
      const path = `${this.root}/${key.replace(/^\/+/, "")}`;
      this.files.set(path, typescript.ScriptSnapshot.fromString(text));
      if (/^\s*(import|export)\b/m.test(text)) continue;
      // A script: its globals are roots. Modules load only when something imports them.
      const lines = text.split("\n");
      this.globals.set(path, {
        lines,
        names: lines.map((l) => /^declare\s+(?:const|let|var|function|namespace)\s+([\w$]+)/.exec(l)?.[1]),
        kept: "",
        version: 0,
      });
      roots.push(path);
    }
    this.roots = roots;
    const names = [...this.globals.values()].flatMap((g) =>
      g.names.filter((n): n is string => n !== undefined),
    );
    if (names.length <= WARM_ALL_GLOBALS_UP_TO) for (const n of names) this.warmNames.add(n);
    const fileNames = [...roots, this.programPath];
    const folders = new Set(
      [...this.files.keys()].flatMap((f) =>
        f
          .split("/")
          .slice(1, -1)
          .map((_, i, parts) => `/${parts.slice(0, i + 1).join("/")}`),
      ),
    );
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => fileNames,
      getScriptVersion: (path) =>
        path === this.programPath
          ? String(this.programVersion)
          : String(this.globals.get(path)?.version ?? this.extra.get(path)?.version ?? 0),
      getScriptSnapshot: (path) => this.snapshot(path),
      getCurrentDirectory: () => this.root,
      getDefaultLibFileName: (o) => typescript.getDefaultLibFilePath(o),
      fileExists: (path) => this.snapshot(path) !== undefined,
      readFile: (path) => {
        const snapshot = this.snapshot(path);
        return snapshot?.getText(0, snapshot.getLength());
      },
      directoryExists: (path) =>
        folders.has(path.replace(/\/$/, "")) ||
        path.startsWith(libDirectory) ||
        [...this.extra.keys()].some((f) => f.startsWith(`${path.replace(/\/$/, "")}/`)),
      getDirectories: () => [],
      jsDocParsingMode: JSDOC_PARSING,
    };
    this.service = typescript.createLanguageService(host, documentRegistry);
  }

  /**
   * Releases this checker's files from the process-wide document registry. Each checker mounts its
   * declarations under a root of its own, so without this every closed executor (one per served MCP
   * session) would leave its parsed declarations behind.
   */
  dispose(): void {
    this.service.dispose();
  }

  /** How many checks the warm checker answered (clean programs without imports). */
  get warmCheckCount(): number {
    return this.warmAnswers;
  }

  /**
   * Parses and binds the declarations and the standard library and resolves the library types most programs
   * use, so the first real check is warm.
   */
  warmUp(): void {
    this.check(WARM_UP_PROGRAM);
  }

  /**
   * The diagnostics of `code` (a program body that may `import`, `await` and `return`), in its own lines.
   * `extraFiles` (modules the program imports, such as `skills/<name>.ts`, by path from the program's
   * folder) are checked too; their findings carry `file`.
   */
  check(code: string, extraFiles: Readonly<Record<string, string>> = {}): TypeDiagnostic[] {
    // Without imports the wrapper opens at the very start: the text wrapForCheck would make, without its parse.
    if (this.checkerOptions.warm !== false && Object.keys(extraFiles).length === 0) {
      if (this.checkWarm(code, `${WRAPPER_OPEN}${code}\n}`)) {
        this.warmAnswers++;
        return [];
      }
    }
    const { text, insertAt, source } = wrapForCheck(code);
    this.programText = text;
    this.programVersion++;
    this.setExtraFiles(extraFiles);
    this.selectGlobals([code, ...Object.values(extraFiles)].join("\n"));
    const syntactic = this.service.getSyntacticDiagnostics(this.programPath);
    const diagnostics = syntactic.length ? syntactic : this.service.getSemanticDiagnostics(this.programPath);
    return [
      ...this.extraDiagnostics(extraFiles),
      ...this.toProgramDiagnostics(diagnostics, insertAt, code, source),
    ];
  }

  /**
   * The fast path for a program that needs no module of its own (no `import`, no `require`, no imported
   * files): its wrapped text is parsed, bound and checked by a checker kept warm across checks, so the
   * standard library's and the declarations' types it resolved for earlier programs are not resolved again
   * (a new TypeScript program would make a new checker and merge and resolve them all anew, the bulk of a
   * check's time). The program file is checked on its own, outside the warm program's file list: it is a
   * script whose only top-level declaration is the wrapper function, so nothing else can see it.
   * True when that checker finds no error. Anything else (an error, a syntax error, a failure of the fast
   * path itself) returns false and the caller checks the program the ordinary way, whose diagnostics are
   * the answer: findings are always those of a fresh program, only a clean result is taken from here.
   */
  private checkWarm(code: string, text: string): boolean {
    if (/\b(?:import|require)\b/.test(code)) return false;
    try {
      const mentioned = [...mentionedNames(code)].filter((n) => this.isGlobalName(n));
      const missing = mentioned.filter((n) => !this.warmNames.has(n));
      let warm = this.warm;
      if (
        !warm ||
        missing.length ||
        warm.checks >= WARM_CHECKS_PER_BUILD ||
        warm.chars >= WARM_CHARS_PER_BUILD
      ) {
        for (const n of missing) this.warmNames.add(n);
        warm = this.buildWarm(warm);
      }
      warm.checks++;
      warm.chars += text.length;
      const file = typescript.createSourceFile(
        `${this.root}/__warm${++this.warmFiles}.ts`,
        text,
        {
          languageVersion: this.options.target ?? typescript.ScriptTarget.ES2022,
          jsDocParsingMode: JSDOC_PARSING,
        },
        false,
        typescript.ScriptKind.TS,
      );
      if (internals(file).parseDiagnostics.length) return false;
      internals(typescript).bindSourceFile(file, this.options);
      if (internals(file).bindDiagnostics.length) return false;
      return !internals(warm.checker)
        .getDiagnostics(file)
        .some((d) => d.category === typescript.DiagnosticCategory.Error);
    } catch {
      // A fast path that failed leaves a checker in an unknown state: build a new one next time.
      this.warm = undefined;
      return false;
    }
  }

  private isGlobalName(name: string): boolean {
    for (const file of this.globals.values()) if (file.names.includes(name)) return true;
    return false;
  }

  /**
   * A program over the environment, the declarations (global files keeping the names `warmNames` holds)
   * and the standard library, and its checker. Library files come parsed from the language service (one
   * parse per process), declaration modules are parsed once per checker; `previous` lends its structure.
   */
  private buildWarm(previous: WarmChecker | undefined): WarmChecker {
    const service = this.service.getProgram();
    // The new program keeps the host below (its closures and their scope) for as long as it lives: the old
    // program is read through this variable, cleared once the new one is built, so each program does not
    // hold the one before it (and through it every checker built since the first).
    let oldProgram = previous?.program;
    const globalTexts = new Map<string, string>();
    for (const [path, file] of this.globals) {
      globalTexts.set(
        path,
        file.lines
          .map((line, i) => (file.names[i] === undefined || this.warmNames.has(file.names[i]!) ? line : ""))
          .join("\n"),
      );
    }
    const textOf = (path: string): string | undefined => {
      const global = globalTexts.get(path);
      if (global !== undefined) return global;
      const snapshot = this.snapshot(path);
      return snapshot?.getText(0, snapshot.getLength());
    };
    const host: ts.CompilerHost = {
      getSourceFile: (path, languageVersion) => {
        if (globalTexts.has(path)) {
          // Kept from the last build while its text is the same, so the old program's structure is reused.
          const old = oldProgram?.getSourceFile(path);
          const text = globalTexts.get(path)!;
          return old?.text === text ? old : typescript.createSourceFile(path, text, languageVersion, false);
        }
        const library = path.startsWith(libDirectory) ? service?.getSourceFile(path) : undefined;
        if (library) return library;
        let parsed = this.warmModules.get(path);
        if (!parsed) {
          const text = textOf(path);
          if (text === undefined) return undefined;
          parsed = typescript.createSourceFile(path, text, languageVersion, false);
          this.warmModules.set(path, parsed);
        }
        return parsed;
      },
      getDefaultLibFileName: (o) => typescript.getDefaultLibFilePath(o),
      writeFile: () => undefined,
      getCurrentDirectory: () => this.root,
      getCanonicalFileName: (path) => path,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => "\n",
      fileExists: (path) => textOf(path) !== undefined,
      readFile: textOf,
      directoryExists: () => true,
      getDirectories: () => [],
      jsDocParsingMode: JSDOC_PARSING,
    };
    const program = typescript.createProgram({
      rootNames: this.roots,
      options: this.options,
      host,
      ...(oldProgram ? { oldProgram } : {}),
    });
    oldProgram = undefined;
    this.warm = { program, checker: program.getTypeChecker(), checks: 0, chars: 0 };
    return this.warm;
  }

  private setExtraFiles(files: Readonly<Record<string, string>>): void {
    const wanted = new Set<string>();
    for (const [key, text] of Object.entries(files)) {
      const path = `${this.root}/${key.replace(/^\/+/, "")}`;
      wanted.add(path);
      const old = this.extra.get(path);
      if (old?.text === text) continue;
      this.extra.set(path, {
        snapshot: typescript.ScriptSnapshot.fromString(text),
        text,
        version: (old?.version ?? 0) + 1,
      });
    }
    for (const path of this.extra.keys()) if (!wanted.has(path)) this.extra.delete(path);
  }

  private extraDiagnostics(files: Readonly<Record<string, string>>): TypeDiagnostic[] {
    return Object.keys(files).flatMap((key) => {
      const path = `${this.root}/${key.replace(/^\/+/, "")}`;
      const syntactic = this.service.getSyntacticDiagnostics(path);
      const found = syntactic.length ? syntactic : this.service.getSemanticDiagnostics(path);
      return found
        .filter((d) => d.category === typescript.DiagnosticCategory.Error)
        .map((d) => {
          const { line, character } = typescript.getLineAndCharacterOfPosition(d.file!, d.start ?? 0);
          return {
            line: line + 1,
            column: character + 1,
            code: d.code,
            message: shortMessage(d.messageText).replaceAll(`${this.root}/`, "./"),
            file: key.replace(/^\/+/, ""),
          };
        });
    });
  }

  private toProgramDiagnostics(
    diagnostics: readonly ts.Diagnostic[],
    insertAt: number,
    code: string,
    source: ts.SourceFile,
  ): TypeDiagnostic[] {
    return diagnostics
      .filter((d) => d.category === typescript.DiagnosticCategory.Error)
      .map((d) => {
        const position = toProgramOffset(d.start ?? 0, insertAt, code.length);
        const { line, character } = source.getLineAndCharacterOfPosition(position);
        return {
          line: line + 1,
          column: character + 1,
          code: d.code,
          message: this.suggest(d.code, shortMessage(d.messageText)).replaceAll(`${this.root}/`, "./"),
        };
      });
  }

  /**
   * Keeps in each global file only the declarations of names the program mentions: a program using two
   * servers of seventy then compiles against those two (and what they import), which keeps a check fast.
   * A name the program does not mention cannot be referenced by it, so nothing it needs is left out.
   */
  private selectGlobals(code: string): void {
    const mentioned = mentionedNames(code);
    for (const [path, file] of this.globals) {
      const kept = file.names.filter((n) => n !== undefined && mentioned.has(n)).join(",");
      if (kept === file.kept) continue;
      file.kept = kept;
      file.version++;
      const text = file.lines
        .map((line, i) => (file.names[i] === undefined || mentioned.has(file.names[i]!) ? line : ""))
        .join("\n");
      this.files.set(path, typescript.ScriptSnapshot.fromString(text));
    }
  }

  /** Globals left out of this check cannot be suggested by TypeScript: name the close ones here. */
  private suggest(code: number, message: string): string {
    const name = code === 2304 ? /^Cannot find name '([\w$]+)'\.$/.exec(message)?.[1] : undefined;
    if (!name) return message;
    const known = [...this.globals.values()].flatMap((g) =>
      g.names.filter((n): n is string => n !== undefined),
    );
    const close = suggestNames(name, known);
    return close.length ? `${message} Did you mean ${close.map((c) => `'${c}'`).join(" or ")}?` : message;
  }

  private snapshot(path: string): ts.IScriptSnapshot | undefined {
    if (path === this.programPath) return typescript.ScriptSnapshot.fromString(this.programText);
    const own = this.files.get(path) ?? this.extra.get(path)?.snapshot;
    if (own) return own;
    if (!path.startsWith(libDirectory)) return undefined;
    if (!libSnapshots.has(path)) {
      const text = typescript.sys.readFile(path);
      libSnapshots.set(path, text === undefined ? undefined : typescript.ScriptSnapshot.fromString(text));
    }
    return libSnapshots.get(path);
  }
}

/** The warm checker of a ProgramTypeChecker and what it has answered since it was built. */
interface WarmChecker {
  program: ts.Program;
  checker: ts.TypeChecker;
  checks: number;
  chars: number;
}

/**
 * TypeScript's internal API the warm checker uses: binding a file outside any program, and the checker's
 * diagnostics for one file. Both are stable within the TypeScript minor version this package pins (~5.9).
 */
function internals(target: ts.SourceFile): {
  parseDiagnostics: ts.Diagnostic[];
  bindDiagnostics: ts.Diagnostic[];
};
function internals(target: typeof ts): {
  bindSourceFile(file: ts.SourceFile, options: ts.CompilerOptions): void;
};
function internals(target: ts.TypeChecker): { getDiagnostics(file: ts.SourceFile): readonly ts.Diagnostic[] };
function internals(target: unknown): unknown {
  return target;
}

/**
 * Wraps a program body in an async function without moving any line: leading imports stay at the top
 * level and the function opens right after the last of them, on the same line.
 */
export function wrapForCheck(code: string): { text: string; insertAt: number; source: ts.SourceFile } {
  const source = typescript.createSourceFile(
    "program.ts",
    code,
    typescript.ScriptTarget.Latest,
    false,
    typescript.ScriptKind.TS,
  );
  let insertAt = 0;
  for (const statement of source.statements) {
    if (!typescript.isImportDeclaration(statement) && !typescript.isImportEqualsDeclaration(statement)) break;
    insertAt = statement.end;
  }
  return { text: `${code.slice(0, insertAt)}${WRAPPER_OPEN}${code.slice(insertAt)}\n}`, insertAt, source };
}

/** Maps an offset in the wrapped text back to the program's own text. */
function toProgramOffset(offset: number, insertAt: number, length: number): number {
  if (offset < insertAt) return offset;
  return Math.min(length, Math.max(insertAt, offset - WRAPPER_OPEN.length));
}

function shortMessage(text: string | ts.DiagnosticMessageChain): string {
  const lines = typescript.flattenDiagnosticMessageText(text, "\n").split("\n");
  const kept = lines.slice(0, MAX_MESSAGE_LINES).map((l) => l.trim());
  let message = kept.join(" ");
  if (message.length > MAX_MESSAGE_CHARS) message = `${message.slice(0, MAX_MESSAGE_CHARS)}…`;
  return message;
}
