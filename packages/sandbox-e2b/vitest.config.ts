import { defineCodecallProject } from "../../vitest.shared.js";

// Tests that start the envd stand-in share its fixed port (49983, where the SDK's debug mode looks), so
// this package's test files run one after another.
export default defineCodecallProject("sandbox-e2b", { test: { fileParallelism: false } });
