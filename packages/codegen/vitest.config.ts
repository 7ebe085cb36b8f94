import { defineCodecallProject } from "../../vitest.shared.js";

// Type tests check generated declarations, which use bundler-style (extensionless) imports.
export default defineCodecallProject("codegen", {
  test: {
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./test/tsconfig.test-d.json" },
  },
});
