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
  /**
   * The same engine used directly, without codecall, doing the least each figure needs. The suite times
   * these in the same loops as codecall (interleaved), so each ratio compares like with like.
   */
  raw?: {
    /** A new context, evaluate `1 + 1`, dispose. */
    fresh(): Promise<unknown> | unknown;
    /** A warm context; its `dispose` is called once the suite is done with it. */
    open(): Promise<RawContext>;
  };
  /** Frees anything `create` set up beyond the Sandbox (a stand-in server, say). */
  teardown?(): Promise<void>;
}

/** A warm raw context: the engine's own cost for what a warm codecall execution does. */
export interface RawContext {
  /** Runs `(async () => 1)()` and reads its value back as JSON. */
  program(): Promise<unknown>;
  /** Same, with one awaited async host call that answers a JSON string. */
  toolCall(): Promise<unknown>;
  /** Runs the CPU-bound loop `source` (a function body) and reads its value. */
  loop(source: string): Promise<unknown>;
  dispose(): void;
}
