import { AsyncLocalStorage } from "node:async_hooks";
import type { GeneratedTool } from "@codecall/codegen";
import { CodecallError } from "../errors.js";
import type { ExecutionInterceptor, InterceptedCall } from "../executor/interceptor.js";
import {
  type Approver,
  createScopedPolicyInterceptor,
  isApproved,
  type PolicyScope,
  type ProgramApprover,
  reasonOf,
  withPolicyScope,
} from "./approval.js";
import type { ProgramAnalysis } from "./manifest.js";
import { buildManifest, type ModuleToolLookup, type ProgramManifest } from "./program-manifest.js";
import { type ToolPolicy, validatePolicy } from "./rules.js";

/**
 * The policy options shared by `createExecutor`, `createCodeMode` and `createAgent`. Giving any of them
 * turns the policy on (with `policy` defaulting to `{}`: the tools' annotations decide, destructive ones ask).
 */
export interface PolicyOptions {
  /** Allow / ask / deny globs over `server.tool`. */
  policy?: ToolPolicy;
  /**
   * Answers calls that need approval, one at a time, while the program waits (its wall clock paused).
   * Without it (and without `approveProgram` covering the call) such calls are refused with POLICY_DENIED.
   */
  approve?: Approver;
  /**
   * Approves each program once before it runs, from the tools static analysis finds in it (see
   * {@link ProgramManifest}); then a call outside the manifest is refused, and calls an open manifest
   * could not name go to `approve`.
   */
  approveProgram?: ProgramApprover;
  /**
   * The tools modules a program imports can call (skills with recorded tool lists), as tool ids; a module
   * it returns `undefined` for makes the manifest open. Only used with `approveProgram`.
   */
  moduleTools?: ModuleToolLookup;
}

/** An execution let through the gate: run it inside {@link Admission.run}, or report `refusal`. */
export interface Admission {
  refusal?: CodecallError;
  manifest?: ProgramManifest;
  run<T>(work: () => Promise<T>): Promise<T>;
}

/** What every executor holds: the interceptor enforcing the policy, and the admission of programs. */
export interface PolicyGate {
  interceptor: ExecutionInterceptor;
  /**
   * The policy for one execution (the executor's options, overridden by those of {@link withPolicy}
   * around it): `undefined` when there is none. With `approveProgram`, builds the program's manifest
   * (`analyze` runs the static analysis) and asks once when it lists `ask` tools.
   */
  /**
   * Runs one direct call (no program: a tool served as it is, see `exposeCodeMode`) under the rules and the
   * approver of the execution's policy; there is no manifest to approve.
   */
  direct<T>(work: () => Promise<T>): Promise<T>;
  admit(
    program: string,
    tools: readonly GeneratedTool[],
    analyze: () => Promise<ProgramAnalysis>,
    /** The executor's own lookup of the modules this program imports (its skills), when no option gives one. */
    moduleTools?: ModuleToolLookup,
  ): Promise<Admission | undefined>;
}

const ambient = new AsyncLocalStorage<PolicyOptions>();

/**
 * Runs `work` with `options` as the policy of every execution it starts, over the executor's own (each
 * option given replaces the executor's). `createAgent` runs its tool uses this way, so an agent can bring a
 * policy and approvers to a code mode made without them.
 */
export function withPolicy<T>(options: PolicyOptions, work: () => T): T {
  return ambient.run(options, work);
}

/** Whether `options` turns a policy on. */
export function hasPolicy(options: PolicyOptions | undefined): boolean {
  return !!(options && (options.policy || options.approve || options.approveProgram));
}

/** The gate of an executor with these options (validated now: a bad policy fails at creation). */
export function createPolicyGate(own: PolicyOptions): PolicyGate {
  const ownRules = own.policy ? validatePolicy(own.policy) : undefined;
  /** The options in force here (the executor's, overridden by an agent's) and their per-call scope. */
  const current = (program: string): { options: PolicyOptions; base: PolicyScope } | undefined => {
    const outer = ambient.getStore();
    if (!hasPolicy(own) && !hasPolicy(outer)) return undefined;
    const options: PolicyOptions = { ...own, ...definedOf(outer) };
    const rules = outer?.policy ? validatePolicy(outer.policy) : (ownRules ?? {});
    return { options, base: { program, rules, ...(options.approve ? { approve: options.approve } : {}) } };
  };
  return {
    interceptor: createScopedPolicyInterceptor(),
    direct(work) {
      const policy = current("");
      return policy ? withPolicyScope(policy.base, work) : work();
    },
    async admit(program, tools, analyze, linkedModules) {
      const policy = current(program);
      if (!policy) return undefined;
      const { options, base } = policy;
      const { rules } = base;
      const approveProgram = options.approveProgram;
      if (!approveProgram) return { run: (work) => withPolicyScope(base, work) };
      let manifest: ProgramManifest;
      try {
        manifest = buildManifest(
          program,
          await analyze(),
          tools,
          rules,
          options.moduleTools ?? linkedModules,
        );
      } catch (error) {
        // Without a manifest every call is checked as it happens: nothing is approved in advance.
        const reason = `the program could not be analysed (${CodecallError.from(error, "TYPE_CHECK_FAILED").message})`;
        manifest = { program, tools: [], open: true, openReasons: [reason] };
      }
      const scope: PolicyScope = {
        ...base,
        manifest,
        approved: new Set(manifest.tools.filter((t) => t.decision !== "deny").map((t) => t.id)),
      };
      const run = <T>(work: () => Promise<T>) => withPolicyScope(scope, work);
      const asked = manifest.tools.filter((t) => t.decision === "ask").map((t) => t.id);
      if (asked.length === 0) return { manifest, run };
      const answer = await approveProgram(manifest);
      if (answer === "per-call") return { manifest, run: (work) => withPolicyScope(base, work) };
      if (isApproved(answer)) return { manifest, run };
      const refusal = new CodecallError(
        "POLICY_DENIED",
        `The user did not approve this program (it calls ${asked.join(", ")})${reasonOf(answer)}; nothing ran.`,
        {
          hint: "Do not retry it unless the user asks for it.",
          details: { reason: "refused", tools: asked },
        },
      );
      return { refusal, manifest, run };
    },
  };
}

/** The policy options set in `options` (any object carrying them among others). */
export function definedOf(options: PolicyOptions | undefined): PolicyOptions {
  const out: PolicyOptions = {};
  if (!options) return out;
  for (const key of ["policy", "approve", "approveProgram", "moduleTools"] as const) {
    if (options[key] !== undefined) (out as Record<string, unknown>)[key] = options[key];
  }
  return out;
}

/**
 * Checks one call made outside any executor (classic mode's direct tool calls) against the policy an
 * agent brought with {@link withPolicy}: a denial or a refused approval throws POLICY_DENIED. Without an
 * agent policy it lets the call through.
 */
export async function checkAmbientCall(call: InterceptedCall): Promise<void> {
  // A gate with no policy of its own: `direct` applies the agent's, or lets the call through.
  const gate = createPolicyGate({});
  await gate.direct(async () => gate.interceptor.beforeCall?.(call));
}
