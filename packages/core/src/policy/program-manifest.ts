import type { GeneratedTool } from "@codecall/codegen";
import type { JsonObject } from "../json.js";
import type { ProgramAnalysis } from "./manifest.js";
import { explainDecision, type PolicyDecision, type ToolPolicy } from "./rules.js";

/** One tool a program can call, as its manifest lists it. */
export interface ManifestTool {
  /** The id the program calls: `<serverIdent>.<toolIdent>`. */
  id: string;
  /** The MCP server's configured name and the tool's MCP name. */
  server: string;
  name: string;
  /** What the policy says about it: `ask` tools are what an approval of the program approves. */
  decision: PolicyDecision;
  /** Where the program uses it, with the arguments when it passes them as a literal. */
  calls: Array<{ line: number; args?: JsonObject }>;
}

/**
 * The tools a program can call, found by static analysis before it runs. `open`: some call's target is
 * only known at run time (a computed `callTool` name, a namespace passed around, a skill without a recorded
 * tool list); such calls are then approved one by one as they happen.
 */
export interface ProgramManifest {
  /** The program as the model wrote it. */
  program: string;
  tools: ManifestTool[];
  open: boolean;
  /** Why the manifest is open, one line each ("line 4: codecall.callTool is given a tool name computed at run time"). */
  openReasons: string[];
}

/**
 * The tools a module a program imports can call (a skill: its recorded tool list, as tool ids), or
 * `undefined` when the module is unknown, which makes the manifest open. The hook for skills: the module
 * that stores them passes a lookup here (see `ProgramApprovalOptions.moduleTools`).
 */
export type ModuleToolLookup = (specifier: string) => readonly string[] | undefined;

/** Maps what the parser found to the catalogue's tools and the policy's decisions. */
export function buildManifest(
  program: string,
  analysis: ProgramAnalysis,
  tools: readonly GeneratedTool[],
  policy: ToolPolicy,
  moduleTools?: ModuleToolLookup,
): ProgramManifest {
  const byId = new Map(tools.map((t) => [t.id, t]));
  const byIdent = new Map(tools.map((t) => [`${t.serverIdent}.${t.toolIdent}`, t]));
  const listed = new Map<string, ManifestTool>();
  const add = (tool: GeneratedTool | undefined, line: number, args?: JsonObject) => {
    // A name that is no tool makes no call (`memory.nothing` is undefined; callTool fails TOOL_NOT_FOUND).
    if (!tool) return;
    let entry = listed.get(tool.id);
    if (!entry) {
      entry = {
        id: tool.id,
        server: tool.server,
        name: tool.name,
        decision: explainDecision(policy, tool.server, tool.name, tool.definition.annotations).decision,
        calls: [],
      };
      listed.set(tool.id, entry);
    }
    entry.calls.push({ line, ...(args ? { args } : {}) });
  };
  for (const use of analysis.uses) {
    const tool =
      use.id !== undefined ? byId.get(use.id) : byIdent.get(`${use.server ?? ""}.${use.member ?? ""}`);
    add(tool, use.line, use.args);
  }
  const openReasons = analysis.open.map((o) => `line ${o.line}: ${o.reason}`);
  for (const { specifier, line } of analysis.imports) {
    const ids = moduleTools?.(specifier);
    if (!ids) {
      openReasons.push(`line ${line}: "${specifier}" has no recorded tool list`);
      continue;
    }
    for (const id of ids) add(byId.get(id), line);
  }
  return { program, tools: [...listed.values()], open: openReasons.length > 0, openReasons };
}

/** The manifest as one prompt: each tool with its decision and literal arguments, and why it is open. */
export function describeManifest(manifest: ProgramManifest): string {
  const lines = [
    manifest.tools.length
      ? "The program can call these tools:"
      : "The program calls no tool that static analysis can see.",
  ];
  for (const tool of manifest.tools) {
    const note =
      tool.decision === "ask" ? "needs approval" : tool.decision === "deny" ? "denied by policy" : "allowed";
    lines.push(`  ${tool.server}.${tool.name} (${note})`);
    for (const call of tool.calls) {
      lines.push(
        `    line ${call.line}: ${call.args ? JSON.stringify(call.args) : "arguments computed at run time"}`,
      );
    }
  }
  if (manifest.open) {
    lines.push("It may also call tools known only at run time; those are asked about one by one:");
    for (const reason of manifest.openReasons) lines.push(`  ${reason}`);
  }
  return lines.join("\n");
}
