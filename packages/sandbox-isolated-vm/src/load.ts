import { CodecallError } from "@codecall/sandbox";
import type IsolatedVM from "isolated-vm";

/** The isolated-vm module, as every supported major (5.x, 6.x, 7.x) exposes it. */
export type IvmModule = typeof IsolatedVM;

const FLAG = "--no-node-snapshot";
const INSTALL_HINT =
  "Install it next to @codecall/sandbox-isolated-vm: `npm install isolated-vm@5` on Node 20, `isolated-vm@6` on Node 22, `isolated-vm@7` on Node 24 (it compiles at install and needs python3, make and a C++ compiler).";

let loading: Promise<IvmModule> | undefined;

/** Imports isolated-vm once, turning a missing or broken install into a {@link CodecallError}. */
export function loadIsolatedVm(): Promise<IvmModule> {
  loading ??= import("isolated-vm").then(
    (mod) => (mod as { default?: IvmModule }).default ?? (mod as unknown as IvmModule),
    (error: unknown) => {
      loading = undefined;
      const code = (error as { code?: unknown } | null)?.code;
      const missing =
        (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
        String(error).includes("isolated-vm");
      throw missing
        ? new CodecallError(
            "SANDBOX_NOT_INSTALLED",
            `The isolated-vm sandbox needs the isolated-vm package, which is not installed. ${INSTALL_HINT}`,
            {
              cause: error,
            },
          )
        : new CodecallError(
            "SANDBOX_UNAVAILABLE",
            `isolated-vm is installed but could not be loaded (${error instanceof Error ? error.message : String(error)}). Rebuild it for this Node version (\`npm rebuild isolated-vm\`), or install the major that matches it. ${INSTALL_HINT}`,
            { cause: error },
          );
    },
  );
  return loading;
}

/**
 * True when Node's startup snapshot is off. On Node 20 and later, V8 isolates that isolated-vm creates
 * share a heap with Node's snapshot and can crash the whole process unless Node runs with
 * `--no-node-snapshot` (on the command line or in `NODE_OPTIONS`). Worker threads inherit the flag.
 */
export function nodeSnapshotDisabled(
  execArgv = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? "",
): boolean {
  return execArgv.includes(FLAG) || nodeOptions.split(/\s+/).includes(FLAG);
}

/** Throws SANDBOX_UNAVAILABLE, saying what to add, when Node runs without `--no-node-snapshot`. */
export function assertNodeSnapshotDisabled(): void {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 20 || nodeSnapshotDisabled()) return;
  throw new CodecallError(
    "SANDBOX_UNAVAILABLE",
    `isolated-vm on Node ${major} needs Node started with ${FLAG}, or the process can crash. Run \`node ${FLAG} app.js\` or set NODE_OPTIONS="${FLAG}"; in vitest, set test.execArgv: ["${FLAG}"] with the forks pool.`,
    { hint: `Start Node with ${FLAG}.`, details: { flag: FLAG } },
  );
}
