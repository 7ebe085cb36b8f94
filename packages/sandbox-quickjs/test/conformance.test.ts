import { runSandboxConformance } from "@codecall/sandbox-testkit";
import { quickjs } from "../src/index.js";

runSandboxConformance({
  name: "quickjs",
  create: () => quickjs(),
});
