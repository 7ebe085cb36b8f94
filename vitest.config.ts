import { defineConfig } from "vitest/config";

// One project per package or app; each has its own small vitest.config.ts.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "apps/*/vitest.config.ts", "checks/vitest.config.ts"],
  },
});
