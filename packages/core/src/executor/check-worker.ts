/**
 * The type-check worker: type-checks and strips programs off the host thread, so a program whose types
 * explode (type-level recursion, a huge file) costs this thread its budget and is ended, never the host.
 * TypeScript loads on the first check; stripping alone needs only sucrase.
 */
import { parentPort } from "node:worker_threads";
import { CodecallError } from "../errors.js";
import type { CheckReply, CheckRequest } from "./check-protocol.js";
import { saveCompileCaches } from "./compile-cache.js";
import type { TypeDiagnostic } from "./diagnostics.js";
import { stripTypes } from "./strip-types.js";
import type { ProgramTypeChecker } from "./type-checker.js";

const port = parentPort;
if (!port) throw new Error("check-worker runs in a worker thread");

const checkers = new Map<number, ProgramTypeChecker>();
let checkerModule: Promise<typeof import("./type-checker.js")> | undefined;
/** Requests are answered one at a time, in order (the first `load` awaits TypeScript's import). */
let queue: Promise<void> = Promise.resolve();

port.on("message", (request: CheckRequest) => {
  queue = queue.then(() => handle(request)).catch(() => undefined);
});
// Started (sucrase loaded): from here on the host times each request against its own budget.
port.postMessage({ id: 0, ready: true });

async function handle(request: CheckRequest): Promise<void> {
  if (request.type === "unload") {
    // Disposing releases its parsed declarations from TypeScript's process-wide document registry.
    checkers.get(request.apiId)?.dispose();
    checkers.delete(request.apiId);
    return;
  }
  let reply: CheckReply;
  try {
    if (request.type === "analyze") {
      const { analyzeProgram } = await import("../policy/manifest.js");
      reply = {
        id: request.id,
        ok: true,
        diagnostics: [],
        analysis: analyzeProgram(request.code, request.servers),
      };
    } else reply = request.type === "load" ? await load(request) : prepare(request);
  } catch (error) {
    reply = { id: request.id, ok: false, error: CodecallError.from(error, "TYPE_CHECK_FAILED").toJSON() };
  }
  // TypeScript's code cache, written once when it had none, holds what this first work compiled. Before
  // the reply, so a process that exits once its warm-up is done has written it (tens of ms, once).
  if (request.type === "load" || request.type === "analyze") saveCompileCaches();
  port!.postMessage(reply);
}

async function load(request: Extract<CheckRequest, { type: "load" }>): Promise<CheckReply> {
  checkerModule ??= import("./type-checker.js");
  const { ProgramTypeChecker } = await checkerModule;
  const checker = new ProgramTypeChecker(request.declarations, request.compilerOptions as never);
  // Parses and binds the declarations and the standard library now, so the first real check is warm.
  checker.warmUp();
  checkers.set(request.apiId, checker);
  return { id: request.id, ok: true, diagnostics: [] };
}

function prepare(request: Extract<CheckRequest, { type: "prepare" }>): CheckReply {
  let diagnostics: TypeDiagnostic[] = [];
  if (request.check) {
    const checker = checkers.get(request.apiId);
    if (!checker) throw new Error(`the declarations of API ${request.apiId} were not loaded`);
    diagnostics = checker.check(request.code, request.files);
  }
  try {
    return { id: request.id, ok: true, diagnostics, js: stripTypes(request.code) };
  } catch (error) {
    const stripError = CodecallError.from(error, "PROGRAM_SYNTAX").toJSON();
    // With findings to show, the checker's (better located) diagnostics are the answer.
    if (diagnostics.length) return { id: request.id, ok: true, diagnostics, stripError };
    return { id: request.id, ok: false, error: stripError };
  }
}
