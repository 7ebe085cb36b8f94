import { defineCodecallProject } from "../../vitest.shared.js";

// Most cases start the CLI as a child process from source (tsx), which takes tens of seconds on a loaded
// machine; the limits are generous so a busy machine does not fail them.
export default defineCodecallProject("cli", { test: { testTimeout: 240_000 } });
