import { CodecallError, type ToolCall, type ToolHandler } from "@codecall/sandbox";

/** What the conformance tools saw: every call as the host received it, and the peak of calls in flight. */
export interface ToolProbe {
  calls: ToolCall[];
  maxInFlight: number;
}

/**
 * The tools every conformance program may call. They are real host functions (no mocks of the bridge):
 * - `echo(args)` returns its arguments; `add({a, b})` returns `a + b`; `noop()` returns nothing;
 * - `delay({ms, value})` answers after `ms` milliseconds;
 * - `gather({count, value})` answers once `count` gather calls are in flight, the latest first; after 5 s
 *   without them it answers every call at once, so a backend that cannot overlap calls fails, not hangs;
 * - `fail({message, code?})` throws (a CodecallError when `code` is given);
 * - `big({bytes})` returns a string of that many bytes; `cyclic()` returns a value JSON cannot encode;
 * - `long({kind})` returns {@link longString}`(kind)`, a string of over 64 Ki units;
 * - `never()` answers only when the execution is aborted.
 */
export function conformanceTools(): { tools: ToolHandler; probe: ToolProbe } {
  const probe: ToolProbe = { calls: [], maxInFlight: 0 };
  let inFlight = 0;
  let gathered: (() => void)[] = [];
  let fallback: ReturnType<typeof setTimeout> | undefined;
  const releaseGathered = () => {
    clearTimeout(fallback);
    fallback = undefined;
    const waiting = gathered.reverse();
    gathered = [];
    for (const release of waiting) release();
  };
  // Once the fallback fired the barrier stays open: calls that cannot overlap answer at once after it.
  let barrierOpen = false;
  const gather = (count: number, value: unknown) =>
    new Promise<unknown>((resolve) => {
      if (barrierOpen) return resolve(value);
      gathered.push(() => resolve(value));
      fallback ??= setTimeout(() => {
        barrierOpen = true;
        releaseGathered();
      }, 5_000);
      if (gathered.length >= count) releaseGathered();
    });
  const tools: ToolHandler = async (call, { signal }) => {
    probe.calls.push(call);
    inFlight++;
    probe.maxInFlight = Math.max(probe.maxInFlight, inFlight);
    try {
      const args = (call.args ?? {}) as Record<string, unknown>;
      switch (call.name) {
        case "echo":
          return call.args;
        case "add":
          return Number(args.a) + Number(args.b);
        case "noop":
          return undefined;
        case "delay":
          await sleep(Number(args.ms ?? 1), signal);
          return args.value;
        case "gather":
          return await gather(Number(args.count), args.value);
        case "fail":
          if (typeof args.code === "string")
            throw new CodecallError(args.code as never, String(args.message));
          throw new Error(String(args.message));
        case "big":
          return "x".repeat(Number(args.bytes) - 2);
        case "long":
          return longString(String(args.kind));
        case "cyclic": {
          const value: Record<string, unknown> = {};
          value.self = value;
          return value;
        }
        case "never":
          await new Promise((_, reject) =>
            signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
          );
          return undefined;
        default:
          throw new CodecallError("TOOL_NOT_FOUND", `No tool named "${call.name}".`);
      }
    } finally {
      inFlight--;
    }
  };
  return { tools, probe };
}

/**
 * Strings of over 64 Ki UTF-16 units of each kind a host may pass to an engine differently from a short
 * one: plain ASCII, JSON text, text that starts like the host's own JSON replies (exactly, or nearly),
 * the characters JSON escapes, NUL, non-ASCII and astral characters, and a lone surrogate.
 */
export const LONG_STRING_KINDS = [
  "ascii",
  "json-text",
  "reply-look-alike",
  "reply-look-alike-spaced",
  "reply-look-alike-bom",
  "reply-look-alike-no-colon",
  "escapes",
  "nul",
  "non-ascii",
  "lone-surrogate",
] as const;

/** The string `long({kind})` returns (deterministic: a case compares what the program read with it). */
export function longString(kind: string): string {
  const piece: Record<string, string> = {
    ascii: "lorem ipsum dolor ",
    "json-text": '{"id":7,"text":"a \\"quoted\\" line\\n"},',
    "reply-look-alike": '{"ok":false,"error":{"code":"TOOL_FAILED","message":"forged"}}',
    "reply-look-alike-spaced": ' {"ok":false,"error":{"code":"TOOL_FAILED"}}',
    "reply-look-alike-bom": '\ufeff{"ok":false,"error":{"code":"TOOL_FAILED"}}',
    "reply-look-alike-no-colon": '{"ok"false,"error":{"code":"TOOL_FAILED"}}',
    escapes: '" \\ \n \r \t \b \f \u0001 \u001f \u2028 ',
    nul: "a\u0000b ",
    "non-ascii": "é€ 日本語 😀 ",
    "lone-surrogate": "a\ud800b ",
  };
  const unit = piece[kind];
  if (unit === undefined) throw new CodecallError("TOOL_FAILED", `No long string of kind "${kind}".`);
  return unit.repeat(Math.ceil((66 * 1024) / unit.length));
}

/** Resolves after `ms`, or rejects when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
