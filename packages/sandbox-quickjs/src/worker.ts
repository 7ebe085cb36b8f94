/**
 * The QuickJS worker: runs one session's QuickJS context off the host's thread. The host side
 * (`worker-host.ts`) proxies the v1 adapter contract over messages; this file hosts the real adapter
 * context (`QuickJSSandboxContext`) unchanged, with a bridge that forwards host calls and logs back.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { HostBridgeV1, RunControlV1, RunResultV1 } from "@codecall/sandbox";
import { standInRequest } from "@codecall/sandbox/internal";
import { QuickJSSandboxContext, type SharedWatch } from "./context.js";
import { type Engine, EnginePool } from "./engine-pool.js";
import { takeMailed } from "./mailbox.js";
import type { FromWorker, ToWorker, WorkerInit } from "./worker-protocol.js";

const init = workerData as WorkerInit;
const port = parentPort!;
const watch: SharedWatch = { stop: new Int32Array(init.stop), clock: new Float64Array(init.clock) };
const pool = new EnginePool({
  ...(init.wasmModule ? { wasmModule: init.wasmModule } : {}),
  maxIdle: 1,
  recycleAboveBytes: init.recycleAboveBytes,
});

let context: QuickJSSandboxContext | undefined;
let abort: AbortController | undefined;
let nextCall = 0;
const waiting = new Map<number, (reply: string) => void>();

const send = (message: FromWorker) => port.postMessage(message);

let limits: RunControlV1["limits"] | undefined;
/** Tool calls this run has sent, and the UTF-16 units of those not yet answered. */
let callsSent = 0;
let unitsInFlight = 0;

/** Mirrors core's ARGS_IN_FLIGHT_FACTOR: the host refuses past it anyway. */
const ARGS_IN_FLIGHT_FACTOR = 4;

function refuse(code: string, message: string): Promise<string> {
  return Promise.resolve(JSON.stringify({ ok: false, error: { code, name: "CodecallError", message } }));
}

const bridge: HostBridgeV1 = {
  call(request) {
    // Calls the host would refuse anyway are refused here, before they cross: the host drains a worker's
    // messages in one turn of its event loop, so 100,000 queued calls or 40 one-megabyte arguments
    // would block it for as long as it takes to read them all. A string of n UTF-16 units is at least
    // n UTF-8 bytes, so these checks never refuse what the host would accept. Arguments over the limits
    // cross as a small stand-in instead, which the host refuses the same way: such a call still counts
    // toward maxToolCalls and leaves its record (the host has stopped the run past that limit).
    if (limits) {
      if (callsSent > limits.maxToolCalls)
        return refuse(
          "TOOL_CALL_LIMIT",
          `The program made more than ${limits.maxToolCalls} tool calls (limits.maxToolCalls).`,
        );
      if (request.length > limits.maxToolArgsBytes + 1024) request = standInRequest(request, "call");
      else if (unitsInFlight + request.length > ARGS_IN_FLIGHT_FACTOR * limits.maxToolArgsBytes)
        request = standInRequest(request, "inFlight");
    }
    callsSent++;
    unitsInFlight += request.length;
    const id = ++nextCall;
    return new Promise<string>((resolve) => {
      waiting.set(id, (reply) => {
        unitsInFlight -= request.length;
        resolve(reply);
      });
      send({ t: "call", id, request });
    });
  },
  log(level, text) {
    send({ t: "log", level, text });
  },
  answerTaken: (length) => acknowledge(length),
};

port.on("message", (message: ToWorker) => {
  switch (message.t) {
    case "create":
      void create(message.limits.memoryBytes);
      break;
    case "run":
      void run(message);
      break;
    case "reply": {
      // The engine's own wall-clock check reads this object (the run's control holds it).
      if (message.wallTimeMs !== undefined && limits) limits.wallTimeMs = message.wallTimeMs;
      // Copied out at once, whether or not a call waits for it: the host writes the next reply there.
      const reply = typeof message.reply === "string" ? message.reply : takeMailed(message.reply);
      const resolve = waiting.get(message.id);
      waiting.delete(message.id);
      if (resolve) owed += reply.length;
      resolve?.(reply);
      break;
    }
    case "abort":
      // Only a run in progress is aborted (an abort that arrives after its run ended does nothing).
      if (limits) abort?.abort();
      break;
    case "dispose":
      void dispose();
      break;
  }
});

/** Answers taken since the last acknowledgement: a burst of replies gets one message back. */
let takenLength = 0;
/** Units of the host's replies not yet acknowledged: what the host may hear of, no more (not refusals made here). */
let owed = 0;

/**
 * Tells the host the engine took an answer (the context calls it once the answer is in the engine's
 * memory), so the host stops counting it against the answers waiting for this thread.
 */
function acknowledge(taken: number): void {
  const length = Math.min(taken, owed);
  if (length <= 0) return;
  owed -= length;
  if (takenLength === 0)
    setImmediate(() => {
      if (takenLength > 0) send({ t: "taken", length: takenLength });
      takenLength = 0;
    });
  takenLength += length;
}

/** Engines whose memory already reports growth failures to the host. */
const watched = new WeakSet<WebAssembly.Memory>();

/**
 * Tells the host (`clock[2] = 1`) when the engine's memory is full: a growth was refused or reached the
 * limit. A program that catches out-of-memory errors and keeps allocating can spend seconds in the
 * engine's allocator and collector without reaching the interrupt handler; the host then terminates it.
 */
function watchMemory(engine: Engine): void {
  const memory = engine.memory;
  if (watched.has(memory)) return;
  watched.add(memory);
  const grow = memory.grow.bind(memory);
  memory.grow = (delta: number) => {
    try {
      const previous = grow(delta);
      watch.clock[3] = memory.buffer.byteLength;
      if (memory.buffer.byteLength >= engine.capBytes) watch.clock[2] = 1;
      return previous;
    } catch (error) {
      watch.clock[2] = 1;
      throw error;
    }
  };
}

async function create(memoryBytes: number): Promise<void> {
  try {
    const engine = await pool.acquire(memoryBytes);
    watchMemory(engine);
    watch.clock[3] = engine.memory.buffer.byteLength;
    context = new QuickJSSandboxContext(engine, pool, {
      memoryBytes,
      maxStackBytes: init.maxStackBytes,
      watch,
    });
    send({ t: "created" });
  } catch (error) {
    send({ t: "create-failed", message: error instanceof Error ? error.message : String(error) });
  }
}

async function run(message: Extract<ToWorker, { t: "run" }>): Promise<void> {
  let result: RunResultV1;
  if (!context) {
    result = { kind: "failed", code: "SANDBOX_CRASHED", message: "The worker has no context." };
  } else {
    // A controller that never aborted serves the next run too: a new one costs microseconds per run.
    if (!abort || abort.signal.aborted) abort = new AbortController();
    limits = message.limits;
    callsSent = 0;
    unitsInFlight = 0;
    const control: RunControlV1 = { limits, signal: abort.signal };
    result = await context.run(message.prelude, message.script, bridge, control);
    limits = undefined;
  }
  // Replies still due belong to the run that ended: the program never sees them. Nor does the next run's
  // count of answers waiting owe anything to this one's.
  waiting.clear();
  takenLength = 0;
  owed = 0;
  send({ t: "done", result });
}

async function dispose(): Promise<void> {
  const current = context;
  context = undefined;
  // The host does not wait for an answer: it reads the engine's memory size (clock[3]) itself, and
  // terminates a worker whose engine grew rather than reusing it.
  await current?.dispose();
}
