import { defineCodecallProject } from "../../vitest.shared.js";

// isolated-vm on Node 20+ needs Node's startup snapshot off; vitest 4 passes execArgv to forked workers.
export default defineCodecallProject("sandbox-isolated-vm", {
  test: { pool: "forks", execArgv: ["--no-node-snapshot"] },
});
