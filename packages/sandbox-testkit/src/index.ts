/**
 * The conformance suite every codecall sandbox backend runs. A backend's own test file is a few lines:
 *
 * ```ts
 * import { runSandboxConformance } from "@codecall/sandbox-testkit";
 * import { quickjs } from "../src/index.js";
 * runSandboxConformance({ name: "quickjs", create: () => quickjs() });
 * ```
 */
import type { Sandbox } from "@codecall/sandbox";
import { afterAll, beforeAll, describe, it } from "vitest";
import { CASES, type CaseContext, type ConformanceCaseId } from "./cases.js";

export {
  CASES,
  type CaseContext,
  CONFORMANCE_CASE_IDS,
  type ConformanceCase,
  type ConformanceCaseId,
} from "./cases.js";
export { conformanceTools, type ToolProbe } from "./tools.js";

/** Options of {@link runSandboxConformance}. */
export interface SandboxConformanceOptions {
  /** Shown as the suite's name. */
  name: string;
  /** Makes the backend under test. Called once for the shared sandbox, and again by cases that close one. */
  create: () => Sandbox | Promise<Sandbox>;
  /** Cases not run, each with the reason shown in the report. */
  skip?: Partial<Record<ConformanceCaseId, string>>;
  /**
   * Cases known to fail, each with its reason. They run; the suite fails if one unexpectedly passes, so a
   * stale entry is noticed and removed.
   */
  knownFailures?: Partial<Record<ConformanceCaseId, string>>;
  /** Multiplies every time limit the cases use (a remote backend may need 4). Default 1. */
  timeScale?: number;
}

/**
 * Registers the conformance suite with vitest (`describe`/`it`): values, errors, console, tools, every
 * limit, cancellation, isolation and adversarial programs. Throws at once when `skip` or `knownFailures`
 * names a case that does not exist.
 */
export function runSandboxConformance(options: SandboxConformanceOptions): void {
  const skip: Partial<Record<string, string>> = options.skip ?? {};
  const knownFailures: Partial<Record<string, string>> = options.knownFailures ?? {};
  for (const id of [...Object.keys(skip), ...Object.keys(knownFailures)]) {
    if (!Object.hasOwn(CASES, id))
      throw new Error(`runSandboxConformance(${options.name}): no conformance case "${id}".`);
  }
  const scale = options.timeScale ?? 1;
  let sandbox: Sandbox | undefined;
  const context: CaseContext = {
    get sandbox() {
      if (!sandbox) throw new Error("The sandbox under test was not created.");
      return sandbox;
    },
    create: async () => options.create(),
    ms: (value) => Math.round(value * scale),
  };

  describe(`sandbox conformance: ${options.name}`, () => {
    beforeAll(async () => {
      sandbox = await options.create();
    });
    afterAll(async () => {
      await sandbox?.close();
    });
    for (const [id, testCase] of Object.entries(CASES)) {
      const title = `${id}: ${testCase.title}`;
      const skipReason = skip[id];
      const failureReason = knownFailures[id];
      if (skipReason !== undefined) it.skip(`${title} [skipped: ${skipReason}]`, () => {});
      else if (failureReason !== undefined)
        it.fails(`${title} [known failure: ${failureReason}]`, () => testCase.run(context));
      else it(title, () => testCase.run(context));
    }
  });
}
