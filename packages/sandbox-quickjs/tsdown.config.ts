import { packageBuild } from "../../tsdown.shared.ts";

export default packageBuild(["src/index.ts", "src/worker.ts"], {
  // No Node built-ins: QuickJS also runs in browsers and edge runtimes.
  platform: "neutral",
  target: "es2022",
  external: [/^node:/, "@codecall/sandbox", "quickjs-emscripten-core", "@jitl/quickjs-wasmfile-release-sync"],
});
