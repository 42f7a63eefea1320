import { ROOT_CONTEXT, SpanKind, TraceFlags, context, trace, type Link, type Span } from '@opentelemetry/api';
import { activeTracer, contextOf, formatTraceparent, parseTraceparent, recordError } from './tracing';

/** W3C header: the first (representative) traced transaction of a message. */
export const HEADER_TRACEPARENT = 'traceparent';
/**
 * The message's other traced transactions, as `<trace id>-<span id>` pairs separated by
 * spaces (all sampled: unsampled transactions are never put on a message).
 */
export const HEADER_TRACE_LINKS = 'Cdc-Trace-Links';
/** More transactions than this in one message are counted, not linked (keeps headers small). */
export const MAX_LINKED_TRACES = 32;

/** A source transaction as the reader sees it: ops arrive one by one, then the commit. */
export interface TransactionTrace {
  /**
   * Counts one op of the current transaction (starting its span on the first op) and returns
   * the traceparent for the op's message, or undefined when the transaction is not sampled.
   */
  op(table: object): string | undefined;
  /** Ends the transaction's span with its position (an LSN, a VGtid) as text. */
  commit(position: string, attributes?: Readonly<Record<string, string | number>>): void;
  /** Ends an open span without a commit (the stream broke mid-transaction). */
  abandon(reason: string): void;
}

/**
 * A transaction tracer for one source, or undefined when tracing is off: readers keep
 * `tracer?.op(table)` on their hot path, which costs nothing when off. One span per source
 * transaction (`cdc.read transaction`) with the source, position, table count and op count.
 */
export function transactionTracer(source: string, system: string): TransactionTrace | undefined {
  const tracer = activeTracer();
  if (!tracer) return undefined;
  let span: Span | undefined;
  let traceparent: string | undefined;
  let ops = 0;
  // Reused across transactions: most touch a table or two, so a linear scan beats a Set.
  const tables: object[] = [];
  let lastTable: object | undefined;
  const reset = () => {
    span = undefined;
    traceparent = undefined;
    ops = 0;
    tables.length = 0;
    lastTable = undefined;
  };
  return {
    op(table) {
      if (!span) {
        span = tracer.startSpan(
          'cdc.read transaction',
          { kind: SpanKind.PRODUCER, attributes: { 'cdc.source': source, 'db.system.name': system } },
          ROOT_CONTEXT,
        );
        traceparent = span.isRecording() ? formatTraceparent(span.spanContext()) : undefined;
      }
      ops += 1;
      if (table !== lastTable) {
        lastTable = table;
        if (!tables.includes(table)) tables.push(table);
      }
      return traceparent;
    },
    commit(position, attributes) {
      if (!span) return;
      span.setAttributes({ 'cdc.position': position, 'cdc.tables': tables.length, 'cdc.ops': ops, ...attributes });
      span.end();
      reset();
    },
    abandon(reason) {
      if (!span) return;
      span.setAttributes({ 'cdc.ops': ops, 'cdc.tables': tables.length });
      span.setStatus({ code: 2, message: reason });
      span.end();
      reset();
    },
  };
}

/** Header writer of a message publisher (nats.js MsgHdrs fits). */
export interface HeaderWriter {
  set(key: string, value: string): void;
}
/** Header reader of a received message (nats.js MsgHdrs fits). */
export interface HeaderReader {
  get(key: string): string;
}

/**
 * Puts a message's traced transactions (distinct traceparents, in source order) on its
 * headers: the first in `traceparent`, up to MAX_LINKED_TRACES others in Cdc-Trace-Links.
 */
export function setTraceHeaders(headers: HeaderWriter, traceparents: readonly string[]): void {
  if (traceparents.length === 0) return;
  headers.set(HEADER_TRACEPARENT, traceparents[0]);
  if (traceparents.length === 1) return;
  const links: string[] = [];
  for (let i = 1; i < traceparents.length && links.length < MAX_LINKED_TRACES; i += 1) {
    // "00-<trace>-<span>-01" → "<trace>-<span>"
    links.push(traceparents[i].slice(3, 52));
  }
  headers.set(HEADER_TRACE_LINKS, links.join(' '));
}

/** Appends a received message's traceparents (see setTraceHeaders) to `into`. */
export function readTraceHeaders(headers: HeaderReader | undefined, into: string[]): void {
  if (!headers) return;
  const first = headers.get(HEADER_TRACEPARENT);
  if (!first) return;
  into.push(first);
  const links = headers.get(HEADER_TRACE_LINKS);
  if (!links) return;
  for (const pair of links.split(' ')) if (pair.length === 49) into.push(`00-${pair}-01`);
}

export interface BatchTraceAttributes {
  readonly source: string;
  readonly destination: string;
  readonly partition: number;
  readonly ops: number;
  readonly messages: number;
  readonly firstStreamSeq: number;
  readonly lastStreamSeq: number;
}

/** The applier's span of one batch (one destination transaction). */
export interface BatchTrace {
  /** Records the decoding of the batch's messages, done while they arrived. */
  decoded(startedAtMs: number, durationMs: number): void;
  /** Runs one step (apply, ack) as a child span; spans the sink opens inside become its children. */
  step<T>(name: string, work: () => Promise<T>): Promise<T>;
  end(error?: unknown): void;
}

const MAX_BATCH_LINKS = 128;

/**
 * Starts `cdc.apply batch` for a batch whose messages carried the given traceparents, or
 * returns undefined when tracing is off or nothing in the batch was traced. The span
 * continues the first transaction's trace (so a lone transaction is one trace from reader to
 * destination commit) and links every other transaction of the batch.
 */
export function startBatchTrace(
  traceparents: readonly string[],
  attributes: BatchTraceAttributes,
): BatchTrace | undefined {
  const tracer = activeTracer();
  if (!tracer || traceparents.length === 0) return undefined;
  const parent = parseTraceparent(traceparents[0]);
  const links: Link[] = [];
  const seen = new Set<string>([traceparents[0]]);
  for (let i = 1; i < traceparents.length && links.length < MAX_BATCH_LINKS; i += 1) {
    if (seen.has(traceparents[i])) continue;
    seen.add(traceparents[i]);
    const linked = parseTraceparent(traceparents[i]);
    if (linked) links.push({ context: { ...linked, traceFlags: TraceFlags.SAMPLED } });
  }
  const span = tracer.startSpan(
    'cdc.apply batch',
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'cdc.source': attributes.source,
        'cdc.destination': attributes.destination,
        'cdc.partition': attributes.partition,
        'cdc.ops': attributes.ops,
        'cdc.messages': attributes.messages,
        'cdc.traces': seen.size,
        'messaging.system': 'nats',
        'cdc.stream_seq.first': attributes.firstStreamSeq,
        'cdc.stream_seq.last': attributes.lastStreamSeq,
      },
    },
    contextOf(parent),
  );
  const spanContext = trace.setSpan(context.active(), span);
  return {
    decoded(startedAtMs, durationMs) {
      tracer
        .startSpan('cdc.decode', { startTime: startedAtMs, attributes: { 'cdc.ops': attributes.ops } }, spanContext)
        .end(startedAtMs + durationMs);
    },
    step(name, work) {
      return context.with(spanContext, () =>
        tracer.startActiveSpan(name, async (child) => {
          try {
            return await work();
          } catch (error) {
            recordError(child, error);
            throw error;
          } finally {
            child.end();
          }
        }),
      );
    },
    end(error) {
      if (error !== undefined) recordError(span, error);
      span.end();
    },
  };
}

/** A span for one pass of a periodic computation (the coordinator's committed position). */
export async function traceComputation<T>(
  name: string,
  attributes: Readonly<Record<string, string | number>>,
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  const tracer = activeTracer();
  if (!tracer) return work(undefined);
  return tracer.startActiveSpan(name, { attributes }, ROOT_CONTEXT, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordError(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
