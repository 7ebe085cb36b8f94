import { AsyncLocalStorage } from "node:async_hooks";
import { CodecallError } from "../errors.js";
import type { ExecutionInterceptor, InterceptedCall } from "../executor/interceptor.js";
import type { ProgramManifest } from "./program-manifest.js";
import { explainDecision, type ToolPolicy, validatePolicy } from "./rules.js";

/** One call waiting for approval: the call as the program made it (tokens stay tokens when privacy is on). */
export interface ApprovalRequest extends InterceptedCall {
  /** The program making the call, when it runs through an executor (code mode, `exec`, an agent). */
  program?: string;
  /** Why it is asked: an `ask` glob of the policy, or the tool's `destructiveHint` annotation. */
  reason?: "policy" | "annotation";
}

/** An answer to an approval: `true` to proceed, or an object that can say why not. */
export type ApprovalAnswer = boolean | { approved: boolean; reason?: string };

/**
 * Asks someone to approve one call. The execution's wall clock is paused while it waits. Resolve `false`
 * (or throw a POLICY_DENIED error) to refuse: the program gets a catchable POLICY_DENIED error.
 */
export type Approver = (request: ApprovalRequest) => Promise<ApprovalAnswer> | ApprovalAnswer;

/**
 * Asks someone to approve a whole program before it runs, from its {@link ProgramManifest}. Called only
 * when the manifest lists a tool the policy marks `ask`. Approving lets every listed tool run without
 * further prompts; a refused program does not run (POLICY_DENIED). `"per-call"` approves nothing in
 * advance: the program runs and each call that needs approval goes to the call approver (for an
 * application that cannot answer now, such as a CLI with no terminal).
 */
export type ProgramApprover = (
  manifest: ProgramManifest,
) => Promise<ApprovalAnswer | "per-call"> | ApprovalAnswer | "per-call";

/** What the policy knows about the execution in progress (set by the executor around each run). */
export interface PolicyScope {
  program: string;
  /** The rules in force for this execution. */
  rules: ToolPolicy;
  /** Who answers `ask` calls for this execution (else the request's, see {@link withApprover}). */
  approve?: Approver;
  /** The manifest the program was admitted with, when programs are approved whole. */
  manifest?: ProgramManifest;
  /** Tool ids the manifest approval covers. */
  approved?: ReadonlySet<string>;
}

const currentScope = new AsyncLocalStorage<PolicyScope>();
/**
 * Whoever can approve calls for the work running in this async context: `codecall serve` sets the MCP
 * client session whose `tools/call` runs the program.
 */
const currentApprover = new AsyncLocalStorage<Approver>();

/** Runs `work` with `approver` answering the `ask` calls it makes (unless the interceptor has its own). */
export function withApprover<T>(approver: Approver, work: () => T): T {
  return currentApprover.run(approver, work);
}

/** Runs `work` (an execution) with `scope` visible to the policy interceptor's checks of its tool calls. */
export function withPolicyScope<T>(scope: PolicyScope, work: () => T): T {
  return currentScope.run(scope, work);
}

/** Options of {@link createPolicyInterceptor}. */
export interface PolicyInterceptorOptions {
  /** Answers `ask` calls. Default: the approver of the running request ({@link withApprover}), else refused. */
  approve?: Approver;
}

/**
 * An interceptor enforcing `policy` on every tool call a program makes: `deny` refuses, `ask` waits for an
 * approver (the execution's wall clock paused meanwhile), and a program admitted with a closed manifest
 * may call only the tools it lists. Put it first in a chain: it must see the arguments as the program sent
 * them (tokens, when privacy is on). Pass it as `createCodeMode({ interceptor })`, or let the `policy`
 * and `approve` options of `createCodeMode` / `createExecutor` / `createAgent` build it.
 */
export function createPolicyInterceptor(
  policy: ToolPolicy = {},
  options: PolicyInterceptorOptions = {},
): ExecutionInterceptor {
  const checked = validatePolicy(policy);
  return {
    beforeCall: (call) =>
      checkCall(call, checked, options.approve ?? currentApprover.getStore(), currentScope.getStore()),
  };
}

/**
 * The executor's policy hook: it enforces the rules of the execution in progress (its {@link PolicyScope})
 * and lets every call through when the execution runs without a policy.
 */
export function createScopedPolicyInterceptor(): ExecutionInterceptor {
  return {
    beforeCall(call) {
      const scope = currentScope.getStore();
      if (!scope) return call.args;
      return checkCall(call, scope.rules, scope.approve ?? currentApprover.getStore(), scope);
    },
  };
}

/** One call against the rules, the program's manifest, and the approver. */
async function checkCall(
  call: InterceptedCall,
  rules: ToolPolicy,
  approver: Approver | undefined,
  scope: PolicyScope | undefined,
) {
  const { decision, by } = explainDecision(rules, call.server, call.tool, call.annotations);
  const name = `${call.server}.${call.tool}`;
  if (decision === "deny")
    throw denied(
      call,
      by === "glob"
        ? `The policy denies ${call.id} (${name} matches a "deny" glob).`
        : `The policy does not allow ${call.id} (${name} matches no "allow" glob).`,
      `Use another tool, or ask the operator to allow "${name}" in the codecall policy.`,
      "policy",
    );
  if (scope?.approved?.has(call.id)) return call.args;
  // The manifest lists the catalogue's tools. codecall's own (`codecall.*`: workspace files, skills,
  // resource reads, search) are not tools of the catalogue; the rules above and below decide them per call.
  if (scope?.manifest && !scope.manifest.open && !call.id.startsWith("codecall."))
    throw denied(
      call,
      `${call.id} is not among the tools this program was approved to call (its manifest lists ${scope.manifest.tools.map((t) => t.id).join(", ") || "none"}).`,
      "Name every tool the program calls in its code (memory.createEntities(...), or codecall.callTool with a literal name), so it is approved before the program runs.",
      "manifest",
    );
  if (decision === "allow") return call.args;
  if (!approver)
    throw denied(
      call,
      `${call.id} needs approval (${by === "annotation" ? "the tool declares itself destructive" : '"ask" policy'}), and nobody can be asked here. ${allowInstead(name)}`,
      "Use another tool, or ask the operator to change the policy.",
      "unanswered",
    );
  const request: ApprovalRequest = {
    ...call,
    ...(scope?.program ? { program: scope.program } : {}),
    reason: by === "annotation" ? "annotation" : "policy",
  };
  const answer = await whilePaused(call, () => approver(request));
  if (!isApproved(answer))
    throw denied(
      call,
      `The user did not approve the call to ${call.id}${reasonOf(answer)}.`,
      "Do not retry it unless the user asks for it.",
      "refused",
    );
  return call.args;
}

/** Waits for `ask` with the execution's wall clock stopped (a person is answering, not the program). */
async function whilePaused<T>(call: InterceptedCall, ask: () => Promise<T> | T): Promise<T> {
  const resume = call.pauseClock?.();
  try {
    return await ask();
  } finally {
    resume?.();
  }
}

/** Whether an answer approves. */
export function isApproved(answer: ApprovalAnswer): boolean {
  return typeof answer === "boolean" ? answer : answer?.approved === true;
}

/** The refusal's reason as a message suffix (`: too many deletions`), or nothing. */
export function reasonOf(answer: ApprovalAnswer): string {
  return typeof answer === "object" && answer?.reason ? `: ${answer.reason}` : "";
}

/** How an operator lets a tool run without asking. */
export function allowInstead(name: string): string {
  return `To let it run without asking, remove the "ask" glob matching "${name}" or add "${name}" to "allow" (under "codecall" > "policy" in the config file, or with --allow/--ask flags), and if an "allow" list is set, make it cover "${name}".`;
}

/**
 * A POLICY_DENIED error about one call: the program can catch it and carry on. `details.reason` says which
 * rule refused: `policy` (deny or not allowed), `manifest` (outside the approved manifest), `unanswered`
 * (nobody could be asked), `refused` (the approver said no).
 */
export function denied(
  call: Pick<InterceptedCall, "id" | "server" | "tool">,
  message: string,
  hint: string,
  reason?: "policy" | "manifest" | "unanswered" | "refused",
): CodecallError {
  return new CodecallError("POLICY_DENIED", message, {
    hint,
    details: { tool: call.id, server: call.server, name: call.tool, ...(reason ? { reason } : {}) },
  });
}
