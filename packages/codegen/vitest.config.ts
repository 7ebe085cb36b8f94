import { defineCodecallProject } from "../../vitest.shared.js";

export default defineCodecallProject("codegen", {
  test: {
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
