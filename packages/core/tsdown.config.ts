import { packageBuild } from "../../tsdown.shared.ts";

export default packageBuild([
  "src/index.ts",
  "src/agent.ts",
  "src/discovery/index.ts",
  "src/mcp/index.ts",
  "src/privacy/index.ts",
  "src/records/index.ts",
  "src/testing/index.ts",
  "src/internal.ts",
  // The type-check worker thread runs this file on its own (see src/executor/type-check-service.ts).
  "src/executor/check-worker.ts",
]);
