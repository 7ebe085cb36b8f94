import { packageBuild } from "../../tsdown.shared.ts";

export default packageBuild([
  "src/index.ts",
  "src/agent.ts",
  "src/discovery/index.ts",
  "src/mcp/index.ts",
  "src/privacy/index.ts",
  "src/testing/index.ts",
  "src/internal.ts",
]);
