/**
 * Which tools a program can call, by static analysis of the TypeScript the model wrote. It runs in the
 * type-check worker (TypeScript is loaded there; see check-worker.ts) and uses the parser only, so it
 * costs a parse and works with type-checking off. It is deliberately syntactic and conservative: every
 * use of a server namespace or of `codecall` that it cannot pin to one tool makes the manifest "open".
 * The run-time check in the policy interceptor is what enforces the manifest; this only has to be
 * complete enough that honest programs are not refused.
 */
import type ts from "typescript";
import { typescript } from "../executor/typescript.js";
import type { JsonObject, JsonValue } from "../json.js";

/** One place the program uses a tool: a server namespace member, or `codecall.callTool` with a literal id. */
export interface ToolUse {
  /** For `memory.createEntities(...)` (or a named import of it): the server ident and the tool ident. */
  server?: string;
  member?: string;
  /** For `codecall.callTool("memory.createEntities", ...)`: the literal tool id. */
  id?: string;
  line: number;
  /** The arguments, when the call passes them as a literal (no variables, no computation). */
  args?: JsonObject;
}

/** What the parser found; the host maps it to tools (see program-manifest.ts). Plain data: it is cloned. */
export interface ProgramAnalysis {
  uses: ToolUse[];
  /** Why the tools cannot all be known statically; empty when they can. */
  open: Array<{ line: number; reason: string }>;
  /** Modules the program imports other than `./servers/*` (skills): their tools come from their records. */
  imports: Array<{ specifier: string; line: number }>;
}

type Binding =
  | { kind: "namespace"; server: string }
  | { kind: "tool"; server: string; member: string }
  | { kind: "codecall" };

/** Globals through which a program can reach the host bridge or module table without naming them. */
const ESCAPES = new Set(["globalThis", "eval", "Function", "require", "__codecallModules", "self", "window"]);
const SERVER_SPECIFIER = /^\.\/servers\/([^/]+)(?:\/([^/]+))?$/;

/**
 * Lists the tools `code` can call. `servers` are the server idents the program may name as globals (the
 * executor passes those it mentions).
 */
export function analyzeProgram(code: string, servers: readonly string[]): ProgramAnalysis {
  const source = typescript.createSourceFile(
    "program.ts",
    code,
    typescript.ScriptTarget.Latest,
    true,
    typescript.ScriptKind.TS,
  );
  const result: ProgramAnalysis = { uses: [], open: [], imports: [] };
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  // Both return undefined, so `return open(...)` ends a branch of `inspect`.
  const open = (node: ts.Node, reason: string): undefined => {
    result.open.push({ line: lineOf(node), reason });
  };

  const bindings = new Map<string, Binding>();
  for (const server of servers) bindings.set(server, { kind: "namespace", server });
  bindings.set("codecall", { kind: "codecall" });
  // Imports bind names first; any other declaration of a watched name shadows it (reported below).
  const imported = new Set<ts.Identifier>();
  for (const statement of source.statements) {
    if (!typescript.isImportDeclaration(statement) || !typescript.isStringLiteral(statement.moduleSpecifier))
      continue;
    const clause = statement.importClause;
    if (clause?.isTypeOnly) continue;
    const specifier = statement.moduleSpecifier.text;
    const server = SERVER_SPECIFIER.exec(specifier);
    const named = clause?.namedBindings;
    if (!server) {
      result.imports.push({ specifier, line: lineOf(statement) });
      for (const name of importedNames(clause)) bindings.delete(name.text);
      continue;
    }
    const [, serverIdent, file] = server as unknown as [string, string, string | undefined];
    const isIndex = file === undefined || file === "index";
    if (clause?.name) {
      open(clause.name, `a default import of "${specifier}"`);
      bindings.delete(clause.name.text);
    }
    if (named && typescript.isNamespaceImport(named)) {
      imported.add(named.name);
      if (isIndex) bindings.set(named.name.text, { kind: "namespace", server: serverIdent });
      else bindings.set(named.name.text, { kind: "namespace", server: `${serverIdent}/${file}` });
    } else if (named) {
      for (const element of named.elements) {
        if (element.isTypeOnly) continue;
        imported.add(element.name);
        const member = (element.propertyName ?? element.name).text;
        bindings.set(element.name.text, { kind: "tool", server: serverIdent, member });
      }
    }
  }

  const visit = (node: ts.Node): void => {
    if (typescript.isImportDeclaration(node)) return;
    if (typescript.isCallExpression(node) && node.expression.kind === typescript.SyntaxKind.ImportKeyword)
      open(node, "a dynamic import()");
    if (typescript.isIdentifier(node)) inspect(node);
    typescript.forEachChild(node, visit);
  };

  const inspect = (node: ts.Identifier): undefined => {
    const name = node.text;
    if (isDeclarationName(node)) {
      if (bindings.has(name) && !imported.has(node)) {
        open(node, `the program declares its own "${name}", which hides the generated one`);
        bindings.delete(name);
      }
      return;
    }
    if (!isValueReference(node)) return;
    if (ESCAPES.has(name)) return open(node, `"${name}" can reach tools without naming them`);
    const binding = bindings.get(name);
    if (!binding) return;
    const parent = node.parent;
    if (typescript.isTypeOfExpression(parent)) return;
    if (binding.kind === "tool") return use(node, { server: binding.server, member: binding.member }, node);
    const member = memberName(parent, node);
    if (binding.kind === "namespace") {
      if (member === undefined)
        return open(node, `"${name}" is used as a value, so its calls cannot be followed`);
      const slash = binding.server.indexOf("/");
      // `import * as m from "./servers/memory/createEntities"`: only that tool's export is there.
      if (slash >= 0) {
        if (member !== binding.server.slice(slash + 1)) return;
        return use(parent, { server: binding.server.slice(0, slash), member }, parent);
      }
      return use(parent, { server: binding.server, member }, parent);
    }
    // codecall
    if (member === "searchTools") return;
    const call = parent.parent;
    if (member !== "callTool" || !call || !typescript.isCallExpression(call) || call.expression !== parent)
      return open(node, `"codecall" is used in a way that hides which tool is called`);
    const id = call.arguments[0];
    if (!id || !(typescript.isStringLiteral(id) || typescript.isNoSubstitutionTemplateLiteral(id)))
      return open(call, "codecall.callTool is given a tool name computed at run time");
    const args = call.arguments[1];
    result.uses.push({ id: id.text, line: lineOf(call), ...literalArgs(args, call.arguments.length < 2) });
  };

  /** A tool reached through `target` (`memory.x` or an imported `x`): with its literal arguments when called. */
  const use = (at: ts.Node, tool: { server: string; member: string }, target: ts.Node): undefined => {
    const call = target.parent;
    const called = call && typescript.isCallExpression(call) && call.expression === target;
    result.uses.push({
      ...tool,
      line: lineOf(at),
      ...(called ? literalArgs(call.arguments[0], call.arguments.length === 0) : {}),
    });
  };

  visit(source);
  return result;
}

/** The member a namespace reference reads: `ns.x`, `ns?.x`, `ns["x"]`; undefined for any other use. */
function memberName(parent: ts.Node, node: ts.Identifier): string | undefined {
  if (typescript.isPropertyAccessExpression(parent) && parent.expression === node) return parent.name.text;
  if (
    typescript.isElementAccessExpression(parent) &&
    parent.expression === node &&
    (typescript.isStringLiteral(parent.argumentExpression) ||
      typescript.isNoSubstitutionTemplateLiteral(parent.argumentExpression))
  )
    return parent.argumentExpression.text;
  return undefined;
}

function literalArgs(node: ts.Expression | undefined, none: boolean): { args?: JsonObject } {
  if (none) return { args: {} };
  const value = node ? literal(node) : undefined;
  return value !== undefined && value !== null && typeof value === "object" && !Array.isArray(value)
    ? { args: value }
    : {};
}

/** The JSON value of a literal expression; undefined when any part of it is computed. */
function literal(node: ts.Expression): JsonValue | undefined {
  if (
    typescript.isParenthesizedExpression(node) ||
    typescript.isAsExpression(node) ||
    typescript.isSatisfiesExpression(node)
  )
    return literal(node.expression);
  if (typescript.isStringLiteral(node) || typescript.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (typescript.isNumericLiteral(node)) return Number(node.text);
  if (
    typescript.isPrefixUnaryExpression(node) &&
    node.operator === typescript.SyntaxKind.MinusToken &&
    typescript.isNumericLiteral(node.operand)
  )
    return -Number(node.operand.text);
  if (node.kind === typescript.SyntaxKind.TrueKeyword) return true;
  if (node.kind === typescript.SyntaxKind.FalseKeyword) return false;
  if (node.kind === typescript.SyntaxKind.NullKeyword) return null;
  if (typescript.isArrayLiteralExpression(node)) {
    const items: JsonValue[] = [];
    for (const element of node.elements) {
      const value = literal(element);
      if (value === undefined) return undefined;
      items.push(value);
    }
    return items;
  }
  if (typescript.isObjectLiteralExpression(node)) {
    const out: JsonObject = {};
    for (const property of node.properties) {
      if (!typescript.isPropertyAssignment(property)) return undefined;
      const key = property.name;
      if (
        !(typescript.isIdentifier(key) || typescript.isStringLiteral(key) || typescript.isNumericLiteral(key))
      )
        return undefined;
      const value = literal(property.initializer);
      if (value === undefined) return undefined;
      out[key.text] = value;
    }
    return out;
  }
  return undefined;
}

function importedNames(clause: ts.ImportClause | undefined): ts.Identifier[] {
  if (!clause) return [];
  const names = clause.name ? [clause.name] : [];
  const named = clause.namedBindings;
  if (named && typescript.isNamespaceImport(named)) names.push(named.name);
  else if (named) for (const element of named.elements) names.push(element.name);
  return names;
}

/** The identifier names a binding the program declares (a variable, parameter, function, class, catch). */
function isDeclarationName(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (
    ((typescript.isVariableDeclaration(parent) ||
      typescript.isParameter(parent) ||
      typescript.isFunctionDeclaration(parent) ||
      typescript.isFunctionExpression(parent) ||
      typescript.isClassDeclaration(parent) ||
      typescript.isClassExpression(parent) ||
      typescript.isEnumDeclaration(parent) ||
      typescript.isModuleDeclaration(parent) ||
      typescript.isImportEqualsDeclaration(parent) ||
      typescript.isNamespaceImport(parent) ||
      typescript.isImportSpecifier(parent) ||
      typescript.isImportClause(parent)) &&
      parent.name === node) ||
    (typescript.isBindingElement(parent) && parent.name === node)
  );
}

/** Whether the identifier reads a variable (not a property name, a label, a type, or a declaration). */
function isValueReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (typescript.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (typescript.isQualifiedName(parent) && parent.right === node) return false;
  if (typescript.isPropertyAssignment(parent) && parent.name === node) return false;
  if (
    (typescript.isMethodDeclaration(parent) ||
      typescript.isPropertyDeclaration(parent) ||
      typescript.isGetAccessorDeclaration(parent) ||
      typescript.isSetAccessorDeclaration(parent) ||
      typescript.isPropertySignature(parent) ||
      typescript.isMethodSignature(parent) ||
      typescript.isEnumMember(parent)) &&
    parent.name === node
  )
    return false;
  if (typescript.isBindingElement(parent) && parent.propertyName === node) return false;
  if (typescript.isLabeledStatement(parent) || typescript.isBreakOrContinueStatement(parent)) return false;
  if (typescript.isExportSpecifier(parent) || typescript.isImportSpecifier(parent)) return false;
  // In a type (`let g: typeof memory`, `memory.Entity`) the name reads no value.
  for (let at: ts.Node | undefined = parent; at; at = at.parent) {
    if (typescript.isTypeNode(at) && !typescript.isExpressionWithTypeArguments(at)) return false;
    if (typescript.isInterfaceDeclaration(at) || typescript.isTypeAliasDeclaration(at)) return false;
    if (typescript.isExpression(at) || typescript.isStatement(at)) break;
  }
  return true;
}
