import { AsyncLocalStorage } from "node:async_hooks";
import { CodecallError, type ExecutionInterceptor, type InterceptedCall } from "@codecall/core";

/**
 * Which upstream tools a program may call, as `server.tool` globs (`*` matches any run of characters,
 * `?` one character; `memory.*`, `*.delete_*`). For each call: a `deny` match is refused; else an `ask`
 * match needs the user's approval; else an `allow` match proceeds; a tool matching nothing proceeds,
 * unless `allow` is given, in which case it is refused (`allow` is then the whole list of allowed tools).
 */
export interface ToolPolicy {
  allow?: string[];
  ask?: string[];
  deny?: string[];
}

/** What the policy says about one tool. */
export type PolicyDecision = "allow" | "ask" | "deny";

/** Asks someone to approve one call; resolves true to proceed. Throws a POLICY_DENIED error to explain a refusal. */
export type Approver = (call: InterceptedCall) => Promise<boolean>;

const LISTS = ["allow", "ask", "deny"] as const;

/** Checks a policy read from a file or flags; throws CONFIG_INVALID naming the bad field. */
export function validatePolicy(value: unknown, where = "policy"): ToolPolicy {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalid(`${where} must be an object with "allow", "ask" and/or "deny" lists.`);
  const policy: ToolPolicy = {};
  for (const [key, list] of Object.entries(value)) {
    if (!(LISTS as readonly string[]).includes(key))
      throw invalid(`${where}.${key} is not a policy list; use "allow", "ask" or "deny".`);
    if (!Array.isArray(list) || !list.every((g) => typeof g === "string" && g.length > 0))
      throw invalid(`${where}.${key} must be a list of "server.tool" globs, such as ["memory.*"].`);
    policy[key as PolicyDecision] = list as string[];
  }
  return policy;
}

/** Deny wins, then ask, then allow; an unmatched tool is allowed unless an `allow` list is given. */
export function policyDecision(policy: ToolPolicy, server: string, tool: string): PolicyDecision {
  const name = `${server}.${tool}`;
  if (matchesAny(policy.deny, name)) return "deny";
  if (matchesAny(policy.ask, name)) return "ask";
  if (policy.allow === undefined || matchesAny(policy.allow, name)) return "allow";
  return "deny";
}

function matchesAny(globs: string[] | undefined, name: string): boolean {
  return globs?.some((g) => globRegExp(g).test(name)) ?? false;
}

const compiled = new Map<string, RegExp>();
function globRegExp(glob: string): RegExp {
  let re = compiled.get(glob);
  if (!re) {
    const body = glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    re = new RegExp(`^${body}$`, "s");
    compiled.set(glob, re);
  }
  return re;
}

/**
 * Whoever can approve calls for the work running in this async context: the MCP server sets the client
 * session whose `tools/call` runs the program.
 */
const currentApprover = new AsyncLocalStorage<Approver>();

/** Runs `work` with `approver` answering the `ask` calls it makes. */
export function withApprover<T>(approver: Approver, work: () => T): T {
  return currentApprover.run(approver, work);
}

/**
 * An interceptor enforcing `policy` on every tool call a program makes. `ask` calls go to the approver of
 * the running request (see {@link withApprover}); with none, they are refused. It sees the arguments as the
 * program sent them (tokens, when privacy is on). Pass it as `createCodeMode({ interceptor })`.
 */
export function createPolicyInterceptor(policy: ToolPolicy): ExecutionInterceptor {
  const checked = validatePolicy(policy);
  return {
    async beforeCall(call) {
      const decision = policyDecision(checked, call.server, call.tool);
      const name = `${call.server}.${call.tool}`;
      if (decision === "deny")
        throw denied(
          call,
          matchesAny(checked.deny, name)
            ? `The policy denies ${call.id} (${name} matches a "deny" glob).`
            : `The policy does not allow ${call.id} (${name} matches no "allow" glob).`,
          `Use another tool, or ask the operator to allow "${name}" in the codecall policy.`,
        );
      if (decision === "ask") {
        const approver = currentApprover.getStore();
        if (!approver)
          throw denied(
            call,
            `${call.id} needs approval ("ask" policy), and nobody can be asked here. ${allowInstead(name)}`,
            "Use another tool, or ask the operator to change the policy.",
          );
        if (!(await approver(call)))
          throw denied(
            call,
            `The user did not approve the call to ${call.id}.`,
            "Do not retry it unless the user asks for it.",
          );
      }
      return call.args;
    },
  };
}

/** How an operator lets a tool run without asking. */
export function allowInstead(name: string): string {
  return `To let it run without asking, remove the "ask" glob matching "${name}" (under "codecall" > "policy" in the config file, or an --ask flag), and if an "allow" list is set, make it cover "${name}".`;
}

/** A POLICY_DENIED error about one call: the program can catch it and carry on. */
export function denied(call: InterceptedCall, message: string, hint: string): CodecallError {
  return new CodecallError("POLICY_DENIED", message, {
    hint,
    details: { tool: call.id, server: call.server, name: call.tool },
  });
}

function invalid(message: string): CodecallError {
  return new CodecallError("CONFIG_INVALID", message, {
    hint: 'Write e.g. "policy": { "ask": ["memory.delete_*"], "deny": ["filesystem.write_file"] }.',
  });
}
