import { createRequire } from "node:module";
import type { ToolAnnotations } from "@codecall/codegen";
import type picomatch from "picomatch";
import { CodecallError } from "../errors.js";

/**
 * Which upstream tools a program may call, as globs over `server.tool` (the MCP server's configured name
 * and the tool's MCP name: `memory.*`, `*.delete_*`, `filesystem.{read,list}_*`; picomatch syntax, with
 * `/` an ordinary character, so `memory.*` also covers resource reads, `memory.resources/read`). For each call a `deny` match is refused; else an `ask` match needs approval;
 * else an `allow` match proceeds. A tool matching no glob is refused when `allow` is given (it is then the
 * whole list of allowed tools); else it follows its MCP annotations (`destructiveHint` asks, `readOnlyHint`
 * proceeds), and proceeds when it has none.
 */
export interface ToolPolicy {
  allow?: string[];
  ask?: string[];
  deny?: string[];
}

/** What the policy says about one tool. */
export type PolicyDecision = "allow" | "ask" | "deny";

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

/**
 * Deny wins, then ask, then allow. A tool no glob names is refused when an `allow` list is given; else it
 * follows its annotations (`destructiveHint: true` asks, `readOnlyHint: true` allows), and is allowed.
 */
export function policyDecision(
  policy: ToolPolicy,
  server: string,
  tool: string,
  annotations?: ToolAnnotations | null,
): PolicyDecision {
  return explainDecision(policy, server, tool, annotations).decision;
}

/** A decision and what made it, for messages that tell the operator which setting to change. */
export interface ExplainedDecision {
  decision: PolicyDecision;
  /** `glob`: one of the lists named the tool; `annotation`: its MCP annotations; `default`: neither did. */
  by: "glob" | "annotation" | "default";
}

/** {@link policyDecision} with the reason. */
export function explainDecision(
  policy: ToolPolicy,
  server: string,
  tool: string,
  annotations?: ToolAnnotations | null,
): ExplainedDecision {
  const name = `${server}.${tool}`;
  if (matchesAny(policy.deny, name)) return { decision: "deny", by: "glob" };
  if (matchesAny(policy.ask, name)) return { decision: "ask", by: "glob" };
  if (matchesAny(policy.allow, name)) return { decision: "allow", by: "glob" };
  // An `allow` list is the whole list of allowed tools.
  if (policy.allow !== undefined) return { decision: "deny", by: "default" };
  // Hints, not guarantees: they only pick a default, and any glob above overrides them.
  if (annotations?.destructiveHint === true && annotations.readOnlyHint !== true)
    return { decision: "ask", by: "annotation" };
  if (annotations?.readOnlyHint === true) return { decision: "allow", by: "annotation" };
  return { decision: "allow", by: "default" };
}

/** Whether `name` matches one of `globs`. */
export function matchesAny(globs: readonly string[] | undefined, name: string): boolean {
  if (!globs?.length) return false;
  const plain = name.replaceAll("/", SLASH);
  return globs.some((g) => matcher(g)(plain));
}

/**
 * Names are not paths: `/` (as in `resources/read`) stands in for a character picomatch treats as
 * ordinary, in names and globs alike, so `*` crosses it.
 */
const SLASH = "\u2215";

// picomatch loads on the first match, so importing core costs nothing for applications without a policy.
const require = createRequire(import.meta.url);
let load: typeof picomatch | undefined;
const compiled = new Map<string, (name: string) => boolean>();

function matcher(glob: string): (name: string) => boolean {
  let match = compiled.get(glob);
  if (!match) {
    load ??= require("picomatch") as typeof picomatch;
    // `dot`: a tool name may start with a dot; nothing here is a hidden file.
    match = load(glob.replaceAll("/", SLASH), { dot: true });
    compiled.set(glob, match);
  }
  return match;
}

function invalid(message: string): CodecallError {
  return new CodecallError("CONFIG_INVALID", message, {
    hint: 'Write e.g. "policy": { "ask": ["memory.delete_*"], "deny": ["filesystem.write_file"] }.',
  });
}
