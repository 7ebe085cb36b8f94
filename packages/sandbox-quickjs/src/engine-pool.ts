import variantExport from "@jitl/quickjs-wasmfile-release-sync";
import {
  type CustomizeVariantOptions,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from "quickjs-emscripten-core";

// The variant's types describe its CommonJS build; its ESM build exports the variant itself as default.
const variant = ("default" in variantExport ? variantExport.default : variantExport) as QuickJSSyncVariant;

const PAGE = 64 * 1024;
/** The linear memory the QuickJS build starts with (its static data, stack and first heap). */
export const BASELINE_BYTES = 16 * 1024 * 1024;

/**
 * One WebAssembly instance of QuickJS with a linear memory of its own. Its memory's `maximum` is the
 * session's memory limit: QuickJS's own allocation accounting is blind in this build (no
 * `malloc_usable_size`, so `setMemoryLimit` stops only single large allocations), but a WebAssembly
 * memory cannot grow past its maximum, whatever the allocation pattern.
 */
export interface Engine {
  module: QuickJSWASMModule;
  memory: WebAssembly.Memory;
  /** The heap is full once the memory reaches this many bytes: the baseline plus the memory limit. */
  fullBytes: number;
  /**
   * The most bytes the memory may grow to during the current run (at most {@link Engine.fullBytes}): a
   * run with a lower memory limit than its session's first one may grow the memory by that limit only.
   * A growth past it is refused, as one past the memory's maximum is, and sets {@link Engine.refused}.
   */
  capBytes: number;
  /** A growth was refused since the run started: the program's memory is full. */
  refused: boolean;
}

/**
 * Caps the run's growth of an engine's memory (see {@link Engine.capBytes}) before the next run starts:
 * `memoryBytes` more than the memory holds now, never past the session's maximum.
 */
export function capRun(engine: Engine, memoryBytes: number): void {
  const start = engine.memory.buffer.byteLength;
  engine.capBytes = Math.min(engine.fullBytes, start + Math.ceil(memoryBytes / PAGE) * PAGE);
  engine.refused = false;
}

/** Where to get the compiled QuickJS WebAssembly module; compiled once and shared by every instance. */
export type WasmModuleSource = WebAssembly.Module | (() => Promise<WebAssembly.Module | undefined>);

export interface EnginePoolOptions {
  wasmModule?: WasmModuleSource;
  /** Idle instances kept for reuse. */
  maxIdle: number;
  /** An instance whose memory grew past this is discarded rather than reused: WebAssembly memory never shrinks. */
  recycleAboveBytes: number;
}

/**
 * Instantiates QuickJS per context and keeps a few clean, small instances for reuse: instantiating costs
 * milliseconds, a runtime in a warm instance a fraction of one.
 */
export class EnginePool {
  private compiled: Promise<WebAssembly.Module | undefined> | undefined;
  private readonly idle = new Map<number, Engine[]>();
  private idleCount = 0;

  constructor(private readonly options: EnginePoolOptions) {}

  async acquire(memoryLimitBytes: number): Promise<Engine> {
    const fullBytes = BASELINE_BYTES + Math.ceil(memoryLimitBytes / PAGE) * PAGE;
    // Emscripten grows memory by 20%, 10% or 5% and gives up when all exceed the maximum; 5% of room above
    // the limit lets the memory always reach fullBytes, where the context stops the program.
    const maxBytes = Math.ceil((fullBytes * 1.05) / PAGE) * PAGE;
    const reusable = this.idle.get(fullBytes)?.pop();
    if (reusable) {
      this.idleCount--;
      return reusable;
    }
    const wasmModule = await this.wasmModule();
    const memory = new WebAssembly.Memory({ initial: BASELINE_BYTES / PAGE, maximum: maxBytes / PAGE });
    const module = await newQuickJSWASMModuleFromVariant(
      newVariant(variant, {
        ...(wasmModule ? { wasmModule } : {}),
        wasmMemory: memory,
        // `printErr` is honoured by the Emscripten module though its loader options do not declare it.
        emscriptenModule: { printErr: ignoreEngineMessage } as CustomizeVariantOptions["emscriptenModule"],
      }),
    );
    const engine: Engine = { module, memory, fullBytes, capBytes: fullBytes, refused: false };
    // Emscripten grows the memory through this property at each call: a growth the run's cap refuses
    // fails as one past the maximum does, and the engine's allocator reports out of memory.
    const grow = memory.grow.bind(memory);
    memory.grow = (delta: number) => {
      if (memory.buffer.byteLength + delta * PAGE > engine.capBytes) {
        engine.refused = true;
        throw new RangeError("The run's memory limit refuses this growth.");
      }
      return grow(delta);
    };
    return engine;
  }

  /** Returns an instance whose runtimes are all disposed. A broken or grown one is dropped for the GC. */
  release(engine: Engine, healthy: boolean): void {
    if (
      !healthy ||
      engine.memory.buffer.byteLength > this.options.recycleAboveBytes ||
      this.idleCount >= this.options.maxIdle
    )
      return;
    const list = this.idle.get(engine.fullBytes) ?? [];
    list.push(engine);
    this.idle.set(engine.fullBytes, list);
    this.idleCount++;
  }

  /** Drops every idle instance. */
  clear(): void {
    this.idle.clear();
    this.idleCount = 0;
  }

  /** The compiled QuickJS module, compiled on first use (undefined where it cannot be compiled here). */
  wasmModule(): Promise<WebAssembly.Module | undefined> {
    const source = this.options.wasmModule;
    this.compiled ??=
      source instanceof WebAssembly.Module ? Promise.resolve(source) : (source ?? compileFromPackage)();
    return this.compiled;
  }
}

/**
 * On Node, compiles the `.wasm` file that ships with the build variant once. Elsewhere (browsers, edge
 * runtimes) returns `undefined`, and Emscripten loads the file itself for each instance.
 */
async function compileFromPackage(): Promise<WebAssembly.Module | undefined> {
  if (typeof process === "undefined" || !process.versions?.node) return undefined;
  try {
    const [{ readFile }, { createRequire }] = await Promise.all([
      import("node:fs/promises"),
      import("node:module"),
    ]);
    const path = createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-release-sync/wasm");
    return await WebAssembly.compile(await readFile(path));
  } catch {
    return undefined;
  }
}

/**
 * Emscripten prints an engine abort (such as QuickJS's `list_empty(&rt->gc_obj_list)` assertion when a
 * runtime is freed while a program's values are still referenced) on the host's stderr. The abort also
 * throws, and the context turns that into a typed error and retires the engine, so the print would only
 * be noise in the host's (or the CLI's) output.
 */
function ignoreEngineMessage(): void {}
