import { packageBuild } from "../../tsdown.shared.ts";

export default packageBuild(["src/index.ts", "src/sandbox/index.ts", "src/testing/index.ts"]);
