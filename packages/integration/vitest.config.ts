import { defineCodecallProject } from "../../vitest.shared.js";

// Every backend runs here; isolated-vm needs Node's startup snapshot off.
export default defineCodecallProject("integration", {
  test: { pool: "forks", execArgv: ["--no-node-snapshot"] },
});
