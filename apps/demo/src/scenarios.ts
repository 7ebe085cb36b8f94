/**
 * The scenario suite in the demo: run one scenario of `@codecall/scenarios` in code mode, then in classic
 * mode, on the chosen sandbox backend, streaming every agent event, and report both modes' figures. The
 * original demo task (`runDemo`) stays available as the scenario `acme-contacts`.
 */

import { CodecallError } from "@codecall/core";
import type { AgentEvent } from "@codecall/core/agent";
import { quickjs } from "@codecall/sandbox-quickjs";
import {
  liveByDefault,
  type ModeRun,
  runScenario,
  type SandboxInstance,
  type Scenario,
  scenarioById,
  scenarios,
} from "@codecall/scenarios";
import { TASK } from "./scenario.js";

export type BackendName = "quickjs" | "isolated-vm";

/** The original demo task, listed first in the picker. */
export const ACME_SCENARIO = {
  id: "acme-contacts",
  title: "Copy the Acme people from a contacts CSV into the memory graph (the original demo)",
  kind: "privacy",
  covers: "the original demo task",
} as const;

export interface ScenarioSummary {
  id: string;
  title: string;
  kind: string;
  covers: string;
  /**
   * The user's prompt (sessions joined), with `<workspace>` for the temporary folder; classic mode's too
   * when it differs (where a task keeps files).
   */
  task: string;
}

const placeholderWorld = { dir: "<workspace>", config: { mcpServers: {} }, close: async () => undefined };

function summary(scenario: Scenario): ScenarioSummary {
  const { id, title, kind, covers } = scenario;
  const prompt = (mode: "code" | "classic") =>
    scenario.prompts(placeholderWorld, mode).join("\nThen, in a new conversation: ");
  const code = prompt("code");
  const classic = prompt("classic");
  const task = code === classic ? code : `${code}\nClassic mode: ${classic}`;
  return { id, title, kind, covers, task };
}

/** Every scenario the demo offers, the original task first. */
export function listScenarios(): ScenarioSummary[] {
  return [{ ...ACME_SCENARIO, task: TASK }, ...scenarios.map(summary)];
}

/** The backends that run here: QuickJS always; isolated-vm when Node runs with --no-node-snapshot. */
export async function availableBackends(): Promise<BackendName[]> {
  const out: BackendName[] = ["quickjs"];
  const snapshotOff =
    process.execArgv.includes("--no-node-snapshot") ||
    (process.env.NODE_OPTIONS ?? "").includes("--no-node-snapshot");
  if (
    snapshotOff &&
    (await import("@codecall/sandbox-isolated-vm").then(
      () => true,
      () => false,
    ))
  )
    out.push("isolated-vm");
  return out;
}

/** A sandbox factory for a backend name; a typed error names the ones available. */
export async function sandboxFor(name: string): Promise<() => SandboxInstance> {
  const available = await availableBackends();
  if (!available.includes(name as BackendName))
    throw new CodecallError(
      "CONFIG_INVALID",
      `Backend "${name}" is not available here. Available: ${available.join(", ")}${name === "isolated-vm" ? " (isolated-vm needs Node started with --no-node-snapshot, as `pnpm demo` does)" : ""}.`,
    );
  if (name === "isolated-vm") {
    const { isolatedVm } = await import("@codecall/sandbox-isolated-vm");
    return () => isolatedVm();
  }
  return () => quickjs();
}

export interface ScenarioDemoReport {
  kind: "scenario";
  scenario: ScenarioSummary;
  backend: BackendName;
  live: boolean;
  model: string;
  code: ModeRun;
  classic: ModeRun;
  /** classic / code input tokens, over all turns. */
  inputTokenRatio: number;
}

export interface ScenarioDemoOptions {
  scenario: string;
  backend?: BackendName;
  live?: boolean;
  model?: string;
  onEvent?: (mode: "code" | "classic", event: AgentEvent & { session: number }) => void;
  signal?: AbortSignal;
}

/** Runs one scenario in both modes, code mode first. */
export async function runScenarioDemo(options: ScenarioDemoOptions): Promise<ScenarioDemoReport> {
  const scenario = scenarioById(options.scenario);
  if (!scenario)
    throw new CodecallError(
      "CONFIG_INVALID",
      `No scenario "${options.scenario}". Pick one of: ${listScenarios()
        .map((s) => s.id)
        .join(", ")}.`,
    );
  const backend = options.backend ?? "quickjs";
  const sandbox = await sandboxFor(backend);
  const live = options.live ?? liveByDefault();
  const run = (mode: "code" | "classic") =>
    runScenario(scenario, mode, {
      live,
      sandbox,
      ...(options.model ? { model: options.model } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onEvent: (event) => options.onEvent?.(mode, event),
    });
  const code = await run("code");
  const classic = await run("classic");
  return {
    kind: "scenario",
    scenario: summary(scenario),
    backend,
    live,
    model: code.model,
    code,
    classic,
    inputTokenRatio: classic.inputTokens / Math.max(1, code.inputTokens),
  };
}
