import { fileURLToPath } from "node:url";
import { defineProject, mergeConfig, type UserWorkspaceConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * Tests run against each workspace package's TypeScript sources, so a change in `core` is seen by every
 * backend's tests without a rebuild. The pack-and-install check (`packages/repo-checks`) covers `dist`.
 */
export const sourceAliases: Record<string, string> = {
  "@codecall/core/testing": `${root}packages/core/src/testing/index.ts`,
  "@codecall/core/sandbox": `${root}packages/core/src/sandbox/index.ts`,
  "@codecall/core": `${root}packages/core/src/index.ts`,
  "@codecall/codegen": `${root}packages/codegen/src/index.ts`,
  "@codecall/sandbox-testkit": `${root}packages/sandbox-testkit/src/index.ts`,
  "@codecall/sandbox-quickjs": `${root}packages/sandbox-quickjs/src/index.ts`,
  "@codecall/sandbox-isolated-vm": `${root}packages/sandbox-isolated-vm/src/index.ts`,
  "@codecall/sandbox-e2b/testing": `${root}packages/sandbox-e2b/src/testing/index.ts`,
  "@codecall/sandbox-e2b": `${root}packages/sandbox-e2b/src/index.ts`,
  "@codecall/mcp-server": `${root}packages/mcp-server/src/index.ts`,
  "@codecall/ai-sdk/testing": `${root}packages/ai-sdk/src/testing/index.ts`,
  "@codecall/ai-sdk": `${root}packages/ai-sdk/src/index.ts`,
  "@codecall/langchain": `${root}packages/langchain/src/index.ts`,
};

/** A package's vitest project: its name, its tests under `test/`, and the source aliases. */
export function defineCodecallProject(name: string, overrides: UserWorkspaceConfig = {}) {
  return mergeConfig(
    defineProject({
      resolve: { alias: sourceAliases },
      test: {
        name,
        include: ["test/**/*.test.ts"],
        testTimeout: 30_000,
        hookTimeout: 60_000,
        typecheck: { enabled: false },
      },
    }),
    overrides,
  );
}
