import { runSandboxConformance } from "@codecall/sandbox-testkit";
import { quickjs } from "../src/index.js";

runSandboxConformance({
  name: "quickjs",
  create: () => quickjs(),
  skip: {
    "hostile-memory-patterns":
      "open (issue 15): SANDBOX_MEMORY holds, but a stopped worker's replacement (a new thread and WebAssembly instance) pushes host RSS growth past the memory limit + 64 MiB on this machine",
  },
});
