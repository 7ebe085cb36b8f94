import { CodecallError } from "../errors.js";
import type { Sandbox } from "../sandbox/create-sandbox.js";

/** The sandbox backends codecall ships, each in its own package. */
export const SANDBOX_BACKENDS = {
  quickjs: { packageName: "@codecall/sandbox-quickjs", factory: "quickjs" },
  "isolated-vm": { packageName: "@codecall/sandbox-isolated-vm", factory: "isolatedVm" },
  e2b: { packageName: "@codecall/sandbox-e2b", factory: "e2b" },
} as const;

/** A backend's name as `CODECALL_SANDBOX` and the `sandbox` option take it. */
export type SandboxName = keyof typeof SANDBOX_BACKENDS;

/** The environment variable that picks the backend when no option does. */
export const SANDBOX_ENV = "CODECALL_SANDBOX";
/** The backend used when neither the option nor the environment names one: portable, no native build. */
export const DEFAULT_SANDBOX: SandboxName = "quickjs";

/**
 * The one place a backend is chosen: a {@link Sandbox} passed in is used as is; otherwise the name given,
 * else `CODECALL_SANDBOX`, else `quickjs`, is loaded from its package by dynamic import, so only the
 * installed backend is ever loaded. An unknown name is CONFIG_INVALID; a backend whose package is not
 * installed is SANDBOX_NOT_INSTALLED naming the package.
 */
export async function resolveSandbox(
  choice: Sandbox | SandboxName | undefined,
  env: Record<string, string | undefined> = process.env,
): Promise<Sandbox> {
  if (choice !== undefined && typeof choice !== "string") return choice;
  const fromEnv = env[SANDBOX_ENV]?.trim();
  const name = choice ?? (fromEnv || DEFAULT_SANDBOX);
  if (!Object.hasOwn(SANDBOX_BACKENDS, name)) {
    const source = choice === undefined ? `${SANDBOX_ENV}="${name}"` : `sandbox: "${name}"`;
    throw new CodecallError(
      "CONFIG_INVALID",
      `Unknown sandbox backend in ${source}. Choose one of: ${Object.keys(SANDBOX_BACKENDS).join(", ")}.`,
      { details: { backend: name } },
    );
  }
  return loadBackend(SANDBOX_BACKENDS[name as SandboxName]);
}

/** Imports a backend package and calls its factory. Exported for tests of the not-installed path. */
export async function loadBackend(spec: { packageName: string; factory: string }): Promise<Sandbox> {
  let module: Record<string, unknown>;
  try {
    module = (await import(/* @vite-ignore */ spec.packageName)) as Record<string, unknown>;
  } catch (error) {
    if (isMissingPackage(error, spec.packageName)) {
      throw new CodecallError(
        "SANDBOX_NOT_INSTALLED",
        `The sandbox package ${spec.packageName} is not installed. Install it (npm install ${spec.packageName}) or choose another backend.`,
        { cause: error, details: { package: spec.packageName } },
      );
    }
    throw CodecallError.from(
      error,
      "SANDBOX_UNAVAILABLE",
      `Could not load ${spec.packageName}: ${String((error as Error)?.message ?? error)}`,
    );
  }
  const factory = module[spec.factory];
  if (typeof factory !== "function") {
    throw new CodecallError(
      "SANDBOX_UNAVAILABLE",
      `${spec.packageName} does not export ${spec.factory}(). Install matching versions of @codecall/core and ${spec.packageName}.`,
    );
  }
  return (await factory()) as Sandbox;
}

function isMissingPackage(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown })?.code;
  const message = String((error as Error)?.message ?? "");
  return (
    (code === "ERR_MODULE_NOT_FOUND" ||
      code === "MODULE_NOT_FOUND" ||
      /Cannot find (package|module)|Failed to (load|resolve)/.test(message)) &&
    message.includes(packageName)
  );
}
