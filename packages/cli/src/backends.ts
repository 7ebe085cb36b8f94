import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CodecallError, type Sandbox } from "@codecall/core";

/**
 * The one place a backend name maps to its package: core takes backends passed in, so only the CLI (and
 * `codecall serve`, through it) turns `--sandbox NAME` into a package to load.
 */
export const SANDBOX_BACKENDS = {
  quickjs: { packageName: "@codecall/sandbox-quickjs", factory: "quickjs" },
  "isolated-vm": { packageName: "@codecall/sandbox-isolated-vm", factory: "isolatedVm" },
  e2b: { packageName: "@codecall/sandbox-e2b", factory: "e2b" },
} as const;

export type SandboxName = keyof typeof SANDBOX_BACKENDS;

export function isSandboxName(name: string): name is SandboxName {
  return Object.hasOwn(SANDBOX_BACKENDS, name);
}

/**
 * Imports an optional package codecall does not depend on: the user's project comes first (a package
 * installed beside their code, even when the CLI itself is linked or global), then the packages installed
 * beside the CLI. When neither has it, the last failure.
 */
export async function importOptional(
  packageName: string,
  cwd: string,
): Promise<{ module: Record<string, unknown> } | { failure: unknown }> {
  let failure: unknown;
  for (const load of [
    () => import(pathToFileURL(createRequire(join(cwd, "package.json")).resolve(packageName)).href),
    () => import(packageName),
  ]) {
    try {
      return { module: (await load()) as Record<string, unknown> };
    } catch (error) {
      failure = error;
    }
  }
  return { failure };
}

/**
 * Loads a backend by name (see {@link importOptional}); an uninstalled backend costs nothing until asked for.
 * `options` go to its factory (every backend takes `maxConcurrentExecutions`).
 */
export async function loadSandbox(
  name: SandboxName,
  cwd: string = process.cwd(),
  options: { maxConcurrentExecutions?: number } = {},
): Promise<Sandbox> {
  const spec = SANDBOX_BACKENDS[name];
  const loaded = await importOptional(spec.packageName, cwd);
  if ("failure" in loaded) {
    throw new CodecallError(
      "SANDBOX_NOT_INSTALLED",
      `The sandbox package ${spec.packageName} is not installed.`,
      {
        cause: loaded.failure,
        hint: `Install it in your project or next to codecall (npm install ${spec.packageName}), or pass --sandbox quickjs.`,
        details: { package: spec.packageName },
      },
    );
  }
  const module = loaded.module;
  const factory = module[spec.factory];
  if (typeof factory !== "function")
    throw new CodecallError(
      "SANDBOX_UNAVAILABLE",
      `${spec.packageName} does not export ${spec.factory}(). Install matching versions of codecall and ${spec.packageName}.`,
    );
  return (await factory(options)) as Sandbox;
}
