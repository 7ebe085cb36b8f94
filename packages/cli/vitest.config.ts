import { defineCodecallProject } from "../../vitest.shared.js";

export default defineCodecallProject("cli", {
  test: { globalSetup: ["test/global-setup.ts"] },
});
