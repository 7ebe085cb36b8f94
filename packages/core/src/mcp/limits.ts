/** Byte caps on what servers send back, enforced while the bytes arrive where the transport allows it. */
import { AsyncLocalStorage } from "node:async_hooks";
import { CodecallError } from "../errors.js";

/** 10 MiB: the default cap on one tool result, the same as the MCP SDK's stdio buffer. */
export const DEFAULT_MAX_RESULT_BYTES = 10 * 1024 * 1024;

/** The call a fetch belongs to, so an oversized response fails that call and no other. */
export interface CallScope {
  fail(error: CodecallError): void;
  describe: string;
}

/** Set around each tools/call; read by {@link limitedFetch}. */
export const callScope = new AsyncLocalStorage<CallScope>();

/** The TOOL_RESULT_TOO_LARGE error for a result over `limit` bytes. */
export function resultTooLarge(what: string, limit: number, seen?: number): CodecallError {
  const size = seen === undefined ? "more than" : `at least ${seen} bytes, more than`;
  return new CodecallError(
    "TOOL_RESULT_TOO_LARGE",
    `The result of ${what} was ${size} the ${limit}-byte cap; it was dropped unread.`,
    { details: { limit } },
  );
}

/**
 * A `fetch` for the HTTP transports whose POST responses stop at `limit` bytes: the body is counted as it
 * streams and cut off at the cap, so an oversized result is never held in memory. The call in whose scope
 * the request was sent fails with TOOL_RESULT_TOO_LARGE. Long-lived GET event streams are not capped.
 */
export function limitedFetch(limit: number): typeof fetch {
  return async (input, init) => {
    const scope = callScope.getStore();
    const response = await fetch(input, init);
    if (init?.method !== "POST" || response.body === null || scope === undefined) return response;
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    if (declared > limit) {
      await response.body.cancel().catch(() => {});
      const error = resultTooLarge(scope.describe, limit, declared);
      scope.fail(error);
      throw error;
    }
    let seen = 0;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) {
          const error = resultTooLarge(scope.describe, limit, seen);
          scope.fail(error);
          controller.error(error);
          return;
        }
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(counter), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
