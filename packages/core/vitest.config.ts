import { defineCodecallProject } from "../../vitest.shared.js";

// The executor's end-to-end tests run every installed backend; isolated-vm needs Node's startup snapshot off.
export default defineCodecallProject("core", {
  test: { pool: "forks", execArgv: ["--no-node-snapshot"] },
});
