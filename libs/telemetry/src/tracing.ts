import {
  ROOT_CONTEXT,
  TraceFlags,
  context,
  propagation,
  trace,
  type Context,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator, getNumberFromEnv, getStringFromEnv } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, envDetector, detectResources, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

const TRACER_NAME = 'cdc';

/** Set once per process by initTracing; every hot path checks only this. */
let active: { provider: TracerProvider; tracer: Tracer } | undefined;

/**
 * True when the environment asks for trace export: OTEL_TRACES_EXPORTER=otlp, or an OTLP
 * endpoint (OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), unless
 * OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none.
 */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return false;
  if (exporter === 'otlp') return true;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

export interface TracingOptions {
  /** service.name unless OTEL_SERVICE_NAME says otherwise (e.g. "cdc-reader"). */
  readonly serviceName: string;
  /** Tests: export here instead of OTLP, and turn tracing on regardless of the environment. */
  readonly exporter?: SpanExporter;
}

/**
 * Turns tracing on when the environment asks for it (see tracingRequested). Otherwise nothing
 * is registered: the OpenTelemetry API stays the no-op, and `tracingEnabled()` is false, so
 * the hot paths skip every tracing step. Returns whether tracing is on.
 */
export function initTracing(options: TracingOptions): boolean {
  if (active) return true;
  if (!options.exporter && !tracingRequested()) return false;
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new TracerProvider({
    resource,
    sampler: samplerFromEnv(),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: options.exporter ?? new OTLPTraceExporter(),
        scheduledDelayMillis: getNumberFromEnv('OTEL_BSP_SCHEDULE_DELAY') ?? 1_000,
        maxQueueSize: getNumberFromEnv('OTEL_BSP_MAX_QUEUE_SIZE') ?? 8_192,
        maxExportBatchSize: getNumberFromEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE') ?? 512,
        exportTimeoutMillis: getNumberFromEnv('OTEL_BSP_EXPORT_TIMEOUT') ?? 30_000,
      }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  active = { provider, tracer: provider.getTracer(TRACER_NAME) };
  return true;
}

/** Exports what is buffered and stops (call on shutdown; spans of the last batch are kept). */
export async function shutdownTracing(): Promise<void> {
  const current = active;
  if (!current) return;
  active = undefined;
  await current.provider.shutdown().catch(() => undefined);
  trace.disable();
  context.disable();
  propagation.disable();
}

/** Exports every ended span now (tests, and before a planned exit). */
export async function flushTracing(): Promise<void> {
  await active?.provider.forceFlush();
}

export function tracingEnabled(): boolean {
  return active !== undefined;
}

/** The tracer, or undefined when tracing is off. */
export function activeTracer(): Tracer | undefined {
  return active?.tracer;
}

/**
 * OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG as the spec defines them (default
 * parentbased_always_on). The SDK 3 provider no longer reads them itself.
 */
function samplerFromEnv(): Sampler {
  const name = getStringFromEnv('OTEL_TRACES_SAMPLER')?.toLowerCase() ?? 'parentbased_always_on';
  const ratio = Math.min(1, Math.max(0, Number(getStringFromEnv('OTEL_TRACES_SAMPLER_ARG') ?? '1') || 0));
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A W3C traceparent ("00-<trace id>-<span id>-<flags>") as a remote span context. */
export function parseTraceparent(value: string | undefined): SpanContext | undefined {
  if (!value) return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return undefined;
  return { traceId: match[1], spanId: match[2], traceFlags: parseInt(match[3], 16), isRemote: true };
}

export function formatTraceparent(span: SpanContext): string {
  return `00-${span.traceId}-${span.spanId}-0${span.traceFlags & TraceFlags.SAMPLED}`;
}

/** The context whose parent is the given remote span. */
export function contextOf(parent: SpanContext | undefined): Context {
  return parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
}

/**
 * Runs `work` as a child span of the active span (a sink's commit inside the applier's apply
 * span). Without tracing, or without an active span, it is just `work()`.
 */
export async function traceStep<T>(name: string, work: () => Promise<T>): Promise<T> {
  const tracer = active?.tracer;
  if (!tracer || !trace.getActiveSpan()) return work();
  return tracer.startActiveSpan(name, async (span: Span) => {
    try {
      return await work();
    } catch (error) {
      recordError(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

export function recordError(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : new Error(String(error)));
  span.setStatus({ code: 2, message: error instanceof Error ? error.message : String(error) });
}
