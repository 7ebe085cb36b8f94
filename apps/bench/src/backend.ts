import type { Sandbox } from "@codecall/core";

/**
 * One sandbox backend as the `sandboxes` suite sees it. Each backend adds a file in `src/backends/`
 * exporting `backend`; the suite measures all of them in the same run so their figures compare.
 */
export interface BenchBackend {
  name: string;
  /**
   * The backend through codecall (core's shared runner around the adapter). `spareContext` is
   * createSandbox's option (a context kept ready for the next fresh execution); unset, core's default.
   */
  create(options?: { spareContext?: boolean }): Promise<Sandbox> | Sandbox;
  /** Raw engine costs without codecall, for the overhead ratio. Each returns median milliseconds. */
  raw?: {
    /** New context + evaluate `1 + 1` + dispose. */
    freshEvalDisposeMs(runs: number): Promise<number>;
    /** Evaluate a warm context's `1 + 1`. */
    warmEvalMs(runs: number): Promise<number>;
  };
  /** Frees anything `create` set up beyond the Sandbox (a stand-in server, say). */
  teardown?(): Promise<void>;
}
