import { fileURLToPath } from "node:url";
import { defineProject, mergeConfig, type UserWorkspaceConfig } from "vitest/config";

/**
 * Tests run against each workspace package's TypeScript sources, so a change in one package is seen by
 * every other package's tests without a rebuild: every package's `exports` map has a `@codecall/source`
 * condition pointing at its source, which only codecall's own tooling asks for (a custom name, so no
 * user's bundler picks it up by accident). The pack-and-install check (`checks/`) covers `dist`.
 */
export const SOURCE_CONDITION = "@codecall/source";

/** Names the test that blocks its process for minutes and ends that process (see the file). */
const WATCHDOG_SETUP = fileURLToPath(new URL("./vitest.watchdog.ts", import.meta.url));

/** A package's vitest project: its name, its tests under `test/`, and source resolution. */
export function defineCodecallProject(name: string, overrides: UserWorkspaceConfig = {}) {
  return mergeConfig(
    defineProject({
      resolve: { conditions: [SOURCE_CONDITION, "module", "node", "development|production"] },
      ssr: { resolve: { conditions: [SOURCE_CONDITION, "module", "node", "development|production"] } },
      test: {
        name,
        include: ["test/**/*.test.ts"],
        // Safety nets, not behaviour: tests that start real servers must pass on a loaded machine.
        testTimeout: 120_000,
        hookTimeout: 180_000,
        typecheck: { enabled: false },
        setupFiles: [WATCHDOG_SETUP],
      },
    }),
    overrides,
  );
}
