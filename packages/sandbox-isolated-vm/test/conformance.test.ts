import { runSandboxConformance } from "@codecall/sandbox-testkit";
import { isolatedVm } from "../src/index.js";

runSandboxConformance({
  name: "isolated-vm",
  create: () => isolatedVm(),
});
