// One trace per change, in a real Jaeger: the reader and the applier export over OTLP to
// Jaeger v2 (tools/testenv/install-jaeger.sh), and Jaeger's query API must return one trace
// holding the reader's transaction span and the applier's batch, decode, apply and commit spans.
// Also: /metrics, /readyz and /healthz of the services (CDC_HTTP_ADDR).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFreePort, startJaeger, type JaegerServer, type JaegerTrace } from '@cdc/testenv';
import { startPipelineFixture, waitFor, type PipelineFixture } from './pipeline-fixture';

describe('tracing into a real Jaeger', { timeout: 240_000 }, () => {
  let jaeger: JaegerServer;
  let fixture: PipelineFixture;

  before(async () => {
    [jaeger, fixture] = await Promise.all([
      startJaeger({ name: 'e2e' }),
      startPipelineFixture({ tables: ['public.*'], partitions: 4 }),
    ]);
    await fixture.sourceQuery('CREATE TABLE orders (id int PRIMARY KEY, note text)');
    await fixture.sourceQuery(
      'CREATE TABLE order_lines (order_id int, line int, sku text, PRIMARY KEY (order_id, line))',
    );
  });

  after(async () => {
    await fixture?.destroy();
    await jaeger?.destroy();
  });

  it('exports one trace per source transaction, from the reader through the applier commit', async () => {
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpUrl,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    const [readerPort, applierPort] = [await findFreePort(), await findFreePort()];
    const reader = fixture.start('reader', { env: { ...otel, CDC_HTTP_ADDR: `127.0.0.1:${readerPort}` } });
    const applier = fixture.start('applier', { env: { ...otel, CDC_HTTP_ADDR: `127.0.0.1:${applierPort}` } });
    const coordinator = fixture.start('coordinator', { env: otel });
    const get = async (port: number, path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: response.status, body: await response.text() };
    };

    // Ready = streaming (after the initial snapshot): a transaction from now on is streamed, not snapshotted.
    await waitFor('reader /readyz', async () => (await get(readerPort, '/readyz')).status === 200);
    await waitFor('applier /readyz', async () => (await get(applierPort, '/readyz')).status === 200);

    await fixture.sourceQuery(`BEGIN;
      INSERT INTO orders VALUES (7, 'traced');
      INSERT INTO order_lines VALUES (7, 1, 'a'), (7, 2, 'b');
      COMMIT`);
    await waitFor(
      'the transaction at the destination',
      async () => (await fixture.destinationQuery('SELECT count(*)::int AS n FROM order_lines'))[0].n === 2,
    );

    let found: JaegerTrace | undefined;
    await waitFor('a trace with the reader and applier spans in Jaeger', async () => {
      for (const summary of await jaeger.findTraces('cdc-reader')) {
        const trace = await jaeger.getTrace(summary.traceID);
        const read = trace?.spans.find((s) => s.operationName === 'cdc.read transaction');
        const ops = read?.tags.find((t) => t.key === 'cdc.ops')?.value;
        if (trace && ops === 3 && trace.spans.some((s) => s.operationName === 'cdc.commit')) {
          found = trace;
          return true;
        }
      }
      return false;
    });
    const trace = found!;
    const serviceOf = (processID: string) => trace.processes[processID].serviceName;
    const spans = new Map(trace.spans.map((s) => [s.operationName, s]));
    const read = spans.get('cdc.read transaction')!;
    const tag = (key: string) => read.tags.find((t) => t.key === key)?.value;
    assert.equal(serviceOf(read.processID), 'cdc-reader');
    assert.equal(tag('cdc.source'), 'shop');
    assert.equal(tag('cdc.tables'), 2);
    assert.match(String(tag('cdc.position')), /^[0-9A-F]+\/[0-9A-F]+$/);

    // The two tables may hash to different partitions: one batch span per partition, each a child of the read span.
    const batches = trace.spans.filter((s) => s.operationName === 'cdc.apply batch');
    assert.ok(batches.length >= 1, 'an applier batch span');
    for (const batch of batches) {
      assert.equal(serviceOf(batch.processID), 'cdc-applier');
      assert.deepEqual(
        batch.references.map((r) => [r.refType, r.spanID]),
        [['CHILD_OF', read.spanID]],
      );
    }
    const batchIds = new Set(batches.map((b) => b.spanID));
    for (const name of ['cdc.decode', 'cdc.apply', 'cdc.ack']) {
      const span = spans.get(name);
      assert.ok(span, `span ${name}`);
      assert.ok(batchIds.has(span.references[0]?.spanID), `${name} is a child of a batch span`);
    }
    const apply = trace.spans.filter((s) => s.operationName === 'cdc.apply').map((s) => s.spanID);
    const commit = spans.get('cdc.commit')!;
    assert.ok(apply.includes(commit.references[0]?.spanID), 'cdc.commit is a child of cdc.apply');
    assert.deepEqual(new Set(trace.spans.map((s) => serviceOf(s.processID))), new Set(['cdc-reader', 'cdc-applier']));

    // The coordinator traces its computation (its own traces).
    await waitFor('coordinator traces', async () => (await jaeger.services()).includes('cdc-coordinator'));

    // Metrics that operators expect, on each service's /metrics.
    const applierMetrics = (await get(applierPort, '/metrics')).body;
    assert.match(
      applierMetrics,
      /cdc_applier_ops_total\{source="shop",destination="replica",table="public.order_lines",kind="insert"\} 2/,
    );
    assert.match(applierMetrics, /cdc_applier_apply_seconds_count\{source="shop",destination="replica"\} [1-9]/);
    assert.match(applierMetrics, /cdc_replication_lag_seconds\{source="shop",destination="replica",partition="\d"\}/);
    const readerMetrics = (await get(readerPort, '/metrics')).body;
    assert.match(readerMetrics, /cdc_reader_ops_total\{source="shop",table="public.orders",kind="insert"\} 1/);
    assert.match(readerMetrics, /cdc_replication_lag_bytes\{source="shop"\} \d+/);
    assert.equal((await get(readerPort, '/healthz')).status, 200);
    assert.equal((await get(applierPort, '/healthz')).status, 200);

    for (const service of [reader, applier, coordinator]) assert.equal(await fixture.stop(service, 'SIGTERM'), 0);
  });
});
