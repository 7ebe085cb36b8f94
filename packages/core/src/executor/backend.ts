import type { Sandbox } from "@codecall/sandbox";
import { CodecallError } from "../errors.js";

/**
 * The backend programs run in: a {@link Sandbox} you made (it stays yours to close), or a factory that
 * codecall calls once and closes with the executor. Backends are passed in, never looked up by name, so
 * core loads no backend package and works the same from any install layout:
 * `sandbox: quickjs()` with `import { quickjs } from "@codecall/sandbox-quickjs"`.
 */
export type SandboxChoice = Sandbox | (() => Sandbox | Promise<Sandbox>);

/** Opens the backend the caller chose; `owned` tells whether closing it is codecall's job. */
export async function openSandbox(
  choice: SandboxChoice | undefined,
): Promise<{ sandbox: Sandbox; owned: boolean }> {
  if (typeof choice === "function") {
    const sandbox = await choice();
    if (!isSandbox(sandbox))
      throw new CodecallError("CONFIG_INVALID", "The sandbox factory did not return a Sandbox.", {
        hint: "Return a backend's sandbox, e.g. () => quickjs() from @codecall/sandbox-quickjs.",
      });
    return { sandbox, owned: true };
  }
  checkSandboxChoice(choice);
  return { sandbox: choice, owned: false };
}

/**
 * Throws CONFIG_INVALID unless `choice` is a Sandbox or a factory, without calling the factory: code mode
 * checks this before it starts any MCP server, so a missing backend fails at once.
 */
export function checkSandboxChoice(choice: unknown): asserts choice is SandboxChoice {
  if (typeof choice === "function" || isSandbox(choice)) return;
  throw new CodecallError(
    "CONFIG_INVALID",
    typeof choice === "string"
      ? `The sandbox option takes a backend, not its name ("${choice}").`
      : "No sandbox backend was given.",
    {
      hint: 'Install a backend and pass it: import { quickjs } from "@codecall/sandbox-quickjs"; then { sandbox: quickjs() }.',
    },
  );
}

function isSandbox(value: unknown): value is Sandbox {
  const candidate = value as Partial<Sandbox> | null | undefined;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.execute === "function" &&
    typeof candidate.createSession === "function"
  );
}
