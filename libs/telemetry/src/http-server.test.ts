import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Registry } from 'prom-client';
import { ServiceHealth } from './health';
import { HttpAddressError, parseHttpAddress, startTelemetryServer } from './http-server';

describe('telemetry HTTP server', () => {
  it('serves /metrics, /healthz and /readyz from the registry and health it is given', async () => {
    const registry = new Registry();
    const counter = new Counter({
      name: 'cdc_test_total',
      help: 'test',
      labelNames: ['source'],
      registers: [registry],
    });
    counter.inc({ source: 'shop' }, 3);
    const health = new ServiceHealth();
    const server = await startTelemetryServer('127.0.0.1:0', { registry, health });
    const get = async (path: string) => {
      const response = await fetch(`http://${server.address}${path}`);
      return { status: response.status, body: await response.text() };
    };
    try {
      assert.match((await get('/metrics')).body, /cdc_test_total\{source="shop"\} 3/);
      assert.equal((await get('/readyz')).status, 503, 'nothing registered yet: still starting');
      health.setReady('reader shop: nats', true);
      health.setReady('reader shop: source', false);
      const notReady = await get('/readyz');
      assert.equal(notReady.status, 503);
      assert.match(notReady.body, /reader shop: source/);
      health.setReady('reader shop: source', true);
      assert.equal((await get('/readyz')).status, 200);

      health.beat('coordinator', 60_000);
      assert.equal((await get('/healthz')).status, 200);
      health.fail('applier replica: partition shop/3', 'stopped');
      const unhealthy = await get('/healthz');
      assert.equal(unhealthy.status, 503);
      assert.match(unhealthy.body, /partition shop\/3: stopped/);
      health.recover('applier replica: partition shop/3');
      health.beat('coordinator', -1);
      assert.equal((await get('/healthz')).status, 503, 'a silent loop is not healthy');
      assert.equal((await get('/nope')).status, 404);
    } finally {
      await server.close();
    }
  });

  it('parses host:port', () => {
    assert.deepEqual(parseHttpAddress('0.0.0.0:9400'), { host: '0.0.0.0', port: 9400 });
    assert.deepEqual(parseHttpAddress('[::1]:80'), { host: '::1', port: 80 });
    assert.deepEqual(parseHttpAddress(':9400'), { host: '0.0.0.0', port: 9400 });
    assert.throws(() => parseHttpAddress('9400'), HttpAddressError);
    assert.throws(() => parseHttpAddress('x:99999'), HttpAddressError);
  });
});
