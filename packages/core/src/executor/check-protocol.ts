// Messages between the host and the type-check worker (check-worker.ts). Plain data only: they are cloned.
import type { SerializedError } from "../errors.js";
import type { TypeDiagnostic } from "./diagnostics.js";

/** Host to worker. */
export type CheckRequest =
  | {
      type: "load";
      id: number;
      apiId: number;
      declarations: Record<string, string>;
      compilerOptions: Record<string, unknown> | undefined;
    }
  | { type: "unload"; apiId: number }
  | {
      type: "prepare";
      id: number;
      apiId: number;
      code: string;
      check: boolean;
      /** Modules the program imports (skills), checked beside it. */
      files?: Record<string, string>;
    };

/** Worker to host: the answer to the request with the same `id`. */
export type CheckReply =
  | { id: number; ok: true; diagnostics: TypeDiagnostic[]; js?: string; stripError?: SerializedError }
  | { id: number; ok: false; error: SerializedError };
