import { defineConfig, type UserConfig } from "tsdown";

/**
 * Every package builds the same way: ESM for Node 20, declarations, source maps. A package passes its
 * entry points and anything it does differently.
 */
export function packageBuild(entry: string[], overrides: UserConfig = {}) {
  return defineConfig({
    entry,
    format: "esm",
    platform: "node",
    target: "node20",
    dts: true,
    sourcemap: true,
    clean: true,
    ...overrides,
  });
}
