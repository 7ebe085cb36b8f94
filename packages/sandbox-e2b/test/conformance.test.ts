import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runSandboxConformance } from "@codecall/sandbox-testkit";
import { afterAll, beforeAll } from "vitest";
import { e2b } from "../src/index.js";

// The real, unmodified E2B SDK in debug mode against the local envd stand-in on 127.0.0.1 (a free port,
// passed as the SDK's `sandboxUrl`, so concurrent runs on this machine never collide). The stand-in runs in
// a child process: the kit measures the host's memory, and envd's belongs to the VM.
let standIn: ChildProcess;
let url: string;
beforeAll(async () => {
  standIn = fork(fileURLToPath(new URL("./stand-in-child.ts", import.meta.url)), {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  url = await new Promise<string>((resolve, reject) => {
    standIn.once("message", (message) => resolve((message as { url: string }).url));
    standIn.once("exit", (code) =>
      reject(new Error(`The envd stand-in exited (${code}) before it listened`)),
    );
  });
});
afterAll(async () => {
  const exited = new Promise((resolve) => standIn.once("exit", resolve));
  standIn.disconnect();
  await exited;
});

runSandboxConformance({
  name: "e2b",
  create: () => e2b({ debug: true, sandboxUrl: url }),
  // A remote VM answers over HTTP: time limits get twice the room.
  timeScale: 2,
});
