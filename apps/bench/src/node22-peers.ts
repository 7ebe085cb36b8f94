/**
 * Peers-bench contenders that need Node 22: UTCP's code mode (`@utcp/code-mode` runs programs in
 * isolated-vm 6) and the AI SDK's (`@ai-sdk/code-mode` needs Node 22.13). They run in a child process under
 * the npm `node@22` package, from their own install in `peers/node22` (pinned by its lockfile, installed
 * here on first use). A bare MCP SDK client runs beside them in that process: all time themselves there,
 * and the bench samples them round-robin with the others.
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../peers/node22/", import.meta.url));
const node22 = join(dir, "node_modules", "node", "bin", "node");
/** Written once both install steps succeeded: a half-finished install is run again. */
const installed = join(dir, "node_modules", ".codecall-installed");

/** A sample that timed itself elsewhere: the bench takes `selfTimedMs` instead of its own clock. */
export interface SelfTimed {
  selfTimedMs: number;
}

export interface Node22Contender {
  oneCall(): Promise<SelfTimed>;
  manyCalls(): Promise<SelfTimed>;
  close(): Promise<void>;
}

/** Installs the peer once: packages without their scripts, then only `node`'s, which fetches its binary from npm. */
function install(): void {
  if (existsSync(installed)) return;
  process.stderr.write("  installing the Node 22 peers and node@22 in apps/bench/peers/node22 ...\n");
  execFileSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir, stdio: "ignore" });
  // isolated-vm loads its bundled Node 22 prebuild at run time; nothing else needs an install script.
  execFileSync("npm", ["rebuild", "node"], { cwd: dir, stdio: "ignore" });
  writeFileSync(installed, "");
}

/**
 * Starts the Node 22 process connected to `server` (the same server-memory script the other contenders use)
 * and returns UTCP's and the AI SDK's code modes and the Node 22 bare client as contenders.
 */
export async function node22Contenders(
  server: { command: string; args: string[]; env: Record<string, string> },
  calls: number,
): Promise<{
  utcpCodeMode: Node22Contender;
  aiSdkCodeMode: Node22Contender;
  bareMcpClientNode22: Node22Contender;
  node: string;
}> {
  install();
  const child: ChildProcess = fork(join(dir, "contender.mjs"), [], {
    execPath: node22,
    // Not the bench's own flags (its TypeScript loader, --no-node-snapshot): the script is plain JavaScript.
    execArgv: [],
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  // The end of the child's stderr (its servers' too), to say why it stopped if it does.
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let next = 0;
  const fail = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  child.on("message", (m: { id: number; ok?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(m.error));
    else p?.resolve(m.ok);
  });
  child.on("exit", (code) =>
    fail(new Error(`the Node 22 contender process exited (${code}): ${stderr.trim()}`)),
  );
  child.on("error", fail);
  const ask = <T>(message: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, ...message });
    });
  const sample = (contender: string, program: string) => async () => {
    const { ms } = await ask<{ ms: number }>({ op: "run", contender, program });
    return { selfTimedMs: ms };
  };
  const { node } = await ask<{ node: string }>({ op: "init", server, calls }).catch((error: Error) => {
    child.kill();
    throw error;
  });
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= ask({ op: "close" }).then(
      () => undefined,
      () => void child.kill(),
    );
    return closed;
  };
  return {
    node,
    utcpCodeMode: { oneCall: sample("utcp", "one"), manyCalls: sample("utcp", "many"), close },
    aiSdkCodeMode: { oneCall: sample("aiSdk", "one"), manyCalls: sample("aiSdk", "many"), close },
    bareMcpClientNode22: { oneCall: sample("bare", "one"), manyCalls: sample("bare", "many"), close },
  };
}
