/** The shape of a scenario: a task over real MCP servers, scripted model turns per mode, and its check. */
import type { McpConnections, PrivacyGuardOptions } from "@codecall/core";
import type { ScriptStep } from "./conversation.js";
import type { ServerName, World } from "./world.js";

export type Mode = "code" | "classic";

/** What a scenario shows; the report states a goal for `data-heavy`, `light` and `catalogue`. */
export type ScenarioKind =
  | "data-heavy"
  | "light"
  | "catalogue"
  | "control-flow"
  | "privacy"
  | "join"
  | "classic-wins";

export interface CheckContext {
  /** The model's final answer (of the last session). */
  answer: string;
  mode: Mode;
  world: World;
  /** The scenario's servers, still open: a check may read a sink directly (memory, files). */
  connections: McpConnections;
}

export interface CheckResult {
  correct: boolean;
  /** The ground truth, in words. */
  expected: string;
  /** What was found wrong, when it was. */
  problem?: string;
}

export interface Scenario {
  id: string;
  title: string;
  kind: ScenarioKind;
  /** Which part of the task list it covers, in a few words. */
  covers: string;
  servers: readonly ServerName[];
  /**
   * The user's prompt, one per session; sessions run one after another in fresh conversations. The same in
   * both modes, except where each mode keeps files (see `workspace`).
   */
  prompts(world: World, mode: Mode): string[];
  /** Prepares the workspace (files) before the servers start. */
  setup?(world: World): Promise<void>;
  /**
   * Code mode gets codecall's workspace (files programs keep between executions, on disk in the world's
   * `workspace/` folder); classic mode keeps files through the scenario's servers (server-filesystem), as a
   * classic agent does.
   */
  workspace?: boolean;
  /** Tokenize personal data in code mode (classic mode has no such layer). */
  privacy?: PrivacyGuardOptions;
  /** The scripted model turns of each session, for replay without a key. */
  script(mode: Mode, session: number, world: World): ScriptStep;
  /** Checks the answer (and any side effect) against the data's ground truth. */
  check(context: CheckContext): Promise<CheckResult>;
  /** Raw personal values the model should not see; default: every CRM email and phone. */
  personalValues?(): string[];
}
