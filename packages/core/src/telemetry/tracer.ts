/**
 * OpenTelemetry through `@opentelemetry/api` alone: an optional peer dependency, loaded on first use. Without
 * it, or without an SDK the application registered, every span here is a no-op. Only types are imported
 * statically, so importing core costs nothing for tracing.
 */
import type { Attributes, Context, Span } from "@opentelemetry/api";
import { CodecallError } from "../errors.js";

/** The instrumentation scope name spans are reported under. */
export const TRACER_NAME = "@codecall/core";

/** A span's parent: an OpenTelemetry context (kept opaque so public types never name the API). */
export type TraceParent = unknown;

/** One span, or nothing when tracing is off. */
export interface TraceSpan {
  /** False for a no-op span: skip work that only feeds attributes (sizes, say). */
  readonly recording: boolean;
  /** The context whose active span is this one, to parent children on. */
  readonly context: TraceParent;
  set(attributes: Attributes): void;
  event(name: string, attributes?: Attributes): void;
  /** Marks the span failed with the error's code (never its message: it may quote tool output). */
  fail(error: unknown): void;
  end(): void;
}

/** Starts spans; {@link loadTelemetry} gives the one in use. */
export interface Telemetry {
  /** Starts a span under `parent` (default: the active context). */
  start(name: string, attributes?: Attributes, parent?: TraceParent): TraceSpan;
  /** Runs `work` with `span` active, so spans started inside (by other instrumentation too) are its children. */
  with<T>(span: TraceSpan, work: () => T): T;
}

const NOOP_SPAN: TraceSpan = {
  recording: false,
  context: undefined,
  set() {},
  event() {},
  fail() {},
  end() {},
};

const NOOP: Telemetry = { start: () => NOOP_SPAN, with: (_span, work) => work() };

let loading: Promise<Telemetry> | undefined;

/**
 * The telemetry in use: backed by `@opentelemetry/api` when the application has it installed (spans are
 * recorded once it registers an SDK, even after this call), else a no-op.
 */
export function loadTelemetry(): Promise<Telemetry> {
  loading ??= import("@opentelemetry/api").then(fromApi, () => NOOP);
  return loading;
}

type Api = typeof import("@opentelemetry/api");

function fromApi(api: Api): Telemetry {
  const tracer = api.trace.getTracer(TRACER_NAME);
  const wrap = (span: Span, context: Context): TraceSpan => ({
    recording: span.isRecording(),
    context,
    set: (attributes) => span.setAttributes(attributes),
    event: (name, attributes) => span.addEvent(name, attributes),
    fail(error) {
      const code = CodecallError.isInstance(error) ? error.code : "INTERNAL";
      span.setAttribute("error.type", code);
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: code });
    },
    end: () => span.end(),
  });
  return {
    start(name, attributes, parent) {
      const base = (parent as Context | undefined) ?? api.context.active();
      const span = tracer.startSpan(name, attributes ? { attributes } : {}, base);
      return wrap(span, api.trace.setSpan(base, span));
    },
    with(span, work) {
      const context = span.context as Context | undefined;
      return context === undefined ? work() : api.context.with(context, work);
    },
  };
}
