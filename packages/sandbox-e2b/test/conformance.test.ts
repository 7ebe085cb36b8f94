import { runSandboxConformance } from "@codecall/sandbox-testkit";
import { afterAll, beforeAll } from "vitest";
import { e2b } from "../src/index.js";
import { type E2BStandIn, startE2BStandIn } from "../src/testing/index.js";

// The real, unmodified E2B SDK in debug mode against the local envd stand-in on 127.0.0.1 (a free port,
// passed as the SDK's `sandboxUrl`, so concurrent runs on this machine never collide).
let standIn: E2BStandIn;
beforeAll(async () => {
  standIn = await startE2BStandIn({ port: 0 });
});
afterAll(async () => {
  await standIn.close();
});

runSandboxConformance({
  name: "e2b",
  create: () => e2b({ debug: true, sandboxUrl: standIn.url }),
  // A remote VM answers over HTTP: time limits get twice the room.
  timeScale: 2,
});
