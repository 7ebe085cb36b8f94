import { CodecallError } from "./errors.js";
import type { ExecutionLimitsV1 } from "./spec-v1.js";

/** Per-execution limits; any field left out takes its default from {@link DEFAULT_LIMITS}. */
export type ExecutionLimits = ExecutionLimitsV1;

const MiB = 1024 * 1024;

/** Defaults sized for agent programs: generous for real work, small enough to protect the host. */
export const DEFAULT_LIMITS: Readonly<ExecutionLimits> = Object.freeze({
  wallTimeMs: 30_000,
  cpuTimeMs: 10_000,
  memoryBytes: 128 * MiB,
  maxToolCalls: 1_000,
  maxOutputBytes: 1 * MiB,
  maxToolResultBytes: 10 * MiB,
  maxToolArgsBytes: 4 * MiB,
});

/** Merges limits left to right over the defaults and checks every value is a positive number. */
export function resolveLimits(...layers: Array<Partial<ExecutionLimits> | undefined>): ExecutionLimits {
  const out: ExecutionLimits = { ...DEFAULT_LIMITS };
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      if (!(key in DEFAULT_LIMITS)) {
        throw new CodecallError(
          "CONFIG_INVALID",
          `Unknown limit "${key}". Known limits: ${Object.keys(DEFAULT_LIMITS).join(", ")}.`,
        );
      }
      if (typeof value !== "number" || !(value > 0)) {
        throw new CodecallError(
          "CONFIG_INVALID",
          `Limit "${key}" must be a positive number, got ${String(value)}.`,
        );
      }
      out[key as keyof ExecutionLimits] = value;
    }
  }
  return out;
}
