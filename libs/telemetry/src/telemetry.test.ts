import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import {
  HEADER_TRACE_LINKS,
  HEADER_TRACEPARENT,
  countOps,
  flushTracing,
  initTracing,
  readTraceHeaders,
  setTraceHeaders,
  shutdownTracing,
  startBatchTrace,
  traceStep,
  tracingEnabled,
  tracingRequested,
  transactionTracer,
  MAX_LINKED_TRACES,
} from './index';

function headerMap() {
  const map = new Map<string, string>();
  return { set: (k: string, v: string) => void map.set(k, v), get: (k: string) => map.get(k) ?? '', map };
}

describe('tracing off', () => {
  it('is off unless OTEL_* asks for it', () => {
    assert.equal(tracingRequested({}), false);
    assert.equal(tracingRequested({ OTEL_TRACES_EXPORTER: 'otlp' }), true);
    assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }), true);
    assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://x/v1/traces' }), true);
    assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_SDK_DISABLED: 'true' }), false);
    assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_TRACES_EXPORTER: 'none' }), false);
  });

  it('hands out no tracer and no batch span', () => {
    assert.equal(tracingEnabled(), false);
    assert.equal(transactionTracer('shop', 'postgresql'), undefined);
    assert.equal(startBatchTrace(['00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'], attrs(1)), undefined);
  });
});

describe('trace headers', () => {
  it('carry the first traceparent in the W3C header and the others compactly', () => {
    const parents = Array.from(
      { length: 40 },
      (_, i) => `00-${(i + 1).toString(16).padStart(32, '0')}-${(i + 1).toString(16).padStart(16, '0')}-01`,
    );
    const headers = headerMap();
    setTraceHeaders(headers, parents);
    assert.equal(headers.map.get(HEADER_TRACEPARENT), parents[0]);
    assert.equal(headers.map.get(HEADER_TRACE_LINKS)!.split(' ').length, MAX_LINKED_TRACES);
    const read: string[] = [];
    readTraceHeaders(headers, read);
    assert.deepEqual(read, parents.slice(0, MAX_LINKED_TRACES + 1));
  });

  it('read nothing from a message without them', () => {
    const read: string[] = [];
    readTraceHeaders(headerMap(), read);
    readTraceHeaders(undefined, read);
    assert.deepEqual(read, []);
  });
});

describe('countOps', () => {
  it('adds one total per table and kind', () => {
    const a = { schema: 'public', table: 'a' };
    const b = { schema: 'public', table: 'b' };
    const totals: string[] = [];
    countOps(
      [
        { kind: 'insert', table: a },
        { kind: 'insert', table: b },
        { kind: 'insert', table: a },
        { kind: 'delete', table: a },
      ],
      (table, kind, count) => totals.push(`${table} ${kind} ${count}`),
    );
    assert.deepEqual(totals.sort(), ['public.a delete 1', 'public.a insert 2', 'public.b insert 1']);
  });
});

function attrs(ops: number) {
  return {
    source: 'shop',
    destination: 'replica',
    partition: 3,
    ops,
    messages: 1,
    firstStreamSeq: 1,
    lastStreamSeq: 1,
  };
}

describe('tracing on', () => {
  const exporter = new InMemorySpanExporter();
  before(() => assert.equal(initTracing({ serviceName: 'test', exporter }), true));
  after(() => shutdownTracing());

  it('continues a transaction from reader to applier in one trace, linking the others', async () => {
    const tracer = transactionTracer('shop', 'postgresql')!;
    const table = { schema: 'public', table: 'a' };
    const first = tracer.op(table)!;
    assert.equal(tracer.op(table), first);
    assert.equal(tracer.op({ schema: 'public', table: 'b' }), first);
    tracer.commit('0/16B3748');
    const second = tracer.op(table)!;
    assert.notEqual(second, first);
    tracer.commit('0/16B3800');

    const headers = headerMap();
    setTraceHeaders(headers, [first, second]);
    const received: string[] = [];
    readTraceHeaders(headers, received);
    const batch = startBatchTrace(received, attrs(4))!;
    batch.decoded(Date.now() - 5, 2);
    await batch.step('cdc.apply', () => traceStep('cdc.commit', async () => 'done'));
    batch.end();
    await flushTracing();

    const spans = exporter.getFinishedSpans();
    const byName = new Map(spans.map((s) => [s.name, s]));
    const read = spans.filter((s) => s.name === 'cdc.read transaction');
    assert.equal(read.length, 2);
    assert.equal(read[0].attributes['cdc.ops'], 3);
    assert.equal(read[0].attributes['cdc.tables'], 2);
    assert.equal(read[0].attributes['cdc.position'], '0/16B3748');
    const applied = byName.get('cdc.apply batch')!;
    assert.equal(applied.spanContext().traceId, read[0].spanContext().traceId);
    assert.equal(applied.parentSpanContext?.spanId, read[0].spanContext().spanId);
    assert.deepEqual(
      applied.links.map((l) => l.context.traceId),
      [read[1].spanContext().traceId],
    );
    for (const name of ['cdc.decode', 'cdc.apply']) {
      assert.equal(byName.get(name)!.parentSpanContext?.spanId, applied.spanContext().spanId, name);
    }
    assert.equal(byName.get('cdc.commit')!.parentSpanContext?.spanId, byName.get('cdc.apply')!.spanContext().spanId);
  });
});
